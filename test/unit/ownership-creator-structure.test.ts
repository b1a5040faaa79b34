// A user creator's rate where agreement cannot teach it: the organization's own share of creators outside the team
// answer says how often people build what they do not own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitOrganization } from '../../src/ownership/org-model-fit.js';
import { outsideCreatorShare, OUTSIDE_SHARE_WORTH, withCreatorRateFromStructure } from '../../src/ownership/creator-rate-from-structure.js';
import { learntReliability } from '../../src/ownership/vote-reliability.js';
import type { LabelModelItem } from '../../src/ownership/label-model.js';
import { betaMean as mean } from '../../src/ownership/beta.js';
import type { SourceVote } from '../../src/ownership/evidence.js';
import { correctionsOf } from '../helpers/ownership-evidence.js';

const population = { team: 20, user: 100, service: 50 };
const id = (i: number) => `r${String(i).padStart(5, '0')}`;
const vote = (vote_class: string, owner_handle: string) => ({ kind: vote_class.split(':')[0], vote_class, owner_handle }) as SourceVote;

/** 1,000 resources each with one creator vote, `outside` of them naming someone outside the team answer. */
function loneCreators(outside: number, type: 'user' | 'team' = 'user') {
  return Array.from({ length: 1000 }, (_, i) => ({
    resource_id: id(i),
    owner_type: type,
    votes: [vote(i < outside ? 'creator:outside' : 'creator', `p${i % 50}`)],
  }));
}

test('the outside share counts creator votes outside the team answer among all creator votes, people who left aside', () => {
  const items: LabelModelItem[] = [
    { population: 9, votes: [{ vote_class: 'creator', handle: 'a' }] },
    {
      population: 9,
      votes: [
        { vote_class: 'creator:outside', handle: 'b' },
        { vote_class: 'modifier', handle: 'c' },
      ],
    },
    {
      population: 9,
      votes: [
        { vote_class: 'creator:left', handle: 'd' },
        { vote_class: 'creator:outside:left', handle: 'e' },
      ],
    },
    { population: 9, votes: [{ vote_class: 'creator', handle: 'f' }] },
  ];
  assert.deepEqual(outsideCreatorShare(items), { share: 1 / 3, votes: 3 });
  assert.deepEqual(outsideCreatorShare([]), { share: 0, votes: 0 });
});

test('where creators stand alone, the fit learns nothing of them and their rate follows the outside share', () => {
  // A fifth of creators build outside the team answer: a creator inside it is taken as the owner 4 times in 5.
  const fitted = learntReliability(fitOrganization(loneCreators(200), [], population).learnt, 'user', 'creator')!;
  assert.ok(Math.abs(fitted - 0.8) < 0.01, `${fitted}`);
  // Where half build for others, half.
  const platform = learntReliability(fitOrganization(loneCreators(500), [], population).learnt, 'user', 'creator')!;
  assert.ok(Math.abs(platform - 0.5) < 0.01, `${platform}`);
  // For teams a creator names their own team, whatever they built: the share says nothing of it.
  const team = learntReliability(fitOrganization(loneCreators(200, 'team'), [], population).learnt, 'team', 'creator')!;
  assert.ok(Math.abs(team - 0.5) < 1e-6, `team: ${team}`);
});

test('the fit and the share are weighed by what each is worth in labels, and the class keeps its strength', () => {
  const classes = { creator: { alpha: 9, beta: 1 }, modifier: { alpha: 2, beta: 8 } };
  const items: LabelModelItem[] = [
    ...Array.from({ length: 3 }, () => ({ population: 9, votes: [{ vote_class: 'creator', handle: 'a' }] })),
    { population: 9, votes: [{ vote_class: 'creator:outside', handle: 'b' }] },
  ];
  // Share 0.25: alone the share says 0.75; the fit says 0.9.
  const unknown = withCreatorRateFromStructure({ classes, information: {} }, items);
  assert.ok(Math.abs(mean(unknown.classes.creator!) - 0.75) < 1e-9, 'agreement worth nothing: the share');
  assert.equal(unknown.information.creator, OUTSIDE_SHARE_WORTH, 'worth what the share is');
  const even = withCreatorRateFromStructure({ classes, information: { creator: OUTSIDE_SHARE_WORTH, modifier: 7 } }, items);
  assert.ok(Math.abs(mean(even.classes.creator!) - 0.825) < 1e-9, 'worth as much as the share: halfway');
  assert.deepEqual(even.information, { creator: 2 * OUTSIDE_SHARE_WORTH, modifier: 7 }, 'the two worths together');
  const settled = withCreatorRateFromStructure({ classes, information: { creator: 100 * OUTSIDE_SHARE_WORTH } }, items);
  assert.ok(Math.abs(mean(settled.classes.creator!) - 0.9) < 0.002, 'agreement worth far more: the fit');
  assert.equal(even.classes.creator!.alpha + even.classes.creator!.beta, 10);
  assert.deepEqual(even.classes.modifier, classes.modifier, 'other classes as fitted');
  const noCreator = { classes: { modifier: classes.modifier }, information: {} };
  assert.deepEqual(withCreatorRateFromStructure(noCreator, items), noCreator, 'no creator class');
  const noVote = { classes, information: { creator: 3 } };
  assert.deepEqual(withCreatorRateFromStructure(noVote, []), noVote, 'no creator vote: nothing to go by, worth unchanged');
});

test('labels move the creator from the rate the service answered with before any review, as far as its agreement is worth', () => {
  // Half the inside creators also changed what they made: a modifier naming the same person gives the fit some agreement.
  const afterTenLabels = (outside: number) => {
    const votes = loneCreators(outside).map((v, i) =>
      i >= outside && i % 2 === 0 ? { ...v, votes: [...v.votes, vote('modifier', v.votes[0]!.owner_handle)] } : v,
    );
    const confirmed = votes.slice(outside, outside + 10).map((v) => ({
      resource_id: v.resource_id,
      label: { action: 'confirm' as const, owner_type: 'user' as const, inferred_owner: v.votes[0]!.owner_handle, sources: v.votes },
    }));
    return learntReliability(fitOrganization(votes, confirmed, population).learnt, 'user', 'creator')!;
  };
  const few = afterTenLabels(200);
  const many = afterTenLabels(500);
  assert.ok(few - many > 0.05, `after ten labels: ${few} where a fifth build outside, ${many} where half do`);
});

test('labels outweigh the structural rate only as far as they outnumber what it is worth', () => {
  // Creators stand alone, so agreement teaches nothing of them: their rate before review is the structure's 0.8, worth
  // OUTSIDE_SHARE_WORTH labels. Ten reviews then find inside creators wrong (each corrected to someone else).
  const votes = loneCreators(200);
  const corrected = correctionsOf(votes.slice(200, 210), (v) => v.votes[0]!.owner_handle, 'someone-else');
  const before = learntReliability(fitOrganization(votes, [], population).learnt, 'user', 'creator')!;
  const after = learntReliability(fitOrganization(votes, corrected, population).learnt, 'user', 'creator')!;
  // Ten labels against twenty-five: the rate falls, but less than half the way to what ten wrong answers alone say.
  assert.ok(after < before - 0.05, `ten wrong answers lower the rate: ${before} -> ${after}`);
  assert.ok(after > before - (10 / (10 + OUTSIDE_SHARE_WORTH)) * before - 0.01, `and by no more than their share: ${before} -> ${after}`);
  assert.ok(after > 0.5, `${after}`);
});
