// Exact counts of findings from the counts kept by migration 017's triggers, for the filters they cover
// (src/findings/count-coverage.ts), and their compaction.
//
// The kept counts are those of the current rows as committed: the organization's finding_counts rows plus its
// finding_count_deltas. A listing reads at an instant T (before any write in flight), which can lag them, and judges
// `muted` at T (a mute whose expiry is at or before T reads as unmuted even if the expiry job has not run). So one
// statement (one snapshot, in which counts and states agree) answers:
//   kept counts
//   - current rows opened after T                                  (counted, but not yet valid at T)
//   + closed rows valid at T                                       (valid at T, no longer counted)
//   + current rows valid at T with a mute expired by T: as read at T minus as counted
// Each correction reads a handful of rows by an index: those changed since T, and unwritten mute expiries.
import type { Db, Queryable } from './db.js';
import { OPEN_ENDED } from './finding-states.js';
import { Params, branches, type SummaryCounts, summaryOfCounts } from './findings-query.js';
import { SEVERITIES } from '../posture/resource.js';
import type { CoveredFilter } from '../findings/count-coverage.js';

/**
 * The two corrections of the kept counts (which hold the current rows as committed) for reading at `at`: current rows
 * opened after it, counted but not yet valid then; and closed rows valid at it (the listing's closed branch).
 */
function correctionsAt(at: string): { openedAfter: string; closedValidAt: string } {
  return { openedAfter: `valid_to = ${OPEN_ENDED} AND valid_from > ${at}`, closedValidAt: branches(at)[1] };
}

const PG_TYPE: Record<string, string> = {
  severity_rank: 'smallint',
  evaluation: 'text',
  vulnerability_type: 'text',
  resource_type: 'text',
  rule_id: 'text',
};

type Target = 'counts' | 'states-as-counted' | 'states-at';

const DIMENSION_FACET: Record<string, string> = {
  severity_rank: '@status',
  evaluation: '@evaluation',
  muted: '@muted',
  vulnerability_type: '@vulnerability_type',
  resource_type: '@resource_type',
  rule_id: '@rule_id',
};

/**
 * Which count rows answer the filter (migrations 017, 019): a tag's facet rows; else, when it reads one dimension or
 * none, that dimension's own rows (none: those of `muted`, two rows that hold every finding); else the base rows.
 */
function countRows(f: CoveredFilter): { facet: string; tag: string } {
  if (f.tag !== undefined) return { facet: f.tag.slice(0, f.tag.indexOf(':')), tag: f.tag };
  const dimensions = new Set<string>(f.conditions.map((c) => c.dimension));
  if (f.muted.length > 0) dimensions.add('muted');
  if (dimensions.size > 1) return { facet: '', tag: '' };
  const [dimension = 'muted'] = dimensions;
  return { facet: DIMENSION_FACET[dimension]!, tag: '' };
}

/** The conditions on a count row, or on a finding state (`muted` as stored, or as read at `at`). */
function conditions(f: CoveredFilter, p: Params, target: Target, at: string): string[] {
  const out = f.conditions.map((c) => {
    const test = `${c.dimension} = ANY(${p.add(c.values)}::${PG_TYPE[c.dimension]}[])`;
    return c.negated ? `NOT (${test})` : test;
  });
  for (const value of f.muted) {
    const muted = target === 'states-at' ? `(muted AND (mute_expires_at IS NULL OR mute_expires_at > ${at}))` : 'muted';
    out.push(value ? muted : `NOT ${muted}`);
  }
  if (target === 'counts') {
    const { facet, tag } = countRows(f);
    out.push(`facet = ${p.add(facet)}::text`);
    out.push(`tag = ${p.add(tag)}::text`);
  } else if (f.tag !== undefined) {
    out.push(`tags @> ARRAY[${p.add(f.tag)}::text]`);
  }
  return out;
}

