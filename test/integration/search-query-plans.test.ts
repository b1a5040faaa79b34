// The search syntax shares the legacy listing's query engine: a search query and the legacy parameters that say the
// same thing give the same tree, the same rows and the same plan (node types and indexes); and queries only the
// search syntax can say (OR, NOT, tag wildcards, ranges) answer what the tree means, now and at an earlier instant
// (read partly from closed rows). Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../helpers/db.js';
import { explain, rowsRead } from '../helpers/query-plans.js';
import type { Db } from '../../src/store/db.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { makeState, seedStates, BASE_TIME } from './findings-seed.js';
import { writeStates } from '../../src/store/finding-states.js';
import { buildCountQuery, buildPageQuery, countFindings, queryFindingsPage } from '../../src/store/findings-query.js';
import { parseListQuery } from '../../src/findings/list-query.js';
import { parseSearchQuery } from '../../src/findings/search-syntax.js';
import { ALL, canonicalFilter, type FilterNode, type TextField } from '../../src/findings/filter-tree.js';
import { baseSeverityOf, type FindingState } from '../../src/posture/finding-state.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
// Enough rows on PostgreSQL for the planner to prefer indexes, as in findings-explain.test.ts; fewer on PGlite.
const COUNT = onPostgres ? 30_000 : 3_000;
let store: { db: Db; close(): Promise<void> };
let orgId: string;
/** After every write, and between the first and the second write (when the changed findings had their first state). */
let at: number;
let atBefore: number;
let statesNow: FindingState[];
let statesBefore: FindingState[];

/** The plan's nodes as type and index (or relation): what the planner chose, without its estimates. */
async function planShape(sql: string, params: unknown[]): Promise<string[]> {
  return (await explain(store.db, sql, params, false)).map((n) => `${n['Node Type']}:${n['Index Name'] ?? n['Relation Name'] ?? ''}`);
}

before(async () => {
  store = await openTestStore();
  orgId = (await ensureOrg(store.db, 'search-plans-org')).org_id;
  const first = Array.from({ length: COUNT }, (_, i) =>
    makeState(i, i % 500 === 7 ? { tags: ['rare:yes', 'team:payments'], muted: true, mute: { muted: true, reason: 'OTHER' } } : {}),
  );
  const t0 = Date.now() - 60_000;
  await seedStates(store.db, orgId, first, t0);
  // A fifth of the findings changed evaluation since, so closed rows exist.
  const changed = first
    .filter((_, i) => i % 5 === 0)
    .map((s) => ({ ...s, evaluation: s.evaluation === 'pass' ? ('fail' as const) : ('pass' as const) }));
  const t1 = Date.now() - 30_000;
  await writeStates(
    store.db,
    orgId,
    changed.map((s) => s.finding_id),
    changed,
    t1,
    null,
  );
  await store.db.query('ANALYZE finding_states');
  at = Date.now();
  atBefore = t1 - 1;
  const byId = new Map(changed.map((s) => [s.finding_id, s]));
  statesBefore = first;
  statesNow = first.map((s) => byId.get(s.finding_id) ?? s);
});
after(async () => store?.close());

const asAnd = (n: FilterNode): FilterNode => (n.op === 'and' ? n : { op: 'and', nodes: [n] });
const CHANGED_FROM = BASE_TIME + (COUNT - 20) * 1000;

