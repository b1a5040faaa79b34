import type { OwnerType } from '../../src/ownership/owner-type.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eceByChance, measure, type Prediction } from '../../bench/ownership/metrics.js';

test('accuracy, high-band precision, coverage and ECE on a small hand-made set', () => {
  const p = new Map<string, Partial<Record<OwnerType, Prediction>>>([
    ['a', { team: { owner: 'x', confidence: 0.95 } }], // right, high
    ['b', { team: { owner: 'y', confidence: 0.95 } }], // wrong, high
    ['c', { team: { owner: 'x', confidence: 0.7 } }], // right, medium
    ['d', { team: { owner: null, confidence: 0 } }], // unanswered
  ]);
  const truth = { a: { team: 'x' }, b: { team: 'x' }, c: { team: 'X' }, d: { team: 'z' } };
  const m = measure(p, truth, 'team');
  assert.equal(m.resources, 4);
  assert.equal(m.answered, 3);
  assert.equal(m.accuracy, 2 / 4);
  assert.equal(m.high_precision, 1 / 2);
  assert.equal(m.coverage, 3 / 4);
  // bin 0.9: 2 answers at 0.95, half right -> |0.95-0.5| weighted 2/3; bin 0.7: |0.7-1| weighted 1/3.
  assert.ok(Math.abs(m.ece - ((2 / 3) * 0.45 + (1 / 3) * 0.3)) < 1e-9, String(m.ece));
  // Brier over the three answers: (0.95-1)^2, (0.95-0)^2, (0.7-1)^2.
  assert.ok(Math.abs(m.brier - (0.05 ** 2 + 0.95 ** 2 + 0.3 ** 2) / 3) < 1e-9, String(m.brier));
});

test('the ECE calibrated answers show by chance: none when outcomes are certain, shrinking as the square root of the count', () => {
  assert.equal(eceByChance([1, 1, 0, 0]), 0, 'answers at 0 and 1 are right or wrong for certain');
  assert.equal(eceByChance([]), 0);
  // n answers at 0.5 in one bin: |0.5 - right/n| has its 95th percentile near 1.96 * 0.5 / sqrt(n).
  const at = (n: number) => eceByChance(Array.from({ length: n }, () => 0.5));
  const small = at(100);
  const large = at(10_000);
  assert.ok(small > 0.08 && small < 0.12, String(small));
  assert.ok(large > 0.008 && large < 0.012, String(large));
  assert.equal(at(100), small, 'the same answers give the same figure on every run');
});

test('measure reports the ECE by chance of the answers it measured', () => {
  const p = new Map<string, Partial<Record<OwnerType, Prediction>>>(
    Array.from({ length: 400 }, (_, i) => [`r${i}`, { user: { owner: i % 2 ? 'x' : 'y', confidence: 0.5 } }]),
  );
  const truth = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`r${i}`, { user: 'x' }]));
  assert.equal(measure(p, truth, 'user').ece_chance, undefined, 'measured when asked for');
  const m = measure(p, truth, 'user', { chance: true });
  assert.equal(m.ece, 0, 'half right at 0.5');
  assert.equal(m.ece_chance, eceByChance(Array.from({ length: 400 }, () => 0.5)));
  assert.ok(m.ece_chance! > 0.03, 'four hundred answers at 0.5 stray by more than 0.03 one time in twenty');
});
