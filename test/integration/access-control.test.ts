import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { requireRateLimitFamilies } from '../../src/server/rate-limits.js';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';

// Protection follows the route the router matched; the attacks below reached API routes without keys before.
let s: TestServer;
before(async () => {
  s = await startTestServer({ rateLimits: 'unauthenticated=5/3600,unmatched=4/3600' });
});
after(async () => s?.stop());

// Per-address budgets live in Redis when it is shared: each run takes loopback addresses of its own.
const NET = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const address = (host: number) => `${NET}.${host}`;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends the request line exactly as given (no client normalizes the path), from a loopback address of the test's
 * choosing, so that each test spends the per-address budgets of an address of its own.
 */
function raw(path: string, opts: { headers?: Record<string, string>; from?: string; method?: string } = {}): Promise<RawAnswer> {
  const { port, hostname } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path, method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from ?? address(1) },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const keys = () => ({ 'DD-API-KEY': s.apiKey, 'DD-APPLICATION-KEY': s.appKey });

function assertJsonApiError(answer: RawAnswer, status: number) {
  assert.equal(answer.status, status, answer.body);
  const body = JSON.parse(answer.body) as { errors: Array<{ status: string; title: string; detail: string }> };
  assert.equal(body.errors[0]!.status, String(status));
  assert.equal(typeof body.errors[0]!.title, 'string');
  assert.ok(body.errors[0]!.detail.length > 0);
}

test('percent-encoded paths to API routes need keys like any other', async () => {
  assertJsonApiError(await raw('/%61pi/v2/csm/ownership/settings', { from: address(11) }), 401);
  assertJsonApiError(await raw('/%61pi/v2/posture_management/findings', { from: address(11) }), 401);
  assertJsonApiError(await raw('/api/v2/%70osture_management/findings', { from: address(11) }), 401);
  // Decoded once only: a doubly encoded path names no route.
  assertJsonApiError(await raw('/%2561pi/v2/openapi.json', { from: address(11) }), 404);
  // With keys, the same encoded path is the same route and answers normally.
  const withKeys = await raw('/%61pi/v2/posture_management/findings', { headers: keys(), from: address(11) });
  assert.equal(withKeys.status, 200, withKeys.body);
});

test('an absolute-form request line needs keys too', async () => {
  const { host } = new URL(s.url);
  assertJsonApiError(await raw(`http://${host}/api/v2/csm/ownership/settings`, { from: address(12) }), 401);
  assertJsonApiError(await raw(`http://${host}/api/v2/posture_management/findings`, { from: address(12) }), 401);
  const withKeys = await raw(`http://${host}/api/v2/posture_management/findings`, { headers: keys(), from: address(12) });
  assert.equal(withKeys.status, 200, withKeys.body);
});

