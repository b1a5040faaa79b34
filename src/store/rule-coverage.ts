// Rule coverage's SQL: at an instant T, how many (resource, rule) pairs of the rule pack passed, failed, or could not be
// judged (evaluation_gaps: a field that decides the rule was absent), with the fields missing and the sources of the
// versions that lacked them; and one rule's not-evaluated resources, paged in resource id order. Only the rule pack's
// own findings count (findings.origin = 'rule'): findings imported from Datadog are Datadog's judgement, not Steward's.
// As in the findings listing, "valid at T" is two halves: current rows opened by T, and rows closed after T.
// Values only ever travel as parameters.
import type { Queryable } from './db.js';
import { OPEN_ENDED } from './finding-states.js';
import { Params } from './findings-query.js';

/** Exact values; an absent field does not filter. */
export interface CoverageFilter {
  rule_id?: string;
  resource_type?: string;
}

/** What was decided (or not) of one rule on one resource type at the instant. */
export interface CoverageCounts {
  rule_id: string;
  resource_type: string;
  /** As the finding states name the rule (for rules no longer in the pack). */
  rule_name: string | null;
  severity: string | null;
  pass: number;
  fail: number;
  not_evaluated: number;
  /** Not-evaluated pairs lacking each field, most frequent first. */
  missing_fields: Array<{ field: string; count: number }>;
  /** Not-evaluated pairs by the source of the version that lacked the fields (null: not recorded), most frequent first. */
  sources: Array<{ source: string | null; count: number }>;
}

/** The two halves of "the rows valid at `at`" (see findings-query.ts for why `valid_to < max`). */
function validAt(at: string, table = ''): [string, string] {
  const [from, to] = [`${table}valid_from`, `${table}valid_to`];
  return [`${to} = ${OPEN_ENDED} AND ${from} <= ${at}`, `${to} < ${OPEN_ENDED} AND ${to} > ${at} AND ${from} <= ${at}`];
}

function filterClauses(filter: CoverageFilter, p: Params, table: string): string {
  const clauses: string[] = [];
  if (filter.rule_id !== undefined) clauses.push(`${table}.rule_id = ${p.add(filter.rule_id)}::text`);
  if (filter.resource_type !== undefined) clauses.push(`${table}.resource_type = ${p.add(filter.resource_type)}::text`);
  return clauses.map((c) => ` AND ${c}`).join('');
}

