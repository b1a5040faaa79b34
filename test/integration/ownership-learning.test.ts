import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE, PLATFORM_BUCKET } from '../helpers/seed-console.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { inferencesOf, getSettings } from '../../src/store/ownership-inferences.js';
import { queueLength } from '../../src/store/ownership-queue.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { reinferWhereWeightsMoved, votesToFit } from '../../src/ownership/use-cases/relearn.js';
import { answersWithVotes } from '../../src/store/ownership-learning.js';
import type { SourceVote } from '../../src/ownership/evidence.js';
import { defaultWeights, learnWeights, weightsShift, type SignalWeights } from '../../src/ownership/calibration.js';

let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'learning-org', 0)", [orgId]);
  await seedOwnershipOrganization(db, orgId);
  await recomputeUntilEmpty(db, { orgId });
});

after(async () => store?.close());

test('weightsShift is zero for equal weights and grows with the labels that move a reliability', () => {
  const priors = defaultWeights();
  assert.equal(weightsShift(priors, defaultWeights()), 0);
  const wrongCatalog = Array.from({ length: 10 }, () => ({
    action: 'correct' as const,
    owner_type: 'team' as const,
    inferred_owner: 'payments',
    corrected_owner: 'platform',
    sources: [{ kind: 'catalog' as const, owner_handle: 'payments' }],
  }));
  const one = weightsShift(priors, learnWeights(priors, wrongCatalog.slice(0, 1)));
  const ten = weightsShift(priors, learnWeights(priors, wrongCatalog));
  assert.ok(one > 0 && ten > one, `${one} < ${ten}`);
  // A piece judged on its own moves by its mean; one judged on one side only moves its votes off their class.
  const withPiece = (alpha: number, beta: number): SignalWeights => ({
    ...defaultWeights(),
    learnt: { pieces: { team: { 'ci_codeowners|acme/provisioner:/': { platform: { alpha, beta } } } } },
  });
  assert.ok(Math.abs(weightsShift(withPiece(20, 80), withPiece(30, 70)) - 0.1) < 1e-9);
  assert.equal(weightsShift(defaultWeights(), withPiece(20, 80)), 1);
});

test('a label writes no weights: it counts its pieces and re-queues only the resources resting on them', async () => {
  const resources = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [orgId])).rows[0]!.n);
  assert.equal(await queueLength(db, orgId), 0);
  const before = (await getSettings(db, orgId)).weights;
  const team = (await inferencesOf(db, orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  await submitFeedback(
    db,
    orgId,
    CHECKOUT_INSTANCE,
    'team',
    { data: { type: 'ownership_feedback', attributes: { action: 'confirm', inference_checksum: team.checksum } } },
    { userHandle: 'reviewer' },
  );
  assert.deepEqual((await getSettings(db, orgId)).weights, before, 'no refit of the organization on a click');
  const pieces = new Set((team.votes as SourceVote[]).flatMap((v) => (v.piece ? [v.piece] : [])));
  assert.ok(pieces.size > 0);
  const queued = (await db.query<{ resource_id: string }>('SELECT resource_id FROM ownership_queue WHERE org_id = $1', [orgId])).rows.map(
    (r) => r.resource_id,
  );
  assert.ok(queued.length < resources, `${queued.length} of ${resources} queued`);
  for (const id of queued) {
    const votes = (await inferencesOf(db, orgId, id)).find((r) => r.slot === 'team')!.votes as SourceVote[];
    assert.ok(
      votes.some((v) => v.piece && pieces.has(v.piece)),
      `${id} rests on a reviewed piece`,
    );
  }
  await recomputeUntilEmpty(db, { orgId });
});

test('the periodic pass refits the organization from its own evidence and its labels, re-marks it once, then settles', async () => {
  const resources = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [orgId])).rows[0]!.n);
  assert.deepEqual(await reinferWhereWeightsMoved(db), [orgId]);
  const weights = (await getSettings(db, orgId)).weights as SignalWeights;
  assert.ok(weights.learnt?.fitted?.team && Object.keys(weights.learnt.fitted.team).length > 0, 'team vote classes fitted');
  assert.equal(weights.learnt.fit_labelled?.team, 1, 'the one label is in the fit');
  assert.equal(await queueLength(db, orgId), resources);
  await recomputeUntilEmpty(db, { orgId });
  const team = (await inferencesOf(db, orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  assert.match(team.explanation, /agree across the organization and on 1 review label/);
  // The votes are the same after re-inference, so the refit finds the same weights: nothing more to do.
  assert.deepEqual(await reinferWhereWeightsMoved(db), []);
  assert.equal(await queueLength(db, orgId), 0);
});

test('the evidence names a team whose existence decided a vote at the version the directory holds, and no other team', async () => {
  const { importDirectory } = await import('../../src/ownership/signal-imports.js');
  const { DIRECTORY } = await import('../helpers/seed-console.js');
  const renamed = { ...DIRECTORY, teams: DIRECTORY.teams.map((t) => (t.handle === 'platform' ? { ...t, name: 'Platform' } : t)) };
  const source = (await db.query<{ source: string }>("SELECT source FROM teams WHERE org_id = $1 AND handle = 'platform'", [orgId])).rows[0]!.source;
  await db.transaction((tx) => importDirectory(tx, orgId, renamed, source, Date.now()));
  await recomputeUntilEmpty(db, { orgId });
  const version = (await db.query<{ version: number }>("SELECT version FROM teams WHERE org_id = $1 AND handle = 'platform'", [orgId])).rows[0]!
    .version;
  assert.equal(version, 2);
  // The bucket's name holds `platform`, a team only because the directory has it.
  const team = (await inferencesOf(db, orgId, PLATFORM_BUCKET)).find((r) => r.slot === 'team')!;
  const platform = (team.evidence_versions as Array<{ id: string; version: number }>).find((e) => e.id === 'team:platform');
  assert.equal(platform?.version, 2);
  const checkout = (await inferencesOf(db, orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  assert.ok(!(checkout.evidence_versions as Array<{ id: string }>).some((e) => e.id.startsWith('team:')), 'no team decided the checkout answer');
});

test('past its size bound, the refit reads a fixed sample of resources that keeps every reviewed one', async () => {
  const total = await answersWithVotes(db, orgId);
  const all = await votesToFit(db, orgId, new Set(), total);
  assert.equal(all.length, total, 'under the bound: every answer with votes');
  const sample = await votesToFit(db, orgId, new Set([CHECKOUT_INSTANCE]), total, 2);
  assert.ok(sample.length < all.length, `${sample.length} of ${all.length}`);
  assert.ok(
    sample.some((v) => v.resource_id === CHECKOUT_INSTANCE),
    'the reviewed resource is always read',
  );
  assert.deepEqual(await votesToFit(db, orgId, new Set([CHECKOUT_INSTANCE]), total, 2), sample, 'the same sample every time');
});
