// Owners as facets through Datadog's official client: a search by the inferred team lists exactly the findings of the
// resources that team owns, and each carries its owners (Steward's own attribute, which the client keeps as is).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE } from '../helpers/seed-console.js';
import { findingsApi } from './findings-client.js';
import { inferencesOf } from '../../src/store/ownership-inferences.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await seedOwnershipOrganization(server.server.db, server.orgId);
});
after(async () => server?.stop());

test('searchSecurityFindings by @owner.team lists the team’s findings, each with its owners', async () => {
  const api = findingsApi(server);
  const team = (await inferencesOf(server.server.db, server.orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  const handle = team.owner_handle!;
  const answer = await api.searchSecurityFindings({
    body: { data: { attributes: { filter: `@owner.team:${handle} @compliance.evaluation:fail`, page: { limit: 1000 } } } },
  });
  const findings = answer.data ?? [];
  assert.ok(findings.length > 0, 'the checkout instance fails rules');
  for (const f of findings) {
    const attributes = f.attributes!.attributes as Record<string, unknown>;
    const owner = attributes.owner as Record<string, unknown>;
    assert.equal(String(owner.team).toLowerCase(), handle.toLowerCase());
    assert.equal(typeof owner.team_confidence, 'number');
    assert.ok(['suggested', 'persisted', 'overridden'].includes(String(owner.team_status)));
  }
  assert.ok(findings.some((f) => (f.attributes!.attributes as Record<string, unknown>).resource_id === CHECKOUT_INSTANCE));
  const listed = await api.listSecurityFindings({ filterQuery: `-@owner.team:${handle}`, pageLimit: 1000 });
  const ids = new Set(findings.map((f) => f.id));
  assert.ok(
    (listed.data ?? []).every((f) => !ids.has(f.id)),
    'the negation lists none of them',
  );
  assert.ok((listed.data ?? []).length > 0, 'and lists the other resources’ findings');
});