/** The exact count of a covered filter at the instant `atP` as one SQL expression (the kept counts and their corrections). */
function coveredCountExpression(f: CoveredFilter, p: Params, org: string, atP: string): string {
  const all = (cs: string[]) => (cs.length === 0 ? 'TRUE' : cs.join(' AND '));
  const kept = all(conditions(f, p, 'counts', atP));
  const asCounted = conditions(f, p, 'states-as-counted', atP);
  const atInstant = conditions(f, p, 'states-at', atP);
  const { openedAfter, closedValidAt } = correctionsAt(atP);
  let sql = `(SELECT COALESCE(sum(n), 0) FROM finding_counts WHERE org_id = ${org} AND ${kept})
    + (SELECT COALESCE(sum(n), 0) FROM finding_count_deltas WHERE org_id = ${org} AND ${kept})
    - (SELECT count(*) FROM finding_states WHERE org_id = ${org} AND ${openedAfter} AND ${all(asCounted)})
    + (SELECT count(*) FROM finding_states WHERE org_id = ${org} AND ${closedValidAt} AND ${all(atInstant)})`;
  // Only `muted` reads differently at the instant than as stored.
  if (f.muted.length > 0) {
    sql += `
    + (SELECT count(*) FILTER (WHERE ${all(atInstant)}) - count(*) FILTER (WHERE ${all(asCounted)}) FROM finding_states
       WHERE org_id = ${org} AND valid_to = ${OPEN_ENDED} AND muted AND mute_expires_at IS NOT NULL AND mute_expires_at <= ${atP} AND valid_from <= ${atP})`;
  }
  return `(${sql})`;
}

export function buildCoveredCountQuery(orgId: string, f: CoveredFilter, at: number): { sql: string; params: unknown[] } {
  const p = new Params();
  const org = p.add(orgId);
  const atP = p.add(at);
  return { sql: `SELECT ${coveredCountExpression(f, p, org, atP)} AS total`, params: p.values };
}

/** The exact number of findings a covered filter selects at `at` (an instant no write in flight can still change). */
export async function countCovered(db: Queryable, orgId: string, f: CoveredFilter, at: number): Promise<number> {
  const { sql, params } = buildCoveredCountQuery(orgId, f, at);
  return Number((await db.query<{ total: number | string }>(sql, params)).rows[0]!.total);
}

/**
 * The findings summary at the current instant from the kept counts: findings by severity rank and by evaluation, and
 * failing findings per `team:` tag (the ten with most), each corrected like a covered count for the changes after
 * `at`. Undefined when a severity outside the known ranks is counted (the summary then counts by a scan).
 */
export async function summarizeKeptCounts(db: Queryable, orgId: string, at: number): Promise<SummaryCounts | undefined> {
  const corrections = correctionsAt('$2');
  const rows = (
    await db.query<{ kind: string; value: string | null; n: number | string }>(
      `WITH kept AS (
         SELECT facet, tag, severity_rank, evaluation, n FROM finding_counts
         WHERE org_id = $1 AND (facet IN ('@status', '@evaluation') OR (facet = 'team' AND evaluation = 'fail'))
         UNION ALL
         SELECT facet, tag, severity_rank, evaluation, n FROM finding_count_deltas
         WHERE org_id = $1 AND (facet IN ('@status', '@evaluation') OR (facet = 'team' AND evaluation = 'fail'))),
       changed AS (
         SELECT severity_rank, evaluation, tags, -1 AS n FROM finding_states WHERE org_id = $1 AND ${corrections.openedAfter}
         UNION ALL
         SELECT severity_rank, evaluation, tags, 1 AS n FROM finding_states WHERE org_id = $1 AND ${corrections.closedValidAt})
       SELECT 'status' AS kind, ($3::text[])[severity_rank + 1] AS value, sum(n) AS n
         FROM (SELECT severity_rank, n FROM kept WHERE facet = '@status' UNION ALL SELECT severity_rank, n FROM changed) x GROUP BY severity_rank
       UNION ALL
       SELECT 'evaluation', evaluation, sum(n)
         FROM (SELECT evaluation, n FROM kept WHERE facet = '@evaluation' UNION ALL SELECT evaluation, n FROM changed) x GROUP BY 2
       UNION ALL
       (SELECT 'team', substr(tag, 6), sum(n)
         FROM (SELECT tag, n FROM kept WHERE facet = 'team'
               UNION ALL
               SELECT u.t, c.n FROM changed c, LATERAL (SELECT DISTINCT unnest(c.tags) AS t) u
               WHERE c.evaluation = 'fail' AND u.t LIKE 'team:%') x
         GROUP BY tag HAVING sum(n) > 0 ORDER BY sum(n) DESC, tag LIMIT 10)`,
      [orgId, at, SEVERITIES],
    )
  ).rows;
  return summaryOfCounts(rows);
}