test('every route of the OpenAPI document answers 401 without keys', async () => {
  const doc = (await (await s.api('/api/v2/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const paths = Object.entries(doc.paths);
  assert.ok(paths.length >= 10, 'the document lists the API');
  let host = 100;
  for (const [path, methods] of paths) {
    const concrete = path.replace(/\{[^}]+\}/g, 'x');
    for (const method of Object.keys(methods)) {
      // One address per request, so this test spends no address's budget of failures.
      const answer = await raw(concrete, { method: method.toUpperCase(), from: address(++host) });
      assert.equal(answer.status, 401, `${method.toUpperCase()} ${path}: ${answer.body}`);
    }
  }
});

test('a route that needs keys but names no rate-limit family stops the app at start', async () => {
  const app = Fastify();
  requireRateLimitFamilies(app, DEFAULT_RATE_LIMITS);
  app.get('/public', { config: { public: true } }, async () => 'ok');
  app.get('/limited', { config: { rateLimit: 'findings' } }, async () => 'ok');
  app.get('/forgotten', async () => 'ok');
  await assert.rejects(async () => app.ready(), /GET \/forgotten needs keys but names no rate-limit family/);
});

test('requests to paths no route serves spend a budget of their address, then answer 429', async () => {
  const from = address(13);
  const statuses: number[] = [];
  let last: RawAnswer | undefined;
  for (let i = 0; i < 6; i++) {
    last = await raw(`/api/v2/nothing-here-${i}`, { from });
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [404, 404, 404, 404, 429, 429]);
  assertJsonApiError(last!, 429);
  assert.ok(Number(last!.headers['retry-after']) > 0);
  // Another address is not held to this one's budget.
  assert.equal((await raw('/api/v2/nothing-here', { from: address(14) })).status, 404);
});

test('bad keys spend a budget of their address; once spent, even keys are not looked up until the window ends', async () => {
  const from = address(15);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    statuses.push(
      (await raw('/api/v2/posture_management/findings', { headers: { 'DD-API-KEY': `guess-${i}`, 'DD-APPLICATION-KEY': 'guess' }, from })).status,
    );
  }
  assert.deepEqual(statuses, [403, 403, 403, 403, 403]);
  const spent = await raw('/api/v2/posture_management/findings', { headers: { 'DD-API-KEY': 'guess-6', 'DD-APPLICATION-KEY': 'guess' }, from });
  assertJsonApiError(spent, 429);
  assert.equal(spent.headers['x-ratelimit-name'], 'unauthenticated');
  assertJsonApiError(await raw('/api/v2/posture_management/findings', { headers: keys(), from }), 429);
  // Keys from another address still work.
  assert.equal((await raw('/api/v2/posture_management/findings', { headers: keys(), from: address(16) })).status, 200);
});

test('the public routes stay public, the console under encoded paths included', async () => {
  assert.equal((await raw('/health', { from: address(17) })).status, 200);
  assert.equal((await raw('/ready', { from: address(17) })).status, 200);
  const consoleAnswer = await raw('/overview', { from: address(17) });
  assert.ok([200, 503].includes(consoleAnswer.status), `${consoleAnswer.status}`);
  // An encoded API path no route serves is the API's 404, not the console's page.
  assertJsonApiError(await raw('/%61pi/v2/nothing', { from: address(17) }), 404);
});

test('a malformed URL and a spent budget answer in the JSON:API error shape', async () => {
  const bad = await raw('/api/v2/posture_management/findings/%zz', { headers: keys(), from: address(18) });
  assert.ok(bad.status === 400 || bad.status === 404, bad.body);
  assertJsonApiError(bad, bad.status);
  const limited = await startTestServer({ rateLimits: 'ownership=1/3600' });
  try {
    assert.equal((await limited.api('/api/v2/csm/ownership/settings')).status, 200);
    const spent = await limited.api('/api/v2/csm/ownership/settings');
    assert.equal(spent.status, 429);
    const body = (await spent.json()) as { errors: Array<{ status: string; title: string; detail: string }> };
    assert.equal(body.errors[0]!.status, '429');
    assert.equal(body.errors[0]!.title, 'Too Many Requests');
    assert.match(body.errors[0]!.detail, /ownership budget/);
  } finally {
    await limited.stop();
  }
});

test('a user made inactive by a directory import can no longer use their application key', async () => {
  const other = await s.newKeys('test-org', 'leaver');
  const asLeaver = { 'DD-API-KEY': other.apiKey, 'DD-APPLICATION-KEY': other.appKey };
  assert.equal((await raw('/api/v2/csm/directory', { headers: asLeaver, from: address(19) })).status, 200);
  const directory = {
    source: 'hr',
    users: [{ handle: 'leaver', email: 'leaver@example.com', active: false }],
    teams: [],
  };
  const put = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(directory) });
  assert.ok(put.status < 300, await put.text());
  assertJsonApiError(await raw('/api/v2/csm/directory', { headers: asLeaver, from: address(19) }), 403);
  // The organization's other users are not affected.
  assert.equal((await raw('/api/v2/csm/directory', { headers: keys(), from: address(19) })).status, 200);
});