const pairs: Array<[string, string]> = [
  ['filter[@resource_id]=arn:aws:s3:::bucket-400', '@resource_id:arn:aws:s3:::bucket-400'],
  ['filter[@resource_id]=arn:aws:s3:::bucket-29*', '@resource_id:arn:aws:s3:::bucket-29*'],
  ['filter[tags]=rare:yes', 'rare:yes'],
  ['filter[muted]=true', '@workflow.mute.is_muted:true'],
  ['filter[muted]=true', '@status:muted'],
  [`filter[evaluation_changed_at]=>=${CHANGED_FROM}`, `@detection_changed_at:>=${CHANGED_FROM}`],
  ['filter[status]=high&filter[evaluation]=fail', '@severity:HIGH @compliance.evaluation:fail'],
  ['filter[status]=high&filter[evaluation]=fail&filter[muted]=false', '@severity:high @status:open'],
  [
    'filter[tags]=team:payments&filter[vulnerability_type]=attack_path&filter[vulnerability_type]=misconfiguration',
    'team:payments @finding_type:(attack_path OR misconfiguration)',
  ],
  ['filter[rule_name]=-Rule number 3*', '-@rule.name:Rule\\ number\\ 3*'],
  ['filter[rule_id]=rule-3&filter[resource_type]=aws*', '@rule.id:rule-3 @resource_type:aws*'],
];

for (const [legacy, search] of pairs) {
  test(`${search}: the same tree, rows and plan as ${legacy}`, async () => {
    const a = parseListQuery(new URLSearchParams(legacy)).filter;
    const b = parseSearchQuery(search);
    assert.equal(canonicalFilter(asAnd(b)), canonicalFilter(a));
    for (const instant of [at, atBefore]) {
      const pa = await queryFindingsPage(store.db, orgId, { filter: a, at: instant, limit: 101 });
      const pb = await queryFindingsPage(store.db, orgId, { filter: b, at: instant, limit: 101 });
      assert.deepEqual(
        pb.map((r) => r.finding_id),
        pa.map((r) => r.finding_id),
      );
      assert.equal(await countFindings(store.db, orgId, b, instant), await countFindings(store.db, orgId, a, instant));
    }
    for (const [qa, qb] of [
      [buildPageQuery(orgId, { filter: a, at, limit: 101 }), buildPageQuery(orgId, { filter: b, at, limit: 101 })],
      [buildCountQuery(orgId, a, at), buildCountQuery(orgId, b, at)],
    ] as const) {
      assert.deepEqual(await planShape(qb.sql, qb.params), await planShape(qa.sql, qa.params));
    }
  });
}

/** LIKE with `*` as the only wildcard, as the store compiles it. */
const like = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*')}$`,
  );
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/** A text field of a state; base_status reads the severity before any modifier rule. */
const textOf = (s: FindingState, field: TextField): string => (field === 'base_status' ? baseSeverityOf(s) : s[field]);

/** What a tree means for one state, read by hand: the reference the SQL is checked against. */
function matches(node: FilterNode, s: FindingState, instant: number): boolean {
  switch (node.op) {
    case 'and':
      return node.nodes.every((n) => matches(n, s, instant));
    case 'or':
      return node.nodes.some((n) => matches(n, s, instant));
    case 'not':
      return !matches(node.node, s, instant);
    case 'eq':
      return node.field === 'status' ? SEVERITY_ORDER.indexOf(s.status) === SEVERITY_ORDER.indexOf(node.value) : textOf(s, node.field) === node.value;
    case 'in':
      return node.values.includes(textOf(s, node.field));
    case 'wildcard':
      return like(node.pattern).test(textOf(s, node.field));
    case 'compare': {
      const v = s[node.field];
      return { '>': v > node.value, '>=': v >= node.value, '<': v < node.value, '<=': v <= node.value, '=': v === node.value }[node.comparison];
    }
    case 'tags_all':
      return node.tags.every((t) => s.tags.includes(t));
    case 'tag_wildcard':
      return s.tags.some((t) => like(node.pattern).test(t));
    case 'owner':
    case 'owner_confidence':
    case 'owner_status':
      throw new Error('owner facets are checked in security-findings-owner-facets.test.ts');
    case 'muted':
      return (s.muted && (s.mute_expires_at === null || s.mute_expires_at > instant)) === node.value;
  }
}

