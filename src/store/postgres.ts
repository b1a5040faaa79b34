import pg from 'pg';
import type { Db, Queryable, StoreNotice } from './db.js';

// int8 comes back as a string by default; our int8 columns are Unix milliseconds and ids, which fit a double. A value
// that does not (the open-ended valid_to) stays a string rather than becoming a different number.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

const RELISTEN_MS = 1000;

/** LISTEN on a connection of its own, reconnecting after a loss (reported, since notifications may be missed then). */
async function listenOn(url: string, channel: string, onNotice: (notice: StoreNotice) => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (m) => {
      if (m.channel === channel) onNotice('notify');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    if (stopped) return void (await c.end().catch(() => {}));
    client = c;
    onNotice('live');
  };
  const lost = (c: pg.Client) => {
    if (client !== c || stopped) return;
    client = undefined;
    onNotice('lost');
    void c.end().catch(() => {});
    const retry = () => {
      if (!stopped) connect().catch(() => setTimeout(retry, RELISTEN_MS).unref());
    };
    setTimeout(retry, RELISTEN_MS).unref();
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}

export function openPostgres(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // PostgreSQL compiles a statement with LLVM once its estimated cost passes jit_above_cost, and the time it takes grows
  // with the statement's subqueries: a search of 64 owner facets (a subquery each) that runs in 0.1 s took 18 s to
  // compile, and a severity rule's of 1,024 held a backend minutes, deaf to cancellation. Steward's statements are
  // many and short: no compiling. The SET is queued on the new connection before the pool hands it out.
  pool.on('connect', (client) => {
    client.query('SET jit = off').catch(() => {});
  });
  // Who hears each channel this process listens on. Every pooled connection listens too, so that a change this process
  // commits is heard before its commit returns (PostgreSQL sends a session its own notifications with the commit's
  // answer); the connection of listenOn hears the other processes' changes.
  const hearers = new Map<string, Set<(notice: StoreNotice) => void>>();
  const listeningOn = new WeakMap<pg.PoolClient, Set<string>>();
  const checkout = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    let channels = listeningOn.get(client);
    if (!channels) {
      channels = new Set();
      listeningOn.set(client, channels);
      client.on('notification', (m) => hearers.get(m.channel)?.forEach((hear) => hear('notify')));
    }
    try {
      for (const channel of hearers.keys()) {
        if (channels.has(channel)) continue;
        await client.query(`LISTEN ${channel}`);
        channels.add(channel);
      }
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return client;
  };
  const asQueryable = (c: pg.PoolClient): Queryable => ({
    async query(sql, params, options) {
      const values = params as unknown[];
      const r = await c.query(options?.prepared ? { name: options.prepared, text: sql, values } : { text: sql, values });
      return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
    },
    async exec(sql) {
      await c.query(sql);
    },
  });
  const withClient = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
    const client = await checkout();
    try {
      return await fn(asQueryable(client));
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    query: (sql, params, options) => withClient((q) => q.query(sql, params, options)),
    exec: (sql) => withClient((q) => q.exec(sql)),
    async queryScript(sql) {
      const client = await checkout();
      try {
        const results = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(results) ? results : [results]).map((r) => ({ rows: r.rows }));
      } finally {
        client.release();
      }
    },
    async transaction(fn) {
      const client = await checkout();
      try {
        await client.query('BEGIN');
        const result = await fn(asQueryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotice) {
      const stop = await listenOn(url, channel, onNotice);
      if (!hearers.has(channel)) hearers.set(channel, new Set());
      hearers.get(channel)!.add(onNotice);
      return async () => {
        hearers.get(channel)?.delete(onNotice);
        await stop();
      };
    },
    async close() {
      await pool.end();
    },
  };
}
