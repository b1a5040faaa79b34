import type { OwnerType } from '../../src/ownership/owner-type.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure, type Prediction } from '../../bench/ownership/metrics.js';

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
});
