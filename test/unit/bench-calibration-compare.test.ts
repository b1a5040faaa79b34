import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, goalsMissed, risesBeyondNoise, type CalibrationRow, type TypeCalibration } from '../../bench/ownership/calibration-compare.js';

const calibrated: TypeCalibration = { before: 0.02, after: 0.01, afterMean: 0.015, highPrecision: 0.99, rightAtMedium: 0.95 };
const row = (shape: string, seed: number, user: Partial<TypeCalibration> = {}, team: Partial<TypeCalibration> = {}): CalibrationRow => ({
  shape,
  seed,
  types: { team: { ...calibrated, ...team }, user: { ...calibrated, ...user }, service: calibrated },
});

test('a row misses each goal its figures break, and none it meets', () => {
  assert.deepEqual(goalsMissed(row('a', 1)), []);
  assert.deepEqual(goalsMissed(row('a', 1, { before: 0.051, after: 0.031, highPrecision: 0.94 })), [
    'user before review ECE 0.051',
    'user 10% reviewed ECE 0.031',
    'user high-band precision 0.940',
  ]);
  // At the goal is meeting it.
  assert.deepEqual(goalsMissed(row('a', 1, { before: 0.05, after: 0.03, highPrecision: 0.95 })), []);
});

test('right at >= medium is a goal for teams and services, not for users', () => {
  assert.deepEqual(goalsMissed(row('a', 1, { rightAtMedium: 0.5 })), []);
  assert.deepEqual(goalsMissed(row('a', 1, {}, { rightAtMedium: 0.84 })), ['team right at >= medium 0.840']);
});

test('runs compare per shape and owner type, summed over the seeds both hold, and a shape either sum grows on is worse', () => {
  const saved = [row('a', 1), row('a', 2), row('b', 1), row('c', 1)];
  const current = [
    row('a', 1, { before: 0.01 }),
    row('a', 2, { before: 0.025 }),
    row('b', 1, { afterMean: 0.02 }),
    // Not in the saved run: left out.
    row('b', 9, { before: 0.5 }),
  ];
  const comparison = compareRuns(saved, current);
  const user = (shape: string) => comparison.find((c) => c.type === 'user' && c.shape === shape)!;
  assert.deepEqual(user('a').before, [0.04, 0.035]);
  assert.equal(user('a').worse, false, 'one seed worse and one better, better summed');
  assert.deepEqual(user('b').afterMean, [0.015, 0.02]);
  assert.equal(user('b').worse, true);
  assert.deepEqual(user('b').before, [0.02, 0.02], 'the seed only the current run holds does not count');
  assert.equal(
    comparison.some((c) => c.shape === 'c'),
    false,
    'a shape only the saved run holds is not compared',
  );
  assert.equal(comparison.filter((c) => c.worse).length, 1);
  assert.equal(comparison.length, 6, 'two shapes, three owner types');
});

test('a change within the tolerance is not worse', () => {
  const [c] = compareRuns([row('a', 1)], [row('a', 1, { before: 0.0205 })]).filter((x) => x.type === 'user');
  assert.equal(c!.worse, false);
  const [d] = compareRuns([row('a', 1)], [row('a', 1, { before: 0.0205 })], 0.0001).filter((x) => x.type === 'user');
  assert.equal(d!.worse, true);
});

test('the Brier scores are summed per shape where both runs hold them, and do not make a shape worse', () => {
  const saved = [row('a', 1, { brierBefore: 0.1, brierAfter: 0.08 }), row('a', 2, { brierBefore: 0.2, brierAfter: 0.1 }), row('b', 1)];
  const current = [
    row('a', 1, { brierBefore: 0.12, brierAfter: 0.07 }),
    row('a', 2, { brierBefore: 0.3, brierAfter: 0.1 }),
    row('b', 1, { brierBefore: 0.1 }),
  ];
  const user = (shape: string) => compareRuns(saved, current).find((c) => c.type === 'user' && c.shape === shape)!;
  assert.ok(Math.abs(user('a').brierBefore![0] - 0.3) < 1e-12 && Math.abs(user('a').brierBefore![1] - 0.42) < 1e-12, String(user('a').brierBefore));
  assert.ok(Math.abs(user('a').brierAfter![0] - 0.18) < 1e-12 && Math.abs(user('a').brierAfter![1] - 0.17) < 1e-12, String(user('a').brierAfter));
  assert.equal(user('a').worse, false, 'judged on the ECE');
  assert.equal(user('b').brierBefore, undefined, 'a saved run without Brier scores');
  assert.equal(user('b').brierAfter, undefined);
});

test('a rise every seed shows alike is beyond the noise; one seed set rising and another falling is not', () => {
  assert.equal(
    risesBeyondNoise([
      [0.02, 0.03],
      [0.03, 0.041],
      [0.01, 0.019],
      [0.02, 0.031],
    ]),
    true,
    'about 0.01 on each of four seeds',
  );
  assert.equal(
    risesBeyondNoise([
      [0.02, 0.06],
      [0.03, 0.02],
      [0.01, 0.015],
      [0.02, 0.018],
    ]),
    false,
    'one seed up much, the others about even',
  );
  assert.equal(
    risesBeyondNoise([
      [0.02, 0.01],
      [0.03, 0.02],
      [0.01, 0.0],
      [0.02, 0.01],
    ]),
    false,
    'a fall on every seed',
  );
  assert.equal(
    risesBeyondNoise([
      [0.02, 0.03],
      [0.03, 0.04],
    ]),
    false,
    'two seeds never tell',
  );
  // Three seeds have two degrees of freedom: the bound is 4.30 standard errors (Student's t), not the normal's 1.96.
  assert.equal(
    risesBeyondNoise([
      [0, 0.02],
      [0, 0.021],
      [0, 0.022],
    ]),
    true,
    'mean 0.021, standard error 0.0006',
  );
  assert.equal(
    risesBeyondNoise([
      [0, 0.01],
      [0, 0.02],
      [0, 0.03],
    ]),
    false,
    'mean 0.02, standard error 0.0058: 3.46 of them',
  );
});

test("the comparison names the figures of a shape that rose beyond the seeds' noise", () => {
  const seeds = [1, 2, 3, 4];
  const saved = seeds.map((s) => row('a', s, { before: 0.02, brierBefore: 0.1, brierAfter: 0.1 }));
  const current = seeds.map((s) => row('a', s, { before: 0.03 + s / 1000, brierBefore: 0.1 + (s % 2 ? 0.05 : -0.05), brierAfter: 0.1 }));
  const user = compareRuns(saved, current).find((c) => c.type === 'user')!;
  assert.deepEqual(user.beyondNoise, ['ECE before review'], 'the Brier score before review moved both ways, the one after not at all');
  assert.deepEqual(compareRuns(saved, current).find((c) => c.type === 'team')!.beyondNoise, []);
});
