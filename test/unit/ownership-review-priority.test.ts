import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewMovesGroup, reviewPriority, reviewReason } from '../../src/ownership/review-priority.js';

// The review queue's priority on its own; test/integration/ownership-review-queue.test.ts holds the store's order to it.

test('score = uncertainty × reach × impact', () => {
  const p = reviewPriority({ confidence: 0.75, groupSize: 18, reviewedInGroup: 2, openCriticalHigh: 3 });
  assert.deepEqual(p, { score: 0.25 * 2 * 4, parts: { uncertainty: 0.25, reach: 2, impact: 4 } });
  assert.equal(reviewPriority({ confidence: 0.3, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 0, unknown: true }).score, 1);
  assert.ok(
    reviewPriority({ confidence: 0.9, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 0 }).score <
      reviewPriority({ confidence: 0.4, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 0 }).score,
  );
  assert.equal(
    reviewReason({ confidence: 0.42, groupSize: 37, reviewedInGroup: 0, openCriticalHigh: 3, evidence: { type: 'catalog', name: 'checkout-api' } }),
    'confidence 0.42; 37 resources rest on the same evidence (service catalog entry `checkout-api`); 3 open critical/high findings',
  );
  assert.equal(
    reviewReason({ confidence: 0.5, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 1, evidence: { type: 'owner_tag', name: 'team:x' } }),
    'confidence 0.50; it alone rests on its evidence (owner tag `team:x`); 1 open critical/high finding',
  );
});

test("a group's reach falls with the square of its reviews: a taught group gives way to a fresh one a quarter its size", () => {
  const reach = (groupSize: number, reviewedInGroup: number) =>
    reviewPriority({ confidence: 0.5, groupSize, reviewedInGroup, openCriticalHigh: 0 }).parts.reach;
  assert.deepEqual(
    [0, 1, 2, 3].map((k) => reach(48, k)),
    [48, 12, 48 / 9, 3],
  );
  const taught = reviewPriority({ confidence: 0.5, groupSize: 100, reviewedInGroup: 1, openCriticalHigh: 0 }).score;
  const fresh = reviewPriority({ confidence: 0.5, groupSize: 30, reviewedInGroup: 0, openCriticalHigh: 0 }).score;
  assert.ok(fresh > taught, `${fresh} > ${taught}`);
});

test('confidence outside 0..1 is clamped; an unknown answer is fully uncertain', () => {
  assert.equal(reviewPriority({ confidence: 1.2, groupSize: 3, reviewedInGroup: 0, openCriticalHigh: 0 }).score, 0);
  assert.equal(reviewPriority({ confidence: -1, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 0 }).parts.uncertainty, 1);
  assert.equal(reviewPriority({ confidence: 0.9, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 2, unknown: true }).score, 3);
  assert.equal(reviewReason({ confidence: 0, groupSize: 1, reviewedInGroup: 0, openCriticalHigh: 0, unknown: true }), 'no owner inferred');
  assert.equal(
    reviewReason({ confidence: 0.8, groupSize: 5, reviewedInGroup: 2, openCriticalHigh: 0, evidence: { type: 'creator', name: 'carol' } }),
    'confidence 0.80; 5 resources rest on the same evidence (CloudTrail creator `carol`), 2 already reviewed',
  );
});

test('a user answer resting on other than an owner tag teaches no other answer: its reason says so, not its group', () => {
  assert.equal(reviewMovesGroup('user', 'owner_tag'), true);
  for (const kind of ['creator', 'modifier', 'ci_codeowners', 'iac_codeowners']) assert.equal(reviewMovesGroup('user', kind), false, kind);
  for (const type of ['team', 'service'] as const) assert.equal(reviewMovesGroup(type, 'creator'), true, type);
  assert.equal(
    reviewReason({
      confidence: 0.7,
      groupSize: 1,
      reviewedInGroup: 0,
      openCriticalHigh: 0,
      ownerType: 'user',
      evidence: { type: 'creator', name: 'carol' },
    }),
    'confidence 0.70; its review moves no other answer (CloudTrail creator `carol`)',
  );
  assert.equal(
    reviewReason({
      confidence: 0.7,
      groupSize: 4,
      reviewedInGroup: 0,
      openCriticalHigh: 0,
      ownerType: 'team',
      evidence: { type: 'creator', name: 'carol' },
    }),
    'confidence 0.70; 4 resources rest on the same evidence (CloudTrail creator `carol`)',
  );
});
