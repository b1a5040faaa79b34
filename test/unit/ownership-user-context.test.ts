import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights } from '../../src/ownership/calibration.js';
import {
  classPrior,
  DEPARTED_OWNER_PRIOR_MEAN,
  learnsFromPiece,
  markOutsideTeam,
  OUTSIDE_TEAM_FACTOR,
  pieceOf,
  reweighVotes,
  voteClassOf,
} from '../../src/ownership/vote-reliability.js';
import type { Vote } from '../../src/ownership/signal-kinds/kind.js';
import { reviewerShare } from '../../src/ownership/signal-kinds/codeowners.js';
import { bucketEvidence, paymentsCodeowners } from '../helpers/ownership-evidence.js';

const mean = (b: { alpha: number; beta: number }) => b.alpha / (b.alpha + b.beta);

// Two active people, each in one team of their own.
const PEOPLE = { alice: 'payments', carol: 'search' };

const evidence = (tags: string[], extra: Partial<ResourceEvidence> = {}) => bucketEvidence(tags, extra, PEOPLE);

const userAnswer = (ev: ResourceEvidence) => infer(ev, DEFAULT_ENGINE_SETTINGS, defaultWeights())[1]!;

test('an owner tag naming someone outside the team answer is a class of its own and counts less', () => {
  // Two team tags outvote the tagged person's own team, so the team answer is `payments` both times.
  const inside = userAnswer(evidence(['team:payments', 'dd-team:payments', 'owner:alice@x.com']));
  const outside = userAnswer(evidence(['team:payments', 'dd-team:payments', 'owner:carol@x.com']));
  assert.equal(inside.owner_handle, 'alice');
  assert.equal(outside.owner_handle, 'carol');
  assert.deepEqual(
    inside.votes.map((v) => v.vote_class ?? v.kind),
    ['owner_tag'],
  );
  assert.deepEqual(
    outside.votes.map((v) => v.vote_class ?? v.kind),
    ['owner_tag:outside'],
  );
  assert.ok(Math.abs(outside.confidence - inside.confidence * OUTSIDE_TEAM_FACTOR) < 1e-3, `${outside.confidence} vs ${inside.confidence}`);
});

test('owner tags, creators and modifiers of people the directory knows are weighed against the team answer', () => {
  const vote = (kind: Vote['kind'], member_of?: string[]): Vote => ({
    owner_type: 'user',
    handle: 'carol',
    kind,
    reliability: 0.9,
    evidence: { source: 'cloudtrail', id: 'e1', version: 1 },
    detail: {},
    ...(member_of ? { member_of } : {}),
  });
  const [tag, creator, modifier, ciOwner, unknown] = markOutsideTeam(
    [vote('owner_tag', ['search']), vote('creator', ['search']), vote('modifier', ['search']), vote('ci_codeowners', ['search']), vote('owner_tag')],
    ['Payments'],
  );
  assert.equal(tag!.outside_team, true);
  assert.equal(voteClassOf(tag!), 'owner_tag:outside');
  assert.equal(voteClassOf(creator!), 'creator:outside');
  assert.equal(voteClassOf(modifier!), 'modifier:outside');
  assert.ok(Math.abs(creator!.reliability - 0.9 * OUTSIDE_TEAM_FACTOR) < 1e-9, 'weakened as its class prior says');
  assert.equal(ciOwner!.outside_team, undefined, 'a CODEOWNERS person is not weighed so');
  assert.equal(unknown!.outside_team, undefined, 'nobody to compare with the team answer');
  assert.equal(markOutsideTeam([vote('creator', ['payments'])], ['payments'])[0]!.outside_team, undefined, 'a creator inside the team');
  assert.equal(markOutsideTeam([vote('owner_tag', ['payments'])], ['PAYMENTS'])[0]!.outside_team, undefined, 'compared without case');
  assert.equal(markOutsideTeam([vote('owner_tag', ['search'])], [])[0]!.outside_team, undefined, 'no team answer, nothing to weigh');
  assert.equal(markOutsideTeam([vote('owner_tag', ['search'])], ['payments', 'search'])[0]!.outside_team, undefined, 'a co-owner');
  const prior = classPrior('owner_tag:outside');
  assert.ok(Math.abs(mean(prior) - mean(classPrior('owner_tag')) * OUTSIDE_TEAM_FACTOR) < 1e-9);
  assert.ok(Math.abs(mean(classPrior('creator:outside')) - mean(classPrior('creator')) * OUTSIDE_TEAM_FACTOR) < 1e-9);
});

