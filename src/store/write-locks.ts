// Writers of resource versions and finding states take turns on what they change. Each write is one transaction that,
// before it reads anything it will change, takes transaction-scoped advisory locks in one fixed order:
//  1. its organization's lock: shared, or exclusive for a write that spans the whole organization or more than
//     RESOURCE_LOCK_LIMIT resources (bulk imports, settings, the ownership worker, mute expiry);
//  2. under a shared organization lock, one exclusive lock per resource it changes, all in one statement, in key order.
// A finding's states belong to its resource, so ingest, mute, feedback, auto-tag and settings of one resource run one
// after the other, and each reads the current version and states only once it holds its locks (READ COMMITTED: every
// statement after that sees what the previous holder committed). Advisory locks rather than row locks, because a resource
// that does not exist yet has no row to lock (ten concurrent first versions of one resource); a bounded number of them per
// transaction, because the lock table is finite (a million-resource import holds one). They end with the transaction,
// and with its session if the process dies. One order for everyone means these locks never deadlock; should the rest of a
// transaction deadlock with another (40P01) or fail to serialize (40001), the whole transaction is run again.
import type { Queryable } from './db.js';

/** More resources than this in one write take the organization's lock exclusively instead of one lock each. */
export const RESOURCE_LOCK_LIMIT = 32;

/** The resources a write changes, or the whole organization. */
export type WriteScope = readonly string[] | 'org';

export async function lockWriteScope(tx: Queryable, orgId: string, scope: WriteScope): Promise<void> {
  const ids = scope === 'org' ? undefined : [...new Set(scope)];
  const exclusive = ids === undefined || ids.length > RESOURCE_LOCK_LIMIT;
  await tx.query(
    `SELECT ${exclusive ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared'}(hashtextextended('steward-org-writes:' || $1::text, 0))`,
    [orgId],
  );
  if (exclusive || ids.length === 0) return;
  // The subquery's order is the order the locks are taken in.
  await tx.query(
    `SELECT pg_advisory_xact_lock(k) FROM (
       SELECT DISTINCT hashtextextended('steward-resource-writes:' || $1::text || chr(10) || id, 0) AS k FROM unnest($2::text[]) AS id ORDER BY k
     ) keys`,
    [orgId, ids],
  );
}

const RETRIED = new Set(['40P01', '40001']);
export const WRITE_ATTEMPTS = 5;

/** Whether a transaction failed only for having raced another (run it again). */
export function lostRace(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRIED.has(String((err as { code?: unknown }).code));
}

/**
 * Writers of an organization's ownership signals (directory, catalog, audit events, CODEOWNERS, preferences) take
 * turns: each computes next versions from the latest ones it reads, so two at once would write the same version.
 * They are rare next to resource writes, so one lock per organization is enough; it ends with the transaction.
 */
export async function lockSignalWrites(tx: Queryable, orgId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('steward-signal-writes:' || $1::text, 0))`, [orgId]);
}
