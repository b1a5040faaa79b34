// On PostgreSQL: EXPLAIN shows that indexed filters, and the first page of an unfiltered listing, read a few rows
// through indexes instead of scanning every finding. (PGlite plans the same SQL; the check runs where it matters.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../helpers/db.js';
import type { Db } from '../../src/store/db.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { makeState, seedStates } from './findings-seed.js';
import { writeStates } from '../../src/store/finding-states.js';
import { buildCountQuery, buildPageQuery } from '../../src/store/findings-query.js';
import { parseListQuery } from '../../src/findings/list-query.js';
import { explain, rowsRead } from '../helpers/query-plans.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const COUNT = 30_000;
let store: { db: Db; close(): Promise<void> };
let orgId: string;
let at: number;

before(async () => {
  if (!onPostgres) return;
  store = await openTestStore();
  orgId = (await ensureOrg(store.db, 'explain-org')).org_id;
  const states = Array.from({ length: COUNT }, (_, i) =>
    makeState(i, i % 5000 === 7 ? { tags: ['rare:yes', 'team:payments'], muted: true, mute: { muted: true, reason: 'OTHER' } } : {}),
  );
  await seedStates(store.db, orgId, states, Date.now() - 60_000);
  // History: a fifth of the findings changed since, so closed rows exist, all of them before the instant read.
  const changed = states
    .filter((_, i) => i % 5 === 0)
    .map((st) => ({ ...st, evaluation: st.evaluation === 'pass' ? ('fail' as const) : ('pass' as const) }));
  for (let i = 0; i < changed.length; i += 2000) {
    const batch = changed.slice(i, i + 2000);
    await writeStates(
      store.db,
      orgId,
      batch.map((st) => st.finding_id),
      batch,
      Date.now() - 30_000,
      null,
    );
  }
  await store.db.query('ANALYZE finding_states');
  at = Date.now();
});
after(async () => store?.close());

const cases: Array<[string, string]> = [
  ['resource id exact', 'filter[@resource_id]=arn:aws:s3:::bucket-4000'],
  ['resource id prefix', 'filter[@resource_id]=arn:aws:s3:::bucket-2999*'],
  ['rare tag', 'filter[tags]=rare:yes'],
  ['muted', 'filter[muted]=true'],
  ['evaluation changed at range', `filter[evaluation_changed_at]=>=${1_700_000_000_000 + (COUNT - 20) * 1000}`],
];

for (const [name, query] of cases) {
  test(`${name}: the page and the count read few rows, never the whole table`, { skip: !onPostgres && 'needs DATABASE_URL' }, async () => {
    const req = parseListQuery(new URLSearchParams(query));
    for (const q of [buildPageQuery(orgId, { filter: req.filter, at, limit: 101 }), buildCountQuery(orgId, req.filter, at)]) {
      const plan = await explain(store.db, q.sql, q.params, true);
      assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan'), `${name}: ${plan.map((n) => n['Node Type']).join(' > ')}`);
      assert.ok(rowsRead(plan) < COUNT / 10, `${name}: read ${rowsRead(plan)} rows`);
    }
  });
}

test(
  'a page of one resource type walks that type in the listing order, not every row of its severity',
  { skip: !onPostgres && 'needs DATABASE_URL' },
  async () => {
    const req = parseListQuery(new URLSearchParams('filter[resource_type]=gcp_storage_bucket&filter[status]=high&filter[evaluation]=fail'));
    const q = buildPageQuery(orgId, { filter: req.filter, at, limit: 101 });
    const plan = await explain(store.db, q.sql, q.params, true);
    const current = plan.find((n) => n['Index Name'] === 'finding_states_current_resource_type');
    assert.ok(current, plan.map((n) => `${n['Node Type']}(${n['Index Name'] ?? ''})`).join(' > '));
    assert.ok(!plan.some((n) => n['Node Type'] === 'Sort' && (n['Actual Rows'] ?? 0) > 101), 'no sort of the matching rows');
    assert.ok(rowsRead(plan) < COUNT / 20, `read ${rowsRead(plan)} rows`);
  },
);

test(
  'the first page of an unfiltered listing walks the order index (no sort of every finding)',
  { skip: !onPostgres && 'needs DATABASE_URL' },
  async () => {
    const q = buildPageQuery(orgId, { filter: { op: 'and', nodes: [] }, at, limit: 101 });
    const plan = await explain(store.db, q.sql, q.params, true);
    // The closed-rows branch may sort its few rows (those closed since the instant); the current rows come in index order.
    assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan'), plan.map((n) => n['Node Type']).join(' > '));
    assert.ok(
      !plan.some((n) => n['Node Type'] === 'Sort' && (n['Actual Rows'] ?? 0) > 101),
      plan.map((n) => `${n['Node Type']}(${n['Actual Rows']})`).join(' > '),
    );
    assert.ok(rowsRead(plan) < 1000, `read ${rowsRead(plan)} rows`);
  },
);
