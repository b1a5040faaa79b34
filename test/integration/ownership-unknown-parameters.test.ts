import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE } from '../helpers/seed-console.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { PREFERENCE_COLUMNS } from '../../src/ingest/preferences-csv.js';
import { createBucketRecord } from '../helpers/cloudtrail-records.js';

// Every ownership operation (the CSM Ownership API, the directory and owner pages, the ownership signals) refuses a query
// parameter it does not declare: a 400 naming it, in the JSON:API error shape, and nothing written. A request that is
// otherwise valid is sent, so that the unknown parameter is its only fault.

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedOwnershipOrganization(s.server.db, s.orgId);
  await recomputeUntilEmpty(s.server.db, { orgId: s.orgId });
});
after(async () => s?.stop());

const OWNERSHIP_PATH = /^\/api\/v2\/csm\/(ownership|directory|audit_events)/;
const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) });

async function checksum(): Promise<string> {
  const r = await s.api(`/api/v2/csm/ownership/${encodeURIComponent(CHECKOUT_INSTANCE)}/team`);
  return ((await r.json()) as { data: { attributes: { checksum: string } } }).data.attributes.checksum;
}

/** A valid body for each writing operation. */
async function bodyFor(key: string): Promise<RequestInit> {
  switch (key) {
    case 'POST /api/v2/csm/ownership/settings':
      return json({ data: { type: 'ownership_settings', attributes: { auto_tag: false, confidence_level: 'low' } } });
    case 'POST /api/v2/csm/ownership/{resource_id}/{owner_type}/feedback':
      return json({ data: { type: 'ownership_feedback', attributes: { action: 'persist', inference_checksum: await checksum() } } });
    case 'PUT /api/v2/csm/directory':
      return json({ source: 'unknown-parameter-test', teams: [{ handle: 'zz-new-team' }] });
    case 'POST /api/v2/csm/audit_events':
      return json(createBucketRecord('111122223333', 'zed', 'unknown-parameter-bucket'));
    case 'PUT /api/v2/csm/ownership/settings/preferences':
      return { body: `${PREFERENCE_COLUMNS.join(',')}\n`, headers: { 'content-type': 'text/csv' } };
    default:
      return {};
  }
}

/** What the writes above would change: the settings, the inference, the directory, the preferences. */
async function state(): Promise<string[]> {
  const paths = [
    '/api/v2/csm/ownership/settings',
    `/api/v2/csm/ownership/${encodeURIComponent(CHECKOUT_INSTANCE)}/team`,
    '/api/v2/csm/directory',
    '/api/v2/csm/ownership/settings/preferences',
  ];
  return Promise.all(paths.map(async (p) => (await s.api(p)).text()));
}

test('every ownership operation answers an undeclared query parameter with a 400 naming it, and writes nothing', async () => {
  const doc = (await (await fetch(`${s.url}/api/v2/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const values: Record<string, string> = { resource_id: CHECKOUT_INSTANCE, owner_type: 'team', handle: 'payments' };
  const before = await state();
  const problems: string[] = [];
  let checked = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!OWNERSHIP_PATH.test(path)) continue;
    for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
      const key = `${method} ${path}`;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]!));
      const r = await s.api(`${url}?bogus=1`, { method, ...(await bodyFor(key)) });
      const body = (await r.json().catch(() => null)) as { errors?: Array<{ source?: { parameter?: string } }> } | null;
      checked++;
      if (r.status !== 400 || body?.errors?.[0]?.source?.parameter !== 'bogus')
        problems.push(`${key}: ${r.status} ${JSON.stringify(body)?.slice(0, 200)}`);
    }
  }
  assert.ok(checked >= 15, `the document lists the ownership operations (${checked})`);
  assert.deepEqual(problems, []);
  assert.deepEqual(await state(), before, 'nothing was written');
});