const byCountThenName =
  <T>(key: (x: T) => string, count: (x: T) => number) =>
  (a: T, b: T) =>
    count(b) - count(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The coverage of every rule with a finding state or a gap at `at`, by (rule, resource type). */
export async function queryRuleCoverage(db: Queryable, orgId: string, filter: CoverageFilter, at: number): Promise<CoverageCounts[]> {
  const p = new Params();
  const org = p.add(orgId);
  const atP = p.add(at);
  const stateFilter = filterClauses(filter, p, 's');
  const gapFilter = filterClauses(filter, p, 'g');
  const states = (half: 0 | 1) =>
    `SELECT s.rule_id, s.resource_type, s.evaluation, s.rule_name, s.status FROM finding_states s
     JOIN findings f ON f.org_id = s.org_id AND f.finding_id = s.finding_id AND f.origin = 'rule'
     WHERE s.org_id = ${org} AND ${validAt(atP, 's.')[half]}${stateFilter}`;
  const gaps = (half: 0 | 1) =>
    `SELECT g.rule_id, g.resource_type, g.missing_fields, g.source FROM evaluation_gaps g
     WHERE g.org_id = ${org} AND ${validAt(atP, 'g.')[half]}${gapFilter}`;
  const rows = (
    await db.query<{
      kind: string;
      rule_id: string;
      resource_type: string;
      value: string | null;
      rule_name: string | null;
      status: string | null;
      n: number | string;
    }>(
      `WITH s AS (${states(0)} UNION ALL ${states(1)}),
            g AS (${gaps(0)} UNION ALL ${gaps(1)})
       SELECT 'evaluation' AS kind, rule_id, resource_type, evaluation AS value, min(rule_name) AS rule_name, min(status) AS status, count(*) AS n
         FROM s GROUP BY rule_id, resource_type, evaluation
       UNION ALL SELECT 'gap', rule_id, resource_type, NULL, NULL, NULL, count(*) FROM g GROUP BY rule_id, resource_type
       UNION ALL SELECT 'field', g.rule_id, g.resource_type, f, NULL, NULL, count(*) FROM g, unnest(g.missing_fields) AS f GROUP BY g.rule_id, g.resource_type, f
       UNION ALL SELECT 'source', rule_id, resource_type, source, NULL, NULL, count(*) FROM g GROUP BY rule_id, resource_type, source`,
      p.values,
    )
  ).rows;
  const out = new Map<string, CoverageCounts>();
  for (const r of rows) {
    const key = `${r.rule_id}\u0000${r.resource_type}`;
    let c = out.get(key);
    if (!c) {
      c = {
        rule_id: r.rule_id,
        resource_type: r.resource_type,
        rule_name: null,
        severity: null,
        pass: 0,
        fail: 0,
        not_evaluated: 0,
        missing_fields: [],
        sources: [],
      };
      out.set(key, c);
    }
    const n = Number(r.n);
    if (r.kind === 'evaluation') {
      if (r.value === 'pass') c.pass += n;
      else c.fail += n;
      c.rule_name ??= r.rule_name;
      c.severity ??= r.status;
    } else if (r.kind === 'gap') c.not_evaluated += n;
    else if (r.kind === 'field') c.missing_fields.push({ field: r.value ?? '', count: n });
    else c.sources.push({ source: r.value, count: n });
  }
  for (const c of out.values()) {
    c.missing_fields.sort(
      byCountThenName(
        (x) => x.field,
        (x) => x.count,
      ),
    );
    c.sources.sort(
      byCountThenName(
        (x) => x.source ?? '',
        (x) => x.count,
      ),
    );
  }
  return [...out.values()];
}

/** A resource a rule could not judge at the instant: what it lacked, where its version came from, and since when. */
export interface CoverageGapRow {
  resource_id: string;
  resource_type: string;
  /** The resource's name (as it is now; null if the inventory no longer has it). */
  name: string | null;
  missing_fields: string[];
  source: string | null;
  /** When this gap (these missing fields, from this source) began. */
  valid_from: number;
}

export interface CoverageGapPageQuery {
  rule_id: string;
  at: number;
  /** The last resource id of the page before. */
  after?: string;
  limit: number;
}

/** One page of the resources `q.rule_id` could not judge at `q.at`, in resource id order, after `q.after`. */
export async function queryCoverageGaps(db: Queryable, orgId: string, q: CoverageGapPageQuery): Promise<CoverageGapRow[]> {
  const p = new Params();
  const org = p.add(orgId);
  const rule = p.add(q.rule_id);
  const at = p.add(q.at);
  const keyset = q.after === undefined ? '' : ` AND resource_id > ${p.add(q.after)}::text`;
  const limit = p.add(q.limit);
  const half = (validity: string) =>
    `(SELECT resource_id, resource_type, missing_fields, source, valid_from FROM evaluation_gaps
      WHERE org_id = ${org} AND rule_id = ${rule}::text AND ${validity}${keyset} ORDER BY resource_id LIMIT ${limit})`;
  const [current, closed] = validAt(at);
  const rows = (
    await db.query<CoverageGapRow>(
      `SELECT g.resource_id, g.resource_type, r.name, g.missing_fields, g.source, g.valid_from
       FROM (${half(current)} UNION ALL ${half(closed)}) g
       LEFT JOIN resources r ON r.org_id = ${org} AND r.resource_id = g.resource_id
       ORDER BY g.resource_id LIMIT ${limit}`,
      p.values,
    )
  ).rows;
  return rows.map((r) => ({ ...r, valid_from: Number(r.valid_from) }));
}

/** How many resources `ruleId` could not judge at `at`. */
export async function countCoverageGaps(db: Queryable, orgId: string, ruleId: string, at: number): Promise<number> {
  const [current, closed] = validAt('$3');
  const count = (validity: string) => `(SELECT count(*) FROM evaluation_gaps WHERE org_id = $1 AND rule_id = $2::text AND ${validity})`;
  const row = (await db.query<{ total: number | string }>(`SELECT ${count(current)} + ${count(closed)} AS total`, [orgId, ruleId, at])).rows[0];
  return Number(row!.total);
}
