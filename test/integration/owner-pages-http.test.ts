import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CAROL_BUCKET, CHECKOUT_INSTANCE, PLATFORM_BUCKET, seedOwnershipOrganization } from '../helpers/seed-console.js';
import { importCodeowners } from '../../src/ownership/signal-imports.js';
import { parseCodeowners } from '../../src/ingest/codeowners.js';
import { inferencesOf } from '../../src/store/ownership-inferences.js';

// What the console's team and service pages read: the owners the organization knows, what one of them owns now, and
// the Security Findings listing at a past instant (snapshot_timestamp) with the owner facets as they stood then.
let server: TestServer;
let seeded: number;

before(async () => {
  server = await startTestServer();
  const db = server.server.db;
  await seedOwnershipOrganization(db, server.orgId);
  await db.transaction((tx) => importCodeowners(tx, server.orgId, 'acme/infra', parseCodeowners('* @acme/sre @dave\n'), Date.now()));
  seeded = Date.now();
});
after(async () => server?.stop());

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await server.api(path);
  assert.equal(res.status, status, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

interface OwnerItem {
  id: string;
  attributes: { handle: string; name: string; known_from: string[]; owned_answers: number };
}

test('the owners listing gives every team the directory, CODEOWNERS, the catalog and the answers know', async () => {
  const teams = (await get<{ data: OwnerItem[] }>('/api/v2/csm/directory/owners')).data;
  const byHandle = new Map(teams.map((t) => [t.attributes.handle, t.attributes]));
  assert.deepEqual([...byHandle.keys()], ['data', 'payments', 'platform', 'sre']);
  assert.deepEqual(byHandle.get('sre')!.known_from, ['codeowners']);
  assert.equal(byHandle.get('platform')!.name, 'Platform Engineering');
  assert.ok(byHandle.get('payments')!.known_from.includes('directory') && byHandle.get('payments')!.known_from.includes('catalog'));
  // Each count is the current team answers naming the handle.
  for (const [handle, t] of byHandle) {
    let n = 0;
    for (const id of [CHECKOUT_INSTANCE, PLATFORM_BUCKET, CAROL_BUCKET]) {
      const team = (await inferencesOf(server.server.db, server.orgId, id)).find((i) => i.slot === 'team');
      if (team?.owner_handle?.toLowerCase() === handle) n++;
    }
    assert.equal(t.owned_answers, n, handle);
  }
  const services = (await get<{ data: OwnerItem[] }>('/api/v2/csm/directory/owners?filter[owner_type]=service')).data;
  assert.deepEqual(
    services.map((s) => s.id),
    ['service/checkout'],
  );
  await get('/api/v2/csm/directory/owners?filter[owner_type]=user', 400);
});

test("an owner's page lists the current answers naming it, with confidence and resource", async () => {
  type Detail = { data: { attributes: { handle: string; answers: Array<{ resource_id: string; confidence: string; status: string }> } } };
  const payments = (await get<Detail>('/api/v2/csm/directory/owners/team/PAYMENTS')).data.attributes;
  assert.equal(payments.handle, 'payments');
  assert.ok(payments.answers.some((a) => a.resource_id === CHECKOUT_INSTANCE));
  for (const a of payments.answers) {
    const team = (
      await get<{ data: { attributes: { items: Array<{ owner_type: string; confidence: string; status: string; primary_contact_ref?: string }> } } }>(
        `/api/v2/csm/ownership/${encodeURIComponent(a.resource_id)}`,
      )
    ).data.attributes.items.find((i) => i.primary_contact_ref === 'ref:handle/payments');
    assert.ok(team, a.resource_id);
    assert.equal(a.confidence, team.confidence);
    assert.equal(a.status, team.status);
  }
  const checkout = (await get<Detail>('/api/v2/csm/directory/owners/service/checkout')).data.attributes;
  assert.ok(checkout.answers.some((a) => a.resource_id === CHECKOUT_INSTANCE));
  assert.deepEqual((await get<Detail>('/api/v2/csm/directory/owners/team/sre')).data.attributes.answers, []);
  await get('/api/v2/csm/directory/owners/team/nobody', 404);
  await get('/api/v2/csm/directory/owners/user/alice', 400);
});

test('the Security Findings listing answers at snapshot_timestamp, owners as they stood then', async () => {
  type Listing = { data: Array<{ id: string }>; meta: { snapshot_timestamp: number } };
  const q = encodeURIComponent('@owner.team:payments @status:open');
  const now = await get<Listing>(`/api/v2/security/findings?page[limit]=1000&filter[query]=${q}`);
  assert.ok(now.data.length > 0, 'payments has open findings');
  const before = await get<Listing>(`/api/v2/security/findings?page[limit]=1000&filter[query]=${q}&snapshot_timestamp=1000`);
  assert.equal(before.meta.snapshot_timestamp, 1000);
  assert.deepEqual(before.data, [], 'nothing existed then');
  const then = await get<Listing>(`/api/v2/security/findings?page[limit]=1000&filter[query]=${q}&snapshot_timestamp=${seeded}`);
  assert.equal(then.meta.snapshot_timestamp, seeded);
  assert.deepEqual(
    then.data.map((f) => f.id),
    now.data.map((f) => f.id),
  );
  // A cursor keeps its own instant: another one beside it is refused.
  const paged = await get<{ meta: { page: { after?: string } } }>(
    `/api/v2/security/findings?page[limit]=1&filter[query]=${q}&snapshot_timestamp=${seeded}`,
  );
  const after = paged.meta.page.after;
  if (after) {
    const res = await server.api(
      `/api/v2/security/findings?page[limit]=1&filter[query]=${q}&page[cursor]=${encodeURIComponent(after)}&snapshot_timestamp=5`,
    );
    assert.equal(res.status, 400);
  }
  await get(`/api/v2/security/findings?snapshot_timestamp=-1`, 400);
});
