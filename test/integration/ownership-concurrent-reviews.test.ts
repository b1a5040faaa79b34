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
import { inferencesOf, writeInferences } from '../../src/store/ownership-inferences.js';
import { labelCountsSince, pieceLabelsOf } from '../../src/store/ownership-learning.js';
import type { SourceVote } from '../../src/ownership/evidence.js';

// Reviews of many resources resting on one catalog entry, submitted at once on PostgreSQL: each review counts once
// against the entry and, for a correction, for the owner it settled on (atomic increments), none is lost, and the
// labels since the fit sum to as many reviews.
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
          {
            data: {
              type: 'ownership_feedback',
              // Half confirm the entry's team, half correct it: both counts of the entry, and the owner settled on.
              attributes:
                i % 2 === 0
                  ? { action: 'confirm', inference_checksum: a.checksum }
                  : { action: 'correct', corrected_owner_handle: 'platform', corrected_owner_type: 'team', inference_checksum: a.checksum },
            },
          },
          { userHandle: 'reviewer' },
        ),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
    const labels = (await pieceLabelsOf(db, orgId, [piece])).filter((l) => l.owner_type === 'team');
    assert.deepEqual(labels.map((l) => [l.handle, l.right, l.wrong]).sort(), [
      ['payments', COUNT / 2, COUNT / 2],
      ['platform', COUNT / 2, 0],
    ]);
    const since = await labelCountsSince(db, orgId, null);
    assert.deepEqual(since.labels, [{ slot: 'team', count: COUNT }]);
  },
);

// Every process numbers history and feedback entries from its own clock, so two processes writing for one resource in
// the same millisecond (reviews of its team and user answers through two API processes, a worker's re-inference beside
// a review) can pick the same id. The entry another process wrote is stood in for by a row with the id this process
// is about to pick: the write must land after it, not fail on the key.
test('an entry id another process took in the same millisecond is not taken again: the write lands after it', async () => {
  const id = ids[COUNT - 1]!;
  const at = Date.now() + 60_000;
  const taken = at * 1000;
  const [team, user] = await inferencesOf(db, orgId, id);
  assert.ok(team && user && team.slot === 'team' && user.slot === 'user');
  await db.query(
    `INSERT INTO ownership_feedback (org_id, resource_id, id, slot, action, checksum, inferred_owner, votes, actor, created_at)
     VALUES ($1, $2, $3, 'user', 'confirm', $4, $5, '[]'::jsonb, 'another-process', $6)`,
    [orgId, id, taken, user.checksum, user.owner_handle, at],
  );
  await db.query(
    `INSERT INTO ownership_history (org_id, resource_id, id, slot, owner_type, owner_handle, confidence, status, explanation, sources,
       evidence_versions, checksum, created_at)
     VALUES ($1, $2, $3, 'user', $4, $5, $6, 'persisted', 'another process', '[]'::jsonb, '[]'::jsonb, $7, $8)`,
    [orgId, id, taken, user.owner_type, user.owner_handle, user.confidence, user.checksum, at],
  );
  await submitFeedback(
    db,
    orgId,
    id,
    'team',
    {
      data: {
        type: 'ownership_feedback',
        attributes: { action: 'correct', inference_checksum: team.checksum, corrected_owner_handle: 'platform', corrected_owner_type: 'team' },
      },
    },
    { userHandle: 'reviewer' },
    at,
  );
  const entries = async (table: string) =>
    (
      await db.query<{ id: string; slot: string }>(
        `SELECT id::text, slot FROM ${table} WHERE org_id = $1 AND resource_id = $2 AND id >= $3 ORDER BY id`,
        [orgId, id, taken],
      )
    ).rows;
  assert.deepEqual(await entries('ownership_feedback'), [
    { id: String(taken), slot: 'user' },
    { id: String(taken + 1), slot: 'team' },
  ]);
  assert.deepEqual(await entries('ownership_history'), [
    { id: String(taken), slot: 'user' },
    { id: String(taken + 1), slot: 'team' },
  ]);

  // A re-inference of several answers of the resource in one statement: each after the latest, in order.
  const later = at + 1;
  const current = await inferencesOf(db, orgId, id);
  await db.query(
    `INSERT INTO ownership_history (org_id, resource_id, id, slot, owner_type, owner_handle, confidence, status, explanation, sources,
       evidence_versions, checksum, created_at)
     VALUES ($1, $2, $3, 'service', 'unknown', NULL, 0, 'unknown', 'another process', '[]'::jsonb, '[]'::jsonb, 'another', $4)`,
    [orgId, id, later * 1000 + 5, later],
  );
  await writeInferences(
    db,
    orgId,
    current.map((r) => ({ ...r, checksum: `${r.checksum}-again`, updated_at: later })),
    later,
  );
  const after = (await entries('ownership_history')).filter((e) => BigInt(e.id) >= BigInt(later) * 1000n);
  assert.deepEqual(after, [
    { id: String(later * 1000 + 5), slot: 'service' },
    { id: String(later * 1000 + 6), slot: 'team' },
    { id: String(later * 1000 + 7), slot: 'user' },
    { id: String(later * 1000 + 8), slot: 'service' },
  ]);
});
