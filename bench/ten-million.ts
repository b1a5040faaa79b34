// Issue 17: the findings, snapshot and ingest questions at 10,000,000 findings in one organization on PostgreSQL.
// Loads the findings with the findings API benchmark's loader (a closed history row for every 10th), then: first pages
// through the API beside their SQL, a snapshot 30 days back, exact totals (kept counts and scans), an ingest into that
// organization, and what the tables and indexes weigh, with the plans. BENCH_FINDINGS sets the size (10,000,000).
// Run alone: DATABASE_URL=... npx tsx bench/ten-million.ts (npm run bench:ten-million)
import { createKeys } from '../src/store/orgs.js';
import { parseListQuery } from '../src/findings/list-query.js';
import { coveredFilter } from '../src/findings/count-coverage.js';
import { buildCountQuery, buildPageQuery } from '../src/store/findings-query.js';
import { compactFindingCounts } from '../src/store/finding-counts.js';
import { importResourcesAtomically, fromArray } from '../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../src/posture/rule-pack-engine.js';
import { generateResource, rng } from './lib/resources.js';
import { createBenchStore } from './lib/store.js';
import { loadFindings, serveBench, time } from './findings-api.js';
import { int, ms, rssSampler, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const DAY = 86_400_000;
const ITERATIONS = 10;

const CASES: [string, string][] = [
  ['no filter', ''],
  ['filter[evaluation]=fail', 'filter[evaluation]=fail'],
  ['filter[tags]=team:team-7', 'filter[tags]=team:team-7'],
  ['filter[rule_id]=aws-s3-bucket-3', 'filter[rule_id]=aws-s3-bucket-3'],
  ['filter[@resource_id]=arn:aws:s3:::*', 'filter[@resource_id]=arn:aws:s3:::*'],
  [
    'combined: fail + high + team tag + S3',
    'filter[evaluation]=fail&filter[status]=high&filter[tags]=team:team-3&filter[resource_type]=aws_s3_bucket',
  ],
];

export async function benchTenMillion(): Promise<string> {
  const count = Number(process.env.BENCH_FINDINGS ?? 10_000_000);
  const store = await createBenchStore('ten-million');
  if (!store.databaseUrl) throw new Error('the ten-million benchmark needs DATABASE_URL (PostgreSQL)');
  let db = await store.open();
  const keys = await createKeys(db, 'bench-ten-million', 'bench');
  const now = Date.now();
  const loadStart = performance.now();
  await loadFindings(db, keys.org_id, count, now);
  const loadS = (performance.now() - loadStart) / 1000;
  const foldStart = performance.now();
  await compactFindingCounts(db, keys.org_id);
  const foldS = (performance.now() - foldStart) / 1000;
  console.log(`ten-million: loaded ${int(count)} in ${loadS.toFixed(0)} s, counts folded in ${foldS.toFixed(1)} s`);
  await db.close();
  const server = await serveBench(store);
  db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  const snapshot = now - 30 * DAY;
  const rows: (string | number)[][] = [];
  const plans: string[] = [];
  try {
    for (const [label, qs] of [
      ...CASES,
      [`snapshot 30 days ago, filter[evaluation]=fail`, `filter[evaluation]=fail&snapshot_timestamp=${snapshot}`],
    ]) {
      const url = `${server.url}/api/v2/posture_management/findings${qs ? `?${qs}` : ''}`;
      const first = await fetch(url, { headers });
      const body = (await first.json()) as { data: unknown[]; meta?: { page?: { total_filtered_count?: number } } };
      const api = summarize(await time(async () => (await fetch(url, { headers })).arrayBuffer(), ITERATIONS));
      const req = parseListQuery(new URLSearchParams(qs));
      const at = req.snapshotTimestamp ?? Date.now();
      const page = buildPageQuery(keys.org_id, { filter: req.filter, at, limit: req.limit + 1 });
      const countQ = buildCountQuery(keys.org_id, req.filter, at);
      const pageSql = summarize(await time(() => db.query(page.sql, page.params), ITERATIONS));
      const countSql = summarize(await time(() => db.query(countQ.sql, countQ.params), 3));
      const kept = req.snapshotTimestamp === undefined && coveredFilter(req.filter) !== undefined;
      rows.push([
        label,
        first.status,
        int(body.meta?.page?.total_filtered_count ?? NaN),
        kept ? 'kept counts' : 'scan, then reused',
        ms(api.p50),
        ms(api.p99),
        ms(pageSql.p50),
        ms(countSql.p50),
      ]);
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${page.sql}`, page.params)).rows.map((r) => r['QUERY PLAN']);
      plans.push(`\`${label}\` (page):\n\n\`\`\`\n${plan.join('\n')}\n\`\`\``);
      console.log(`ten-million: ${label}: api p50 ${ms(api.p50)} ms, page SQL ${ms(pageSql.p50)} ms, count scan ${ms(countSql.p50)} ms`);
    }

    // Ingest into the organization that holds them: new resources, 200 a transaction.
    const rules = builtInRuleEngine();
    const rnd = rng(10);
    const batches = 25;
    const size = 200;
    const rss = rssSampler();
    const ingestStart = performance.now();
    let opened = 0;
    for (let b = 0; b < batches; b++) {
      const at = Date.now();
      const records = Array.from({ length: size }, (_, i) => generateResource(50_000_000 + b * size + i, rnd, at));
      opened += (await importResourcesAtomically(db, keys.org_id, fromArray(records), rules, { source: 'bench' })).findings_opened;
    }
    const ingestS = (performance.now() - ingestStart) / 1000;
    const peakRss = rss.stop();

    const sizes = (
      await db.query<{ name: string; bytes: string | number; dead: string | number | null; live: string | number | null }>(
        `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes, s.n_dead_tup AS dead, s.n_live_tup AS live
         FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
         WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6`,
      )
    ).rows;
    const indexes = (
      await db.query<{ name: string; bytes: string | number }>(
        `SELECT indexrelname AS name, pg_relation_size(indexrelid) AS bytes FROM pg_stat_user_indexes
         WHERE relname = 'finding_states' ORDER BY pg_relation_size(indexrelid) DESC`,
      )
    ).rows;
    const mb = (b: string | number) => `${int(Number(b) / 2 ** 20)} MB`;

    return [
      `### Ten million findings (issue 17)`,
      ``,
      `${int(count)} findings in one organization (plus a closed history row for every 10th), bulk-loaded in ${loadS.toFixed(0)} s by the ` +
        `findings API benchmark's loader, with the count triggers on (their deltas folded in ${foldS.toFixed(1)} s). First pages (100) as the ` +
        `client sees them over ${ITERATIONS} requests after 3 warm-ups, beside the page SQL the compiler builds, run directly, and the exact ` +
        `count by a scan (3 runs). The API's total comes from the kept counts where the filter is covered at the current instant, else ` +
        `from a scan whose answer is reused while nothing changes (the column "total from").`,
      ``,
      table(['request', 'HTTP', 'total', 'total from', 'API p50 ms', 'API p99 ms', 'page SQL p50 ms', 'count scan p50 ms'], rows),
      ``,
      `Ingest into this organization: ${batches} transactions of ${size} new resources (${int(batches * size)} resources, ${int(opened)} ` +
        `findings opened) in ${ingestS.toFixed(1)} s: **${int((batches * size) / ingestS)} resources/s**; the benchmark process's peak RSS ` +
        `${mb(peakRss)}.`,
      ``,
      `What the tables weigh (with their indexes and TOAST), with live and dead rows:`,
      ``,
      table(
        ['table', 'size', 'live rows', 'dead rows'],
        sizes.map((s) => [s.name, mb(s.bytes), int(Number(s.live ?? 0)), int(Number(s.dead ?? 0))]),
      ),
      ``,
      `The indexes of \`finding_states\`:`,
      ``,
      table(
        ['index', 'size'],
        indexes.map((i) => [i.name, mb(i.bytes)]),
      ),
      ``,
      `#### Plans at ten million`,
      ``,
      ...plans,
    ].join('\n');
  } finally {
    await server.stop();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('ten-million', await benchTenMillion());
}
