import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE } from '../helpers/seed-console.js';
import { parseSearchQuery } from '../../src/findings/search-syntax.js';
import { readsOwners } from '../../src/findings/filter-tree.js';
import { ownersAt } from '../../src/store/owners-at.js';
import { listSecurityFindings } from '../../src/findings/security-findings-service.js';
import { securityFindingsListBody } from '../../src/findings/security-finding-schema.js';
import { queryFindingsPage, countFindings } from '../../src/store/findings-query.js';
import { inferencesOf } from '../../src/store/ownership-inferences.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';

// Owners as facets: a finding's resource's inferred owner, its confidence and status, as they stood at the instant.
let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();
let seeded: number;

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'owner-facets-org', 0)", [orgId]);
  await seedOwnershipOrganization(db, orgId);
  seeded = Date.now() + 1;
  await new Promise((resolve) => setTimeout(resolve, 5));
});

after(async () => store?.close());

async function resourcesOf(query: string, at: number): Promise<string[]> {
  const rows = await queryFindingsPage(db, orgId, { filter: parseSearchQuery(query), at, limit: 1000 });
  const count = await countFindings(db, orgId, parseSearchQuery(query), at);
  assert.equal(rows.length, count, `count of ${query}`);
  return [...new Set(rows.map((r) => r.resource_id))].sort();
}

async function teamOf(resourceId: string) {
  return (await inferencesOf(db, orgId, resourceId)).find((r) => r.slot === 'team')!;
}

test('@owner.team lists the findings of the resources the team is inferred to own, and nothing else', async () => {
  const checkout = await teamOf(CHECKOUT_INSTANCE);
  assert.equal(checkout.owner_handle?.toLowerCase(), 'payments');
  const all = await resourcesOf('', seeded);
  assert.ok(all.length >= 2, 'findings on several resources');
  const expected: string[] = [];
  for (const id of all) if ((await teamOf(id))?.owner_handle?.toLowerCase() === 'payments') expected.push(id);
  assert.deepEqual(await resourcesOf('@owner.team:payments', seeded), expected);
  assert.deepEqual(await resourcesOf('@owner.team:PAYMENTS', seeded), expected, 'handles compare case-insensitively');
  const others = await resourcesOf('-@owner.team:payments', seeded);
  assert.deepEqual([...others, ...expected].sort(), all, 'the negation lists the rest');
  assert.deepEqual(await resourcesOf('@owner.team:nobody', seeded), []);
  const confident = Number(checkout.confidence);
  const atLeast: string[] = [];
  for (const id of expected) if (Number((await teamOf(id)).confidence) >= confident) atLeast.push(id);
  assert.deepEqual(await resourcesOf(`@owner.team:payments @owner.team_confidence:>=${confident}`, seeded), atLeast);
  assert.ok((await resourcesOf(`@owner.team_confidence:>=${confident}`, seeded)).includes(CHECKOUT_INSTANCE));
  assert.ok(!(await resourcesOf(`@owner.team_confidence:>${confident}`, seeded)).includes(CHECKOUT_INSTANCE));
  assert.ok((await resourcesOf('@owner.team_status:suggested', seeded)).includes(CHECKOUT_INSTANCE));
});

test('a correction moves the facet from its instant on; a listing at an earlier instant still sees the owner then', async () => {
  const checkout = await teamOf(CHECKOUT_INSTANCE);
  await submitFeedback(
    db,
    orgId,
    CHECKOUT_INSTANCE,
    'team',
    {
      data: {
        type: 'ownership_feedback',
        attributes: { action: 'correct', inference_checksum: checkout.checksum, corrected_owner_handle: 'platform', corrected_owner_type: 'team' },
      },
    },
    { userHandle: 'reviewer' },
  );
  const now = Date.now() + 1;
  assert.ok(!(await resourcesOf('@owner.team:payments', now)).includes(CHECKOUT_INSTANCE));
  assert.ok((await resourcesOf('@owner.team:platform', now)).includes(CHECKOUT_INSTANCE));
  assert.ok((await resourcesOf('@owner.team_status:overridden', now)).includes(CHECKOUT_INSTANCE));
  // The snapshot taken before the correction is unchanged.
  assert.ok((await resourcesOf('@owner.team:payments', seeded)).includes(CHECKOUT_INSTANCE));
  assert.ok(!(await resourcesOf('@owner.team:platform', seeded)).includes(CHECKOUT_INSTANCE));
});

test('owner facets refuse what they cannot answer, naming the position', () => {
  assert.throws(() => parseSearchQuery('@owner.team:pay*'), /column 13.*without wildcards/);
  assert.throws(() => parseSearchQuery('@owner.team_confidence:>2'), /from 0 to 1/);
  assert.throws(() => parseSearchQuery('@owner.group:x'), /unknown attribute/);
});

test('an owner facet is a filter the findings count cache never answers: owners change without findings changing', () => {
  assert.equal(readsOwners(parseSearchQuery('@severity:high (team:x OR -@owner.team_confidence:>0.5)')), true);
  assert.equal(readsOwners(parseSearchQuery('@severity:high team:x')), false);
});

test("ownersAt reads each resource's owners as they stood at the instant", async () => {
  const before = await ownersAt(db, orgId, [CHECKOUT_INSTANCE], seeded);
  const team = before.find((o) => o.slot === 'team')!;
  assert.equal(team.owner_handle?.toLowerCase(), 'payments');
  assert.equal(team.status, 'suggested');
  const now = await ownersAt(db, orgId, [CHECKOUT_INSTANCE, 'arn:aws:s3:::no-such-bucket'], Date.now() + 1);
  assert.deepEqual(
    now.filter((o) => o.slot === 'team').map((o) => [o.owner_handle, o.status]),
    [['platform', 'overridden']],
  );
  assert.deepEqual(await ownersAt(db, orgId, [CHECKOUT_INSTANCE], 0), [], 'nothing inferred yet at the epoch');
});

test("each finding of the Security Findings listing carries its resource's owners at the listing's instant", async () => {
  const query = '@owner.team:platform';
  const page = await listSecurityFindings(db, orgId, { filter: parseSearchQuery(query), query, limit: 100, sort: '-@detection_changed_at' });
  const body = securityFindingsListBody(page, { requestId: 'r', elapsedMs: 1 });
  const checkout = body.data.filter((f) => f.attributes.attributes.resource_id === CHECKOUT_INSTANCE);
  assert.ok(checkout.length > 0, 'the corrected resource is listed under its new team');
  for (const f of body.data) {
    const owner = f.attributes.attributes.owner as Record<string, unknown>;
    assert.equal(String(owner.team).toLowerCase(), 'platform', 'the facet and the attribute agree');
    assert.equal(typeof owner.team_confidence, 'number');
  }
  const corrected = checkout[0]!.attributes.attributes.owner as Record<string, unknown>;
  assert.equal(corrected.team_status, 'overridden');
  assert.ok('user' in corrected && 'service' in corrected, 'every owner type with an inference');
});
