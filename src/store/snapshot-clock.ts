// Snapshot instants that no later commit can change. Writers of finding states hold a lease (committed before they pick
// their instant, removed after they commit); a reader's instant T is before the oldest live lease and no later than the
// store's clock. Argument:
//  - a lease the reader sees started at s, and its writer writes at now >= s > T: invisible at T;
//  - a lease the reader does not see committed after the reader read the leases, which is after it read the clock c;
//    its writer reads the clock after that commit, d >= c, and writes at d + 1 > c >= T.
// Both instants come from the store's clock, so several server processes agree. A lease older than LEASE_TTL_MS is
// taken to belong to a writer that died: it is ignored and removed (a write must not outlive it).
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from './db.js';

export const LEASE_TTL_MS = 10 * 60 * 1000;
const CLOCK = `floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;

async function storeClock(db: Queryable): Promise<number> {
  return Number((await db.query<{ now: number }>(`SELECT ${CLOCK} AS now`)).rows[0]!.now);
}

/** The latest instant a listing may read for this organization without a commit in flight changing it later. */
export async function safeSnapshotInstant(db: Queryable, orgId: string): Promise<number> {
  // The clock first, the leases in a later statement (a later snapshot): the order the argument above needs.
  const clock = await storeClock(db);
  const row = (
    await db.query<{ oldest: number | null }>(
      `SELECT min(started_at) AS oldest FROM finding_write_leases WHERE org_id = $1 AND started_at > $2`,
      [orgId, clock - LEASE_TTL_MS],
    )
  ).rows[0];
  const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  return oldest === null ? clock : Math.min(clock, oldest - 1);
}

/**
 * Runs `fn(now)` under a write lease of the organization; `fn` writes finding states at `now` (in its own transaction,
 * which must commit before `fn` resolves). Every writer of finding states should go through here.
 */
export async function withFindingWriteLease<T>(db: Db, orgId: string, fn: (now: number) => Promise<T>): Promise<T> {
  const leaseId = randomUUID();
  const started = (
    await db.query<{ started_at: number }>(
      `INSERT INTO finding_write_leases (org_id, lease_id, started_at) VALUES ($1, $2, ${CLOCK}) RETURNING started_at`,
      [orgId, leaseId],
    )
  ).rows[0]!.started_at;
  try {
    const now = Math.max((await storeClock(db)) + 1, Number(started));
    return await fn(now);
  } finally {
    await db.query(`DELETE FROM finding_write_leases WHERE org_id = $1 AND (lease_id = $2 OR started_at <= $3)`, [
      orgId,
      leaseId,
      Number(started) - LEASE_TTL_MS,
    ]);
  }
}
