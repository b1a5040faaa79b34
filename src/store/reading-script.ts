// A read at its reading instant (snapshot-clock.ts) in one round trip, where the store takes a script of statements:
// the first reads the instant, with the findings' last change at it, and sets it for the second, which reads it in
// place of its instant parameter. The second statement's snapshot is taken once the first has ended (after the clock,
// the leases and the last change were read), as that of a statement sent after it would be; and the planner reads the
// setting as it plans, so the read is planned for its instant as if it were a parameter.
import type { Db } from './db.js';
import { instantOfRow, readingInstantAndChange, type ReadingInstantAndChange } from './snapshot-clock.js';
import { inlineParameters, literalOf } from './inline-parameters.js';
import { buildPageQuery, normalizeRow, queryFindingsPage, type FindingRow, type PageQuery } from './findings-query.js';

const SETTING = 'steward.reading_instant';

/**
 * Runs `statement` (whose `$2` is its instant) at the reading instant of `requested` (undefined: the current one), in
 * one round trip. Undefined where the store takes no script: the caller reads the instant first.
 */
export async function readAtReadingInstant<T>(
  db: Db,
  orgId: string,
  requested: number | undefined,
  statement: { sql: string; params: unknown[] },
): Promise<{ instant: ReadingInstantAndChange; rows: T[] } | undefined> {
  if (!db.queryScript) return undefined;
  const read = inlineParameters(statement.sql, statement.params, { 2: `current_setting('${SETTING}')::bigint` });
  const [instant, result] = await db.queryScript(
    `SELECT set_config('${SETTING}', r.at::text, true), r.at, r.safe, r.last_change
       FROM steward_reading_instant(${literalOf(orgId)}, ${literalOf(requested ?? null)}::bigint, true) r;
     ${read}`,
  );
  return { instant: instantOfRow(instant!.rows[0]!), rows: result!.rows as T[] };
}

/**
 * A listing's first page at the reading instant of `requested` (undefined: the current one), with the findings' last
 * change at it: in one round trip where the store takes a script, else the instant first, then the page.
 */
export async function queryFindingsPageAtReadingInstant(
  db: Db,
  orgId: string,
  q: Omit<PageQuery, 'at'>,
  requested: number | undefined,
): Promise<{ instant: ReadingInstantAndChange; rows: FindingRow[] }> {
  // The instant's parameter is replaced by the instant the script reads: the value given here is never sent.
  const read = await readAtReadingInstant<FindingRow>(db, orgId, requested, buildPageQuery(orgId, { ...q, at: 0 }));
  if (read) return { instant: read.instant, rows: read.rows.map(normalizeRow) };
  const instant = await readingInstantAndChange(db, orgId, requested);
  return { instant, rows: await queryFindingsPage(db, orgId, { ...q, at: instant.at }) };
}
