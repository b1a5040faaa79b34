// evaluateFindings (pure): a rule that cannot judge gives a gap, not a state; what changes against the previous states
// and gaps is all it returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFindings, type EvaluationInput, type RuleForEvaluation } from '../../src/posture/evaluate-findings.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import type { Verdict } from '../../src/posture/rule-engine.js';
import { findingId } from '../../src/posture/finding-identity.js';

const RULE: RuleForEvaluation = { id: 'abc-def-ghi', name: 'flag is on', severity: 'high', vulnerability_type: 'misconfiguration', tags: [] };
const ID = 'arn:aws:s3:::b';
const resource = (configuration: Record<string, unknown>, deleted = false): ResourceRecord => ({
  resource_id: ID,
  resource_type: 'aws_s3_bucket',
  name: 'b',
  cloud_provider: 'aws',
  account: '111122223333',
  region: 'us-east-1',
  tags: [],
  configuration,
  observed_at: 1_000,
  ...(deleted ? { deleted: true } : {}),
});
// The rule reads `flag`; without it, it cannot judge.
const evaluate = (_rule: RuleForEvaluation, c: Record<string, unknown>): Verdict =>
  'flag' in c ? (c.flag === true ? 'pass' : 'fail') : { not_evaluated: ['flag'] };
const run = (configuration: Record<string, unknown>, previous: Partial<EvaluationInput> = {}, deleted = false) =>
  evaluateFindings({
    resource: resource(configuration, deleted),
    source: 'api',
    discoveredAt: 500,
    autoTeamTag: null,
    rules: [RULE],
    evaluate,
    previous: [],
    ...previous,
  });

test('a missing deciding field closes the open state with no successor and opens a gap', () => {
  const judged = run({ flag: false });
  assert.equal(judged.open.length, 1);
  assert.deepEqual(judged.openGaps, []);
  const lost = run({}, { previous: judged.open });
  assert.deepEqual(lost.open, []);
  assert.deepEqual(lost.close, [findingId(ID, RULE.id)]);
  assert.deepEqual(lost.openGaps, [{ resource_id: ID, rule_id: RULE.id, resource_type: 'aws_s3_bucket', missing_fields: ['flag'], source: 'api' }]);
  // The same gap again changes nothing; a different source reopens it.
  assert.deepEqual(run({}, { previousGaps: lost.openGaps }), { open: [], close: [], openGaps: [], closeGaps: [] });
  const other = evaluateFindings({
    ...{ resource: resource({}), discoveredAt: 500, autoTeamTag: null, rules: [RULE], evaluate, previous: [] },
    source: 'import:resources',
    previousGaps: lost.openGaps,
  });
  assert.deepEqual(other.closeGaps, [{ resource_id: ID, rule_id: RULE.id }]);
  assert.equal(other.openGaps[0]!.source, 'import:resources');
});

test('the data coming back closes the gap and opens a state with the mute of the last one', () => {
  const gap = run({}).openGaps;
  const lastClosed = { ...run({ flag: false }).open[0]!, muted: true, mute: { muted: true, reason: 'OTHER' } };
  const back = run({ flag: false }, { previousGaps: gap, lastClosed: [lastClosed] });
  assert.deepEqual(back.closeGaps, [{ resource_id: ID, rule_id: RULE.id }]);
  assert.equal(back.open.length, 1);
  assert.equal(back.open[0]!.muted, true);
  assert.deepEqual(back.open[0]!.mute, { muted: true, reason: 'OTHER' });
});

test("deletion, or the rule leaving the pack, closes the resource's gaps", () => {
  const gap = run({}).openGaps;
  assert.deepEqual(run({}, { previousGaps: gap }, true).closeGaps, [{ resource_id: ID, rule_id: RULE.id }]);
  assert.deepEqual(run({}, { previousGaps: gap, rules: [] }).closeGaps, [{ resource_id: ID, rule_id: RULE.id }]);
});
