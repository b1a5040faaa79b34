import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

// An owner page's handle is judged the same at every length: one past the id limit is a 400 naming handle, whether or
// not it is also past the router's parameter limit (2048 characters), never a 404 "No route".

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

async function answer(path: string): Promise<{ status: number; parameter?: string; detail?: string }> {
  const r = await s.api(path);
  const body = (await r.json()) as { errors?: Array<{ detail?: string; source?: { parameter?: string } }> };
  return { status: r.status, parameter: body.errors?.[0]?.source?.parameter, detail: body.errors?.[0]?.detail };
}

test('a handle too long is a 400 naming handle at any length; other paths under the owners stay 404', async () => {
  for (const length of [1500, 3000, 10_000]) {
    const got = await answer(`/api/v2/csm/directory/owners/team/${'a'.repeat(length)}`);
    assert.deepEqual([got.status, got.parameter], [400, 'handle'], `${length} characters: ${got.detail}`);
  }
  const type = await answer(`/api/v2/csm/directory/owners/user/${'a'.repeat(3000)}`);
  assert.deepEqual([type.status, type.parameter], [400, 'owner_type']);
  const extra = await answer(`/api/v2/csm/directory/owners/team/${'a'.repeat(3000)}/more`);
  assert.equal(extra.status, 404);
  const unknown = await answer('/api/v2/csm/directory/owners/team/nobody-knows');
  assert.equal(unknown.status, 404);
  const bogus = await answer(`/api/v2/csm/directory/owners/team/${'a'.repeat(3000)}?bogus=1`);
  assert.deepEqual([bogus.status, bogus.parameter], [400, 'bogus']);
});
