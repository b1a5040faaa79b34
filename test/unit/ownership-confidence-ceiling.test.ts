import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights, type SignalWeights } from '../../src/ownership/calibration.js';
import { bandOf, HIGH_ABOVE } from '../../src/ownership/confidence-bands.js';
import { CEILING_NOTE, confidenceCeiling } from '../../src/ownership/confidence-ceiling.js';
import { AT, bucketEvidence, meta } from '../helpers/ownership-evidence.js';

const event = (id: string, action: 'create' | 'modify', user: string) => ({
  ...meta('cloudtrail', id),
  id,
  action,
  event_time: AT,
  principal: { kind: 'IAMUser', name: user, automation: false },
  user,
});

const evidence = (tags: string[], audit: ReturnType<typeof event>[]): ResourceEvidence => bucketEvidence(tags, { audit });

/** An organization whose fit found its creators and modifiers right nearly always. */
const trusting: SignalWeights = {
  ...defaultWeights(),
  learnt: { fitted: { user: { creator: { alpha: 97, beta: 3 }, modifier: { alpha: 97, beta: 3 }, owner_tag: { alpha: 95, beta: 5 } } } },
};
const user = (ev: ResourceEvidence, weights = trusting) => infer(ev, DEFAULT_ENGINE_SETTINGS, weights)[1]!;

test('a user answer resting on CloudTrail principals alone is held at the top of the medium band', () => {
  assert.equal(confidenceCeiling('user', [{ kind: 'creator' }]), HIGH_ABOVE);
  assert.equal(confidenceCeiling('user', [{ kind: 'creator' }, { kind: 'modifier' }]), HIGH_ABOVE);
  assert.equal(confidenceCeiling('user', [{ kind: 'modifier' }]), HIGH_ABOVE);
  assert.equal(confidenceCeiling('user', [{ kind: 'creator' }, { kind: 'owner_tag' }]), 1, 'another source lifts it');
  assert.equal(confidenceCeiling('team', [{ kind: 'creator' }]), 1, "a user's kinds hold only a user answer");
  assert.equal(confidenceCeiling('user', []), 1);

  const created = user(evidence(['team:payments'], [event('e1', 'create', 'alice')]));
  assert.equal(created.owner_handle, 'alice');
  assert.equal(created.confidence, HIGH_ABOVE, 'fitted at 0.97, held at 0.85');
  assert.equal(bandOf(created.confidence), 'medium');
  assert.ok(created.explanation.includes(CEILING_NOTE), created.explanation);

  const createdAndChanged = user(evidence(['team:payments'], [event('e1', 'create', 'alice'), event('e2', 'modify', 'alice')]));
  assert.equal(createdAndChanged.confidence, HIGH_ABOVE);
});

test('the ceiling leaves lower answers, other sources and other owner types as they are', () => {
  const priorsOnly = user(evidence(['team:payments'], [event('e1', 'create', 'alice')]), defaultWeights());
  assert.ok(priorsOnly.confidence < HIGH_ABOVE, `${priorsOnly.confidence}`);
  assert.ok(!priorsOnly.explanation.includes(CEILING_NOTE), 'nothing was held, so nothing is said');

  const tagged = user(evidence(['team:payments', 'owner:alice@x.com'], [event('e1', 'create', 'alice')]));
  assert.equal(tagged.owner_handle, 'alice');
  assert.ok(tagged.confidence > HIGH_ABOVE, `${tagged.confidence}: a tag naming the same person lifts it`);
  assert.ok(!tagged.explanation.includes(CEILING_NOTE));

  const [team] = infer(evidence(['team:payments'], [event('e1', 'create', 'alice')]), DEFAULT_ENGINE_SETTINGS, trusting);
  assert.equal(team!.owner_handle, 'payments');
  assert.ok(!team!.explanation.includes(CEILING_NOTE));
});
