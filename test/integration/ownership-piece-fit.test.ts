// A piece of evidence voting on many resources is judged on its own by the refit (label-model.ts): its reliability is
// stored with the organization's weights and every answer resting on it takes it at the next inference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { ACCOUNT, DIRECTORY, SERVICES } from '../helpers/seed-console.js';
import { importDirectory, importServices } from '../../src/ownership/signal-imports.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { reinferWhereWeightsMoved } from '../../src/ownership/use-cases/relearn.js';
import { getSettings, inferencesOf } from '../../src/store/ownership-inferences.js';
import { PIECE_MIN_VOTES } from '../../src/ownership/org-model-fit.js';
import type { SignalWeights } from '../../src/ownership/calibration.js';
import type { SourceVote } from '../../src/ownership/evidence.js';

let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();
const bucket = (i: number) => `arn:aws:s3:::acme-shared-${String(i).padStart(2, '0')}`;
const COUNT = PIECE_MIN_VOTES + 10;

before(async () => {
  store = await openTestStore();
  db = store.db;
  const now = Date.now();
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'piece-fit-org', 0)", [orgId]);
  await db.transaction(async (tx) => {
    await importDirectory(tx, orgId, DIRECTORY, 'hr-directory', now);
    await importServices(tx, orgId, SERVICES, 'datadog_service_catalog', now);
  });
  // One tag value on every bucket; on every third, the checkout service's catalog entry names another team.
  const resources = Array.from({ length: COUNT }, (_, i) => ({
    cloud_provider: 'aws' as const,
    account: ACCOUNT,
    observed_at: now,
    resource_id: bucket(i),
    resource_type: 'aws_s3_bucket',
    name: `acme-shared-${i}`,
    region: 'us-east-1',
    tags: i % 3 === 0 ? ['team:platform', 'service:checkout'] : ['team:platform'],
    configuration: { bucket: `acme-shared-${i}` },
  }));
  await ingestResources(db, orgId, resources, builtInRuleEngine(), { source: 'import:resources', now });
  await recomputeUntilEmpty(db, { orgId });
});

after(async () => store?.close());

test('the refit stores a reliability of its own for a piece voting on many resources, and the answers resting on it take it', async () => {
  const team = async (i: number) => (await inferencesOf(db, orgId, bucket(i))).find((r) => r.slot === 'team')!;
  const tagVote = ((await team(1)).votes as SourceVote[]).find((v) => v.kind === 'owner_tag')!;
  assert.equal(tagVote.owner_handle, 'platform');
  const piece = tagVote.piece!;

  assert.deepEqual(await reinferWhereWeightsMoved(db), [orgId], 'the first refit moves the answers');
  const weights = (await getSettings(db, orgId)).weights as SignalWeights;
  const own = weights.learnt?.pieces?.team?.[piece]?.platform;
  assert.ok(own, `the tag's piece is judged on its own: ${JSON.stringify(weights.learnt?.pieces)}`);
  const reliability = own.alpha / (own.alpha + own.beta);
  const classMean = (b: { alpha: number; beta: number }) => b.alpha / (b.alpha + b.beta);
  assert.notEqual(Math.round(reliability * 10000), Math.round(classMean(weights.learnt!.fitted!.team!.owner_tag!) * 10000));

  await recomputeUntilEmpty(db, { orgId });
  const after = await team(1);
  assert.equal(after.owner_handle, 'platform');
  const source = (after.sources as { type: string; reliability: number }[]).find((s) => s.type === 'owner_tag')!;
  assert.equal(source.reliability, Math.round(reliability * 10000) / 10000, 'the vote took the piece its own reliability');
});
