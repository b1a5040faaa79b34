// Page links are built on STEWARD_PUBLIC_URL when it is set: behind a proxy, the request's own scheme and Host are not
// what clients reach, and a Host header is whatever the client sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bucketItem } from '../helpers/resource-items.js';

const PUBLIC = 'https://steward.example.com/base';
let configured: TestServer;
let plain: TestServer;

before(async () => {
  [configured, plain] = await Promise.all([startTestServer({ publicUrl: PUBLIC }), startTestServer()]);
  for (const s of [configured, plain]) {
    const r = await s.api('/api/v2/csm/resources', {
      method: 'POST',
      body: JSON.stringify({ data: [bucketItem('arn:aws:s3:::public-a'), bucketItem('arn:aws:s3:::public-b')] }),
    });
    assert.equal(r.status, 200, await r.text());
  }
});
after(async () => Promise.all([configured?.stop(), plain?.stop()]));

const nextOf = async (s: TestServer, path: string, headers: Record<string, string> = {}) => {
  const r = await s.api(path, { headers });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { links?: { next?: string; first?: string } }).links;
};

test('links are built on the configured public address, whatever Host the request carried', async () => {
  const inventory = await nextOf(configured, '/api/v2/csm/resources?page[limit]=1', { Host: 'evil.example' });
  assert.ok(inventory?.next?.startsWith(`${PUBLIC}/api/v2/csm/resources?`), inventory?.next);
  const rules = await nextOf(configured, '/api/v2/security/findings/automation/mute_rules?page[size]=1');
  assert.ok(rules?.first?.startsWith(`${PUBLIC}/api/v2/security/findings/automation/mute_rules?`), rules?.first);
  // The configured address is followed as it is, once the proxy's prefix is taken off.
  const next = new URL(inventory!.next!);
  assert.equal((await configured.api(`${next.pathname.slice('/base'.length)}${next.search}`)).status, 200);
});

test("unset, links are built on the request's own scheme and Host", async () => {
  const inventory = await nextOf(plain, '/api/v2/csm/resources?page[limit]=1');
  assert.ok(inventory?.next?.startsWith(`${plain.url}/api/v2/csm/resources?`), inventory?.next);
});
