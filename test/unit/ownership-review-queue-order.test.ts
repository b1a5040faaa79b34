// The review queue's order over a whole synthetic organization, taken greedily as reviewers would: a group already
// taught gives way, so a 5% budget is not spent on one piece of evidence whose further reviews teach nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerType } from '../../src/ownership/owner-type.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/ownership/evidence.js';
import { generateSyntheticOrg } from '../../bench/ownership/synthetic-org.js';
import { evidenceFor, indexModel } from '../../bench/ownership/evidence-from-model.js';
import { inferLabelFree, queueOrder } from '../../bench/ownership/learning-eval.js';

test('a 5% review budget spreads over the groups: no piece of evidence takes more than a tenth of it', () => {
  // The shape where one pipeline's CODEOWNERS decides the team of hundreds of resources, mostly wrongly.
  const { model } = generateSyntheticOrg({ resources: 3000, seed: 7, modelOnly: true, shape: 'platform-built' });
  const index = indexModel(model);
  const evidence = model.resources.map((r) => evidenceFor(index, r));
  const population = { ...DEFAULT_ENGINE_SETTINGS.default_population, ...evidence[0]?.directory?.population } as Record<OwnerType, number>;
  const answers = inferLabelFree(evidence, population).labelFree;
  const budget = 150;
  const order = queueOrder(answers, budget);
  assert.equal(order.length, budget);
  assert.equal(new Set(order).size, budget, 'each resource once');

  const perPiece = new Map<string, number>();
  for (const id of order) {
    const team = answers.get(id)!.find((a) => a.asked_type === 'team')!;
    const piece = String(team.sources[0]?.piece ?? `alone:${id}`);
    perPiece.set(piece, (perPiece.get(piece) ?? 0) + 1);
  }
  const [largest, count] = [...perPiece].sort((a, b) => b[1] - a[1])[0]!;
  // The pipeline's group decides about 180 uncertain team answers: it is reviewed first and more than any other,
  // then gives way (dividing its reach by 1 + reviewed once, it took 43 of the 150).
  assert.equal(largest, 'ci_codeowners|acme/platform-provisioner:/');
  assert.ok(count >= 3 && count <= budget / 10, `${count} reviews of ${largest}`);
  assert.ok(perPiece.size >= 50, `${perPiece.size} groups reviewed`);
});
