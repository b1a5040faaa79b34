import { PGlite } from '@electric-sql/pglite';
import type { Db } from './db.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { IN_MEMORY } from './pglite-folder.js';

/**
 * A turn of the event loop. PGlite runs each statement on this thread and its promises settle at once, as microtasks:
 * a chain of statements (an import, a rule applied to every finding, a recompute) never let timers, sockets or other
 * requests run, so `/health` and every other caller waited for the whole chain. After each statement the loop takes a
 * turn; other statements still wait for a transaction to end (PGlite runs one at a time).
 */
const loopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function thenLoopTurn<T>(result: Promise<T>): Promise<T> {
  try {
    return await result;
  } finally {
    await loopTurn();
  }
}

export async function openPglite(dataDir: string): Promise<Db> {
  const release = dataDir === IN_MEMORY ? () => {} : acquireDataDirLock(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir === IN_MEMORY ? undefined : dataDir);
  } catch (err) {
    release();
    throw err;
  }
  // PGlite is one connection: advisory locks would be re-entrant, so a promise chain serialises instead.
  let lockChain: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    async query(sql, params) {
      const r = await thenLoopTurn(pglite.query(sql, params as unknown[]));
      return { rows: r.rows as never[], affectedRows: r.affectedRows };
    },
    async exec(sql) {
      await thenLoopTurn(pglite.exec(sql));
    },
    async queryScript(sql) {
      return (await thenLoopTurn(pglite.exec(sql))).map((r) => ({ rows: r.rows as Record<string, unknown>[] }));
    },
    async transaction(fn) {
      return pglite.transaction(async (tx) =>
        fn({
          async query(sql, params) {
            const r = await thenLoopTurn(tx.query(sql, params as unknown[]));
            return { rows: r.rows as never[], affectedRows: r.affectedRows };
          },
          async exec(sql) {
            await thenLoopTurn(tx.exec(sql));
          },
        }),
      );
    },
    async withAdvisoryLock(_key, fn) {
      const run = lockChain.then(fn, fn);
      lockChain = run.catch(() => {});
      return run;
    },
    async listen(channel, onNotice) {
      const stop = await pglite.listen(channel, () => onNotice('notify'));
      onNotice('live');
      return stop;
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

export { IN_MEMORY };
