// Mute writes: a mute or unmute is one more state in each finding's history, and the expiry of a mute is written into
// history at the instant it expired.
import type { Queryable } from './db.js';
import { OPEN_ENDED, writeStates, type StoredState } from './finding-states.js';
import type { FindingState, MuteState } from '../posture/finding-state.js';

const STATE_COLUMNS = `finding_id, valid_from, status, evaluation, evaluation_changed_at, resource_discovery_date, resource_id, resource_name,
  resource_type, rule_id, rule_name, vulnerability_type, tags, muted, mute, mute_expires_at`;

/** Current states of the given findings, locked until the transaction ends; concurrent mutes of one org take turns. */
export async function lockCurrentStates(tx: Queryable, orgId: string, findingIds: string[]): Promise<Map<string, StoredState>> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('finding-mutes:' || $1::text))`, [orgId]);
  const rows = (
    await tx.query<StoredState>(
      `SELECT ${STATE_COLUMNS} FROM finding_states WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED} FOR UPDATE`,
      [orgId, findingIds],
    )
  ).rows;
  return new Map(rows.map((r) => [r.finding_id, r]));
}

export interface MuteChange {
  muted: boolean;
  /** The state's mute record (for an unmute: who unmuted, why). */
  mute: MuteState & Record<string, unknown>;
  expiresAt: number | null;
}

/** Writes one new state per finding at `now`, identical but for the mute; `actor` is recorded as who changed it. */
export async function writeMutes(tx: Queryable, orgId: string, current: StoredState[], change: MuteChange, now: number, actor: string): Promise<void> {
  const open: FindingState[] = current.map((s) => ({
    finding_id: s.finding_id,
    resource_id: s.resource_id,
    resource_name: s.resource_name,
    resource_type: s.resource_type,
    rule_id: s.rule_id,
    rule_name: s.rule_name,
    vulnerability_type: s.vulnerability_type,
    status: s.status,
    evaluation: s.evaluation,
    evaluation_changed_at: Number(s.evaluation_changed_at),
    resource_discovery_date: Number(s.resource_discovery_date),
    tags: s.tags,
    muted: change.muted,
    mute: change.mute,
    mute_expires_at: change.expiresAt,
  }));
  await writeStates(tx, orgId, open.map((s) => s.finding_id), open, now, actor);
}

export const MUTE_EXPIRY_ACTOR = 'mute-expiry';

/**
 * Ends every mute that expired by `now`, in all organizations: the muted state closes at its expiry instant and an
 * unmuted copy opens there. A muted state that opened after its own expiry (a later change carried an expired mute
 * over) already reads as unmuted at every instant it covers, so it is rewritten in place. Answers never change: a mute
 * whose expiry is at or before T already reads as unmuted at T. Returns how many states it ended.
 */
export async function expireMutes(tx: Queryable, now: number): Promise<number> {
  const copied = await tx.query(
    `WITH expired AS (
       SELECT org_id, finding_id, valid_from FROM finding_states
       WHERE valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= $1 AND valid_from < mute_expires_at
       FOR UPDATE),
     closed AS (
       UPDATE finding_states f SET valid_to = f.mute_expires_at FROM expired e
       WHERE f.org_id = e.org_id AND f.finding_id = e.finding_id AND f.valid_from = e.valid_from
       RETURNING f.*)
     INSERT INTO finding_states (org_id, finding_id, valid_from, severity_rank, status, evaluation, evaluation_changed_at,
       resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags,
       muted, mute, mute_expires_at, changed_by)
     SELECT org_id, finding_id, mute_expires_at, severity_rank, status, evaluation, evaluation_changed_at, resource_discovery_date,
       resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags,
       false, jsonb_build_object('muted', false, 'expired', mute), NULL, $2
     FROM closed`,
    [now, MUTE_EXPIRY_ACTOR],
  );
  const inPlace = await tx.query(
    `UPDATE finding_states SET muted = false, mute = jsonb_build_object('muted', false, 'expired', mute), mute_expires_at = NULL
     WHERE valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= $1 AND valid_from >= mute_expires_at`,
    [now],
  );
  return (copied.affectedRows ?? 0) + (inPlace.affectedRows ?? 0);
}
