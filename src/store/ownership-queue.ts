import type { Queryable } from './db.js';

const REQUEUE = `ON CONFLICT (org_id, resource_id) DO UPDATE
  SET next_attempt_at = LEAST(ownership_queue.next_attempt_at, EXCLUDED.next_attempt_at), attempts = 0`;

/**
 * Marks resources for re-inference (all of the org's resources, and whatever waits for a retry, when ids is 'all'). One
 * statement takes the queue rows' locks in resource id order (byte order, whatever the database's collation), as every
 * writer of the queue does: writers that took them in their own orders (a whole-organization re-inference in table
 * order, an import in its input's) deadlocked, and the loser's request answered 500.
 */
export async function markForInference(db: Queryable, orgId: string, ids: string[] | 'all', now: number): Promise<void> {
  if (ids === 'all') {
    await db.query(
      `INSERT INTO ownership_queue (org_id, resource_id, enqueued_at, next_attempt_at)
       SELECT $1, marked.id, $2, $2 FROM (
         SELECT resource_id AS id FROM resources WHERE org_id = $1 AND deleted_at IS NULL
         UNION SELECT resource_id FROM ownership_queue WHERE org_id = $1 AND next_attempt_at > $2
       ) AS marked ORDER BY marked.id COLLATE "C"
       ${REQUEUE}`,
      [orgId, now],
    );
    return;
  }
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO ownership_queue (org_id, resource_id, enqueued_at, next_attempt_at)
     SELECT $1, marked.id, $3, $3 FROM unnest($2::text[]) AS marked(id) ORDER BY marked.id COLLATE "C"
     ${REQUEUE}`,
    [orgId, [...new Set(ids)], now],
  );
}

/** Resources tagged with any of the given `key:value` tags. */
export async function resourceIdsWithAnyTag(db: Queryable, orgId: string, tags: string[]): Promise<string[]> {
  if (tags.length === 0) return [];
  return (
    await db.query<{ resource_id: string }>('SELECT resource_id FROM resources WHERE org_id = $1 AND tags && $2::text[] AND deleted_at IS NULL', [
      orgId,
      tags,
    ])
  ).rows.map((r) => r.resource_id);
}

export async function resourceIdsOfRepos(db: Queryable, orgId: string, repos: string[]): Promise<string[]> {
  if (repos.length === 0) return [];
  return (
    await db.query<{ resource_id: string }>(
      'SELECT resource_id FROM resources WHERE org_id = $1 AND lower(iac_repo) = ANY($2::text[]) AND deleted_at IS NULL',
      [orgId, repos],
    )
  ).rows.map((r) => r.resource_id);
}

export interface QueueItem {
  org_id: string;
  resource_id: string;
  attempts: number;
}

/**
 * Takes up to `limit` due resources within the caller's transaction, locking them so that other workers skip them;
 * the caller decides per item (remove, or reschedule after a failure).
 */
export async function takeDueItems(tx: Queryable, limit: number, now: number, orgId?: string): Promise<QueueItem[]> {
  return (
    await tx.query<QueueItem>(
      `SELECT org_id, resource_id, attempts FROM ownership_queue WHERE next_attempt_at <= $1 ${orgId ? 'AND org_id = $3' : ''}
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      orgId ? [now, limit, orgId] : [now, limit],
    )
  ).rows;
}

export async function removeFromQueue(db: Queryable, orgId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM ownership_queue WHERE org_id = $1 AND resource_id = ANY($2::text[])', [orgId, ids]);
}

export async function rescheduleInQueue(db: Queryable, orgId: string, id: string, attempts: number, nextAttemptAt: number): Promise<void> {
  await db.query('UPDATE ownership_queue SET attempts = $3, next_attempt_at = $4 WHERE org_id = $1 AND resource_id = $2', [
    orgId,
    id,
    attempts,
    nextAttemptAt,
  ]);
}

export async function queueLength(db: Queryable, orgId?: string, dueBy?: number): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ownership_queue WHERE ($1::uuid IS NULL OR org_id = $1) AND ($2::bigint IS NULL OR next_attempt_at <= $2)`,
    [orgId ?? null, dueBy ?? null],
  );
  return r.rows[0]!.n;
}

/** Organizations with resources due for inference, the longest-waiting first. */
export async function dueOrgs(db: Queryable, now: number, limit: number): Promise<string[]> {
  return (
    await db.query<{ org_id: string }>(
      `SELECT org_id FROM ownership_queue WHERE next_attempt_at <= $1 GROUP BY org_id ORDER BY min(next_attempt_at) LIMIT $2`,
      [now, limit],
    )
  ).rows.map((r) => r.org_id);
}
