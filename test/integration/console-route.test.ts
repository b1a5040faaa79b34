import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleRoutesFrom } from '../../src/server/routes/console.js';
import { registerErrorMapper } from '../../src/server/error-mapper.js';
import type { AppContext } from '../../src/server/context.js';
import { registerUnmatchedRequests } from '../../src/server/unmatched-requests.js';
import { memoryRateLimiter } from '../../src/server/rate-limiter.js';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';

// The console route alone, on a web root written here, beside one API route standing for the API families.
let app: FastifyInstance;
let root: string;
const INDEX = '<!doctype html><html><body><div id="app"></div><script type="module" src="/assets/app-1.js"></script></body></html>';

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'steward-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log(1)');
  app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  registerErrorMapper(app);
  registerUnmatchedRequests(app, memoryRateLimiter(), DEFAULT_RATE_LIMITS);
  app.get('/api/v2/thing', async () => ({ ok: true }));
  app.get('/health', async () => ({ status: 'ok' }));
  await app.register(consoleRoutesFrom(root), {} as AppContext);
  await app.ready();
});
after(async () => {
  await app?.close();
  rmSync(root, { recursive: true, force: true });
});

test('GET / serves index.html with a restrictive content security policy and no caching', async () => {
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/html/);
  assert.equal(res.body, INDEX);
  assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(res.headers['cache-control'], 'no-cache');
});

test('client-side routes fall back to index.html', async () => {
  const bucket = `/resources/${encodeURIComponent('arn:aws:s3:::acme.logs.v2')}`;
  for (const url of ['/overview', '/settings', '/findings/abc?x=1', '/settings/', '/review?owner_type=team', bucket, '/teams/payments', '/teams']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.body, INDEX, url);
  }
});

test('hashed assets are served as files and cached for good', async () => {
  const res = await app.inject({ method: 'GET', url: '/assets/app-1.js' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, 'console.log(1)');
  assert.match(String(res.headers['content-type']), /javascript/);
  assert.match(String(res.headers['cache-control']), /immutable/);
});

test('missing files and unknown API paths keep the JSON 404; API and health routes are untouched', async () => {
  for (const url of ['/assets/gone-2.js', '/favicon.ico', '/api/v2/unknown', '/api/nothing/here']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.match(String(res.headers['content-type']), /application\/json/, url);
    assert.equal((res.json() as { errors: Array<{ status: string }> }).errors[0]!.status, '404');
  }
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v2/thing' })).json(), { ok: true });
  assert.deepEqual((await app.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok' });
});

test('without a build the console answers a notice at / and leaves everything else alone', async () => {
  const bare = Fastify({ logger: false });
  registerErrorMapper(bare);
  registerUnmatchedRequests(bare, memoryRateLimiter(), DEFAULT_RATE_LIMITS);
  await bare.register(consoleRoutesFrom(join(root, 'missing')), {} as AppContext);
  const res = await bare.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build:web/);
  assert.equal((await bare.inject({ method: 'GET', url: '/overview' })).statusCode, 404);
  await bare.close();
});
