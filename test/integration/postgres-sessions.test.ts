// What every connection Steward opens to PostgreSQL is set to, whichever pooled connection a statement lands on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/db.js';
import { openDb } from '../../src/store/db.js';

test(
  "every pooled connection has PostgreSQL's JIT compiler off: compiling a statement of many subqueries took far longer than running it",
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL): PGlite has no JIT compiler' },
  async () => {
    const database = await createTestDatabase();
    const db = await openDb({ databaseUrl: database.url, poolSize: 4 });
    try {
      // Held open together, the transactions take four connections of the pool at once.
      const settings = await Promise.all(
        Array.from({ length: 4 }, () =>
          db.transaction(async (tx) => {
            const [row] = (
              await tx.query<{ jit: string; pid: number }>("SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid, pg_sleep(0.2)")
            ).rows;
            return row!;
          }),
        ),
      );
      assert.equal(new Set(settings.map((s) => s.pid)).size, 4, 'four connections');
      assert.deepEqual(
        settings.map((s) => s.jit),
        ['off', 'off', 'off', 'off'],
      );
    } finally {
      await db.close();
      await database.drop();
    }
  },
);
