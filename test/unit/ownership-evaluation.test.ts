// The engine on a synthetic organization with known owners: learn from 10% review labels, measure the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateInMemory } from '../../bench/ownership/in-memory-eval.js';
import { generateSyntheticOrg } from '../../bench/ownership/synthetic-org.js';

test('team answers on held-out resources meet the calibration targets', () => {
  const result = evaluateInMemory({ resources: 2000, seed: 7 });
  const team = result.after.team;
  assert.ok(result.labelled > 150 && result.labelled < 250, `labelled ${result.labelled}`);
  assert.ok(team.high_count > 500, `high-band answers ${team.high_count}`);
  assert.ok(team.high_precision >= 0.95, `team precision in the high band ${team.high_precision}`);
  assert.ok(team.ece <= 0.05, `team expected calibration error ${team.ece}`);
  assert.ok(team.coverage >= 0.8, `team coverage ${team.coverage}`);
});

test('learning from labels improves user calibration over the priors', () => {
  const result = evaluateInMemory({ resources: 2000, seed: 11 });
  assert.ok(result.after.user.ece < result.before.user.ece, `${result.after.user.ece} vs ${result.before.user.ece}`);
  // The sources the synthetic org makes unreliable lose weight.
  const w = result.weights.kinds;
  assert.ok(w.role_tag.alpha / (w.role_tag.alpha + w.role_tag.beta) < 0.6, 'shared roles are tagged with the wrong team');
  assert.ok(w.modifier.alpha / (w.modifier.alpha + w.modifier.beta) < 0.3, 'modifiers are mostly not owners');
});

test('the generator is deterministic for a seed and different across seeds', () => {
  const a = generateSyntheticOrg({ resources: 300, seed: 5 });
  const b = generateSyntheticOrg({ resources: 300, seed: 5 });
  const c = generateSyntheticOrg({ resources: 300, seed: 6 });
  assert.deepEqual(a.files, b.files);
  assert.deepEqual(a.truth, b.truth);
  assert.notDeepEqual(a.truth, c.truth);
  assert.equal(Object.keys(a.truth).length, 300);
  assert.equal(a.model.teams.length, 40);
  assert.equal(a.model.users.length, 300);
  assert.equal(a.model.services.length, 150);
  assert.ok(
    a.model.users.some((u) => !u.active),
    'some people have left',
  );
  assert.ok(
    a.model.services.some((s) => s.catalog_team !== s.team),
    'some catalog entries are stale',
  );
});
