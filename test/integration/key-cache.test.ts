// The key cache: a request whose keys this process already authenticated costs no store round trip for them; a
// revocation or a deactivated user empties every process's cache as it commits (the store's NOTIFY), so a revoked
// pair is refused from the next request on, in this process and in others on the same PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startServerProcess, type ServerProcess } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createKeys, listKeys, revokeKey } from '../../src/store/orgs.js';
import { KeyCache, watchedKeyCache } from '../../src/server/key-cache.js';

const PRINCIPAL = { orgId: 'o', apiKeyId: 'k', userId: 'u', userHandle: 'h' };

test('a lookup that began before a change was heard is not kept; nothing is kept while not listening', () => {
  const cache = new KeyCache();
  const key = KeyCache.keyOf('api', 'app');
  cache.keep(key, PRINCIPAL, cache.begin());
  assert.equal(cache.get(key), undefined, 'not listening yet: nothing kept');
  cache.setLive(true);
  const begun = cache.begin();
  cache.forget();
  cache.keep(key, PRINCIPAL, begun);
  assert.equal(cache.get(key), undefined, 'a change heard during the lookup');
  cache.keep(key, PRINCIPAL, cache.begin());
  assert.deepEqual(cache.get(key), PRINCIPAL);
  assert.equal(cache.get(key, Date.now() + 61_000), undefined, 'entries expire');
  cache.keep(key, PRINCIPAL, cache.begin());
  cache.setLive(false);
  assert.equal(cache.get(key), undefined, 'a lost connection empties it');
  assert.ok(!key.includes('api'), 'keys are kept hashed');
});

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server?.stop());

test('the store tells a listening cache of every key or user change, on commit', async () => {
  const { cache, stop } = await watchedKeyCache(server.server.db, (err) => assert.fail(String(err)));
  try {
    const key = KeyCache.keyOf('a', 'b');
    const keep = () => cache.keep(key, PRINCIPAL, cache.begin());
    const heard = async (change: () => Promise<unknown>) => {
      keep();
      assert.ok(cache.get(key));
      await change();
      for (let i = 0; i < 100 && cache.get(key); i++) await new Promise((r) => setTimeout(r, 10));
      return cache.get(key) === undefined;
    };
    const other = await server.newKeys('cache-org', 'someone');
    const keyId = (await listKeys(server.server.db, other.orgId))[0]!.key_id;
    assert.ok(await heard(() => revokeKey(server.server.db, keyId)), 'a revocation');
    assert.ok(await heard(() => server.server.db.query('UPDATE users SET active = false WHERE org_id = $1', [other.orgId])), 'a deactivation');
    // Every listening connection hears a change once, some a moment later: let those arrive, then a read changes nothing.
    await new Promise((r) => setTimeout(r, 200));
    keep();
    await server.server.db.query('SELECT count(*) FROM api_keys');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(cache.get(key), 'a read tells nothing');
  } finally {
    await stop();
  }
});

/** Asks until the pair is refused (at most 2 s); then it must stay refused. Returns how long the refusal took. */
async function refusedWithin(ask: () => Promise<number>, since: number): Promise<number> {
  let status = await ask();
  while (status === 200 && Date.now() - since < 2000) status = await ask();
  const took = Date.now() - since;
  assert.equal(status, 403, 'refused');
  for (let i = 0; i < 3; i++) assert.equal(await ask(), 403, 'never served again');
  return took;
}

test('a revoked pair is refused from the next request on, in the process that revoked it', async (t) => {
  const keys = await server.newKeys('revoke-org', 'leaver');
  const ask = async () => (await server.api('/api/v2/csm/ownership/review_queue?filter[owner_type]=team', { keys })).status;
  for (let i = 0; i < 3; i++) assert.equal(await ask(), 200);
  const appKeyId = (await listKeys(server.server.db, keys.orgId)).find((k) => k.kind === 'app')!.key_id;
  assert.ok(await revokeKey(server.server.db, appKeyId));
  // The process heard its own change before the revocation returned: refused from the next request on.
  assert.equal(await ask(), 403);
  t.diagnostic(`refused ${await refusedWithin(ask, Date.now())} ms after the revocation returned`);
});

test('across API processes on one PostgreSQL, every process refuses a revoked pair within moments, and never serves it again', async (t) => {
  if (!process.env.DATABASE_URL) return t.skip('needs DATABASE_URL (PostgreSQL): processes share PGlite only through one server');
  const database: TestDatabase = await createTestDatabase();
  const db: Db = await openDb({ databaseUrl: database.url!, dataDir: 'memory://' });
  const processes: ServerProcess[] = [];
  try {
    await migrate(db);
    // Budgets in this process alone: refused requests spend their address's budget, which in a shared Redis other tests'
    // servers on this machine would feel.
    const env = { DATABASE_URL: database.url!, REDIS_URL: '', STEWARD_LOG_LEVEL: 'warn' };
    processes.push(await startServerProcess(env, ['--no-jobs']), await startServerProcess(env, ['--no-jobs']));
    const k = await createKeys(db, 'many-org', 'leaver');
    const ask = (p: ServerProcess) =>
      fetch(`${p.url}/api/v2/csm/ownership/review_queue?filter[owner_type]=team`, {
        headers: { 'DD-API-KEY': k.api_key, 'DD-APPLICATION-KEY': k.app_key },
      }).then((r) => r.status);
    for (const p of processes) for (let i = 0; i < 3; i++) assert.equal(await ask(p), 200);
    await revokeKey(db, k.app_key_id);
    const revokedAt = Date.now();
    for (const p of processes) t.diagnostic(`${p.url} refused ${await refusedWithin(() => ask(p), revokedAt)} ms after the revocation`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.close();
    await database.drop();
  }
});
