import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { revokeKey } from '../../src/store/orgs.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import type { RuleEngine } from '../../src/posture/rule-engine.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ rateLimits: 'inventory=5/3600' });
});
after(async () => s?.stop());

/** A route that needs keys (the OpenAPI document does not). */
const NEEDS_KEYS = '/api/v2/csm/ownership/settings';
const noRules: RuleEngine = { rulesFor: () => [], evaluate: () => 'pass', ruleById: () => undefined };

test('health answers and ready checks the store', async () => {
  const health = await fetch(`${s.url}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const ready = await fetch(`${s.url}/ready`);
  assert.equal(ready.status, 200);
  const readiness = (await ready.json()) as { status: string; dependencies: { store: { state: string }; redis: { state: string } } };
  assert.equal(readiness.status, 'ready');
  assert.equal(readiness.dependencies.store.state, 'up');
  assert.equal(readiness.dependencies.redis.state, process.env.REDIS_URL ? 'up' : 'not configured');
});

test('missing keys are a 401, unknown keys a 403, in the JSON:API error shape', async () => {
  const none = await fetch(`${s.url}${NEEDS_KEYS}`);
  assert.equal(none.status, 401);
  const body = (await none.json()) as { errors: Array<{ status: string; title: string; detail: string }> };
  assert.equal(body.errors[0]!.status, '401');
  assert.match(body.errors[0]!.detail, /DD-API-KEY/);
  const onlyApi = await fetch(`${s.url}${NEEDS_KEYS}`, { headers: { 'DD-API-KEY': s.apiKey } });
  assert.equal(onlyApi.status, 401);
  const wrong = await fetch(`${s.url}${NEEDS_KEYS}`, { headers: { 'DD-API-KEY': 'f'.repeat(32), 'DD-APPLICATION-KEY': s.appKey } });
  assert.equal(wrong.status, 403);
  const swapped = await fetch(`${s.url}${NEEDS_KEYS}`, { headers: { 'DD-API-KEY': s.appKey, 'DD-APPLICATION-KEY': s.apiKey } });
  assert.equal(swapped.status, 403);
});

test('a revoked key is a 403', async () => {
  const created = await s.server.db.query<{ key_id: string }>(`SELECT key_id FROM api_keys WHERE kind = 'api' ORDER BY created_at DESC LIMIT 1`);
  const other = await s.newKeys('revocation-org', 'someone');
  const ok = await s.api(NEEDS_KEYS, { keys: other });
  assert.equal(ok.status, 200);
  const keyId = (
    await s.server.db.query<{ key_id: string }>(
      `SELECT k.key_id FROM api_keys k JOIN orgs o USING (org_id) WHERE o.name = 'revocation-org' AND k.kind = 'app'`,
    )
  ).rows[0]!.key_id;
  assert.equal(await revokeKey(s.server.db, keyId), true);
  const revoked = await s.api(NEEDS_KEYS, { keys: other });
  assert.equal(revoked.status, 403);
  assert.ok(created.rows.length > 0);
});

test('keys are stored only as hashes', async () => {
  const rows = (await s.server.db.query<{ key_hash: string; last4: string }>('SELECT key_hash, last4 FROM api_keys')).rows;
  assert.ok(rows.length >= 2);
  for (const r of rows) {
    assert.notEqual(r.key_hash, s.apiKey);
    assert.notEqual(r.key_hash, s.appKey);
    assert.match(r.key_hash, /^[0-9a-f]{64}$/);
  }
  const dump = JSON.stringify((await s.server.db.query('SELECT * FROM api_keys')).rows);
  assert.ok(!dump.includes(s.apiKey) && !dump.includes(s.appKey));
});

test("another organization's resource is a 404, never its data", async () => {
  const other = await s.newKeys('other-org', 'mallory');
  const id = 'arn:aws:s3:::private-of-test-org';
  await ingestResources(
    s.server.db,
    s.orgId,
    [
      {
        resource_id: id,
        resource_type: 'aws_s3_bucket',
        name: 'private-of-test-org',
        cloud_provider: 'aws',
        account: '1',
        region: 'us-east-1',
        tags: [],
        configuration: {},
        observed_at: Date.now(),
      },
    ],
    noRules,
    { source: 'test' },
  );
  const mine = await s.api(`/api/v2/csm/resources/${encodeURIComponent(id)}`);
  assert.equal(mine.status, 200);
  assert.equal(((await mine.json()) as { data: { id: string } }).data.id, id);
  const theirs = await s.api(`/api/v2/csm/resources/${encodeURIComponent(id)}`, { keys: other });
  assert.equal(theirs.status, 404);
  const text = await theirs.text();
  assert.ok(!text.includes('aws_s3_bucket') && !text.includes('us-east-1'));
});

test('limited responses carry the rate-limit headers and a spent budget answers 429 with Retry-After', async () => {
  const keys = await s.newKeys('limited-org');
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 6; i++) {
    last = await s.api('/api/v2/csm/resources/none', { keys });
    statuses.push(last.status);
    if (i === 0) {
      assert.equal(last.headers.get('x-ratelimit-limit'), '5');
      assert.equal(last.headers.get('x-ratelimit-period'), '3600');
      assert.equal(last.headers.get('x-ratelimit-remaining'), '4');
      assert.equal(last.headers.get('x-ratelimit-name'), 'inventory');
      const reset = Number(last.headers.get('x-ratelimit-reset'));
      assert.ok(reset >= 1 && reset <= 3600);
    }
  }
  assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429]);
  const spent = (await last!.json()) as { errors: Array<{ status: string; title: string; detail: string }> };
  assert.deepEqual([spent.errors[0]!.status, spent.errors[0]!.title], ['429', 'Too Many Requests']);
  assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
  // Another key has its own budget.
  assert.equal((await s.api('/api/v2/csm/resources/none')).status, 404);
});

test('unknown routes are a 404 in the JSON:API shape', async () => {
  const r = await s.api('/api/v2/no/such/route');
  assert.equal(r.status, 404);
  const body = (await r.json()) as { errors: Array<{ status: string; title: string }> };
  assert.equal(body.errors[0]!.status, '404');
  assert.equal(body.errors[0]!.title, 'Not Found');
});

test('bad bodies: invalid JSON 400, too large 413, wrong content type 415; no internals leak', async () => {
  const bad = await s.api('/api/v2/csm/resources', { method: 'POST', body: '{"data": [', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  const badBody = await bad.text();
  assert.match(badBody, /"status":"400"/);
  assert.ok(!/at .*\.ts:\d+/.test(badBody), 'no stack trace');
  const huge = await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: 'x'.repeat(11 * 1024 * 1024) }) });
  assert.equal(huge.status, 413);
  const xml = await s.api('/api/v2/csm/resources', { method: 'POST', body: '<data/>', headers: { 'content-type': 'application/xml' } });
  assert.equal(xml.status, 415);
  assert.equal(((await xml.json()) as { errors: Array<{ status: string }> }).errors[0]!.status, '415');
  // JSON:API's media type is JSON, read by the same parser and its checks (keys of their own: this server's inventory
  // budget is 5 requests).
  const keys = await s.newKeys('json-api-media-type');
  const jsonApi = { 'content-type': 'application/vnd.api+json' };
  const asJsonApi = await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [] }), headers: jsonApi, keys });
  assert.equal(asJsonApi.status, 400, 'an empty list is refused by the route, not by its media type');
  assert.equal(((await asJsonApi.json()) as { errors: Array<{ source?: { pointer?: string } }> }).errors[0]!.source?.pointer, '/data');
  const brokenJsonApi = await s.api('/api/v2/csm/resources', { method: 'POST', body: '{"data": [', headers: jsonApi, keys });
  assert.equal(brokenJsonApi.status, 400);
});

test('every response carries a request id', async () => {
  const r = await fetch(`${s.url}/health`, { headers: { 'x-request-id': 'trace-123' } });
  assert.equal(r.headers.get('x-request-id'), 'trace-123');
  const r2 = await fetch(`${s.url}/health`);
  assert.match(r2.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test("a keyed answer is one organization's: no shared cache keeps it, a client's own copy is revalidated", async () => {
  // Keys of their own: a test before this one spends the default keys' budget.
  const keys = await s.newKeys('cache-control');
  for (const path of ['/api/v2/csm/resources', '/api/v2/posture_management/findings', '/api/v2/csm/ownership/review_queue?filter[owner_type]=team']) {
    const r = await s.api(path, { keys });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('cache-control'), 'private, no-cache', path);
    await r.arrayBuffer();
  }
  const denied = await fetch(`${s.url}/api/v2/csm/resources`);
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get('cache-control'), 'private, no-cache');
  // Public answers keep their own: the reference page is revalidated, health is not marked.
  assert.equal((await fetch(`${s.url}/docs`)).headers.get('cache-control'), 'no-cache');
  assert.equal((await fetch(`${s.url}/health`)).headers.get('cache-control'), null);
});

test('the OpenAPI document is generated from the route schemas', async () => {
  const r = await s.api('/api/v2/openapi.json');
  assert.equal(r.status, 200);
  const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
  assert.match(doc.openapi, /^3\./);
  assert.ok(doc.paths['/api/v2/csm/resources/{resource_id}'], 'routes appear by themselves');
  assert.ok(!doc.paths['/health'], 'operational routes are hidden');
});
