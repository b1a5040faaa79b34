// The snapshot clock every listing reads first: on PostgreSQL its statement is planned once per connection and kept
// (planning the read of pg_locks cost more than running it); on every store it answers the store's current time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { safeSnapshotInstant } from '../../src/store/snapshot-clock.js';

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
    const at = await safeSnapshotInstant(db, org);
    assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `${at} near ${before}`);
  }
  if (db.kind !== 'postgres') return;
  const kept = (
    await db.query<{ calls: string }>(
      `SELECT (generic_plans + custom_plans)::text AS calls FROM pg_prepared_statements WHERE name = 'steward_safe_snapshot_instant'`,
    )
  ).rows;
  assert.equal(kept.length, 1, 'the clock statement is prepared on the connection');
  assert.ok(Number(kept[0]!.calls) >= 7, `planned for ${kept[0]!.calls} of 7 calls`);
});
