import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeState, seedStates } from './findings-seed.js';
import { lastChangeAt } from '../../src/store/findings-query.js';

// Exact counts are reused only while nothing a listing reads has changed: each kind of change must show at once.
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

const total = async (query = '') => {
  const r = await s.api(`/api/v2/posture_management/findings?page[limit]=1${query}`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { meta: { page: { total_filtered_count: number } } }).meta.page.total_filtered_count;
};

test('counts stay exact through new findings, changed states and mutes that run out', async () => {
  const now = Date.now();
  await seedStates(
    s.server.db,
    s.orgId,
    [0, 1, 2].map((i) => makeState(i, { evaluation: 'fail' })),
    now - 10_000,
  );
  assert.equal(await total('&filter[evaluation]=fail'), 3);
  assert.equal(await total('&filter[evaluation]=fail'), 3, 'the same answer from the reused count');

  await seedStates(s.server.db, s.orgId, [makeState(3, { evaluation: 'fail' })], now - 5_000);
  assert.equal(await total('&filter[evaluation]=fail'), 4, 'a new finding is counted');

  // Long enough for the mute and two counts to be served before it ends on a loaded machine.
  const muteEnds = Date.now() + 3_000;
  const r = await s.api('/api/v2/security/findings/mute', {
    method: 'PATCH',
    body: JSON.stringify({
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: true, reason: 'PENDING_FIX', expire_at: muteEnds } },
        relationships: { findings: { data: [{ id: makeState(0).finding_id, type: 'findings' }] } },
      },
    }),
  });
  assert.equal(r.status, 202, await r.text());
  assert.equal(await total('&filter[muted]=true'), 1);
  assert.equal(await total('&filter[muted]=true'), 1);
  await new Promise((done) => setTimeout(done, Math.max(0, muteEnds - Date.now()) + 50));
  // Nothing was written when the mute ran out (the expiry job may not have run yet), yet the count moves at once.
  assert.ok((await lastChangeAt(s.server.db, s.orgId, Date.now())) >= muteEnds);
  assert.equal(await total('&filter[muted]=true'), 0);
  assert.equal(await total('&filter[evaluation]=fail'), 4);
});
