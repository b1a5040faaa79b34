import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights, type SignalWeights } from '../../src/ownership/calibration.js';
import { classPrior, SHARED_MEMBERSHIP_FACTOR } from '../../src/ownership/vote-reliability.js';
import { fitOrganization, type OrgVotes } from '../../src/ownership/org-model-fit.js';
import { bandOf, HIGH_ABOVE } from '../../src/ownership/confidence-bands.js';
import { CEILING_NOTE, TEAM_CEILING_NOTE, confidenceCeiling } from '../../src/ownership/confidence-ceiling.js';
import { betaMean as mean } from '../../src/ownership/beta.js';
import { AT, bucketEvidence, meta } from '../helpers/ownership-evidence.js';

/** A bucket `creator` created, in a directory where alice is in `payments` alone and bob in `payments` and `search`. */
function createdBy(creator: string, tags: string[] = []): ResourceEvidence {
  const ev = bucketEvidence(
    tags,
    {
      audit: [
        {
          ...meta('cloudtrail', 'e1'),
          id: 'e1',
          action: 'create',
          event_time: AT,
          principal: { kind: 'IAMUser', name: creator, automation: false },
          user: creator,
        },
      ],
    },
    { alice: 'payments', bob: 'payments', carol: 'search' },
  );
  const users = (ev.directory!.users ?? []).map((u) => (u.handle === 'bob' ? { ...u, teams: ['payments', 'search'] } : u));
  return { ...ev, directory: { ...ev.directory!, users } };
}

const team = (ev: ResourceEvidence, weights: SignalWeights = defaultWeights()) => infer(ev, DEFAULT_ENGINE_SETTINGS, weights)[0]!;

test('a membership through a person in several teams is a class of its own, with half its kind prior, and says so', () => {
  const single = team(createdBy('alice'));
  assert.equal(single.owner_handle, 'payments');
  assert.deepEqual(
    single.votes.map((v) => v.vote_class ?? v.kind),
    ['creator_membership'],
  );
  assert.doesNotMatch(single.explanation, /other teams too/);

  const shared = team(createdBy('bob'));
  assert.deepEqual(
    shared.votes.map((v) => `${v.owner_handle} ${v.vote_class}`),
    ['payments creator_membership:shared', 'search creator_membership:shared'],
    'each of his teams is named, in the class of its own',
  );
  assert.match(shared.explanation, /`bob` is a member, and `bob` is in other teams too/, shared.explanation);
  assert.ok(shared.confidence < single.confidence, `${shared.confidence} against ${single.confidence}`);

  assert.ok(Math.abs(mean(classPrior('creator_membership:shared')) - mean(classPrior('creator_membership')) * SHARED_MEMBERSHIP_FACTOR) < 1e-9);
  assert.ok(
    Math.abs(mean(classPrior('modifier_membership:shared:left')) - mean(classPrior('modifier_membership:left')) * SHARED_MEMBERSHIP_FACTOR) < 1e-9,
  );
  const { alpha, beta } = classPrior('creator_membership:shared');
  const kind = classPrior('creator_membership');
  assert.equal(alpha + beta, kind.alpha + kind.beta, 'worth as many labels');
});

test('the user votes of a person in several teams are not marked: the class is for the teams they name', () => {
  const user = infer(createdBy('bob'), DEFAULT_ENGINE_SETTINGS, defaultWeights())[1]!;
  assert.equal(user.owner_handle, 'bob');
  assert.deepEqual(
    user.votes.map((v) => v.vote_class ?? v.kind),
    ['creator'],
  );
});

test("the organization's fit learns the shared class's rate apart from the single-team one's", () => {
  // 200 resources, a team tag naming the right team (t1) on each: on half, a single-team creator's membership names t1
  // 4 times in 5 (t3 otherwise); on the other half, a shared creator's memberships name t1 and t2, right half the time.
  const votes: OrgVotes[] = [];
  for (let i = 0; i < 200; i++) {
    const right = i % 10 !== 0; // of the even i, one in five is a multiple of ten
    const own = { kind: 'creator_membership' as const, owner_handle: right ? 't1' : 't3', piece: `cloudtrail|p${i}` };
    const tag = { kind: 'owner_tag' as const, owner_handle: 't1', piece: `owner_tag|team:t1|${i}` };
    const sharedVotes = ['t1', 't2'].map((h) => ({
      kind: 'creator_membership' as const,
      owner_handle: h,
      piece: `cloudtrail|q${i}`,
      vote_class: 'creator_membership:shared',
    }));
    votes.push({ resource_id: `r${i}`, owner_type: 'team', votes: i % 2 === 0 ? [own, tag] : [...sharedVotes, tag] });
  }
  const fit = fitOrganization(votes, [], { team: 20, user: 100, service: 20 });
  const fitted = fit.learnt.fitted!.team!;
  const single = mean(fitted['creator_membership']!);
  const shared = mean(fitted['creator_membership:shared']!);
  // Each near its rate; in one class both would sit near 0.6 (180 of 300 votes right).
  assert.ok(Math.abs(single - 0.8) < 0.05, `single-team ${single}`);
  assert.ok(Math.abs(shared - 0.5) < 0.05, `shared ${shared}`);
});

test('a team answer resting on CloudTrail memberships alone is held at the top of the medium band; another source lifts it', () => {
  assert.equal(confidenceCeiling('team', [{ kind: 'creator_membership' }]), HIGH_ABOVE);
  assert.equal(confidenceCeiling('team', [{ kind: 'creator_membership' }, { kind: 'modifier_membership' }]), HIGH_ABOVE);
  assert.equal(confidenceCeiling('team', [{ kind: 'creator_membership' }, { kind: 'owner_tag' }]), 1);
  assert.equal(confidenceCeiling('team', [{ kind: 'creator' }]), 1, "a user's kinds do not hold a team answer");
  assert.equal(confidenceCeiling('service', [{ kind: 'creator_membership' }]), 1);

  // An organization whose fit found its creators' teams right nearly always.
  const trusting: SignalWeights = {
    ...defaultWeights(),
    learnt: { fitted: { team: { creator_membership: { alpha: 99, beta: 1 }, owner_tag: { alpha: 95, beta: 5 } } } },
  };
  const held = team(createdBy('alice'), trusting);
  assert.equal(held.owner_handle, 'payments');
  assert.equal(held.confidence, HIGH_ABOVE, 'fitted at 0.99, held at 0.85');
  assert.equal(bandOf(held.confidence), 'medium');
  assert.ok(held.explanation.includes(TEAM_CEILING_NOTE), held.explanation);
  assert.ok(!held.explanation.includes(CEILING_NOTE), 'the team answer says why in its own words');

  const tagged = team(createdBy('alice', ['team:payments']), trusting);
  assert.ok(tagged.confidence > HIGH_ABOVE, `${tagged.confidence}`);
  assert.ok(!tagged.explanation.includes(TEAM_CEILING_NOTE));
});
