import type { Queryable } from './db.js';

import type { OwnerType } from '../ownership/owner-type.js';

export interface InferenceRow {
  resource_id: string;
  slot: OwnerType;
  owner_type: string;
  owner_handle: string | null;
  confidence: number;
  status: string;
  explanation: string;
  sources: unknown[];
  evidence_versions: unknown[];
  votes: unknown[];
  checksum: string;
  created_at: number;
  updated_at: number;
  failed_at: number | null;
  failure_reason: string | null;
  retry_schedule: unknown;
}

export interface HistoryRow extends Omit<InferenceRow, 'votes' | 'updated_at'> {
  id: number;
  /** The review that wrote this entry (its feedback, written at the same instant for the same owner type), if one did. */
  review_action?: string | null;
  review_actor?: string | null;
  review_reason?: string | null;
}

const COLS = `resource_id, slot, owner_type, owner_handle, confidence, status, explanation, sources, evidence_versions, votes, checksum,
  created_at, updated_at, failed_at, failure_reason, retry_schedule`;

export async function inferencesOf(db: Queryable, orgId: string, resourceId: string, lock = false): Promise<InferenceRow[]> {
  return (
    await db.query<InferenceRow>(
      `SELECT ${COLS} FROM ownership_inferences WHERE org_id = $1 AND resource_id = $2 ORDER BY array_position(ARRAY['team','user','service'], slot) ${lock ? 'FOR UPDATE' : ''}`,
      [orgId, resourceId],
    )
  ).rows;
}

export async function inferencesOfMany(db: Queryable, orgId: string, resourceIds: string[]): Promise<InferenceRow[]> {
  if (resourceIds.length === 0) return [];
  return (
    await db.query<InferenceRow>(`SELECT ${COLS} FROM ownership_inferences WHERE org_id = $1 AND resource_id = ANY($2::text[])`, [orgId, resourceIds])
  ).rows;
}

let lastId = 0;
/**
 * A history or feedback id as this process sees it: it grows with time and never repeats within the process. Another
 * process may take the same one for the same resource in the same millisecond, so the writers store
 * the larger of it and one past the resource's latest entry, under the resource's write lock.
 */
export function nextHistoryId(now: number): number {
  lastId = Math.max(lastId + 1, now * 1000);
  return lastId;
}

/**
 * The id stored for a resource's entry: the candidate, or one past the resource's latest entry when another process got
 * there first. Every writer of these tables holds the resource's write lock (write-locks.ts), so the latest entry
 * cannot change under it; the key (org, resource, id) needs no global sequence. Written out per statement, so that the
 * store's SQL reads whole (test/integration/citus-readiness.test.ts checks every statement's organization).
 */
// One history entry: $1 organization, $2 resource, $3 candidate.
const ONE_HISTORY_ID = `greatest($3::bigint, coalesce((SELECT max(e.id) FROM ownership_history e WHERE e.org_id = $1 AND e.resource_id = $2), 0) + 1)`;
// One feedback entry, alike.
const ONE_FEEDBACK_ID = `greatest($3::bigint, coalesce((SELECT max(e.id) FROM ownership_feedback e WHERE e.org_id = $1 AND e.resource_id = $2), 0) + 1)`;
// Entries of a batch `r` (several per resource, told apart in candidate order).
const BATCH_HISTORY_ID = `greatest(r.id, coalesce((SELECT max(e.id) FROM ownership_history e WHERE e.org_id = $1 AND e.resource_id = r.resource_id), 0)
  + row_number() OVER (PARTITION BY r.resource_id ORDER BY r.id))`;

/** Writes the current inferences and appends a history entry for each one whose state changed. */
export async function writeInferences(db: Queryable, orgId: string, rows: InferenceRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  const recordset = `jsonb_to_recordset($2::jsonb) AS r(resource_id text, slot text, owner_type text, owner_handle text, confidence double precision,
    status text, explanation text, sources jsonb, evidence_versions jsonb, votes jsonb, checksum text, created_at bigint, updated_at bigint,
    failed_at bigint, failure_reason text, retry_schedule jsonb)`;
  await db.query(
    `INSERT INTO ownership_inferences (org_id, ${COLS})
     SELECT $1, r.resource_id, r.slot, r.owner_type, r.owner_handle, r.confidence, r.status, r.explanation, r.sources, r.evidence_versions, r.votes,
       r.checksum, r.created_at, r.updated_at, r.failed_at, r.failure_reason, r.retry_schedule FROM ${recordset}
     ON CONFLICT (org_id, resource_id, slot) DO UPDATE SET owner_type = EXCLUDED.owner_type, owner_handle = EXCLUDED.owner_handle,
       confidence = EXCLUDED.confidence, status = EXCLUDED.status, explanation = EXCLUDED.explanation, sources = EXCLUDED.sources,
       evidence_versions = EXCLUDED.evidence_versions, votes = EXCLUDED.votes, checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at,
       failed_at = EXCLUDED.failed_at, failure_reason = EXCLUDED.failure_reason, retry_schedule = EXCLUDED.retry_schedule`,
    [orgId, json],
  );
  const history = rows.map((r) => ({ ...r, id: nextHistoryId(now) }));
  await db.query(
    `INSERT INTO ownership_history (org_id, resource_id, id, slot, owner_type, owner_handle, confidence, status, explanation, sources,
       evidence_versions, checksum, created_at, failed_at, failure_reason, retry_schedule)
     SELECT $1, r.resource_id, ${BATCH_HISTORY_ID},
       r.slot, r.owner_type, r.owner_handle, r.confidence, r.status, r.explanation, r.sources, r.evidence_versions,
       r.checksum, r.updated_at, r.failed_at, r.failure_reason, r.retry_schedule
     FROM jsonb_to_recordset($2::jsonb) AS r(resource_id text, id bigint, slot text, owner_type text, owner_handle text, confidence double precision,
       status text, explanation text, sources jsonb, evidence_versions jsonb, checksum text, updated_at bigint, failed_at bigint, failure_reason text, retry_schedule jsonb)`,
    [orgId, JSON.stringify(history)],
  );
}