const searchOnly = [
  '@severity:(critical OR high) @status:open team:payments',
  'team:pay* OR rare:yes',
  '-env:prod @finding_type:attack_path',
  `NOT (@severity:low OR @severity:info) @detection_changed_at:[${BASE_TIME + 100_000} TO ${BASE_TIME + 900_000}}`,
  '@rule.id:(rule-1 OR rule-2) -@resource_type:gcp*',
  '@status:resolved -team:search',
  '@status:auto_closed',
  'env:* -cloud_provider:aws',
  'team:*ent* OR team:iden*',
  '@rule.name:"Rule number 3 is strict" AND NOT @compliance.evaluation:pass',
  '(team:search OR team:identity) (env:dev OR @workflow.mute.is_muted:true)',
  `@detection_changed_at:{${BASE_TIME} TO *] -@resource_id:arn:aws:s3:::bucket-1*`,
];

for (const query of searchOnly) {
  test(`${query}: the rows and the count are those the tree means, now and before the last write`, async () => {
    const filter = parseSearchQuery(query);
    for (const [instant, states] of [
      [at, statesNow],
      [atBefore, statesBefore],
    ] as const) {
      const expected = states.filter((s) => matches(filter, s, instant));
      assert.equal(await countFindings(store.db, orgId, filter, instant), expected.length, `${query} at ${instant}`);
      const page = await queryFindingsPage(store.db, orgId, { filter, at: instant, limit: 50 });
      const ids = new Set(expected.map((s) => s.finding_id));
      assert.equal(page.length, Math.min(50, expected.length));
      assert.ok(
        page.every((r) => ids.has(r.finding_id)),
        query,
      );
    }
  });
}

test('the reference reading can tell queries apart (each search-only query selects some findings, and not all)', () => {
  for (const query of searchOnly.filter((q) => q !== '@status:auto_closed')) {
    const n = statesNow.filter((s) => matches(parseSearchQuery(query), s, at)).length;
    assert.ok(n > 0 && n < statesNow.length, `${query}: ${n}`);
  }
});

// Queries only the search syntax can say, over indexed columns: an OR of values is one `= ANY` the index answers.
const indexedSearchOnly = [
  '@resource_id:(arn:aws:s3:::bucket-400 OR arn:aws:s3:::bucket-404 OR arn:aws:s3:::bucket-408)',
  'rare:yes (@severity:(critical OR high) OR @status:muted)',
  `@detection_changed_at:[${CHANGED_FROM} TO *] -@compliance.evaluation:pass`,
];

for (const query of indexedSearchOnly) {
  test(`${query}: the page and the count read few rows through indexes`, { skip: !onPostgres && 'needs DATABASE_URL' }, async () => {
    const filter = parseSearchQuery(query);
    for (const q of [buildPageQuery(orgId, { filter, at, limit: 101 }), buildCountQuery(orgId, filter, at)]) {
      const plan = await explain(store.db, q.sql, q.params, true);
      assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan'), `${query}: ${plan.map((n) => n['Node Type']).join(' > ')}`);
      assert.ok(rowsRead(plan) < COUNT / 10, `${query}: read ${rowsRead(plan)} rows`);
    }
  });
}

// The Security Findings API's order: a first page by detection change time reads about a page of current rows from
// the (org_id, evaluation_changed_at, finding_id) index, either way, rather than sorting every finding.
for (const descending of [false, true]) {
  test(
    `a page by detection change time (${descending ? 'descending' : 'ascending'}) reads about a page`,
    { skip: !onPostgres && 'needs DATABASE_URL' },
    async () => {
      const q = buildPageQuery(orgId, { filter: ALL, at, order: { by: 'changed_at', descending }, limit: 11 });
      const plan = await explain(store.db, q.sql, q.params, true);
      assert.ok(
        plan.some((n) => n['Index Name'] === 'finding_states_current_changed_order'),
        plan.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`).join(' > '),
      );
      assert.ok(rowsRead(plan) < COUNT / 10, `read ${rowsRead(plan)} rows`);
    },
  );
}