const COUNT_KEY = 'facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id';

/** How many deltas this process folds (leaving them dead) before it vacuums their table itself. */
const VACUUM_AFTER_FOLDING = 2_000;
let foldedSinceVacuum = 0;

/**
 * Folds the organization's committed deltas into its count rows and drops rows that reached zero. One compactor per
 * organization at a time (a transaction-scoped advisory lock, tried: a compactor finding it taken leaves the work to
 * the one holding it); writers only ever insert deltas, so nothing waits on a count row but another compactor, never.
 * Returns how many deltas it folded (0 when another compactor was at work).
 */
export async function compactFindingCounts(db: Db, orgId: string, vacuumAfter = VACUUM_AFTER_FOLDING): Promise<number> {
  const folded = await foldDeltas(db, orgId);
  foldedSinceVacuum += folded;
  // Folded deltas stay in the table as dead rows until a vacuum, and every count walks their index entries: after a bulk
  // load's fold (2,690,258 at 10,000,000 findings) a covered count took 580 ms instead of 1.5 ms, and under a steady
  // writer the thousands autovacuum leaves (migration 020) cost each count 0.35 ms of its 0.5. So each process vacuums
  // the small table itself once it has left a few thousand (outside any transaction, as VACUUM must; a vacuum already
  // running elsewhere is left to finish the work).
  if (foldedSinceVacuum >= vacuumAfter) {
    foldedSinceVacuum = 0;
    await db.query('VACUUM (ANALYZE, SKIP_LOCKED) finding_count_deltas').catch(() => {});
  }
  return folded;
}

async function foldDeltas(db: Db, orgId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const lock = await tx.query<{ got: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('steward-finding-counts:' || $1::text, 0)) AS got`,
      [orgId],
    );
    if (!lock.rows[0]!.got) return 0;
    const moved = await tx.query<{ folded: number | string }>(
      `WITH moved AS (DELETE FROM finding_count_deltas WHERE org_id = $1 RETURNING org_id, ${COUNT_KEY}, n),
       folded AS (
         INSERT INTO finding_counts (org_id, ${COUNT_KEY}, n)
         SELECT org_id, ${COUNT_KEY}, sum(n) FROM moved GROUP BY org_id, ${COUNT_KEY} HAVING sum(n) <> 0 ORDER BY ${COUNT_KEY}
         ON CONFLICT (org_id, ${COUNT_KEY}) DO UPDATE SET n = finding_counts.n + EXCLUDED.n)
       SELECT count(*) AS folded FROM moved`,
      [orgId],
    );
    await tx.query('DELETE FROM finding_counts WHERE org_id = $1 AND n = 0', [orgId]);
    return Number(moved.rows[0]!.folded);
  });
}

/** The tag keys the migration counts as facets (to compare with COUNT_FACETS). */
export async function storedCountFacets(db: Queryable): Promise<string[]> {
  return (await db.query<{ facets: string[] }>('SELECT finding_count_facets() AS facets')).rows[0]!.facets;
}
