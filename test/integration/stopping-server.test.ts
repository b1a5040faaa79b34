import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type IncomingMessage } from 'node:http';
import { startTestServer } from '../helpers/server.js';

// Stopping waits for the requests in flight; it must not wait for their keep-alive connections as well.

test('a server stopping while a request runs answers it on a closed connection and stops without waiting for the keep-alive timeout', async () => {
  const s = await startTestServer();
  const agent = new Agent({ keepAlive: true });
  try {
    const body = JSON.stringify({
      data: [
        {
          type: 'cloud_resource',
          id: 'arn:aws:s3:::in-flight',
          attributes: { resource_type: 'aws_s3_bucket', cloud_provider: 'aws', configuration: {} },
        },
      ],
    });
    const req = request(`${s.url}/api/v2/csm/resources`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'DD-API-KEY': s.apiKey,
        'DD-APPLICATION-KEY': s.appKey,
      },
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    // The server has routed the request once its 'request' event has run (the framework's listener comes first).
    const routed = new Promise<void>((resolve) => s.server.app.server.once('request', () => resolve()));
    req.write(body.slice(0, 10));
    await routed;

    const stopped = s.server.stop().then(() => 'stopped');
    req.end(body.slice(10));
    const response = await answered;
    const text = await new Promise<string>((resolve) => {
      let t = '';
      response.on('data', (d: Buffer) => (t += d.toString())).on('end', () => resolve(t));
    });
    assert.equal(response.statusCode, 200, text);
    assert.equal((JSON.parse(text) as { data: { attributes: { created: number } } }).data.attributes.created, 1);
    assert.equal(response.headers.connection, 'close');
    // The keep-alive timeout is 72 s: a stop held by the idle connection would still be waiting after ten.
    const outcome = await Promise.race([stopped, new Promise((r) => setTimeout(() => r('still waiting'), 10_000).unref())]);
    assert.equal(outcome, 'stopped');
  } finally {
    agent.destroy();
    await s.stop();
  }
});

test('answers before the server stops keep their connection alive', async () => {
  const s = await startTestServer();
  try {
    const response = await s.api('/api/v2/csm/resources?page[limit]=1');
    assert.equal(response.status, 200);
    assert.notEqual(response.headers.get('connection'), 'close');
  } finally {
    await s.stop();
  }
});
