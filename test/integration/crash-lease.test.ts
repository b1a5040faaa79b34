// A server process killed (kill -9) in the middle of a write leaves no lease behind: new data is listed within seconds,
// by the process that survived it (PostgreSQL) and by the process started in its place (PostgreSQL and PGlite).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/db.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/processes.js';
import { bucketItem } from '../helpers/resource-items.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createKeys } from '../../src/store/orgs.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const LIMITS = { STEWARD_RATE_LIMITS: 'findings=1000000,ownership=1000000,inventory=1000000,meta=1000000', STEWARD_LOG_LEVEL: 'warn' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started: ServerProcess[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.stop('SIGKILL')));
});

interface Keys {
  api_key: string;
  app_key: string;
}

async function start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const s = await startServerProcess({ ...LIMITS, ...env });
  started.push(s);
  return s;
}

function api(server: ServerProcess, keys: Keys, path: string, body?: unknown): Promise<Response> {
  return fetch(server.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify({ data: body }),
  });
}

/** A batch whose write takes a while: its lease is held long enough to be killed with it. */
const bigBatch = (round: number) =>
  Array.from({ length: 1000 }, (_, i) => bucketItem(`arn:aws:s3:::crash-${round}-${i}`, { tags: ['env:prod', `round:${round}`] }));

/** Ingests one new resource and expects its findings listed (and each readable) within a few seconds. */
async function expectListedSoon(server: ServerProcess, keys: Keys, id: string): Promise<void> {
  const posted = await api(server, keys, '/api/v2/csm/resources', [bucketItem(id)]);
  assert.equal(posted.status, 200, await posted.text());
  const postedAt = Date.now();
  const deadline = postedAt + 5_000;
  let last = '';
  for (;;) {
    const r = await api(server, keys, `/api/v2/posture_management/findings?filter[@resource_id]=${encodeURIComponent(id)}`);
    const body = (await r.json()) as { data: Array<{ id: string }>; meta: { page: { total_filtered_count: number }; snapshot_timestamp: number } };
    last = JSON.stringify(body.meta);
    if (r.status === 200 && body.meta.page.total_filtered_count > 0) {
      assert.equal(body.data.length, body.meta.page.total_filtered_count);
      const one = await api(server, keys, `/api/v2/posture_management/findings/${encodeURIComponent(body.data[0]!.id)}`);
      assert.equal(one.status, 200, `GET of a listed finding: ${await one.text()}`);
      return;
    }
    assert.ok(Date.now() < deadline, `${id}: its findings are not listed ${Date.now() - postedAt} ms after it was ingested (${last})`);
    await sleep(100);
  }
}

test(
  'PostgreSQL: kill -9 of a process mid-write freezes neither the surviving process nor its restart',
  { skip: !onPostgres && 'needs DATABASE_URL' },
  async () => {
    const database = await createTestDatabase();
    try {
      const db = await openDb({ databaseUrl: database.url });
      await migrate(db);
      const keys = await createKeys(db, 'crashing-org', 'crasher');
      const env = { DATABASE_URL: database.url };
      let victim = await start({ ...env, PGAPPNAME: 'steward-victim' });
      const survivor = await start(env);
      // A transaction of the victim's is open: a write in flight, its lease held. Kill the process right then.
      let killed = false;
      for (let round = 0; round < 10 && !killed; round++) {
        let done = false;
        const inFlight = api(victim, keys, '/api/v2/csm/resources', bigBatch(round)).then(
          () => (done = true),
          () => (done = true),
        );
        while (!done && !killed) {
          const open = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'steward-victim'
             AND xact_start IS NOT NULL AND state <> 'idle'`,
          );
          if (open.rows[0]!.n > 0) {
            victim.child.kill('SIGKILL');
            killed = true;
          } else await sleep(2);
        }
        await inFlight;
      }
      assert.ok(killed, 'the victim was killed with a write in flight');
      await victim.stop();
      await db.close();

      await expectListedSoon(survivor, keys, 'arn:aws:s3:::after-crash-survivor');
      victim = await start(env);
      await expectListedSoon(victim, keys, 'arn:aws:s3:::after-crash-restarted');
      await expectListedSoon(survivor, keys, 'arn:aws:s3:::after-crash-survivor-again');
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop('SIGKILL')));
      await database.drop();
    }
  },
);

test('PGlite: a process killed mid-write leaves nothing that freezes the restarted one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-crash-'));
  try {
    const env = { DATABASE_URL: '', STEWARD_DATA_DIR: dir };
    const created = await runCli(['keys', 'create', '--org', 'crashing-org', '--user', 'crasher', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const keys = JSON.parse(created.stdout) as Keys;
    let server = await start(env);
    // A first batch tells how long one takes; the second is killed half-way through.
    let t = Date.now();
    assert.equal((await api(server, keys, '/api/v2/csm/resources', bigBatch(0))).status, 200);
    const took = Date.now() - t;
    const inFlight = api(server, keys, '/api/v2/csm/resources', bigBatch(1)).catch(() => undefined);
    await sleep(took / 2);
    server.child.kill('SIGKILL');
    await inFlight;
    await server.stop();

    t = Date.now();
    server = await start(env);
    await expectListedSoon(server, keys, 'arn:aws:s3:::after-crash-restarted');
    assert.ok(Date.now() - t < 30_000);
  } finally {
    await Promise.all(started.splice(0).map((s) => s.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  }
});
