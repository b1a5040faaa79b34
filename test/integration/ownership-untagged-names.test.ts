import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { getSettings, inferencesOfMany } from '../../src/store/ownership-inferences.js';
import { runRecompute } from '../../src/ownership/use-cases/run-recompute.js';
import { storedWeights } from '../../src/ownership/use-cases/relearn.js';
import type { SourceVote } from '../../src/ownership/evidence.js';
import { learntReliability } from '../../src/ownership/vote-reliability.js';
import { generateSyntheticOrg } from '../../bench/ownership/synthetic-org.js';
import { importSynthetic, writeFiles } from '../../bench/ownership/import-synthetic.js';

let store: { db: Db; close(): Promise<void> };
let orgId: string;
const dir = mkdtempSync(join(tmpdir(), 'steward-untagged-'));
const org = generateSyntheticOrg({ resources: 400, seed: 5, shape: 'untagged' });

before(async () => {
  store = await openTestStore();
  orgId = (await ensureOrg(store.db, 'untagged-org')).org_id;
  writeFiles(dir, org.files);
  const notes: string[] = [];
  await importSynthetic(store.db, orgId, dir, org.files, notes);
  assert.deepEqual(notes, []);
  await runRecompute(store.db, orgId);
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Nothing is tagged: a service answer rests on the resource's name alone. The refit reads the catalog's teams from the
// store and learns how often a named service is right from where its team is the resource's team answer.
test("an organization that tags nothing: the refit learns service names' rate from the catalog, not the prior", async () => {
  const ids = org.model.resources.map((r) => r.arn);
  const services = (await inferencesOfMany(store.db, orgId, ids)).filter((r) => r.slot === 'service' && r.owner_handle !== null);
  assert.ok(services.length >= 50, `${services.length} service answers`);
  assert.ok(
    services.every((r) => (r.votes as SourceVote[]).every((v) => v.kind === 'naming')),
    'every service answer rests on names alone',
  );
  const right = services.filter((r) => r.owner_handle!.toLowerCase() === org.truth[r.resource_id]?.service?.toLowerCase()).length;
  const accuracy = right / services.length;
  const learnt = learntReliability(storedWeights(await getSettings(store.db, orgId)).learnt ?? {}, 'service', 'naming')!;
  assert.ok(Math.abs(learnt - accuracy) < 0.15, `names right ${accuracy.toFixed(3)} of the time, learnt ${learnt.toFixed(3)}`);
  const meanConfidence = services.reduce((s, r) => s + r.confidence, 0) / services.length;
  assert.ok(Math.abs(meanConfidence - accuracy) < 0.15, `mean confidence ${meanConfidence.toFixed(3)} against right ${accuracy.toFixed(3)}`);
});