test('for the user type, a CODEOWNERS person counts one team member in people-per-team, in the engine and in the prior', () => {
  assert.equal(reviewerShare({ team: 10, user: 50 }), 0.2);
  assert.equal(reviewerShare(undefined), 1);
  assert.equal(reviewerShare({ team: 10, user: 5 }), 1, 'never more than the kind itself');
  const context = { type: 'user' as const, population: { team: 10, user: 50 } };
  assert.ok(Math.abs(mean(classPrior('iac_codeowners', context)) - mean(classPrior('iac_codeowners')) * 0.2) < 1e-9);
  assert.equal(mean(classPrior('iac_codeowners', { ...context, type: 'team' })), mean(classPrior('iac_codeowners')), 'the team type keeps its prior');
  const codeowners = paymentsCodeowners(['@org/payments', 'alice@x.com']);
  const user = userAnswer(evidence([], { codeowners: [codeowners] }));
  assert.equal(user.owner_handle, 'alice');
  assert.ok(Math.abs(user.confidence - 0.8 * 0.2) < 1e-3, `${user.confidence}`);
});

test('for the user type, a person who has left is all but never the owner; the team type keeps the weakened prior', () => {
  assert.equal(mean(classPrior('creator:left', { type: 'user' })), DEPARTED_OWNER_PRIOR_MEAN);
  assert.equal(mean(classPrior('owner_tag:outside:left', { type: 'user' })), DEPARTED_OWNER_PRIOR_MEAN);
  const strength = (b: { alpha: number; beta: number }) => b.alpha + b.beta;
  assert.equal(strength(classPrior('creator:left', { type: 'user' })), strength(classPrior('creator')));
  assert.ok(
    Math.abs(
      mean(classPrior('creator_membership:left', { type: 'team' })) -
        mean(classPrior('creator_membership')) * DEFAULT_ENGINE_SETTINGS.inactive_user_factor,
    ) < 1e-9,
  );
});

test("for the user type only an owner tag's piece learns from its own reviews; a principal's reviews teach its class", () => {
  const vote = (owner_type: Vote['owner_type'], kind: Vote['kind'], detail: Vote['detail']): Vote => ({
    owner_type,
    handle: 'alice',
    kind,
    reliability: 0.7,
    evidence: { source: 'cloudtrail', id: 'e1', version: 1 },
    detail,
  });
  const creator = vote('user', 'creator', { principal: 'alice' });
  const tag = vote('user', 'owner_tag', { tag: 'owner:alice@x.com' });
  const membership = { ...vote('team', 'creator_membership', { principal: 'alice', via_user: 'alice' }), handle: 'payments' };
  assert.deepEqual([creator, tag, membership].map(learnsFromPiece), [false, true, true]);
  const labels = [creator, tag, membership].map((v) => ({ owner_type: v.owner_type, piece: pieceOf(v), handle: v.handle, right: 0, wrong: 3 }));
  const [c, t, m] = reweighVotes([creator, tag, membership], {}, labels);
  assert.equal(c!.reliability, 0.7, 'a creator owns some of what they made and not the rest');
  assert.ok(t!.reliability < 0.4, `${t!.reliability}`);
  assert.ok(m!.reliability < 0.4, `${m!.reliability}`);
});
