// A user creator outside the team answer owns the resource only where that answer is wrong: the organization's own
// team answers say how often that is, and the class's label-free rate is raised to it, never lowered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitOrganization, type OrgVotes } from '../../src/ownership/org-model-fit.js';
import { OUTSIDE_SHARE_WORTH, outsideCreatorDoubt, withOutsideCreatorRateFromTeams } from '../../src/ownership/creator-rate-from-structure.js';
import { learntReliability } from '../../src/ownership/vote-reliability.js';
import type { LabelModelItem } from '../../src/ownership/label-model.js';
import { betaMean as mean } from '../../src/ownership/beta.js';
import type { SourceVote } from '../../src/ownership/evidence.js';

const population = { team: 20, user: 100, service: 50 };
const id = (i: number) => `r${String(i).padStart(5, '0')}`;
const vote = (vote_class: string, owner_handle: string) => ({ kind: vote_class.split(':')[0], vote_class, owner_handle }) as SourceVote;
const item = (...classes: string[]): LabelModelItem => ({ population: 9, votes: classes.map((c, i) => ({ vote_class: c, handle: `p${i}` })) });

test('the doubt is the mean over resources with a creator outside the team answer, those without a team answer aside', () => {
  const items = [item('creator:outside'), item('creator'), item('creator:outside', 'modifier'), item('creator:outside'), item('modifier')];
  assert.deepEqual(outsideCreatorDoubt(items, [0.1, 0.9, 0.3, undefined, 0.9]), { doubt: 0.2, votes: 2 });
  assert.deepEqual(outsideCreatorDoubt(items, []), { doubt: 0, votes: 0 });
});

test('the outside class is raised to the doubt times the creator rate, weighed by what each is worth, and never lowered', () => {
  const items = [item('creator:outside'), item('creator:outside'), item('creator')];
  const classes = { creator: { alpha: 8, beta: 2 }, 'creator:outside': { alpha: 1, beta: 9 }, modifier: { alpha: 2, beta: 8 } };
  // Doubt 0.5 and a creator right 0.8 of the time: 0.4, where agreement says 0.1.
  const alone = withOutsideCreatorRateFromTeams({ classes, information: {} }, items, [0.4, 0.6, 0.9]);
  assert.ok(Math.abs(mean(alone.classes['creator:outside']!) - 0.4) < 1e-9, 'agreement worth nothing: the estimate');
  assert.equal(alone.information['creator:outside'], OUTSIDE_SHARE_WORTH);
  const even = withOutsideCreatorRateFromTeams({ classes, information: { 'creator:outside': OUTSIDE_SHARE_WORTH } }, items, [0.5, 0.5]);
  assert.ok(Math.abs(mean(even.classes['creator:outside']!) - 0.25) < 1e-9, 'worth as much: halfway');
  assert.equal(even.classes['creator:outside']!.alpha + even.classes['creator:outside']!.beta, 10, 'its strength kept');
  assert.deepEqual(even.classes.creator, classes.creator);
  assert.deepEqual(even.classes.modifier, classes.modifier);
  // Sure team answers: the estimate (0.04) is below the fit, which stands.
  const sure = { classes, information: { 'creator:outside': 2 } };
  assert.deepEqual(withOutsideCreatorRateFromTeams(sure, items, [0.05, 0.05]), sure);
  assert.deepEqual(withOutsideCreatorRateFromTeams(sure, items, []), sure, 'no team answer: nothing to go by');
  const noCreator = { classes: { 'creator:outside': classes['creator:outside'] }, information: {} };
  assert.deepEqual(withOutsideCreatorRateFromTeams(noCreator, items, [0.5, 0.5]), noCreator, 'no creator rate');
});

/**
 * 1,000 resources: each a team answer and a user creator, a fifth of them outside it. `doubtful`: the team answer
 * rests on a lone modifier (the fit takes it right a fifth of the time, its prior); else on three sources agreeing.
 */
function organization(doubtful: boolean): OrgVotes[] {
  return Array.from({ length: 1000 }, (_, i): OrgVotes[] => {
    const team = `t${i % 10}`;
    const teamVotes = doubtful ? [vote('modifier', team)] : [vote('owner_tag', team), vote('creator', team), vote('iac_codeowners', team)];
    return [
      { resource_id: id(i), owner_type: 'team', votes: teamVotes },
      { resource_id: id(i), owner_type: 'user', votes: [vote(i < 200 ? 'creator:outside' : 'creator', `p${i % 50}`)] },
    ];
  }).flat();
}

test('a creator outside doubtful team answers is taken for the owner more often than one outside sure answers', () => {
  const outsideRate = (votes: OrgVotes[]) => learntReliability(fitOrganization(votes, [], population).learnt, 'user', 'creator:outside')!;
  const sure = outsideRate(organization(false));
  const doubtful = outsideRate(organization(true));
  const noTeams = outsideRate(organization(false).filter((v) => v.owner_type === 'user'));
  assert.equal(sure, noTeams, 'sure team answers leave the class as agreement and its prior fit it');
  assert.ok(doubtful > sure + 0.3, `outside doubtful answers ${doubtful}, outside sure ones ${sure}`);
  // Team answers wrong 0.8 of the time, a creator right 0.8 of the time (one minus the outside share): 0.64.
  const modifier = learntReliability(fitOrganization(organization(true), [], population).learnt, 'team', 'modifier')!;
  assert.ok(Math.abs(modifier - 0.2) < 0.01, `team modifier ${modifier}`);
  assert.ok(Math.abs(doubtful - 0.64) < 0.01, `${doubtful}`);
});
