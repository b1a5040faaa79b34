import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

// GET /docs: the API reference (Redoc over /api/v2/openapi.json), public, served with everything it loads from this
// process. The Chromium end-to-end test checks in a browser that the page asks no other host for anything.

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

/** Every address the page names in src, href or spec-url. */
const addressesOf = (html: string) => [...html.matchAll(/\s(?:src|href|spec-url)="([^"]*)"/g)].map((m) => m[1]!);

test('GET /docs answers without keys a page naming only addresses of this origin, under a strict policy', async () => {
  const r = await fetch(`${s.url}/docs`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  const csp = r.headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.ok(!/unsafe-eval/.test(csp) && !/script-src[^;]*unsafe-inline/.test(csp), csp);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const html = await r.text();
  assert.ok(!/<script>|<script [^>]*>[^<]/.test(html), 'no inline script');
  const addresses = addressesOf(html);
  assert.ok(addresses.includes('/api/v2/openapi.json'), 'the page renders the API document');
  // An icon of its own, inline: without one a browser asks for /favicon.ico, which is not served (a 404 in the log).
  assert.ok(/<link rel="icon" href="data:,">/.test(html), 'the page names its icon inline');
  for (const address of addresses.filter((a) => !a.startsWith('data:'))) {
    assert.match(address, /^\/[^/]/, `${address} is a path of this origin`);
    const asset = await fetch(`${s.url}${address}`);
    assert.equal(asset.status, 200, address);
    await asset.arrayBuffer();
  }
});

test('the Redoc bundle is served from this process, cached for good, with no outside address left to load', async () => {
  const html = await (await fetch(`${s.url}/docs`)).text();
  const script = addressesOf(html).find((a) => a.endsWith('.js'));
  assert.ok(script, html);
  assert.match(script, /^\/docs\/assets\/redoc\.standalone-[0-9a-f]{12}\.js$/);
  const r = await fetch(`${s.url}${script}`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(r.headers.get('cache-control') ?? '', /immutable/);
  const bundle = await r.text();
  assert.ok(bundle.includes('ReDoc'), 'the bundle of the redoc package');
  assert.ok(!bundle.includes('cdn.redoc.ly'), 'the sidebar logo from a CDN is replaced');
  assert.ok(!/sourceMappingURL/.test(bundle.slice(-200)), 'no source map is named');
  const other = await fetch(`${s.url}/docs/assets/redoc.standalone-000000000000.js`);
  assert.equal(other.status, 404);
  assert.equal(((await other.json()) as { errors: Array<{ code: string }> }).errors[0]!.code, 'STEWARD_ERR_NOT_FOUND');
});
