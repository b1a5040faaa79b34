// What a store says of its connections: the findings listing counts beside its page only while a connection is spare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/db.js';

test('a PostgreSQL pool reports how many statements could run at once; the embedded store runs one at a time', async () => {
  const database = await createTestDatabase();
  const db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 2 });
  try {
    if (db.kind !== 'postgres') {
      assert.equal(db.spareConnections, undefined);
      return;
    }
    assert.equal(db.spareConnections!(), 2, 'none opened yet');
    await db.query('SELECT 1');
    assert.equal(db.spareConnections!(), 2, 'one idle, one not opened');
    await db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      assert.equal(db.spareConnections!(), 1, 'one held by the transaction');
      const sleeping = db.query('SELECT pg_sleep(0.2)');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(db.spareConnections!(), 0, 'both busy');
      await sleeping;
    });
    assert.equal(db.spareConnections!(), 2);
  } finally {
    await db.close();
    await database.drop();
  }
});
