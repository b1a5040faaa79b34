// Issue 4: the findings listing over HTTP against the same SQL run directly on the store, on 1,000,000 findings.
// The direct SQL comes from the product's own compiler (parseListQuery -> buildPageQuery / buildCountQuery), so the
// difference is what the server adds: routing, auth, rate limiting, the snapshot clock, cursor signing, serializing.
// Run alone: npx tsx bench/findings-api.ts
import { setCountCacheCapacity } from '../src/findings/findings-service.js';
import { createRequire } from 'node:module';
import { serve } from '../src/server/serve.js';
import { loadConfig, parseRateLimits } from '../src/config.js';
import { createKeys } from '../src/store/orgs.js';
import { OPEN_ENDED } from '../src/store/finding-states.js';
import { compactFindingCounts } from '../src/store/finding-counts.js';
import { parseListQuery } from '../src/findings/list-query.js';
import { buildCountQuery, buildPageQuery } from '../src/store/findings-query.js';
import { SEVERITIES } from '../src/posture/resource.js';
import { severityRank } from '../src/posture/finding-identity.js';
import type { Queryable } from '../src/store/db.js';
import { createBenchStore, type BenchStore } from './lib/store.js';
import { int, ms, scaled, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const DAY = 86_400_000;

/** Bulk-loads `count` findings (plus a closed history row for every 10th) with realistic distributions, in SQL. */
export async function loadFindings(db: Queryable, orgId: string, count: number, now: number): Promise<void> {
  const ranks = SEVERITIES.map((s) => severityRank(s));
  const chunk = 100_000;
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    await db.query(
      `INSERT INTO finding_states (org_id, finding_id, valid_from, valid_to, severity_rank, status, evaluation, evaluation_changed_at,
         resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags, muted, mute, mute_expires_at, changed_by)
       SELECT $1, 'fnd-' || lpad(g::text, 8, '0'), changed, ${OPEN_ENDED}, ($5::int[])[sev], ($6::text[])[sev], CASE WHEN r2 < 0.4 THEN 'fail' ELSE 'pass' END, changed,
         $4::bigint - floor(r3 * ${365 * DAY})::bigint,
         CASE rt WHEN 1 THEN 'arn:aws:s3:::bucket-' || g WHEN 2 THEN 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-' || g
           WHEN 3 THEN 'arn:aws:ec2:us-east-1:123456789012:instance/i-' || g WHEN 4 THEN 'arn:aws:rds:eu-west-1:123456789012:db:db-' || g
           WHEN 5 THEN 'arn:aws:iam::123456789012:role/role-' || g WHEN 6 THEN 'arn:aws:iam::123456789012:user/user-' || g
           WHEN 7 THEN 'arn:aws:lambda:us-west-2:123456789012:function:fn-' || g ELSE 'arn:aws:kms:us-east-1:123456789012:key/k-' || g END,
         'res-' || g, ($7::text[])[rt], replace(($7::text[])[rt], '_', '-') || '-' || rule, 'Rule ' || rule || ' of ' || ($7::text[])[rt],
         CASE WHEN r4 < 0.7 THEN 'misconfiguration' WHEN r4 < 0.85 THEN 'identity_risk' WHEN r4 < 0.95 THEN 'attack_path' ELSE 'api_security' END,
         ARRAY['team:team-' || (1 + floor(r5 * 20)::int), 'env:' || (ARRAY['prod','staging','dev'])[1 + floor(r6 * 3)::int], 'service:svc-' || (1 + floor(r5 * 200)::int)],
         r7 < 0.05, CASE WHEN r7 < 0.05 THEN jsonb_build_object('reason', 'ACCEPTED_RISK', 'description', 'bench') END, NULL, 'bench'
       FROM (SELECT g, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7,
               CASE WHEN r1 < 0.05 THEN 1 WHEN r1 < 0.25 THEN 2 WHEN r1 < 0.6 THEN 3 WHEN r1 < 0.85 THEN 4 ELSE 5 END AS sev,
               1 + floor(r8 * 8)::int AS rt, 1 + floor(random() * 8)::int AS rule,
               $4::bigint - floor(random() * ${180 * DAY})::bigint AS changed
             FROM (SELECT g, random() AS r1, random() AS r8 FROM generate_series($2::int, $3::int) g) s0) s`,
      [
        orgId,
        from,
        to,
        now,
        ranks,
        [...SEVERITIES],
        [
          'aws_s3_bucket',
          'aws_security_group',
          'aws_ec2_instance',
          'aws_rds_instance',
          'aws_iam_role',
          'aws_iam_user',
          'aws_lambda_function',
          'aws_kms_key',
        ],
      ],
    );
  }
  // History: every 10th finding had an earlier state with the other evaluation, closed when the current one opened.
  await db.query(
    `INSERT INTO finding_states (org_id, finding_id, valid_from, valid_to, severity_rank, status, evaluation, evaluation_changed_at,
       resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags, muted, changed_by)
     SELECT org_id, finding_id, $2::bigint - ${200 * DAY}, valid_from, severity_rank, status, CASE evaluation WHEN 'fail' THEN 'pass' ELSE 'fail' END,
       $2::bigint - ${200 * DAY}, resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags, false, 'bench'
     FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN_ENDED} AND right(finding_id, 1) = '0'`,
    [orgId, now],
  );
  await db.query(
    `INSERT INTO findings (org_id, finding_id, resource_id, rule_id, origin)
     SELECT org_id, finding_id, resource_id, rule_id, 'rule' FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN_ENDED}`,
    [orgId],
  );
  await db.query('ANALYZE finding_states');
  await db.query('ANALYZE findings');
}

