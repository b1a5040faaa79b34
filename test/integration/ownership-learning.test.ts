import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE } from '../helpers/seed-console.js';
import { submitFeedback } from '../../src/ownership/use-cases/submit-feedback.js';
import { inferencesOf, getSettings } from '../../src/store/ownership-inferences.js';
import { queueLength } from '../../src/store/ownership-queue.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { reinferWhereWeightsMoved, RELEARN_SHIFT } from '../../src/ownership/use-cases/relearn.js';
import { defaultWeights, learnWeights, weightsShift } from '../../src/ownership/calibration.js';

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
});

test('once review labels move the weights enough, the periodic pass re-infers the whole organization (and only then)', async () => {
  const resources = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [orgId])).rows[0]!.n);
  assert.equal(await queueLength(db, orgId), 0);
  const team = (await inferencesOf(db, orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  await submitFeedback(
    db,
    orgId,
    CHECKOUT_INSTANCE,
    'team',
    { data: { type: 'ownership_feedback', attributes: { action: 'confirm', inference_checksum: team.checksum } } },
    { userHandle: 'reviewer' },
  );
  const settings = await getSettings(db, orgId);
  const shift = weightsShift(defaultWeights(), settings.weights as ReturnType<typeof defaultWeights>);
  // Feedback itself re-infers only its own resource; the organization waits for the periodic pass.
  assert.ok((await queueLength(db, orgId)) < resources);
  await recomputeUntilEmpty(db, { orgId });
  // A first label on a fresh organization moves its calibration far from the identity: the pass re-marks everything.
  assert.ok(shift >= RELEARN_SHIFT, `shift ${shift}`);
  assert.deepEqual(await reinferWhereWeightsMoved(db), [orgId]);
  assert.equal(await queueLength(db, orgId), resources);
  await recomputeUntilEmpty(db, { orgId });
  // The weights it applied are now the ones in force: a second pass has nothing to do.
  assert.deepEqual(await reinferWhereWeightsMoved(db), []);
  assert.equal(await queueLength(db, orgId), 0);
});

test('the evidence names each team at the version the directory holds', async () => {
  const { importDirectory } = await import('../../src/ownership/signal-imports.js');
  const { DIRECTORY } = await import('../helpers/seed-console.js');
  const renamed = { ...DIRECTORY, teams: DIRECTORY.teams.map((t) => (t.handle === 'platform' ? { ...t, name: 'Platform' } : t)) };
  const source = (await db.query<{ source: string }>("SELECT source FROM teams WHERE org_id = $1 AND handle = 'platform'", [orgId])).rows[0]!.source;
  await db.transaction((tx) => importDirectory(tx, orgId, renamed, source, Date.now()));
  await recomputeUntilEmpty(db, { orgId });
  const version = (await db.query<{ version: number }>("SELECT version FROM teams WHERE org_id = $1 AND handle = 'platform'", [orgId])).rows[0]!
    .version;
  assert.equal(version, 2);
  const team = (await inferencesOf(db, orgId, CHECKOUT_INSTANCE)).find((r) => r.slot === 'team')!;
  const platform = (team.evidence_versions as Array<{ id: string; version: number }>).find((e) => e.id === 'team:platform');
  assert.equal(platform?.version, 2);
});
