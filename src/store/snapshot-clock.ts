// Snapshot instants that no later commit can change. A writer of finding states, inside its transaction and once it
// holds its write locks (write-locks.ts), takes a lease: a transaction-scoped shared advisory lock keyed by its
// organization and its start s (the store's clock, in ms, modulo 2^32), which every session sees in pg_locks from the
// moment it is granted until the transaction ends: by commit, by rollback, or with its session when the process dies
// (a killed process's backend ends as soon as its socket closes), so no lease outlives its writer. The writer then reads
// the clock and writes at now > that reading >= s. A reader's instant T is before the oldest live lease and no later
// than the store's clock. Argument:
//  - a lease the reader sees started at s, and its writer writes at now >= s > T: invisible at T;
//  - a lease the reader does not see was granted after the reader read the leases (which is after it read the clock c),
//    or its transaction had already committed (PostgreSQL makes a commit visible before it releases the locks): the
//    writer reads the clock after being granted, d >= c, and writes at d + 1 > c >= T; or its writes are visible already.
// Both instants come from the store's clock, so several server processes agree. The reader recovers s from its low 32
// bits as the instant nearest its own clock (exact for any transaction younger than 24 days). On PGlite a transaction runs
// alone, no statement of another between its own: a reader never sees a write in flight, and a lease ends with it too.
import type { Db, Queryable } from './db.js';
import { lockWriteScope, lostRace, WRITE_ATTEMPTS, type WriteScope } from './write-locks.js';
import { compactFindingCounts } from './finding-counts.js';

const CLOCK = `floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;
// The leases' first key; the second is the start. pg_locks shows keys as unsigned 32-bit numbers. Migration 022's
// steward_reading_instant looks for the same key.
const LEASE_KEY = `hashtext('steward-finding-lease:' || $1::text)`;

async function storeClock(db: Queryable): Promise<number> {
  return Number((await db.query<{ now: number }>(`SELECT ${CLOCK} AS now`)).rows[0]!.now);
}

/** The instant a read answers for. */
export interface ReadingInstant {
  /** The instant asked for, but never past the safe instant (a later one could still change). */
  at: number;
  /** Whether `at` is the safe instant itself, the latest a read can see. */
  current: boolean;
}

/** A reading instant with the findings' last change at it. */
export interface ReadingInstantAndChange extends ReadingInstant {
  /** The last instant at or before `at` when the findings changed in a way a listing can see (0: never). */
  lastChange: number;
}

/** A row of migration 022's steward_reading_instant as the reading instant it answers. */
export function instantOfRow(row: { at?: unknown; safe?: unknown; last_change?: unknown }): ReadingInstantAndChange {
  const at = Number(row.at);
  return { at, current: at === Number(row.safe), lastChange: Number(row.last_change ?? 0) };
}

/**
 * One round trip to migration 022's steward_reading_instant: the store clock, then the leases, then (when asked for)
 * the last change, in a snapshot taken after them.
 */
async function readInstant(db: Queryable, orgId: string, requested: number | undefined, lastChange: boolean) {
  const row = (
    await db.query<{ at: number | string; safe: number | string; last_change: number | string | null }>(
      `SELECT at, safe, last_change FROM steward_reading_instant($1, $2, $3)`,
      [orgId, requested ?? null, lastChange],
      // The statement's text never changes: planned once per connection.
      { prepared: 'steward_reading_instant' },
    )
  ).rows[0]!;
  return instantOfRow(row);
}

/** The instant a read answers for: the one requested (undefined: the latest), never past the safe instant. */
export async function readingInstant(db: Queryable, orgId: string, requested?: number): Promise<ReadingInstant> {
  const { at, current } = await readInstant(db, orgId, requested, false);
  return { at, current };
}

/**
 * The instant a read answers for with the findings' last change at it: what a count read earlier at an instant with
 * the same last change still counts.
 */
export async function readingInstantAndChange(db: Queryable, orgId: string, requested?: number): Promise<ReadingInstantAndChange> {
  return readInstant(db, orgId, requested, true);
}

/** The instant a listing reads (readingInstant's): with no instant requested, the latest no write in flight can change. */
export async function listingInstant(db: Queryable, orgId: string, requested?: number): Promise<number> {
  return (await readingInstant(db, orgId, requested)).at;
}

/** Takes the lease of the organization within the transaction; returns the instant to write at. */
async function takeLease(tx: Queryable, orgId: string): Promise<number> {
  const started = (
    await tx.query<{ started: number }>(
      `SELECT started, pg_advisory_xact_lock_shared(${LEASE_KEY}, (started % 4294967296)::bit(32)::integer) AS leased
       FROM (SELECT ${CLOCK} AS started) c`,
      [orgId],
    )
  ).rows[0]!.started;
  return Math.max((await storeClock(tx)) + 1, Number(started));
}

/**
 * Runs `fn(tx, now)` in one transaction that holds the write locks of `scope` (the resources whose versions or finding
 * states it changes, or the whole organization) and the organization's lease; `fn` reads what it changes through `tx`
 * and writes at `now`. A transaction that lost a race (deadlock, serialization failure) runs again from the start, so
 * `fn` must not act outside `tx`. Every writer of resource versions or finding states goes through here.
 */
export async function withFindingWriteLease<T>(db: Db, orgId: string, scope: WriteScope, fn: (tx: Queryable, now: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.transaction(async (tx) => {
        await lockWriteScope(tx, orgId, scope);
        return fn(tx, await takeLease(tx, orgId));
      });
      // The write is committed: fold the count deltas it left (finding-counts.ts). A failure leaves them to the next
      // write's compaction (they are counted either way), never to a second run of `fn`.
      await compactFindingCounts(db, orgId).catch(() => 0);
      return result;
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS || !lostRace(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
