import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPglite, IN_MEMORY } from '../../src/store/pglite.js';

// The embedded store runs statements on the server's own thread: between two of them, timers, sockets and other
// requests must get their turn, or one long chain of statements (an import, a rule applied to every finding) holds
// every caller, `/health` included, until it ends.
test('between two statements of the embedded store, the event loop takes a turn, inside a transaction too', async () => {
  const db = await openPglite(IN_MEMORY);
  try {
    await db.query('CREATE TABLE numbers AS SELECT g AS n FROM generate_series(1, 100) g');
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    for (let i = 0; i < 20; i++) await db.query('SELECT count(*) FROM numbers');
    order.push('statements done');
    assert.deepEqual(order, ['timer', 'statements done'], 'the timer ran while the statements did');

    order.length = 0;
    let outside: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      setImmediate(() => {
        order.push('turn');
        // A statement from elsewhere waits for the transaction: PGlite runs one at a time.
        outside = db.query('SELECT 1').then(() => order.push('outside statement'));
      });
      for (let i = 0; i < 5; i++) await tx.query('SELECT count(*) FROM numbers');
      order.push('transaction done');
    });
    await outside;
    assert.deepEqual(order, ['turn', 'transaction done', 'outside statement']);
  } finally {
    await db.close();
  }
});
