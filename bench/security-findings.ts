// Issue 15, item 5: the Security Findings API's query language against the legacy filters, on 1,000,000 findings.
// The same questions asked both ways (GET /api/v2/posture_management/findings?filter[...] and
// GET /api/v2/security/findings?filter[query]=...), each beside the SQL the product's compiler builds for it, run
// directly; then what only the query language says: an OR across two fields and the owner facets, which read the
// ownership history seeded here. Run alone: npx tsx bench/security-findings.ts
import { parseListQuery } from '../src/findings/list-query.js';
import { parseSearchQuery } from '../src/findings/search-syntax.js';
import { buildPageQuery, type PageQuery } from '../src/store/findings-query.js';
import { writeInferences, type InferenceRow } from '../src/store/ownership-inferences.js';
import { OPEN_ENDED } from '../src/store/finding-states.js';
import type { Db, Queryable } from '../src/store/db.js';
import { serveBench, storeWithFindings, time } from './findings-api.js';
import { prng } from './lib/prng.js';
import { int, ms, scaled, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const DAY = 86_400_000;
const TEAMS = 20;

/**
 * Writes a team inference for every finding's resource through writeInferences, in bulk: the team of its `team:` tag
 * for 85%, another for the rest, confidence spread over 0.3-0.99. A tenth of the resources first had another team,
 * 60 days ago, so their history holds two entries and the facet must pick the newest at the instant.
 */
export async function seedTeamOwners(db: Queryable, orgId: string, now: number): Promise<{ resources: number; history: number }> {
  const rows = (
    await db.query<{ resource_id: string; team: string | null }>(
      `SELECT resource_id, substr(tags[1], 6) AS team FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN_ENDED} ORDER BY resource_id`,
      [orgId],
    )
  ).rows;
  const rnd = prng(15);
  const otherTeam = () => `team-${1 + Math.floor(rnd() * TEAMS)}`;
  const row = (resourceId: string, handle: string, at: number): InferenceRow => ({
    resource_id: resourceId,
    slot: 'team',
    owner_type: 'team',
    owner_handle: handle,
    confidence: Math.round((0.3 + rnd() * 0.69) * 1000) / 1000,
    status: 'suggested',
    explanation: 'bench',
    sources: [],
    evidence_versions: [],
    votes: [],
    checksum: `bench-${resourceId}-${at}`,
    created_at: at,
    updated_at: at,
    failed_at: null,
    failure_reason: null,
    retry_schedule: null,
  });
  const earlier = now - 60 * DAY;
  const recent = now - 5 * DAY;
  const chunk = 20_000;
  let history = 0;
  // Oldest first: history ids grow with the write time.
  for (const [at, pick] of [
    [earlier, (i: number) => i % 10 === 0],
    [recent, () => true],
  ] as const) {
    for (let from = 0; from < rows.length; from += chunk) {
      const batch = rows
        .slice(from, from + chunk)
        .filter((_, i) => pick(from + i))
        .map((r) => row(r.resource_id, at === recent && r.team && rnd() < 0.85 ? r.team : otherTeam(), at));
      await writeInferences(db, orgId, batch, at);
      history += batch.length;
    }
  }
  await db.query('ANALYZE ownership_inferences');
  await db.query('ANALYZE ownership_history');
  return { resources: rows.length, history };
}

/** EXPLAIN ANALYZE (with costs, so that PostgreSQL shows its JIT summary); `jit = false` turns JIT off for this one query. */
async function plan(db: Db, q: { sql: string; params: unknown[] }, jit = true): Promise<string> {
  return db.transaction(async (tx) => {
    if (!jit) await tx.query('SET LOCAL jit = off');
    return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE) ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** The page query timed directly with JIT off for it (a setting of the session, not of the product). */
async function withoutJit(db: Db, q: { sql: string; params: unknown[] }, iterations: number) {
  return summarize(
    await time(
      () =>
        db.transaction(async (tx) => {
          await tx.query('SET LOCAL jit = off');
          await tx.query(q.sql, q.params);
        }),
      iterations,
    ),
  );
}

export async function benchSecurityFindings(): Promise<string> {
  const iterations = scaled(30, 5);
  const { store, keys, count, now, loadS, ...seeded } = await storeWithFindings('security_findings', 'bench-security-findings');
  let db = seeded.db;
  const ownStart = performance.now();
  const owned = await seedTeamOwners(db, keys.org_id, now);
  const ownS = (performance.now() - ownStart) / 1000;
  console.log(
    `security-findings: loaded ${count} findings in ${loadS.toFixed(0)} s, ${owned.history} ownership history rows in ${ownS.toFixed(0)} s`,
  );
  await db.close();
  const server = await serveBench(store);
  db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  const weekAgo = now - 7 * DAY;
  // [label, legacy query string (null: the legacy API cannot ask it), query language]
  const cases: [string, string | null, string][] = [
    ['no filter', '', ''],
    ['severity critical', 'filter[status]=critical', '@severity:critical'],
    ['evaluation fail', 'filter[evaluation]=fail', '@compliance.evaluation:fail'],
    ['resource type', 'filter[resource_type]=aws_s3_bucket', '@resource_type:aws_s3_bucket'],
    ['one tag', 'filter[tags]=team:team-7', 'team:team-7'],
    ['two tags', 'filter[tags]=team:team-7&filter[tags]=env:prod', 'team:team-7 env:prod'],
    ['rule id', 'filter[rule_id]=aws-s3-bucket-3', '@rule.id:aws-s3-bucket-3'],
    ['resource id prefix', 'filter[@resource_id]=arn:aws:s3:::*', '@resource_id:arn:aws:s3:::*'],
    ['muted', 'filter[muted]=true', '@workflow.mute.is_muted:true'],
    ['changed in the last 7 days', `filter[evaluation_changed_at]=>=${weekAgo}`, `@detection_changed_at:>=${weekAgo}`],
    ['finding type', 'filter[vulnerability_type]=identity_risk', '@finding_type:identity_risk'],
    [
      'combined: fail + high + team tag + S3',
      'filter[evaluation]=fail&filter[status]=high&filter[tags]=team:team-3&filter[resource_type]=aws_s3_bucket',
      '@compliance.evaluation:fail @severity:high team:team-3 @resource_type:aws_s3_bucket',
    ],
    ['OR across two fields', null, '@severity:critical OR @rule.id:aws-s3-bucket-3'],
    ['two severities, team tag', null, 'team:team-7 @severity:(critical OR high)'],
    ['owner facet, two severities', null, '@owner.team:team-7 @severity:(critical OR high)'],
    ['owner facet, confident', null, '@owner.team:team-7 @owner.team_confidence:>0.85'],
    ['owner facet, confident, critical', null, '@owner.team:team-7 @owner.team_confidence:>0.85 @severity:critical'],
  ];
  const rows: (string | number)[][] = [];
  const problems: string[] = [];
  const slow: [string, string, string][] = [];
  const get = async (url: string) => (await fetch(url, { headers })).arrayBuffer();
  const direct = async (q: { sql: string; params: unknown[] }) => summarize(await time(() => db.query(q.sql, q.params), iterations));
  const probe = async (label: string, url: string): Promise<number | undefined> => {
    const r = await fetch(url, { headers });
    if (!r.ok) {
      problems.push(`${label} (\`${decodeURIComponent(new URL(url).search)}\`): HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
      return undefined;
    }
    return ((await r.json()) as { data: unknown[] }).data.length;
  };
  const qlPage = (query: string, limit = 100): PageQuery => ({
    filter: parseSearchQuery(query),
    at: Date.now(),
    order: { by: 'changed_at', descending: true },
    limit: limit + 1,
  });
  try {
    for (const [label, legacyQs, query] of cases) {
      const row: (string | number)[] = [label, legacyQs === null ? '(none)' : `\`${legacyQs || '(none)'}\``, `\`${query || '(empty)'}\``];
      let legacyP50: number | undefined;
      const legacyUrl = legacyQs === null ? undefined : `${server.url}/api/v2/posture_management/findings${legacyQs ? `?${legacyQs}` : ''}`;
      const legacyReturned = legacyUrl ? await probe(label, legacyUrl) : undefined;
      if (legacyUrl && legacyReturned !== undefined) {
        // The listing while the findings do not change: the first request counts, the others reuse the exact count.
        const api = summarize(await time(() => get(legacyUrl), iterations));
        const req = parseListQuery(new URLSearchParams(legacyQs ?? ''));
        const sql = await direct(buildPageQuery(keys.org_id, { filter: req.filter, at: Date.now(), limit: req.limit + 1 }));
        legacyP50 = api.p50;
        row.push(legacyReturned, ms(api.p50), ms(api.p99), ms(sql.p50));
      } else row.push('', '', '', '');
      const qlUrl = `${server.url}/api/v2/security/findings${query ? `?filter[query]=${encodeURIComponent(query)}` : ''}`;
      const qlReturned = await probe(label, qlUrl);
      if (qlReturned !== undefined) {
        const api = summarize(await time(() => get(qlUrl), iterations));
        const sql = await direct(buildPageQuery(keys.org_id, qlPage(query)));
        const noJit = await withoutJit(db, buildPageQuery(keys.org_id, qlPage(query)), iterations);
        row.push(qlReturned, ms(api.p50), ms(api.p99), ms(sql.p50), ms(noJit.p50), legacyP50 ? `${(api.p50 / legacyP50).toFixed(2)}x` : '');
        if (legacyQs && legacyP50 && api.p50 > 3 * legacyP50) slow.push([label, legacyQs, query]);
        console.log(
          `security-findings: ${label}: legacy ${legacyP50 === undefined ? '-' : ms(legacyP50)} ms, query ${ms(api.p50)} ms, its SQL ${ms(sql.p50)} ms`,
        );
      } else row.push('', '', '', '', '', '');
      rows.push(row);
    }

    const plans: string[] = [];
    const explain = async (title: string, q: PageQuery) => {
      const text = await plan(db, buildPageQuery(keys.org_id, q));
      const seq = /Seq Scan on finding_states/.test(text);
      plans.push(
        `${title}${seq ? ' — **sequential scan on finding_states**' : ' — no sequential scan on finding_states'}:\n\n\`\`\`\n${text}\n\`\`\``,
      );
      if (/^JIT:/m.test(text))
        plans.push(`The same with JIT off for the query:\n\n\`\`\`\n${await plan(db, buildPageQuery(keys.org_id, q), false)}\n\`\`\``);
    };
    for (const query of [
      '@compliance.evaluation:fail',
      'team:team-7 env:prod',
      '@severity:critical OR @rule.id:aws-s3-bucket-3',
      'team:team-7 @severity:(critical OR high)',
      '@owner.team:team-7 @severity:(critical OR high)',
      '@owner.team:team-7 @owner.team_confidence:>0.85',
      '@owner.team:team-7 @owner.team_confidence:>0.85 @severity:critical',
    ])
      await explain(`\`${query}\``, qlPage(query));
    // A question much slower in the query language than through the legacy filters: both plans, side by side.
    for (const [label, legacyQs, query] of slow) {
      await explain(`Slower in the query language (${label}): \`${query}\``, qlPage(query));
      const req = parseListQuery(new URLSearchParams(legacyQs));
      await explain(`its legacy twin \`${legacyQs}\` (ordered by severity)`, { filter: req.filter, at: Date.now(), limit: req.limit + 1 });
    }

    return [
      `### Security Findings query language against the legacy filters (issue 15)`,
      ``,
      `${int(count)} findings in one organization (plus a closed history row for every 10th), bulk-loaded in ${loadS.toFixed(0)} s by the findings API benchmark's loader; ` +
        `every finding's resource has a team inference (${int(owned.resources)} resources, ${TEAMS} teams, the team of its \`team:\` tag for 85%, confidence 0.3-0.99; ` +
        `a tenth had another team 60 days earlier), ${int(owned.history)} \`ownership_history\` rows written through \`writeInferences\` in ${ownS.toFixed(0)} s. ` +
        `First page (100) as the client sees it over ${iterations} requests after 3 warm-ups: the legacy listing \`GET /api/v2/posture_management/findings\` ` +
        `(ordered by severity, exact count reused while nothing changes, as between changes) and \`GET /api/v2/security/findings?filter[query]=\` ` +
        `(ordered by detection change time, newest first; no count; each finding carries its owners, its detail and its first-seen time). ` +
        `Each SQL column is the page query the product's compiler (\`buildPageQuery\`) builds for that request's parsed filter and order, run directly on the server's store connection; the JIT-off column runs it with \`SET LOCAL jit = off\` in its own transaction (PostgreSQL compiles a plan whose estimated cost passes \`jit_above_cost\`, which the owner subqueries' estimates easily do; PGlite has no JIT).`,
      ``,
      table(
        [
          'question',
          'legacy filter',
          'query',
          'legacy returned',
          'legacy API p50 ms',
          'legacy API p99 ms',
          'legacy SQL p50 ms',
          'query returned',
          'query API p50 ms',
          'query API p99 ms',
          'query SQL p50 ms',
          'query SQL p50 ms, JIT off',
          'query / legacy API (p50)',
        ],
        rows,
      ),
      ``,
      `Rows with no legacy filter are questions the legacy parameters cannot ask: an OR across two fields, two severities at once (repeated \`filter[status]\` is an AND), owners. ` +
        `\`team:team-7 @severity:(critical OR high)\` asks with the team tag what the owner-facet row below it asks with the inferred team, so the difference between the two is the cost of the facet.`,
      ``,
      ...(problems.length ? [`Requests refused (reported, not worked around):`, ``, ...problems.map((p) => `- ${p}`), ``] : []),
      `#### Plans (EXPLAIN ANALYZE of the query language's page query; for a question more than 3x slower through it, its legacy twin's too)`,
      ``,
      plans.join('\n\n'),
    ].join('\n');
  } finally {
    await server.stop();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('security-findings', await benchSecurityFindings());
}
