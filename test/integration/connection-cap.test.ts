import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTestServer } from '../helpers/server.js';
import { capConnections, DROP_LOG_INTERVAL_MS } from '../../src/server/connection-cap.js';

// One process holds at most STEWARD_MAX_CONNECTIONS connections open: a flood of idle connections is refused past it,
// so it cannot take the file descriptors the store needs, and the server answers again once they go.

/** A raw connection to `port`, and what it receives until it closes. */
async function open(port: number): Promise<{ socket: Socket; closed: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => received);
  await once(socket, 'connect');
  return { socket, closed };
}

/** Waits until `server` counts `n` connections. */
async function connections(server: { getConnections(cb: (err: Error | null, n: number) => void): void }, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const count = await new Promise<number>((done, fail) => server.getConnections((err, c) => (err ? fail(err) : done(c))));
    if (count === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`the server never held ${n} connections`);
}

test('past its cap of connections a server closes new ones unanswered, and answers again once one goes', { timeout: 30_000 }, async () => {
  const s = await startTestServer({ maxConnections: 3 });
  try {
    const port = Number(new URL(s.url).port);
    const idle = [await open(port), await open(port), await open(port)];
    await connections(s.server.app.server, 3);
    const refused = await open(port);
    assert.equal(await refused.closed, '', 'closed with nothing sent back');
    // The idle ones are still held, and still served.
    idle[0]!.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    assert.match(await idle[0]!.closed, /^HTTP\/1\.1 200 /);
    await connections(s.server.app.server, 2);
    const answer = await s.api('/api/v2/csm/resources?page[limit]=1', { headers: { connection: 'close' } });
    assert.equal(answer.status, 200);
    for (const c of idle) c.socket.destroy();
  } finally {
    await s.stop();
  }
});

test('dropped connections are logged at most once an interval, with how many were dropped since', async () => {
  const server = createServer((socket) => socket.on('error', () => {}));
  const logged: Record<string, unknown>[] = [];
  let clock = 0;
  capConnections(server, 1, { warn: (fields) => logged.push(fields) }, () => clock);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  try {
    const held = await open(port);
    await connections(server, 1);
    const dropOne = async () => {
      const c = await open(port);
      await c.closed;
    };
    await dropOne();
    await dropOne();
    await dropOne();
    assert.equal(logged.length, 1, 'the first drop is logged, the next two within the interval are not');
    assert.equal(logged[0]!.dropped, 1);
    assert.equal(logged[0]!.max_connections, 1);
    clock += DROP_LOG_INTERVAL_MS;
    await dropOne();
    assert.equal(logged.length, 2);
    assert.equal(logged[1]!.dropped, 3, 'the two held back and this one');
    held.socket.destroy();
  } finally {
    server.close();
  }
});
