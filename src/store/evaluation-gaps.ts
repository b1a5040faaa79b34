// evaluation_gaps (migration 012): the (resource, rule) pairs a rule could not judge, temporal as finding_states are.
// The current gap has valid_to = OPEN_ENDED; the gap at instant T has valid_from <= T < valid_to.
import type { Queryable } from './db.js';
import { OPEN_ENDED } from './finding-states.js';
import type { EvaluationGap, GapKey } from '../posture/evaluation-gap.js';

export interface StoredGap extends EvaluationGap {
  valid_from: number;
  valid_to: number | null;
}

const GAP_COLUMNS = `resource_id, rule_id, resource_type, missing_fields, source, valid_from,
  CASE WHEN valid_to = ${OPEN_ENDED} THEN NULL ELSE valid_to END AS valid_to`;

function toGap(row: StoredGap): StoredGap {
  return { ...row, valid_from: Number(row.valid_from), valid_to: row.valid_to === null ? null : Number(row.valid_to) };
}

/** The gaps open now of these resources. */
export async function currentGapsByResource(db: Queryable, orgId: string, resourceIds: string[]): Promise<StoredGap[]> {
  if (resourceIds.length === 0) return [];
  const { rows } = await db.query<StoredGap>(
    `SELECT ${GAP_COLUMNS} FROM evaluation_gaps WHERE org_id = $1 AND resource_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED}
     ORDER BY resource_id, rule_id`,
    [orgId, resourceIds],
  );
  return rows.map(toGap);
}

/** The gaps that held at instant `at` (Unix ms), optionally of one resource or one rule. */
export async function gapsAt(db: Queryable, orgId: string, at: number, filter: { resourceId?: string; ruleId?: string } = {}): Promise<StoredGap[]> {
  const { rows } = await db.query<StoredGap>(
    `SELECT ${GAP_COLUMNS} FROM evaluation_gaps
     WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2 AND ($3::text IS NULL OR resource_id = $3) AND ($4::text IS NULL OR rule_id = $4)
     ORDER BY resource_id, rule_id`,
    [orgId, at, filter.resourceId ?? null, filter.ruleId ?? null],
  );
  return rows.map(toGap);
}

/** Every gap a resource ever had, oldest first (its history of "not evaluated"). */
export async function gapHistoryOfResource(db: Queryable, orgId: string, resourceId: string): Promise<StoredGap[]> {
  const { rows } = await db.query<StoredGap>(
    `SELECT ${GAP_COLUMNS} FROM evaluation_gaps WHERE org_id = $1 AND resource_id = $2 ORDER BY valid_from, rule_id`,
    [orgId, resourceId],
  );
  return rows.map(toGap);
}

/**
 * Ends the current gap of each pair in `close` at `now`, and opens each gap in `open` from `now`, in the caller's
 * transaction (the one writing the finding states, under the same write lease). A gap that opened at this same instant
 * is replaced rather than closed: no instant ever saw it.
 */
export async function writeGaps(db: Queryable, orgId: string, close: GapKey[], open: EvaluationGap[], now: number): Promise<void> {
  if (close.length > 0) {
    const keys = JSON.stringify(close.map((k) => ({ resource_id: k.resource_id, rule_id: k.rule_id })));
    const closing = `(resource_id, rule_id) IN (SELECT k.resource_id, k.rule_id FROM jsonb_to_recordset($2::jsonb) AS k(resource_id text, rule_id text))`;
    await db.query(`DELETE FROM evaluation_gaps WHERE org_id = $1 AND ${closing} AND valid_to = ${OPEN_ENDED} AND valid_from >= $3`, [
      orgId,
      keys,
      now,
    ]);
    await db.query(`UPDATE evaluation_gaps SET valid_to = $3 WHERE org_id = $1 AND ${closing} AND valid_to = ${OPEN_ENDED}`, [orgId, keys, now]);
  }
  if (open.length === 0) return;
  await db.query(
    `INSERT INTO evaluation_gaps (org_id, resource_id, rule_id, valid_from, resource_type, missing_fields, source)
     SELECT $1, g.resource_id, g.rule_id, $2, g.resource_type, ARRAY(SELECT jsonb_array_elements_text(g.missing_fields)), g.source
     FROM jsonb_to_recordset($3::jsonb) AS g(resource_id text, rule_id text, resource_type text, missing_fields jsonb, source text)`,
    [orgId, now, JSON.stringify(open)],
  );
}
