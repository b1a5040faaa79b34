// Issue 17: exact totals from the kept counts (migration 017) on 1,000,000 findings while a writer imports resources
// continuously: first pages of covered filters (latency, and requests/s at 10 connections) against counting them by a
// scan; uncovered filters against their own SQL run directly; the writer's throughput with and without the triggers
// that keep the counts. The count cache is off throughout: with a writer at work every change would void it anyway.
// Run alone: npx tsx bench/findings-counts.ts (npm run bench:counts)
import { createRequire } from 'node:module';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { openDb, type Db } from '../src/store/db.js';
import { setCountCacheCapacity, useKeptCounts } from '../src/findings/findings-service.js';
import { parseListQuery } from '../src/findings/list-query.js';
import { coveredFilter } from '../src/findings/count-coverage.js';
import { buildCountQuery, buildPageQuery } from '../src/store/findings-query.js';
import { buildCoveredCountQuery, compactFindingCounts } from '../src/store/finding-counts.js';
import { importResourcesAtomically, fromArray } from '../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../src/posture/rule-pack-engine.js';
import { generateResource, rng } from './lib/resources.js';
import { serveBench, storeWithFindings, time } from './findings-api.js';
import { int, ms, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const DAY = 86_400_000;
const TRIGGERS = ['finding_counts_insert', 'finding_counts_delete', 'finding_counts_update', 'finding_counts_truncate'];

interface WriterStats {
  imports: number;
  resources: number;
  opened: number;
  ms: number;
}

/** Imports `size` new generated resources per transaction, one after another (`pauseMs` between), until `running()` is false. */
async function writeLoop(
  db: Db,
  orgId: string,
  size: number,
  pauseMs: number,
  seed: number,
  running: () => boolean,
  report: (s: WriterStats) => void,
) {
  const rules = builtInRuleEngine();
  const rnd = rng(seed);
  let next = seed * 1_000_000;
  const stats: WriterStats = { imports: 0, resources: 0, opened: 0, ms: 0 };
  while (running()) {
    const now = Date.now();
    const records = Array.from({ length: size }, () => generateResource(next++, rnd, now));
    const t = performance.now();
    const summary = await importResourcesAtomically(db, orgId, fromArray(records), rules, { source: 'bench' });
    stats.ms += performance.now() - t;
    stats.imports++;
    stats.resources += size;
    stats.opened += summary.findings_opened;
    report({ ...stats });
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return stats;
}

let writers = 0;

/**
 * The writer runs in a process of its own (as an ingest worker would), so its rule evaluation does not hold up the
 * server's event loop; `stats` follows its progress.
 */
function startWriter(databaseUrl: string, orgId: string, size: number, pauseMs: number) {
  const child = fork(fileURLToPath(import.meta.url), ['writer', orgId, String(size), String(pauseMs), String(17 + writers++)], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const stats: WriterStats = { imports: 0, resources: 0, opened: 0, ms: 0 };
  child.on('message', (m) => Object.assign(stats, m));
  const exited = once(child, 'exit');
  return {
    stats,
    async stop(): Promise<WriterStats> {
      if (child.exitCode === null) child.send('stop');
      const [code] = await exited;
      if (code !== 0) throw new Error(`the writer exited with ${code}`);
      return stats;
    },
  };
}

async function writerProcess(orgId: string, size: number, pauseMs: number, seed: number): Promise<void> {
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
  let running = true;
  process.on('message', () => (running = false));
  await writeLoop(
    db,
    orgId,
    size,
    pauseMs,
    seed,
    () => running,
    (s) => process.send!(s),
  );
  await db.close();
  process.exit(0);
}

export async function benchFindingsCounts(): Promise<string> {
  const iterations = Number(process.env.BENCH_ITERATIONS ?? 30);
  const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  const { store, keys, count, now, loadS, ...seeded } = await storeWithFindings('counts', 'bench-counts');
  const compactStart = performance.now();
  await compactFindingCounts(seeded.db, keys.org_id);
  const compactS = (performance.now() - compactStart) / 1000;
  const countRows = (
    await seeded.db.query<{ kind: string; n: string }>(
      `SELECT CASE WHEN facet = '' THEN 'base' ELSE facet END AS kind, count(*)::text AS n FROM finding_counts GROUP BY 1 ORDER BY 1`,
    )
  ).rows;
  await seeded.db.query('ANALYZE');
  await seeded.db.close();
  console.log(`counts: loaded ${count} in ${loadS.toFixed(0)} s, compacted in ${compactS.toFixed(1)} s`);
  const server = await serveBench(store);
  const db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  setCountCacheCapacity(0);
  const covered: [string, string][] = [
    ['no filter', ''],
    ['filter[status]=critical', 'filter[status]=critical'],
    ['filter[evaluation]=fail', 'filter[evaluation]=fail'],
    ['filter[muted]=true', 'filter[muted]=true'],
    ['filter[resource_type]=aws_s3_bucket', 'filter[resource_type]=aws_s3_bucket'],
    ['filter[rule_id]=aws-s3-bucket-3', 'filter[rule_id]=aws-s3-bucket-3'],
    ['filter[vulnerability_type]=identity_risk', 'filter[vulnerability_type]=identity_risk'],
    ['filter[tags]=team:team-7', 'filter[tags]=team:team-7'],
    [
      'combined: fail + high + team tag + S3',
      'filter[evaluation]=fail&filter[status]=high&filter[tags]=team:team-3&filter[resource_type]=aws_s3_bucket',
    ],
  ];
  const uncovered: [string, string][] = [
    ['two tags (team:team-7, env:prod)', 'filter[tags]=team:team-7&filter[tags]=env:prod'],
    ['filter[@resource_id]=arn:aws:s3:::*', 'filter[@resource_id]=arn:aws:s3:::*'],
    ['filter[rule_id]=aws-s3-*', 'filter[rule_id]=aws-s3-*'],
    ['filter[evaluation_changed_at]=>=(now - 7 days)', `filter[evaluation_changed_at]=>=${now - 7 * DAY}`],
    ['snapshot 30 days ago, filter[evaluation]=fail', `filter[evaluation]=fail&snapshot_timestamp=${now - 30 * DAY}`],
  ];
  const api = (qs: string) => async () => {
    const r = await fetch(`${server.url}/api/v2/posture_management/findings${qs ? `?${qs}` : ''}`, { headers });
    if (!r.ok) throw new Error(`HTTP ${r.status} for ${qs}: ${(await r.text()).slice(0, 200)}`);
    return (await r.json()) as { data: unknown[]; meta?: { page?: { total_filtered_count?: number } } };
  };
  // A change every 0.7 s or so: an import of 10 new resources (their findings, states and counts) at a time.
  if (!store.databaseUrl) throw new Error('bench/findings-counts.ts needs PostgreSQL (DATABASE_URL)');
  const writer = startWriter(store.databaseUrl, keys.org_id, 10, 600);
  const loadBefore = loadavg();
  const writerStart = performance.now();
  const coveredRows: (string | number)[][] = [];
  const uncoveredRows: (string | number)[][] = [];
  try {
    for (const [label, qs] of covered) {
      const req = parseListQuery(new URLSearchParams(qs));
      const f = coveredFilter(req.filter);
      if (!f) throw new Error(`${label} is not covered`);
      useKeptCounts(true);
      const body = await api(qs)();
      const kept = summarize(await time(api(qs), iterations));
      useKeptCounts(false);
      const scanned = summarize(await time(api(qs), Math.max(5, Math.round(iterations / 3))));
      useKeptCounts(true);
      const at = Date.now() - 1000;
      const keptQ = buildCoveredCountQuery(keys.org_id, f, at);
      const scanQ = buildCountQuery(keys.org_id, req.filter, at);
      const keptSql = summarize(await time(() => db.query(keptQ.sql, keptQ.params), iterations));
      const scanSql = summarize(await time(() => db.query(scanQ.sql, scanQ.params), 5));
      coveredRows.push([
        label,
        int(body.meta?.page?.total_filtered_count ?? NaN),
        ms(kept.p50),
        ms(kept.p99),
        ms(scanned.p50),
        ms(keptSql.p50),
        ms(scanSql.p50),
      ]);
      console.log(`counts: ${label}: api p50 ${ms(kept.p50)} ms (scan ${ms(scanned.p50)} ms); count SQL ${ms(keptSql.p50)} vs ${ms(scanSql.p50)} ms`);
    }
    // How the kept counts are read, with the writer running.
    const plans: string[] = [];
    for (const qs of ['', 'filter[muted]=true&filter[tags]=team:team-7']) {
      const q = buildCoveredCountQuery(keys.org_id, coveredFilter(parseListQuery(new URLSearchParams(qs)).filter)!, Date.now() - 1000);
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']);
      plans.push(`\`${qs || 'no filter'}\`:\n\n\`\`\`\n${plan.join('\n')}\n\`\`\``);
    }
    for (const [label, qs] of uncovered) {
      const req = parseListQuery(new URLSearchParams(qs));
      const body = await api(qs)();
      const viaApi = summarize(await time(api(qs), Math.max(5, Math.round(iterations / 3))));
      const at = req.snapshotTimestamp ?? Date.now() - 1000;
      const page = buildPageQuery(keys.org_id, { filter: req.filter, at, limit: req.limit + 1 });
      const countQ = buildCountQuery(keys.org_id, req.filter, at);
      const direct = summarize(
        await time(
          () => Promise.all([db.query(page.sql, page.params), db.query(countQ.sql, countQ.params)]),
          Math.max(5, Math.round(iterations / 3)),
        ),
      );
      uncoveredRows.push([
        label,
        int(body.meta?.page?.total_filtered_count ?? NaN),
        ms(viaApi.p50),
        ms(direct.p50),
        `${(viaApi.p50 / direct.p50).toFixed(2)}x`,
      ]);
      console.log(`counts: ${label}: api p50 ${ms(viaApi.p50)} ms, direct ${ms(direct.p50)} ms`);
    }

    const require = createRequire(import.meta.url);
    const autocannon = require('autocannon') as (
      o: object,
    ) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;
    const loads: (string | number)[][] = [];
    for (const [label, qs, kept] of [
      ['filter[evaluation]=fail', 'filter[evaluation]=fail', true],
      ['filter[tags]=team:team-7', 'filter[tags]=team:team-7', true],
      ['no filter', '', true],
      ['filter[evaluation]=fail, counted by a scan', 'filter[evaluation]=fail', false],
    ] as const) {
      useKeptCounts(kept);
      const imports = writer.stats.imports;
      const r = await autocannon({
        url: `${server.url}/api/v2/posture_management/findings${qs ? `?${qs}` : ''}`,
        connections: 10,
        duration: loadSeconds,
        headers,
      });
      loads.push([label, int(r.requests.average), r.latency.p50, r.latency.p99, r.non2xx + r.errors, writer.stats.imports - imports]);
      console.log(`counts: load ${label}: ${r.requests.average} req/s, p50 ${r.latency.p50} ms`);
    }
    useKeptCounts(true);
    const during = await writer.stop();
    const loadAfter = loadavg();
    const duringS = (performance.now() - writerStart) / 1000;

    // The writer alone, flat out: 100 new resources per import, with the count triggers and without, twice each.
    const throughput: (string | number)[][] = [];
    const rates: Record<string, number[]> = { with: [], without: [] };
    for (const mode of ['with', 'without', 'with', 'without'] as const) {
      for (const t of TRIGGERS) await db.query(`ALTER TABLE finding_states ${mode === 'with' ? 'ENABLE' : 'DISABLE'} TRIGGER ${t}`);
      const w = startWriter(store.databaseUrl, keys.org_id, 100, 0);
      await new Promise((r) => setTimeout(r, loadSeconds * 2000));
      const s = await w.stop();
      rates[mode]!.push(s.resources / (s.ms / 1000));
      throughput.push([
        `${mode} count maintenance`,
        s.imports,
        int(s.resources),
        int(s.opened),
        int(s.resources / (s.ms / 1000)),
        ms(s.ms / s.imports),
      ]);
      console.log(`counts: writer ${mode}: ${int(s.resources / (s.ms / 1000))} resources/s`);
    }
    for (const t of TRIGGERS) await db.query(`ALTER TABLE finding_states ENABLE TRIGGER ${t}`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    return [
      `### Exact counts (issue 17)`,
      ``,
      `${int(count)} findings in one organization (loadFindings of the issue 4 benchmark: a closed history row for every 10th), bulk-loaded in ${loadS.toFixed(0)} s ` +
        `with the count triggers on; folding their deltas took ${compactS.toFixed(1)} s. Count rows: ${countRows.map((r) => `${r.kind} ${int(Number(r.n))}`).join(', ')}. ` +
        `While the read figures were taken, a writer process imported 10 new generated resources every ~0.7 s through \`importResourcesAtomically\` ` +
        `(${during.imports} imports, ${int(during.opened)} findings opened in ${duringS.toFixed(0)} s: ${(during.imports / duringS).toFixed(1)} changes/s). ` +
        `The count cache was off (capacity 0) throughout. Load average (1, 5, 15 min) when the writer started: ${loadBefore.map((x) => x.toFixed(1)).join(', ')}; after the read figures: ${loadAfter.map((x) => x.toFixed(1)).join(', ')}.`,
      ``,
      `#### Covered filters: first page with its exact total`,
      ``,
      `API latency over ${iterations} sequential requests after 3 warm-ups; "by a scan" is the same request with the kept counts switched off (\`useKeptCounts(false)\`, as before this change); ` +
        `the last two columns are the count SQL alone (kept counts with their corrections, at an instant 1 s back; the scan).`,
      ``,
      table(['filter', 'total', 'API p50 ms', 'API p99 ms', 'API p50 ms, by a scan', 'count SQL p50 ms', 'scan count SQL p50 ms'], coveredRows),
      ``,
      `#### Concurrent load (autocannon, 10 connections, ${loadSeconds} s each, writer running)`,
      ``,
      table(['filter', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx + errors', 'imports meanwhile'], loads),
      ``,
      `#### Uncovered filters: the API against the same SQL run directly`,
      ``,
      `Counted by a scan as before (the page + count SQL the compiler builds, run on the same store connection).`,
      ``,
      table(['filter', 'total', 'API p50 ms', 'SQL p50 ms', 'API / SQL (p50)'], uncoveredRows),
      ``,
      `#### The writer's own throughput`,
      ``,
      `Imports of 100 new generated resources each, back to back for ${loadSeconds * 2} s, nothing else running; the count triggers enabled, then disabled (\`ALTER TABLE ... DISABLE TRIGGER\`), twice.`,
      ``,
      table(['run', 'imports', 'resources', 'findings opened', 'resources/s', 'ms per import'], throughput),
      ``,
      `#### Plans of the kept count (EXPLAIN ANALYZE, writer running)`,
      ``,
      ...plans,
      ``,
      `With count maintenance the writer keeps **${((100 * mean(rates.with!)) / mean(rates.without!)).toFixed(0)}%** of its throughput without it.`,
    ].join('\n');
  } finally {
    useKeptCounts(true);
    await writer.stop();
    await server.stop();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === 'writer') await writerProcess(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]));
  else writeSection('findings-counts', await benchFindingsCounts());
}
