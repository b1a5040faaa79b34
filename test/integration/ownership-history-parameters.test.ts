import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, v2 } from '@datadog/datadog-api-client';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE } from '../helpers/seed-console.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';

// The history listings' cursor is a 400 naming it when it is empty, as every other cursor parameter is: an empty one is
// no position, and answering it with the first page would send a client that loops on `next_cursor ?? ''` round forever.

let s: TestServer;
let api: v2.CSMOwnershipApi;
before(async () => {
  s = await startTestServer();
  await seedOwnershipOrganization(s.server.db, s.orgId);
  await recomputeUntilEmpty(s.server.db, { orgId: s.orgId });
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(s.url, {}),
    authMethods: { apiKeyAuth: s.apiKey, appKeyAuth: s.appKey },
    enableRetry: false,
  });
  for (const op of ['listOwnershipHistory', 'listOwnershipHistoryByOwnerType']) configuration.unstableOperations[`v2.${op}`] = true;
  api = new v2.CSMOwnershipApi(configuration);
});
after(async () => s?.stop());

async function refusal(p: Promise<unknown>): Promise<{ code: number; body: { errors: Array<{ source?: { parameter?: string } }> } }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof client.ApiException, `expected an ApiException, got ${String(err)}`);
    return err as never;
  }
  assert.fail('the call succeeded');
}

test('an empty history cursor is a 400 naming cursor, through the official client and raw HTTP', async () => {
  // Each call starts when it is awaited: started together, the second could reject while the first is awaited, with
  // nothing yet listening to it (an unhandled rejection fails the test).
  for (const call of [
    () => api.listOwnershipHistory({ resourceId: CHECKOUT_INSTANCE, cursor: '' }),
    () => api.listOwnershipHistoryByOwnerType({ resourceId: CHECKOUT_INSTANCE, ownerType: 'team', cursor: '' }),
  ]) {
    const err = await refusal(call());
    assert.equal(err.code, 400);
    assert.equal(err.body.errors[0]?.source?.parameter, 'cursor');
  }
  const raw = await s.api(`/api/v2/csm/ownership/${encodeURIComponent(CHECKOUT_INSTANCE)}/history?limit=1&cursor=`);
  assert.equal(raw.status, 400);
  assert.equal(((await raw.json()) as { errors: Array<{ source?: { parameter?: string } }> }).errors[0]?.source?.parameter, 'cursor');
  // Without a cursor, the first page as before.
  const first = await api.listOwnershipHistory({ resourceId: CHECKOUT_INSTANCE, limit: 1 });
  assert.equal(first.data.attributes.items.length, 1);
});
