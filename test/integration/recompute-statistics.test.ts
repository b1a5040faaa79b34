// `steward ownership recompute` runs where no statistics job does, right after an import: recomputeUntilEmpty
// analyzes the tables the import changed before it plans its first batch (and every few batches those it grows; when
// a session's writes reach the statistics depends on timing, so only the import's are asserted).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.js';
import { openTestStore, plannerRows } from '../helpers/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { analyzeChangedTables } from '../../src/store/table-statistics.js';
import { importResourcesAtomically, fromArray } from '../../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { generateResources } from '../../bench/lib/resources.js';

let store: { db: Db; close(): Promise<void> };
before(async () => {
  store = await openTestStore();
});
after(async () => store?.close());

const changedSinceAnalyze = async (db: Db, table: string) =>
  Number(
    (
      await db.query<{ n: string }>(`SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1`, [
        table,
      ])
    ).rows[0]?.n ?? 0,
  );

test('the recompute after an import plans against the imported rows', async () => {
  const { db } = store;
  const orgId = (await createKeys(db, 'recompute-statistics', 't')).org_id;
  await analyzeChangedTables(db);
  const records = generateResources(1500, 5);
  await importResourcesAtomically(db, orgId, fromArray(records), builtInRuleEngine(), { source: 'test' });
  // A session reports its changes to the statistics a moment after it commits (up to seconds on PostgreSQL).
  for (let waited = 0; (await changedSinceAnalyze(db, 'resources')) < 1500 && waited < 30_000; waited += 250)
    await new Promise((r) => setTimeout(r, 250));
  assert.ok((await plannerRows(db, 'resources')) < 1500, 'before: the planner does not know the imported resources');

  const { done } = await recomputeUntilEmpty(db, { orgId });
  assert.equal(done, 1500);
  assert.ok((await plannerRows(db, 'resources')) >= 1500, 'the imported resources were analyzed');
});
