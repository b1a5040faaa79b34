// Planner statistics after large writes: analyzeChangedTables (the statistics-refresh job) analyzes the tables whose
// rows changed much since their last analysis, on the embedded store (which has no autovacuum) and on PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.js';
import { openTestStore, plannerRows } from '../helpers/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { writeStates } from '../../src/store/finding-states.js';
import { analyzeChangedTables } from '../../src/store/table-statistics.js';
import { makeState } from './findings-seed.js';

let store: { db: Db; close(): Promise<void> };
before(async () => {
  store = await openTestStore();
});
after(async () => store?.close());

test('a table that a large write changed is analyzed, so the planner knows its rows; one that did not change is not', async () => {
  const { db } = store;
  const orgId = (await createKeys(db, 'statistics', 't')).org_id;
  // Whatever migrations and key creation changed is analyzed first, so only this write's table remains.
  await analyzeChangedTables(db);
  await writeStates(
    db,
    orgId,
    [],
    Array.from({ length: 3000 }, (_, i) => makeState(i)),
    Date.now(),
    null,
  );
  assert.ok((await plannerRows(db, 'finding_states')) < 3000, 'before: the planner does not know the rows written');
  // Each session reports its changes to the statistics a moment after it commits (up to seconds on PostgreSQL).
  let analyzed: string[] = [];
  for (let waited = 0; !analyzed.includes('finding_states') && waited < 30_000; waited += 250) {
    analyzed = await analyzeChangedTables(db);
    if (!analyzed.includes('finding_states')) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(analyzed.includes('finding_states'), `analyzed: ${analyzed.join(', ')}`);
  assert.ok((await plannerRows(db, 'finding_states')) >= 3000, 'after: the planner counts them');
  assert.ok(!analyzed.includes('api_keys'), 'a table with few changes is left alone');
  assert.ok(!(await analyzeChangedTables(db)).includes('finding_states'), 'analyzed once, not on every run');
});
