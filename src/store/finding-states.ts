import type { Queryable } from './db.js';
import type { FindingState } from '../posture/finding-state.js';
import { severityRank } from '../posture/finding-identity.js';

/** valid_to of the current state: the largest bigint, written in SQL so no JS number loses precision. */
export const OPEN_ENDED = '9223372036854775807';

export interface StoredState extends FindingState {
  valid_from: number;
}

export const STATE_COLUMNS = `finding_id, valid_from, status, evaluation, evaluation_changed_at, resource_discovery_date, resource_id, resource_name,
  resource_type, rule_id, rule_name, vulnerability_type, tags, muted, mute, mute_expires_at, base_status, automation`;

/** A stored state as a state to write again (bigints as numbers, without its interval). */
export function stateOf(s: StoredState): FindingState {
  return {
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
    muted: s.muted,
    mute: s.mute,
    mute_expires_at: s.mute_expires_at === null ? null : Number(s.mute_expires_at),
    base_status: s.base_status ?? null,
    automation: s.automation ?? null,
  };
}

export async function currentStatesByFinding(db: Queryable, orgId: string, findingIds: string[]): Promise<Map<string, StoredState>> {
  if (findingIds.length === 0) return new Map();
  const rows = (
    await db.query<StoredState>(
      `SELECT ${STATE_COLUMNS} FROM finding_states WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED}`,
      [orgId, findingIds],
    )
  ).rows;
  return new Map(rows.map((r) => [r.finding_id, r]));
}

export async function currentStatesByResource(db: Queryable, orgId: string, resourceIds: string[]): Promise<StoredState[]> {
  if (resourceIds.length === 0) return [];
  return (
    await db.query<StoredState>(
      `SELECT ${STATE_COLUMNS} FROM finding_states WHERE org_id = $1 AND resource_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED}`,
      [orgId, resourceIds],
    )
  ).rows;
}

/** The last state of each of these findings that has no current state (closed, e.g. while it was not evaluated). */
export async function lastClosedStatesByFinding(db: Queryable, orgId: string, findingIds: string[]): Promise<StoredState[]> {
  if (findingIds.length === 0) return [];
  return (
    await db.query<StoredState>(
      `SELECT DISTINCT ON (finding_id) ${STATE_COLUMNS} FROM finding_states s
       WHERE org_id = $1 AND finding_id = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM finding_states c WHERE c.org_id = s.org_id AND c.finding_id = s.finding_id AND c.valid_to = ${OPEN_ENDED})
       ORDER BY finding_id, valid_from DESC`,
      [orgId, findingIds],
    )
  ).rows;
}

/**
 * Ends the current state of each finding in `close` at `now`, and opens each state in `open` from `now`.
 * A state that opened at this same instant is replaced rather than closed: no instant ever saw it.
 */
export async function writeStates(
  db: Queryable,
  orgId: string,
  close: string[],
  open: FindingState[],
  now: number,
  changedBy: string | null,
): Promise<void> {
  if (close.length > 0) {
    await db.query(
      `DELETE FROM finding_states WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED} AND valid_from >= $3`,
      [orgId, close, now],
    );
    await db.query(`UPDATE finding_states SET valid_to = $3 WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED}`, [
      orgId,
      close,
      now,
    ]);
  }
  if (open.length === 0) return;
  const rows = open.map((s) => ({ ...s, severity_rank: severityRank(s.status), changed_by: changedBy }));
  await db.query(
    `INSERT INTO finding_states (org_id, finding_id, valid_from, severity_rank, status, evaluation, evaluation_changed_at,
       resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags,
       muted, mute, mute_expires_at, changed_by, base_status, automation)
     SELECT $1, r.finding_id, $2, r.severity_rank, r.status, r.evaluation, r.evaluation_changed_at, r.resource_discovery_date,
       r.resource_id, r.resource_name, r.resource_type, r.rule_id, r.rule_name, r.vulnerability_type,
       ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.muted, r.mute, r.mute_expires_at, r.changed_by, r.base_status, r.automation
     FROM jsonb_to_recordset($3::jsonb) AS r(finding_id text, severity_rank smallint, status text, evaluation text,
       evaluation_changed_at bigint, resource_discovery_date bigint, resource_id text, resource_name text, resource_type text,
       rule_id text, rule_name text, vulnerability_type text, tags jsonb, muted boolean, mute jsonb, mute_expires_at bigint, changed_by text,
       base_status text, automation jsonb)`,
    [orgId, now, JSON.stringify(rows)],
  );
}

export interface FindingIdentity {
  finding_id: string;
  resource_id: string;
  rule_id: string;
  origin: 'rule' | 'imported';
  message?: string | null;
  resource_configuration?: unknown;
}

/**
 * Records findings by id. An imported finding seen again moves to the resource it now names and keeps its message and
 * resource configuration where the new record has none: a listing without details leaves them out, it does not remove them.
 */
export async function insertFindingIdentities(db: Queryable, orgId: string, findings: FindingIdentity[]): Promise<void> {
  if (findings.length === 0) return;
  await db.query(
    `INSERT INTO findings (org_id, finding_id, resource_id, rule_id, origin, message, resource_configuration)
     SELECT $1, r.finding_id, r.resource_id, r.rule_id, r.origin, r.message, r.resource_configuration
     FROM jsonb_to_recordset($2::jsonb) AS r(finding_id text, resource_id text, rule_id text, origin text, message text, resource_configuration jsonb)
     ON CONFLICT (org_id, finding_id) DO UPDATE SET resource_id = EXCLUDED.resource_id,
       message = COALESCE(EXCLUDED.message, findings.message),
       resource_configuration = COALESCE(EXCLUDED.resource_configuration, findings.resource_configuration)
       WHERE findings.origin = 'imported'`,
    [orgId, JSON.stringify(findings.map((f) => ({ ...f, message: f.message ?? null, resource_configuration: f.resource_configuration ?? null })))],
  );
}