/** Times `n` calls of `fn` in ms, after up to 3 warm-ups. */
export async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  for (let i = 0; i < Math.min(3, n); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** The server on a benchmark's store, on a free port, with rate limits too high to bite. */
export async function serveBench(store: BenchStore): Promise<Awaited<ReturnType<typeof serve>>> {
  return serve(
    {
      ...loadConfig({}),
      port: 0,
      databaseUrl: store.databaseUrl,
      dataDir: store.dataDir,
      logLevel: 'error',
      rateLimits: parseRateLimits('findings=100000000,ownership=100000000,inventory=100000000,meta=100000000'),
    },
    { handleSignals: false },
  );
}

/** A benchmark's own store holding one organization (named `org`) with 1,000,000 findings (scaled) from loadFindings. */
export async function storeWithFindings(label: string, org: string) {
  const count = scaled(1_000_000, 10_000);
  const store = await createBenchStore(label);
  const now = Date.now();
  const db = await store.open();
  const keys = await createKeys(db, org, 'bench');
  const loadStart = performance.now();
  await loadFindings(db, keys.org_id, count, now);
  // The bulk load bypasses the write lease, whose end folds the count deltas: fold them as an import would have.
  await compactFindingCounts(db, keys.org_id);
  return { store, db, keys, count, now, loadS: (performance.now() - loadStart) / 1000 };
}

export async function benchFindingsApi(): Promise<string> {
  const iterations = scaled(30, 5);
  const { store, keys, count, now, loadS, ...seeded } = await storeWithFindings('findings', 'bench-findings');
  let db = seeded.db;
  console.log(`findings: loaded ${count} in ${loadS.toFixed(0)} s`);
  await db.close();
  const server = await serveBench(store);
  db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  const snapshot = now - 30 * DAY;
  const cases: [string, string][] = [
    ['no filter', ''],
    ['filter[status]=critical', 'filter[status]=critical'],
    ['filter[evaluation]=fail', 'filter[evaluation]=fail'],
    ['filter[resource_type]=aws_s3_bucket', 'filter[resource_type]=aws_s3_bucket'],
    ['filter[tags]=team:team-7', 'filter[tags]=team:team-7'],
    ['two tags (team:team-7, env:prod)', 'filter[tags]=team:team-7&filter[tags]=env:prod'],
    ['filter[rule_id]=aws-s3-bucket-3', 'filter[rule_id]=aws-s3-bucket-3'],
    ['filter[@resource_id]=arn:aws:s3:::*', 'filter[@resource_id]=arn:aws:s3:::*'],
    ['filter[muted]=true', 'filter[muted]=true'],
    ['filter[evaluation_changed_at]=>=(now - 7 days)', `filter[evaluation_changed_at]=>=${now - 7 * DAY}`],
    ['filter[vulnerability_type]=identity_risk', 'filter[vulnerability_type]=identity_risk'],
    [
      'combined: fail + high + team tag + S3',
      'filter[evaluation]=fail&filter[status]=high&filter[tags]=team:team-3&filter[resource_type]=aws_s3_bucket',
    ],
    ['page of 1000, no filter', 'page[limit]=1000'],
    ['current, filter[evaluation]=fail', 'filter[evaluation]=fail'],
    ['snapshot 30 days ago, filter[evaluation]=fail', `filter[evaluation]=fail&snapshot_timestamp=${snapshot}`],
  ];
  const rows: (string | number)[][] = [];
  const problems: string[] = [];
  const p50 = new Map<string, number>();
  try {
    for (const [label, qs] of cases) {
      const url = `${server.url}/api/v2/posture_management/findings${qs ? `?${qs}` : ''}`;
      const probe = await fetch(url, { headers });
      if (!probe.ok) {
        problems.push(`\`${label}\`: HTTP ${probe.status} ${(await probe.text()).slice(0, 200)}`);
        continue;
      }
      const body = (await probe.json()) as { data: unknown[]; meta?: { page?: { total_filtered_count?: number } } };
      // Every request counts (as a listing after a change would), then again with the count reused while nothing changed.
      setCountCacheCapacity(0);
      const api = summarize(await time(async () => (await fetch(url, { headers })).arrayBuffer(), iterations));
      setCountCacheCapacity(2000);
      const reused = summarize(await time(async () => (await fetch(url, { headers })).arrayBuffer(), iterations));
      const req = parseListQuery(new URLSearchParams(qs));
      const at = req.snapshotTimestamp ?? Date.now();
      const page = buildPageQuery(keys.org_id, { filter: req.filter, at, limit: req.limit + 1 });
      const countQ = buildCountQuery(keys.org_id, req.filter, at);
      const direct = summarize(await time(() => Promise.all([db.query(page.sql, page.params), db.query(countQ.sql, countQ.params)]), iterations));
      p50.set(label, api.p50);
      rows.push([
        label,
        body.data.length,
        int(body.meta?.page?.total_filtered_count ?? NaN),
        ms(api.p50),
        ms(api.p99),
        ms(direct.p50),
        ms(direct.p99),
        `${(api.p50 / direct.p50).toFixed(2)}x`,
        ms(reused.p50),
      ]);
      console.log(`findings: ${label}: api p50 ${ms(api.p50)} ms, direct ${ms(direct.p50)} ms`);
    }

    // Concurrent load on a typical filter.
    const require = createRequire(import.meta.url);
    const autocannon = require('autocannon') as (
      o: object,
    ) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;
    const loadUrl = `${server.url}/api/v2/posture_management/findings?filter[evaluation]=fail`;
    setCountCacheCapacity(0);
    const coldLoad = await autocannon({ url: loadUrl, connections: 10, duration: Number(process.env.BENCH_LOAD_SECONDS ?? 10), headers });
    setCountCacheCapacity(2000);
    const load = await autocannon({ url: loadUrl, connections: 10, duration: Number(process.env.BENCH_LOAD_SECONDS ?? 10), headers });

    // EXPLAIN of three indexed filters, from the compiler's own SQL.
    const plans: string[] = [];
    for (const qs of ['filter[evaluation]=fail', 'filter[vulnerability_type]=identity_risk', 'filter[tags]=team:team-7']) {
      const req = parseListQuery(new URLSearchParams(qs));
      const q = buildPageQuery(keys.org_id, { filter: req.filter, at: Date.now(), limit: req.limit + 1 });
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const seq = /Seq Scan on finding_states/.test(plan);
      plans.push(
        `\`${qs}\`${seq ? ' — **sequential scan on finding_states**' : ' — no sequential scan on finding_states'}:\n\n\`\`\`\n${plan}\n\`\`\``,
      );
    }

    const snap = p50.get('snapshot 30 days ago, filter[evaluation]=fail');
    const cur = p50.get('current, filter[evaluation]=fail');
    return [
      `### Findings API (issue 4)`,
      ``,
      `${int(count)} findings in one organization (plus a closed history row for every 10th), bulk-loaded in ${loadS.toFixed(0)} s. ` +
        `Latency of \`GET /api/v2/posture_management/findings\` (page size 100 unless said), measured by the client over ${iterations} requests after 3 warm-ups, ` +
        `beside the page + exact-count SQL that the product's compiler builds for the same parsed filter, run directly on the same store connection. Target: API within 1.5x of direct SQL.`,
      ``,
      table(
        ['filter', 'returned', 'total', 'API p50 ms', 'API p99 ms', 'SQL p50 ms', 'SQL p99 ms', 'API / SQL (p50)', 'API p50 ms, count reused'],
        rows,
      ),
      ``,
      `The API columns count on every request, as the first listing after any change does; the last column is the same request while the findings have not changed, when the exact count is reused (it is keyed on the last change's instant, so it is still exact).`,
      ``,
      snap !== undefined && cur !== undefined
        ? `Snapshot (30 days ago) / current p50: **${(snap / cur).toFixed(2)}x** (target 1.5x).`
        : 'Snapshot comparison unavailable.',
      ``,
      `Concurrent load (autocannon, 10 connections, ${process.env.BENCH_LOAD_SECONDS ?? 10} s, \`filter[evaluation]=fail\`): **${load.requests.average.toFixed(0)} requests/s** with counts reused while the findings do not change (latency p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}); **${coldLoad.requests.average.toFixed(0)} requests/s** when every request counts again (p50 ${coldLoad.latency.p50} ms, p99 ${coldLoad.latency.p99} ms).`,
      ``,
      ...(problems.length ? [`Requests the API refused (reported, not worked around):`, ``, ...problems.map((p) => `- ${p}`), ``] : []),
      `#### Plans`,
      ``,
      ...plans,
    ].join('\n');
  } finally {
    await server.stop();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('findings-api', await benchFindingsApi());
}
