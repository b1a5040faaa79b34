// Mute writes: a mute or unmute is one more state in each finding's history, and the expiry of a mute is written into
// history at the instant it expired.
import type { Queryable } from './db.js';
import { OPEN_ENDED, STATE_COLUMNS, stateOf, writeStates, type StoredState } from './finding-states.js';
import type { FindingState, MuteState } from '../posture/finding-state.js';

/**
 * The resources whose write locks a change of these findings' states needs (write-locks.ts): each finding's own, and
 * that of its current state should an import have filed it under another.
 */
export async function resourcesOfFindings(db: Queryable, orgId: string, findingIds: string[]): Promise<string[]> {
  if (findingIds.length === 0) return [];
  return (
    await db.query<{ resource_id: string }>(
      `SELECT resource_id FROM findings WHERE org_id = $1 AND finding_id = ANY($2::text[])
       UNION SELECT resource_id FROM finding_states WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_to = ${OPEN_ENDED}`,
      [orgId, findingIds],
    )
  ).rows.map((r) => r.resource_id);
}

/** Current states of the given findings, locked until the transaction ends (the caller holds their resources' write locks). */
export async function lockCurrentStates(tx: Queryable, orgId: string, findingIds: string[]): Promise<Map<string, StoredState>> {
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
export async function writeMutes(
  tx: Queryable,
  orgId: string,
  current: StoredState[],
  change: MuteChange,
  now: number,
  actor: string,
): Promise<void> {
  const open: FindingState[] = current.map((s) => ({
    ...stateOf(s),
    muted: change.muted,
    mute: change.mute,
    mute_expires_at: change.expiresAt,
  }));
  await writeStates(
    tx,
    orgId,
    open.map((s) => s.finding_id),
    open,
    now,
    actor,
  );
}

export const MUTE_EXPIRY_ACTOR = 'mute-expiry';

/**
 * Ends every mute that expired by `now`, in all organizations: the muted state closes at its expiry instant and an
 * unmuted copy opens there. A muted state that opened after its own expiry (a later change carried an expired mute
 * over) already reads as unmuted at every instant it covers, so it is rewritten in place. Answers never change: a mute
 * whose expiry is at or before T already reads as unmuted at T. Only `orgId`'s when given (the caller then holds its
 * write lock). Returns how many states it ended.
 */
export async function expireMutes(tx: Queryable, now: number, orgId: string | null = null): Promise<number> {
  const copied = await tx.query(
    `WITH expired AS (
       SELECT org_id, finding_id, valid_from FROM finding_states
       WHERE valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= $1 AND valid_from < mute_expires_at
         AND ($3::uuid IS NULL OR org_id = $3)
       FOR UPDATE),
     closed AS (
       UPDATE finding_states f SET valid_to = f.mute_expires_at FROM expired e
       WHERE f.org_id = e.org_id AND f.finding_id = e.finding_id AND f.valid_from = e.valid_from
       RETURNING f.*)
     INSERT INTO finding_states (org_id, finding_id, valid_from, severity_rank, status, evaluation, evaluation_changed_at,
       resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags,
       muted, mute, mute_expires_at, changed_by, base_status, automation)
     SELECT org_id, finding_id, mute_expires_at, severity_rank, status, evaluation, evaluation_changed_at, resource_discovery_date,
       resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags,
       false, jsonb_build_object('muted', false, 'expired', mute), NULL, $2, base_status, automation
     FROM closed`,
    [now, MUTE_EXPIRY_ACTOR, orgId],
  );
  const inPlace = await tx.query(
    `UPDATE finding_states SET muted = false, mute = jsonb_build_object('muted', false, 'expired', mute), mute_expires_at = NULL
     WHERE valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= $1 AND valid_from >= mute_expires_at
       AND ($2::uuid IS NULL OR org_id = $2)`,
    [now, orgId],
  );
  return (copied.affectedRows ?? 0) + (inPlace.affectedRows ?? 0);
}

/** Organizations with a mute that expired by `now` and is not yet written into history. */
export async function orgsWithExpiredMutes(db: Queryable, now: number): Promise<string[]> {
  return (
    await db.query<{ org_id: string }>(
      `SELECT DISTINCT org_id FROM finding_states WHERE valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= $1`,
      [now],
    )
  ).rows.map((r) => r.org_id);
}
