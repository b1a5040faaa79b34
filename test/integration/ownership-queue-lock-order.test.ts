// Writers of the ownership queue take its rows' locks in one order: a whole-organization re-inference and imports
// marking the same resources in other orders deadlocked on PostgreSQL, and the loser's request answered 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/db.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { markForInference } from '../../src/store/ownership-queue.js';
import { lockQueuedItems } from '../../src/store/ownership-queries.js';
import { prng } from '../../bench/lib/prng.js';

const ORG = '00000000-0000-4000-8000-000000000001';

test(
  'concurrent markings of the same queue rows in different orders, the whole organization among them, never deadlock',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL): PGlite runs one transaction at a time' },
  async () => {
    const database = await createTestDatabase();
    const db = await openDb({ databaseUrl: database.url, poolSize: 12 });
    try {
      await migrate(db);
      const ids = Array.from({ length: 4000 }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(5, '0')}`);
      // Rows already queued: each marking then locks them (ON CONFLICT DO UPDATE), as an import over known resources does.
      await markForInference(db, ORG, ids, 1);
      const random = prng(7);
      const shuffled = () => [...ids].sort(() => random() - 0.5);
      for (let round = 0; round < 3; round++) {
        const writers = Array.from({ length: 10 }, (_, i) =>
          db.transaction(async (tx) => {
            if (i === 0) await markForInference(tx, ORG, 'all', 2);
            else if (i === 1) await lockQueuedItems(tx, ORG, [...ids].reverse());
            else await markForInference(tx, ORG, i % 2 ? shuffled() : [...ids].reverse(), 2);
          }),
        );
        const outcomes = await Promise.allSettled(writers);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
        assert.deepEqual(failures, [], `round ${round}`);
      }
      const queued = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ownership_queue WHERE org_id = $1', [ORG]);
      assert.equal(queued.rows[0]!.n, ids.length);
    } finally {
      await db.close();
      await database.drop();
    }
  },
);
