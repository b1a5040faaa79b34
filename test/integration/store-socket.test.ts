// The store reached through a server's socket behaves as the store itself: values, errors, transactions, locks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/store/db.js';
import { openStoreSocket, type StoreSocket } from '../../src/store/store-socket-server.js';
import { openStoreThroughSocket } from '../../src/store/store-socket-client.js';
import { storeSocketPath } from '../../src/store/store-socket-protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-socket-'));
let served: Db;
let socket: StoreSocket;

before(async () => {
  served = await openDb({ dataDir: 'memory://' });
  await served.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, big bigint, doc jsonb, tags text[])');
  socket = await openStoreSocket(served, dir);
});

after(async () => {
  await socket.close();
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

test('rows arrive with the types a local store gives', async () => {
  const remote = await openStoreThroughSocket(socket.path);
  try {
    await remote.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5)', [
      1,
      new Date('2026-01-02T03:04:05Z'),
      '9007199254740993',
      { a: [1, 'x'] },
      ['k:v'],
    ]);
    const [local] = (await served.query('SELECT * FROM t WHERE id = 1')).rows;
    const [through] = (await remote.query('SELECT * FROM t WHERE id = 1')).rows;
    assert.deepEqual(through, local);
    assert.ok((through as { at: unknown }).at instanceof Date);
    assert.equal(remote.kind, 'pglite');
    assert.equal(remote.servedBy, process.pid);
  } finally {
    await remote.close();
  }
});

test('database errors keep their code, and a failed transaction writes nothing', async () => {
  const remote = await openStoreThroughSocket(socket.path);
  try {
    await assert.rejects(remote.query('INSERT INTO t (id) VALUES (1)'), (err: Error & { code?: string }) => err.code === '23505');
    await assert.rejects(
      remote.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (2)');
        throw new Error('the command changed its mind');
      }),
      /changed its mind/,
    );
    assert.equal((await served.query('SELECT count(*)::int AS n FROM t WHERE id = 2')).rows[0]!.n, 0);
    await remote.transaction((tx) => tx.query('INSERT INTO t (id) VALUES (3)'));
    assert.equal((await served.query('SELECT count(*)::int AS n FROM t WHERE id = 3')).rows[0]!.n, 1);
  } finally {
    await remote.close();
  }
});

test('a client that goes away mid-transaction has it rolled back, and the store serves on', async () => {
  const remote = await openStoreThroughSocket(socket.path);
  let inside!: () => void;
  let gone!: () => void;
  const reached = new Promise<void>((resolve) => (inside = resolve));
  const closed = new Promise<void>((resolve) => (gone = resolve));
  const abandoned = remote
    .transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (4)');
      inside();
      await closed;
      await tx.query('SELECT 1');
    })
    .catch((err: Error) => err);
  await reached;
  await remote.close();
  gone();
  assert.match(String(await abandoned), /connection to the server's store is closed/);
  // The server's own queries wait for an open transaction; this one answers once the rollback is done.
  assert.equal((await served.query('SELECT count(*)::int AS n FROM t WHERE id = 4')).rows[0]!.n, 0);
});

test("two clients' transactions take turns, as on the embedded store", async () => {
  const [a, b] = await Promise.all([openStoreThroughSocket(socket.path), openStoreThroughSocket(socket.path)]);
  try {
    await served.query('INSERT INTO t (id, big) VALUES (10, 0)');
    const bump = (db: Db) =>
      db.transaction(async (tx) => {
        const n = Number((await tx.query<{ big: string }>('SELECT big FROM t WHERE id = 10')).rows[0]!.big);
        await tx.query('UPDATE t SET big = $1 WHERE id = 10', [n + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 ? a : b)));
    assert.equal(Number((await served.query<{ big: string }>('SELECT big FROM t WHERE id = 10')).rows[0]!.big), 10);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('an advisory lock taken through the socket excludes the server until released', async () => {
  const remote = await openStoreThroughSocket(socket.path);
  try {
    const order: string[] = [];
    let release!: () => void;
    const holding = remote.withAdvisoryLock(1, async () => {
      order.push('client holds');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('client releases');
    });
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const server = served.withAdvisoryLock(1, async () => void order.push('server holds'));
    release();
    await Promise.all([holding, server]);
    assert.deepEqual(order, ['client holds', 'client releases', 'server holds']);
  } finally {
    await remote.close();
  }
});

test('a deep data folder gets a socket path short enough for the system', () => {
  const deep = join(dir, 'x'.repeat(120));
  const path = storeSocketPath(deep);
  assert.ok(Buffer.byteLength(path) <= 100, path);
  assert.equal(storeSocketPath(deep), path, 'the server and a command find the same path');
  assert.equal(storeSocketPath(dir), join(dir, 'steward.sock'));
});
