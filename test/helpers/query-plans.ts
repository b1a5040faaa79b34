// EXPLAIN's JSON plans of the listing's SQL, read the same way on PGlite and PostgreSQL, for the plan tests.
import type { Queryable } from '../../src/store/db.js';

export type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
};

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Every node of the plan, depth first; `analyze` runs the query for actual row counts. */
export async function explain(db: Queryable, sql: string, params: unknown[], analyze: boolean): Promise<PlanNode[]> {
  const r = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> | string }>(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${sql}`, params);
  const raw = r.rows[0]!['QUERY PLAN'];
  const doc = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return nodes(doc[0].Plan);
}

/** Rows read from finding_states by all scan nodes together: those they returned and those their filters dropped. */
export function rowsRead(plan: PlanNode[]): number {
  return plan
    .filter((n) => n['Relation Name'] === 'finding_states' || /Bitmap Index Scan/.test(n['Node Type']))
    .reduce(
      (sum, n) =>
        sum + ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1),
      0,
    );
}
