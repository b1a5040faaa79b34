// The engine on a synthetic organization with known owners, learning as the service does (the label model fitted to
// the organization, then 10% review labels): measured on the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCalibration, evaluateCalibrationDraws, evaluateLearning, RANDOM_DRAWS } from '../../bench/ownership/learning-eval.js';
import { generateSyntheticOrg } from '../../bench/ownership/synthetic-org.js';

test('team answers on held-out resources meet the calibration targets', () => {
  const result = evaluateCalibration({ resources: 2000, seed: 7 });
  const team = result.reviewed10.team;
  assert.ok(result.reviewed10Count > 150 && result.reviewed10Count < 250, `labelled ${result.reviewed10Count}`);
  assert.ok(team.high_count > 500, `high-band answers ${team.high_count}`);
  assert.ok(team.high_precision >= 0.95, `team precision in the high band ${team.high_precision}`);
  assert.ok(team.ece <= 0.05, `team expected calibration error ${team.ece}`);
  assert.ok(team.coverage >= 0.8, `team coverage ${team.coverage}`);
});

test('learning from labels improves user calibration over the priors', () => {
  const result = evaluateCalibration({ resources: 2000, seed: 11 });
  assert.ok(result.reviewed10.user.ece < result.priors.user.ece, `${result.reviewed10.user.ece} vs ${result.priors.user.ece}`);
  // The sources the synthetic org makes unreliable lose weight.
  const fitted = result.reviewed10Weights.learnt!.fitted!;
  const mean = (b: { alpha: number; beta: number }) => b.alpha / (b.alpha + b.beta);
  assert.ok(mean(fitted.team!.role_tag!) < 0.6, 'shared roles are tagged with the wrong team');
  assert.ok(mean(fitted.user!.modifier!) < 0.3, 'modifiers are mostly not owners');
});

test('the ECE after 10% reviewed is also measured on other random tenths, the first the reported one', () => {
  const result = evaluateLearning({ resources: 600, seed: 3 });
  for (const type of ['team', 'user', 'service'] as const) {
    const draws = result.reviewed10EceDraws[type];
    assert.equal(draws.length, RANDOM_DRAWS, type);
    assert.equal(draws[0], result.reviewed10[type].ece, `${type}: the first tenth is the benchmark's own`);
    assert.ok(
      draws.every((e) => e >= 0 && e <= 1),
      `${type}: ${draws}`,
    );
  }
  // Other tenths are other reviews: their ECEs are not all the same.
  assert.ok(new Set(result.reviewed10EceDraws.user).size > 1, `user ${result.reviewed10EceDraws.user}`);
  // The calibration check reviews the same tenths, as many as asked for.
  const quick = evaluateCalibrationDraws({ resources: 600, seed: 3 }, 3);
  for (const type of ['team', 'user', 'service'] as const) {
    assert.deepEqual(quick.reviewed10EceDraws[type], result.reviewed10EceDraws[type].slice(0, 3), type);
  }
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
