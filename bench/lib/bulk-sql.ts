// The baseline of the benchmarks: plain multi-row INSERT ... SELECT FROM jsonb_to_recordset, no evaluation, no
// checks. This is not product code; it stands for "the fastest this store can take the same rows".
import type { Queryable } from '../../src/store/db.js';

/** Copies every row of `table` for org `from` into org `to`, `chunk` rows per INSERT, timing only the inserts. */
export async function bulkCopyOrg(db: Queryable, table: string, from: string, to: string, chunk = 5000): Promise<{ rows: number; ms: number }> {
  const cols = (
    await db.query<{ column_name: string; data_type: string; udt_name: string }>(
      `SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
      [table],
    )
  ).rows;
  const names = cols.map((c) => c.column_name).filter((c) => c !== 'org_id');
  const typeOf = (c: (typeof cols)[number]) => (c.data_type === 'ARRAY' ? 'jsonb' : c.data_type === 'USER-DEFINED' ? c.udt_name : c.data_type);
  const spec = cols
    .filter((c) => c.column_name !== 'org_id')
    .map((c) => `"${c.column_name}" ${typeOf(c)}`)
    .join(', ');
  const select = cols
    .filter((c) => c.column_name !== 'org_id')
    .map((c) => (c.data_type === 'ARRAY' ? `ARRAY(SELECT jsonb_array_elements_text(r."${c.column_name}"))` : `r."${c.column_name}"`))
    .join(', ');
  // bigint as text: a JavaScript number cannot hold the open-ended valid_to (the largest bigint).
  const read = cols
    .filter((c) => c.column_name !== 'org_id')
    .map((c) => (c.data_type === 'bigint' ? `"${c.column_name}"::text AS "${c.column_name}"` : `"${c.column_name}"`));
  const rows = (await db.query<Record<string, unknown>>(`SELECT ${read.join(', ')} FROM ${table} WHERE org_id = $1`, [from])).rows;
  const started = performance.now();
  for (let i = 0; i < rows.length; i += chunk) {
    await db.query(
      `INSERT INTO ${table} (org_id, ${names.map((n) => `"${n}"`).join(', ')}) SELECT $1, ${select} FROM jsonb_to_recordset($2::jsonb) AS r(${spec})`,
      [to, JSON.stringify(rows.slice(i, i + chunk), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))],
    );
  }
  return { rows: rows.length, ms: performance.now() - started };
}
