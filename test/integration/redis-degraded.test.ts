import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startTestServer } from '../helpers/server.js';
import { freePort } from '../helpers/processes.js';
import { openRateLimiter } from '../../src/server/rate-limiter.js';

// Rate limiting must never take the API down: without Redis the budgets are counted per process.

interface Readiness {
  status: string;
  dependencies: { store: { state: string }; redis: { state: string; rate_limits: string } };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A TCP relay to the real Redis that the test can cut and restore, on a port that stays the same, and whose replies
 * it can hold back for a while on a connection that stays open (a slow Redis, as the client sees it).
 */
async function redisRelay(target: URL) {
  const port = await freePort();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let held: { client: Socket; data: Buffer }[] | undefined;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream);
        upstream.on('data', (data: Buffer) => (held ? held.push({ client, data }) : client.write(data)));
        upstream.on('end', () => client.end());
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const holdReplies = () => {
    held = [];
  };
  const releaseReplies = () => {
    for (const { client, data } of held ?? []) client.write(data);
    held = undefined;
  };
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await up();
  return { url: `redis://127.0.0.1:${port}`, up, down, holdReplies, releaseReplies };
}

test('starting with Redis unreachable serves in degraded mode with per-process limits, and /ready says so', async () => {
  const closedPort = await freePort();
  const s = await startTestServer({ redisUrl: `redis://127.0.0.1:${closedPort}`, rateLimits: 'meta=3/3600' });
  try {
    const ready = await fetch(`${s.url}/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as Readiness;
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.dependencies.redis, { state: 'unreachable', rate_limits: 'per process' });
    assert.equal(body.dependencies.store.state, 'up');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await s.api('/api/v2/openapi.json')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429], 'the budget still holds, counted in this process');
  } finally {
    await s.stop();
  }
});

test(
  'Redis lost and found again: requests keep answering, the change is logged once each way, shared limits resume',
  { skip: !process.env.REDIS_URL && 'needs REDIS_URL' },
  async () => {
    const relay = await redisRelay(new URL(process.env.REDIS_URL!));
    const s = await startTestServer({ redisUrl: relay.url });
    const readiness = async () => ((await (await fetch(`${s.url}/ready`)).json()) as Readiness).dependencies.redis.state;
    try {
      assert.equal(await readiness(), 'up');
      assert.equal((await s.api('/api/v2/openapi.json')).status, 200);

      await relay.down();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await s.api('/api/v2/posture_management/findings?page[limit]=1')).status);
      assert.deepEqual([...new Set(statuses)], [200], 'no request fails while Redis is away');
      await until('/ready reports Redis unreachable', async () => (await readiness()) === 'unreachable');

      await relay.up();
      await until('the limiter reconnects by itself', async () => (await readiness()) === 'up');
      assert.equal((await s.api('/api/v2/openapi.json')).status, 200);
    } finally {
      await s.stop();
      await relay.down();
    }
  },
);

test('the limiter logs each change of state once, however many requests meet it', { skip: !process.env.REDIS_URL && 'needs REDIS_URL' }, async () => {
  const relay = await redisRelay(new URL(process.env.REDIS_URL!));
  const lines: string[] = [];
  const log = { info: (_: object, msg: string) => lines.push(`info ${msg}`), warn: (_: object, msg: string) => lines.push(`warn ${msg}`) };
  const limiter = await openRateLimiter(relay.url, log);
  const rule = { limit: 1000, periodSeconds: 60 };
  try {
    assert.equal(limiter.state(), 'redis');
    for (let round = 0; round < 2; round++) {
      await relay.down();
      for (let i = 0; i < 30; i++) await limiter.hit('findings', `log-test-${process.pid}`, rule);
      await until('degraded', async () => limiter.state() === 'degraded');
      await relay.up();
      await until('reconnected', async () => limiter.state() === 'redis');
      await limiter.hit('findings', `log-test-${process.pid}`, rule);
    }
    const warnings = lines.filter((l) => l.startsWith('warn'));
    const recoveries = lines.filter((l) => l.startsWith('info'));
    assert.equal(warnings.length, 2, lines.join('\n'));
    assert.equal(recoveries.length, 3, `the first connection and two recoveries: ${lines.join('\n')}`);
  } finally {
    await limiter.close();
    await relay.down();
  }
});

test(
  'a reply later than the command timeout on a live connection counts that request here, and shared counting resumes',
  { skip: !process.env.REDIS_URL && 'needs REDIS_URL' },
  async () => {
    const relay = await redisRelay(new URL(process.env.REDIS_URL!));
    const lines: string[] = [];
    const log = { info: (_: object, msg: string) => lines.push(`info ${msg}`), warn: (_: object, msg: string) => lines.push(`warn ${msg}`) };
    const limiter = await openRateLimiter(relay.url, log);
    // Another process counting the same key straight on Redis: the budget it sees is the shared one.
    const other = await openRateLimiter(process.env.REDIS_URL!);
    const rule = { limit: 1000, periodSeconds: 3600 };
    const key = `slow-reply-${process.pid}-${Date.now()}`;
    try {
      for (let i = 1; i <= 3; i++) assert.equal((await limiter.hit('findings', key, rule)).count, i);

      relay.holdReplies();
      const slow = await limiter.hit('findings', key, rule);
      assert.equal(slow.count, 1, 'the request whose reply is late is counted in this process');
      assert.equal(limiter.state(), 'degraded');
      relay.releaseReplies();

      // The late INCR reached Redis all the same: the shared count is 4 (3 + the late one), whatever this process did.
      assert.equal((await other.hit('findings', key, rule)).count, 5);
      // Within the probe interval requests stay here; after it, one tries Redis and brings the limiter back.
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await limiter.hit('findings', key, rule)).count, 6, 'counted in Redis again, after the other process');
      assert.equal(limiter.state(), 'redis');
      assert.equal((await limiter.hit('findings', key, rule)).count, 7);
      assert.deepEqual(
        lines.map((l) => l.split(':')[0]),
        ['info Redis reachable', 'warn Redis unreachable', 'info Redis reachable'],
        'one line each way',
      );
    } finally {
      await limiter.close();
      await other.close();
      await relay.down();
    }
  },
);
