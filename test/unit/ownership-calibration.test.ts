import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyCalibration,
  defaultWeights,
  fitCalibration,
  learnWeights,
  reliabilityOf,
  type FeedbackLabel,
} from '../../src/ownership/calibration.js';
import { DEFAULT_PRIORS } from '../../src/ownership/signal-kinds/index.js';
import { bandOf, meetsBand } from '../../src/ownership/confidence-bands.js';

const label = (over: Partial<FeedbackLabel>): FeedbackLabel => ({
  action: 'confirm',
  owner_type: 'team',
  inferred_owner: 'payments',
  sources: [
    { kind: 'catalog', owner_handle: 'payments' },
    { kind: 'naming', owner_handle: 'search' },
  ],
  ...over,
});

test('priors follow the documented order of reliability', () => {
  const w = defaultWeights();
  const r = (k: Parameters<typeof reliabilityOf>[1]) => reliabilityOf(w, k);
  assert.ok(r('owner_tag') > r('mapping_high'));
  assert.ok(r('mapping_high') > 0.85 && r('mapping_medium') >= 0.6 && r('mapping_medium') <= 0.85 && r('mapping_low') < 0.6);
  assert.ok(r('catalog') > r('creator_membership'));
  assert.ok(r('naming') < r('creator'));
});

test('confirm: sources that named the owner gain, the others lose', () => {
  const w0 = defaultWeights();
  const w = learnWeights(
    w0,
    Array.from({ length: 20 }, () => label({})),
  );
  assert.ok(reliabilityOf(w, 'catalog') > reliabilityOf(w0, 'catalog'));
  assert.ok(reliabilityOf(w, 'naming') < reliabilityOf(w0, 'naming'));
  assert.equal(w.kinds.owner_tag.alpha, DEFAULT_PRIORS.owner_tag.alpha, 'kinds without votes do not move');
});

test('reject: only the sources that named the rejected owner lose', () => {
  const w0 = defaultWeights();
  const w = learnWeights(w0, [label({ action: 'reject' })]);
  assert.equal(w.kinds.catalog.beta, w0.kinds.catalog.beta + 1);
  assert.equal(w.kinds.catalog.alpha, w0.kinds.catalog.alpha);
  assert.deepEqual(w.kinds.naming, w0.kinds.naming);
});

test('correct: sources that named the corrected owner gain, the others lose', () => {
  const w0 = defaultWeights();
  const w = learnWeights(w0, [label({ action: 'correct', corrected_owner: 'Search' })]);
  assert.equal(w.kinds.naming.alpha, w0.kinds.naming.alpha + 1);
  assert.equal(w.kinds.catalog.beta, w0.kinds.catalog.beta + 1);
});

test('persist counts like confirm; priors are not mutated', () => {
  const w0 = defaultWeights();
  const w = learnWeights(w0, [label({ action: 'persist' })]);
  assert.equal(w.kinds.catalog.alpha, w0.kinds.catalog.alpha + 1);
  assert.equal(w0.kinds.catalog.alpha, DEFAULT_PRIORS.catalog.alpha);
});

test('isotonic calibration corrects an over-confident curve and is monotone', () => {
  // Predicted 0.9 but right 60% of the time; predicted 0.5 right 50%.
  const pairs = [
    ...Array.from({ length: 500 }, (_, i) => ({ predicted: 0.9, correct: i % 10 < 6 })),
    ...Array.from({ length: 500 }, (_, i) => ({ predicted: 0.5, correct: i % 2 === 0 })),
  ];
  const map = fitCalibration(pairs);
  assert.ok(Math.abs(applyCalibration(map, 0.9) - 0.6) < 0.02, String(applyCalibration(map, 0.9)));
  let last = -1;
  for (let p = 0; p <= 1; p += 0.01) {
    const c = applyCalibration(map, p);
    assert.ok(c >= last - 1e-9, `monotone at ${p}`);
    last = c;
  }
});

test('calibration from few labels stays near identity', () => {
  const map = fitCalibration([
    { predicted: 0.9, correct: false },
    { predicted: 0.8, correct: false },
  ]);
  assert.ok(applyCalibration(map, 0.9) > 0.8);
  assert.equal(applyCalibration(undefined, 0.42), 0.42);
});

test('bands use Datadog cut-offs', () => {
  assert.equal(bandOf(0.86), 'high');
  assert.equal(bandOf(0.85), 'medium');
  assert.equal(bandOf(0.6), 'medium');
  assert.equal(bandOf(0.5999), 'low');
  assert.ok(meetsBand(0.9, 'medium'));
  assert.ok(!meetsBand(0.7, 'high'));
});