/** Newest first; `beforeId` continues a page. Returns one more than `limit` so the caller knows whether more remain. */
export async function historyOf(
  db: Queryable,
  orgId: string,
  resourceId: string,
  slot: OwnerType | null,
  limit: number,
  beforeId?: number,
): Promise<HistoryRow[]> {
  return (
    await db.query<HistoryRow>(
      `SELECT h.id, h.resource_id, h.slot, h.owner_type, h.owner_handle, h.confidence, h.status, h.explanation, h.sources, h.evidence_versions,
         h.checksum, h.created_at, h.failed_at, h.failure_reason, h.retry_schedule,
         f.action AS review_action, f.actor AS review_actor, f.reason AS review_reason
       FROM ownership_history h
       LEFT JOIN LATERAL (
         SELECT action, actor, reason FROM ownership_feedback f
         WHERE f.org_id = h.org_id AND f.resource_id = h.resource_id AND f.slot = h.slot AND f.created_at = h.created_at
         ORDER BY f.id DESC LIMIT 1
       ) f ON true
       WHERE h.org_id = $1 AND h.resource_id = $2 AND ($3::text IS NULL OR h.slot = $3) AND ($4::bigint IS NULL OR h.id < $4)
       ORDER BY h.id DESC LIMIT $5`,
      [orgId, resourceId, slot, beforeId ?? null, limit + 1],
    )
  ).rows;
}

/**
 * Applies feedback to the inference only if its checksum is still the given one. Returns false when it is not:
 * of concurrent feedbacks on one checksum, exactly one finds it.
 */
export async function compareAndSetInference(
  db: Queryable,
  orgId: string,
  resourceId: string,
  slot: OwnerType,
  checksum: string,
  next: InferenceRow,
  now: number,
): Promise<boolean> {
  // The new state's columns, in the same order for the current row and its history entry ($5 to $13).
  const state = [
    next.owner_type,
    next.owner_handle,
    next.confidence,
    next.status,
    next.explanation,
    JSON.stringify(next.sources),
    JSON.stringify(next.evidence_versions),
    next.checksum,
    now,
  ];
  const r = await db.query(
    `UPDATE ownership_inferences SET owner_type = $5, owner_handle = $6, confidence = $7, status = $8, explanation = $9, sources = $10::jsonb,
       evidence_versions = $11::jsonb, checksum = $12, updated_at = $13, failed_at = NULL, failure_reason = NULL, retry_schedule = NULL
     WHERE org_id = $1 AND resource_id = $2 AND slot = $3 AND checksum = $4`,
    [orgId, resourceId, slot, checksum, ...state],
  );
  if ((r.affectedRows ?? 0) !== 1) return false;
  await db.query(
    `INSERT INTO ownership_history (org_id, resource_id, id, slot, owner_type, owner_handle, confidence, status, explanation, sources, evidence_versions, checksum, created_at)
     SELECT $1, $2, ${ONE_HISTORY_ID}, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13`,
    [orgId, resourceId, nextHistoryId(now), slot, ...state],
  );
  return true;
}

/** Sets the per-source votes kept with an inference (compareAndSetInference keeps the old ones). */
export async function setInferenceVotes(db: Queryable, orgId: string, resourceId: string, slot: OwnerType, votes: unknown[]): Promise<void> {
  await db.query('UPDATE ownership_inferences SET votes = $4::jsonb WHERE org_id = $1 AND resource_id = $2 AND slot = $3', [
    orgId,
    resourceId,
    slot,
    JSON.stringify(votes),
  ]);
}

export interface FeedbackRow {
  resource_id: string;
  slot: OwnerType;
  action: string;
  checksum: string;
  inferred_owner: string | null;
  corrected_owner: string | null;
  corrected_type: string | null;
  reason: string | null;
  votes: unknown[];
  actor: string;
  created_at: number;
  /** The reviewed inference's confidence (null for labels recorded before it was kept). */
  confidence?: number | null;
}

