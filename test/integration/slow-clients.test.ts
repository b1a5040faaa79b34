import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';

// A client may not hold a connection by sending its request slowly: the whole request must arrive within
// STEWARD_REQUEST_TIMEOUT_MS, or the answer is a 408 in the API's error shape and the connection ends.

const TIMEOUT_MS = 1000;

/** Opens a raw connection and starts a POST of `length` bytes whose body the test sends itself. */
function startPost(s: TestServer, length: number, keys = true): Promise<{ socket: Socket; answer: Promise<{ text: string; at: number }> }> {
  const { port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const headers = [
        'POST /api/v2/csm/resources HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${length}`,
        ...(keys ? [`DD-API-KEY: ${s.apiKey}`, `DD-APPLICATION-KEY: ${s.appKey}`] : []),
      ];
      socket.write(`${headers.join('\r\n')}\r\n\r\n`);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      const answer = new Promise<{ text: string; at: number }>((done) => socket.on('close', () => done({ text, at: Date.now() })));
      resolve({ socket, answer });
    });
    socket.on('error', reject);
  });
}

/** The statuses of the answers a connection received, in order. */
function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

function statusAndBody(text: string): { status: number; body: { errors: { status: string; detail: string }[] } } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), body: JSON.parse(body!) as { errors: { status: string; detail: string }[] } };
}

test('a body that stops arriving is answered 408 in the error shape, and the connection ends', { timeout: 30_000 }, async () => {
  const s = await startTestServer({ requestTimeoutMs: TIMEOUT_MS });
  try {
    const started = Date.now();
    const { socket, answer } = await startPost(s, 1000);
    socket.write('{"data": [');
    const { text, at } = await answer;
    const { status, body } = statusAndBody(text);
    assert.equal(status, 408, text);
    assert.equal(body.errors[0]!.status, '408');
    assert.match(body.errors[0]!.detail, /did not arrive in time/);
    assert.ok(at - started >= TIMEOUT_MS - 100, `answered after ${at - started} ms, not before the timeout`);
  } finally {
    await s.stop();
  }
});

test('a body trickled a byte at a time is cut off at the timeout, however steadily it comes, with or without keys', { timeout: 30_000 }, async () => {
  const s = await startTestServer({ requestTimeoutMs: TIMEOUT_MS });
  try {
    for (const keys of [true, false]) {
      const started = Date.now();
      const { socket, answer } = await startPost(s, 1000, keys);
      let sent = 0;
      const trickle = setInterval(() => {
        if (!socket.destroyed) socket.write(' ', () => sent++);
      }, 50);
      const { text, at } = await answer;
      clearInterval(trickle);
      assert.ok(sent < 1000, `the body was never complete (${sent} of 1000 bytes)`);
      assert.ok(at - started >= TIMEOUT_MS - 100, `the connection lasted until the timeout (${at - started} ms)`);
      // Without keys the answer is 401 at once; the rest of the body is read to keep the connection, until the timeout.
      assert.deepEqual(statuses(text), keys ? [408] : [401, 408], text);
    }
    // The server goes on answering those that send in time.
    assert.equal((await s.api('/api/v2/csm/resources?page[limit]=1')).status, 200);
  } finally {
    await s.stop();
  }
});
