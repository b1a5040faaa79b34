// A correction of one resource of a service whose catalog entry is stale reaches the service's other resources through
// the store: the review's piece labels are written, the siblings are queued, and the worker answers them with the owner
// the reviewer settled on, saying why. A confirmation of the entry afterwards gives it its owner back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { catalogService } from '../helpers/catalog-service.js';
import { DIRECTORY } from '../helpers/seed-console.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { importDirectory, importServices } from '../../src/ownership/signal-imports.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { inferencesOf } from '../../src/store/ownership-inferences.js';

let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();
const buckets = ['billing-exports', 'billing-invoices', 'billing-ledger'].map((name) => `arn:aws:s3:::${name}`);

before(async () => {
  store = await openTestStore();
  db = store.db;
  const now = Date.now();
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'reviewed-owner-org', 0)", [orgId]);
  await db.transaction(async (tx) => {
    await importDirectory(tx, orgId, DIRECTORY, 'hr-directory', now);
    // Stale: the billing service moved to platform, the catalog still says payments.
    await importServices(tx, orgId, [catalogService('billing', 'payments')], 'datadog_service_catalog', now);
  });
  await ingestResources(
    db,
    orgId,
    buckets.map((arn) => ({
      cloud_provider: 'aws' as const,
      account: '111122223333',
      observed_at: now,
      resource_id: arn,
      resource_type: 'aws_s3_bucket',
      name: arn.slice('arn:aws:s3:::'.length),
      region: 'us-east-1',
      tags: ['service:billing'],
      configuration: { bucket: arn.slice('arn:aws:s3:::'.length) },
    })),
    builtInRuleEngine(),
    { source: 'import:resources', now },
  );
  await recomputeUntilEmpty(db, { orgId });
});

after(async () => store?.close());

const teamOf = async (id: string) => (await inferencesOf(db, orgId, id)).find((r) => r.slot === 'team')!;

async function review(id: string, attributes: { action: 'correct'; corrected_owner_handle: string; corrected_owner_type: 'team' }) {
  const team = await teamOf(id);
  await submitFeedback(
    db,
    orgId,
    id,
    'team',
    { data: { type: 'ownership_feedback', attributes: { ...attributes, inference_checksum: team.checksum } } },
    { userHandle: 'reviewer' },
  );
  await recomputeUntilEmpty(db, { orgId });
}

test("a correction of one resource moves its service's other resources to the owner the reviewer named", async () => {
  for (const id of buckets) assert.equal((await teamOf(id)).owner_handle, 'payments', 'the stale entry decides first');
  await review(buckets[0]!, { action: 'correct', corrected_owner_handle: 'platform', corrected_owner_type: 'team' });
  for (const id of buckets.slice(1)) {
    const team = await teamOf(id);
    assert.equal(team.owner_handle, 'platform', id);
    assert.match(team.explanation, /Team `platform` is the owner reviewers named for 1 of the 1 reviewed resource tagged with the service `billing`/);
  }
});

test('a confirmation of the entry on another of its resources gives the entry its owner back on the third', async () => {
  // The second bucket now answers platform; its reviewer says the entry's payments is right after all.
  await review(buckets[1]!, { action: 'correct', corrected_owner_handle: 'payments', corrected_owner_type: 'team' });
  const third = await teamOf(buckets[2]!);
  assert.equal(third.owner_handle, 'payments');
  assert.match(third.explanation, /`platform` is also named \(reviews of catalog\)/);
});
