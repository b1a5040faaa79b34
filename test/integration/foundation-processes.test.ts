import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli, startServerProcess } from '../helpers/processes.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadMigrations } from '../../src/store/migrate.js';

const onPostgres = !!process.env.DATABASE_URL;
const withRedis = onPostgres && !!process.env.REDIS_URL;

function tempDataDir() {
  return mkdtempSync(join(tmpdir(), 'steward-test-'));
}

test('keys create, list and revoke from the command line', async () => {
  const dir = tempDataDir();
  const env = { STEWARD_DATA_DIR: dir, DATABASE_URL: '' };
  try {
    const created = await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const keys = JSON.parse(created.stdout) as { org: string; api_key: string; app_key: string; api_key_id: string };
    assert.equal(keys.org, 'acme');
    assert.match(keys.api_key, /^[0-9a-f]{32}$/);
    assert.match(keys.app_key, /^[0-9a-f]{40}$/);
    const listed = await runCli(['keys', 'list', '--org', 'acme', '--json'], env);
    const rows = JSON.parse(listed.stdout) as Array<{ key_id: string; kind: string; user_handle: string | null; revoked_at: number | null }>;
    assert.equal(rows.length, 2);
    assert.ok(!listed.stdout.includes(keys.api_key), 'keys are never shown again');
    assert.equal(rows.find((r) => r.kind === 'app')!.user_handle, 'alice');
    const revoked = await runCli(['keys', 'revoke', keys.api_key_id], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    const after = JSON.parse((await runCli(['keys', 'list', '--org', 'acme', '--json'], env)).stdout) as typeof rows;
    assert.ok(after.find((r) => r.key_id === keys.api_key_id)!.revoked_at);
    const unknown = await runCli(['keys', 'revoke', '00000000-0000-0000-0000-000000000000'], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No key/);
    const help = await runCli(['keys', 'create', '--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--org/);
    // Names no one could tell apart or type again are refused, and nothing is created.
    for (const [org, user, refused] of [
      ['', 'bob', /^steward: --org: "" is not an organization name \(1 to 128 letters, digits and - _ \., starting with a letter or digit\)\n$/],
      [' acme', 'bob', /^steward: --org: " acme" is not an organization name/],
      ['ev\u001b[31mil', 'bob', /^steward: --org: .* is not an organization name/],
      ['a'.repeat(129), 'bob', /^steward: --org: "a{40}\.\.\." is not an organization name/],
      ['acme', '', /^steward: --user: "" is not a user handle \(1 to 128 letters, digits and - _ \. @/],
    ] as const) {
      const run = await runCli(['keys', 'create', '--org', org, '--user', user], env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, refused);
    }
    const orgs = JSON.parse((await runCli(['keys', 'list', '--org', 'acme', '--json'], env)).stdout) as typeof rows;
    assert.equal(orgs.length, 2, 'no key was created for a refused name');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second server on a PGlite data folder fails cleanly, naming the process that holds it', async () => {
  const dir = tempDataDir();
  const server = await startServerProcess({ STEWARD_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '' });
  try {
    const second = await runCli(['serve'], { STEWARD_DATA_DIR: dir, DATABASE_URL: '', PORT: '0' });
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`in use by process ${server.child.pid}`));
    assert.ok(!/\n\s+at /.test(second.stderr), 'no stack trace');
    // The store is intact: the server still answers from it.
    assert.equal((await fetch(`${server.url}/ready`)).status, 200);
  } finally {
    // SIGTERM: the server finishes, closes the store and releases the folder.
    assert.equal(await server.stop('SIGTERM'), 0);
  }
  assert.ok(!existsSync(join(dir, 'steward.lock')), 'the lock is released on SIGTERM');
  assert.ok(!existsSync(join(dir, 'steward.sock')), 'the store socket is removed on SIGTERM');
  const third = await runCli(['keys', 'create', '--org', 'x', '--user', 'y', '--json'], { STEWARD_DATA_DIR: dir, DATABASE_URL: '' });
  assert.equal(third.code, 0, third.stderr);
  rmSync(dir, { recursive: true, force: true });
});

test('a command on a folder held by a process that takes no commands says who holds it and what to do', async () => {
  const dir = tempDataDir();
  // This test's own process holds the lock, as another running command would: alive, and with no store socket.
  writeFileSync(join(dir, 'steward.lock'), String(process.pid));
  try {
    const r = await runCli(['keys', 'list', '--org', 'x'], { STEWARD_DATA_DIR: dir, DATABASE_URL: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`in use by process ${process.pid}`));
    assert.match(r.stderr, /takes no commands/);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two processes migrating one PostgreSQL at once leave one correct schema', { skip: !onPostgres && 'needs DATABASE_URL' }, async () => {
  const database = await createTestDatabase();
  try {
    const env = { DATABASE_URL: database.url! };
    const [a, b] = await Promise.all([runCli(['migrate'], env), runCli(['migrate'], env)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const versions = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    await client.end();
    assert.deepEqual(
      versions,
      loadMigrations().map((m) => m.version),
    );
    const again = await runCli(['migrate'], env);
    assert.match(again.stdout, /up to date/);
  } finally {
    await database.drop();
  }
});

test(
  'two server processes on one PostgreSQL and one Redis let exactly 100 requests of one key through per window',
  { skip: !withRedis && 'needs DATABASE_URL and REDIS_URL' },
  async () => {
    const database = await createTestDatabase();
    // An hour-long window, so the test never straddles a window boundary by chance.
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: process.env.REDIS_URL!,
      STEWARD_RATE_LIMITS: 'inventory=100/3600',
      STEWARD_LOG_LEVEL: 'warn',
    };
    const created = await runCli(['keys', 'create', '--org', 'shared', '--user', 'u', '--json'], env);
    const keys = JSON.parse(created.stdout) as { api_key: string; app_key: string };
    const [one, two] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
      const requests = Array.from({ length: 160 }, (_, i) => fetch(`${(i % 2 ? one : two).url}/api/v2/csm/resources/x${i}`, { headers }));
      const statuses = (await Promise.all(requests)).map((r) => r.status);
      assert.equal(statuses.filter((s) => s !== 429).length, 100);
      assert.equal(statuses.filter((s) => s === 429).length, 60);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await database.drop();
    }
  },
);

test('SIGTERM lets a request in flight finish before the store closes', async () => {
  const dir = tempDataDir();
  const env = { STEWARD_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', STEWARD_RATE_LIMITS: 'inventory=100000' };
  const created = await runCli(['keys', 'create', '--org', 'drain', '--user', 'u', '--json'], env);
  const keys = JSON.parse(created.stdout) as { api_key: string; app_key: string };
  const server = await startServerProcess(env);
  try {
    // A thousand resources take long enough to evaluate that the signal arrives while the request runs.
    const data = Array.from({ length: 1000 }, (_, i) => ({
      type: 'cloud_resource',
      id: `arn:aws:s3:::drain-${i}`,
      attributes: { resource_type: 'aws_s3_bucket', cloud_provider: 'aws', account: '1', region: 'us-east-1', configuration: { name: `drain-${i}` } },
    }));
    const inFlight = fetch(`${server.url}/api/v2/csm/resources`, {
      method: 'POST',
      headers: { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    let answeredAt = 0;
    void inFlight.then(() => (answeredAt = Date.now()));
    await new Promise((r) => setTimeout(r, 30));
    const signalledAt = Date.now();
    const exited = server.stop('SIGTERM');
    const response = await inFlight;
    assert.ok(answeredAt === 0 || answeredAt >= signalledAt, 'the request was still running when the signal came');
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(((await response.json()) as { data: { attributes: { created: number } } }).data.attributes.created, 1000);
    assert.equal(await exited, 0);
    assert.ok(!/Cannot use a pool|PGlite is closed|request failed/.test(server.output()), server.output().slice(-2000));
  } finally {
    await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
