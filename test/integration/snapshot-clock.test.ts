// The snapshot clock every listing reads first: on PostgreSQL its statement is planned once per connection and kept
// (planning the read of pg_locks cost more than running it); on every store it answers the store's current time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { listingInstant, readingInstant, readingInstantAndChange, withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import { createKeys } from '../../src/store/orgs.js';
import { lastChangeAt } from '../../src/store/findings-query.js';
import { writeStates } from '../../src/store/finding-states.js';
import { makeState } from './findings-seed.js';

let database: TestDatabase;
let db: Db;
before(async () => {
  database = await createTestDatabase();
  const migrating = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
  await migrate(migrating);
  if (database.url) await migrating.close();
  // One connection: the statements it keeps are those of every call below.
  db = database.url ? await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 1 }) : migrating;
});
after(async () => {
  await db?.close();
  await database?.drop();
});

test('the safe snapshot instant is the store clock when no write is in flight, its statement kept for the connection', async () => {
  const org = '00000000-0000-4000-8000-000000000001';
  for (let i = 0; i < 7; i++) {
    const before = Date.now();
    const at = await listingInstant(db, org);
    assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `${at} near ${before}`);
  }
  if (db.kind !== 'postgres') return;
  const kept = (
    await db.query<{ calls: string }>(
      `SELECT (generic_plans + custom_plans)::text AS calls FROM pg_prepared_statements WHERE name = 'steward_reading_instant'`,
    )
  ).rows;
  assert.equal(kept.length, 1, 'the clock statement is prepared on the connection');
  assert.ok(Number(kept[0]!.calls) >= 7, `planned for ${kept[0]!.calls} of 7 calls`);
});

test("a reading instant carries the findings' last change at it, which moves with each write and not otherwise", async () => {
  const { org_id: org } = await createKeys(db, 'reading-instant', 't');
  const empty = await readingInstantAndChange(db, org);
  assert.equal(empty.current, true);
  assert.equal(empty.lastChange, 0, 'no finding ever: no change');
  assert.ok(!('lastChange' in (await readingInstant(db, org))), 'not read unless asked for');
  const written = await withFindingWriteLease(db, org, 'org', async (tx, now) => {
    await writeStates(tx, org, [], [makeState(1)], now, 'test');
    return now;
  });
  const after = await readingInstantAndChange(db, org);
  assert.equal(after.lastChange, written, 'the write is the last change');
  assert.equal(after.lastChange, await lastChangeAt(db, org, after.at));
  await new Promise((r) => setTimeout(r, 3));
  const later = await readingInstantAndChange(db, org);
  assert.ok(later.at > after.at);
  assert.equal(later.lastChange, written, 'no write since: the same last change');
  // An instant asked for before the write: that instant, not the current one, and the change before it.
  const before = await readingInstantAndChange(db, org, written - 1);
  assert.deepEqual(before, { at: written - 1, current: false, lastChange: 0 });
  // An instant asked for after the safe one is the safe one.
  const ahead = await readingInstantAndChange(db, org, Date.now() + 60_000);
  assert.equal(ahead.current, true);
  assert.ok(ahead.at <= Date.now() + 1000);
});
