import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { DIRECTORY, SERVICES, ACCOUNT } from '../helpers/seed-console.js';
import { importDirectory, importServices } from '../../src/ownership/signal-imports.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { inferencesOf } from '../../src/store/ownership-inferences.js';
import { labelCountsSince, pieceLabelsOf } from '../../src/store/ownership-learning.js';
import type { SourceVote } from '../../src/ownership/evidence.js';

// Reviews of many resources resting on one catalog entry, submitted at once on PostgreSQL: each review counts once
// against the entry (atomic increments), none is lost, and the labels since the fit sum to as many reviews.
let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();
const COUNT = 24;
const ids = Array.from({ length: COUNT }, (_, i) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${String(i).padStart(17, '0')}`);

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'concurrent-reviews-org', 0)", [orgId]);
  const now = Date.now();
  await db.transaction(async (tx) => {
    await importDirectory(tx, orgId, DIRECTORY, 'hr-directory', now);
    await importServices(tx, orgId, SERVICES, 'datadog_service_catalog', now);
  });
  await ingestResources(
    db,
    orgId,
    ids.map((resource_id, i) => ({
      resource_id,
      resource_type: 'aws_ec2_instance',
      name: `checkout-worker-${i}`,
      account: ACCOUNT,
      region: 'us-east-1',
      cloud_provider: 'aws' as const,
      observed_at: now,
      tags: ['service:checkout'],
      configuration: { instance_id: `i-${i}` },
    })),
    builtInRuleEngine(),
    { source: 'import:resources', now },
  );
  await recomputeUntilEmpty(db, { orgId });
});

after(async () => store?.close());

test(
  'concurrent reviews of resources resting on one piece of evidence lose no count',
  { skip: !process.env.DATABASE_URL && 'PGlite runs one transaction at a time' },
  async () => {
    const answers = await Promise.all(ids.map(async (id) => (await inferencesOf(db, orgId, id)).find((r) => r.slot === 'team')!));
    const piece = (answers[0]!.votes as SourceVote[]).find((v) => v.kind === 'catalog')?.piece;
    assert.ok(piece, 'the team answer rests on the catalog entry');
    assert.ok(answers.every((a) => (a.votes as SourceVote[]).some((v) => v.piece === piece)));
    const results = await Promise.allSettled(
      answers.map((a, i) =>
        submitFeedback(
          db,
          orgId,
          ids[i]!,
          'team',
          { data: { type: 'ownership_feedback', attributes: { action: 'confirm', inference_checksum: a.checksum } } },
          { userHandle: 'reviewer' },
        ),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
    const [label] = (await pieceLabelsOf(db, orgId, [piece])).filter((l) => l.owner_type === 'team');
    assert.deepEqual({ right: label!.right, wrong: label!.wrong }, { right: COUNT, wrong: 0 });
    const since = await labelCountsSince(db, orgId, null);
    assert.deepEqual(since.labels, [{ slot: 'team', count: COUNT }]);
  },
);