export async function insertFeedback(db: Queryable, orgId: string, f: FeedbackRow, now: number): Promise<void> {
  await db.query(
    `INSERT INTO ownership_feedback (org_id, resource_id, id, slot, action, checksum, inferred_owner, corrected_owner, corrected_type, reason, votes, actor, created_at, confidence)
     SELECT $1, $2, ${ONE_FEEDBACK_ID}, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14`,
    [
      orgId,
      f.resource_id,
      nextHistoryId(now),
      f.slot,
      f.action,
      f.checksum,
      f.inferred_owner,
      f.corrected_owner,
      f.corrected_type,
      f.reason,
      JSON.stringify(f.votes),
      f.actor,
      f.created_at,
      f.confidence ?? null,
    ],
  );
}

export async function feedbackOf(db: Queryable, orgId: string, resourceId?: string): Promise<FeedbackRow[]> {
  return (
    await db.query<FeedbackRow>(
      `SELECT resource_id, slot, action, checksum, inferred_owner, corrected_owner, corrected_type, reason, votes, actor, created_at, confidence
       FROM ownership_feedback WHERE org_id = $1 AND ($2::text IS NULL OR resource_id = $2) ORDER BY created_at, id`,
      [orgId, resourceId ?? null],
    )
  ).rows;
}

export interface SettingsRow {
  auto_tag: boolean;
  confidence_level: 'high' | 'medium' | 'low';
  version: number;
  weights: unknown;
  updated_at: number;
}

export async function getSettings(db: Queryable, orgId: string): Promise<SettingsRow> {
  const row = (
    await db.query<SettingsRow>('SELECT auto_tag, confidence_level, version, weights, updated_at FROM ownership_settings WHERE org_id = $1', [orgId])
  ).rows[0];
  return row ?? { auto_tag: true, confidence_level: 'high', version: 0, weights: null, updated_at: 0 };
}

export async function saveSettings(
  db: Queryable,
  orgId: string,
  s: { auto_tag: boolean; confidence_level: string },
  now: number,
): Promise<SettingsRow> {
  const row = (
    await db.query<SettingsRow>(
      `INSERT INTO ownership_settings (org_id, auto_tag, confidence_level, version, updated_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (org_id) DO UPDATE SET auto_tag = EXCLUDED.auto_tag, confidence_level = EXCLUDED.confidence_level,
         version = ownership_settings.version + 1, updated_at = EXCLUDED.updated_at
       RETURNING auto_tag, confidence_level, version, weights, updated_at`,
      [orgId, s.auto_tag, s.confidence_level, now],
    )
  ).rows[0]!;
  return row;
}

export async function saveWeights(db: Queryable, orgId: string, weights: unknown, now: number): Promise<void> {
  await db.query(
    `INSERT INTO ownership_settings (org_id, weights, updated_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (org_id) DO UPDATE SET weights = EXCLUDED.weights`,
    [orgId, JSON.stringify(weights), now],
  );
}

export async function appliedWeights(db: Queryable, orgId: string): Promise<unknown> {
  return (
    (await db.query<{ weights_applied: unknown }>('SELECT weights_applied FROM ownership_settings WHERE org_id = $1', [orgId])).rows[0]
      ?.weights_applied ?? null
  );
}

export async function saveAppliedWeights(db: Queryable, orgId: string, weights: unknown): Promise<void> {
  await db.query('UPDATE ownership_settings SET weights_applied = $2::jsonb WHERE org_id = $1', [orgId, JSON.stringify(weights)]);
}

/** Owners rejected by review, per resource. */
export async function rejectedOwnersOf(
  db: Queryable,
  orgId: string,
  resourceIds: string[],
): Promise<Map<string, Array<{ owner_type: OwnerType; handle: string }>>> {
  const out = new Map<string, Array<{ owner_type: OwnerType; handle: string }>>();
  if (resourceIds.length === 0) return out;
  const rows = (
    await db.query<{ resource_id: string; slot: OwnerType; inferred_owner: string }>(
      `SELECT resource_id, slot, inferred_owner FROM ownership_feedback
       WHERE org_id = $1 AND resource_id = ANY($2::text[]) AND action = 'reject' AND inferred_owner IS NOT NULL ORDER BY created_at, id`,
      [orgId, resourceIds],
    )
  ).rows;
  for (const r of rows)
    (out.get(r.resource_id) ?? out.set(r.resource_id, []).get(r.resource_id)!).push({ owner_type: r.slot, handle: r.inferred_owner });
  return out;
}

export async function orgsWithLearntWeights(db: Queryable): Promise<string[]> {
  return (await db.query<{ org_id: string }>('SELECT org_id FROM ownership_settings WHERE weights IS NOT NULL ORDER BY org_id')).rows.map(
    (r) => r.org_id,
  );
}
