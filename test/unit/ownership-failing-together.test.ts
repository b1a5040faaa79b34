import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLikelihoodRatio, scoreCandidates, USER_KINDS_FAILING_TOGETHER } from '../../src/ownership/engine-combination.js';
import { answerOf, fitLabelModel, fittedReliability, type LabelModelItem } from '../../src/ownership/label-model.js';
import type { Vote } from '../../src/ownership/signal-kinds/kind.js';
import { prng } from '../../bench/lib/prng.js';

const vote = (owner_type: Vote['owner_type'], kind: Vote['kind'], handle: string, reliability: number): Vote => ({
  owner_type,
  handle,
  kind,
  reliability,
  evidence: { source: 'test', id: `${kind}:${handle}`, version: 1 },
  detail: {},
});

const N = 50;
/** The posterior of one candidate named by votes of these reliabilities that multiply, with nobody else named. */
const multiplied = (...rs: number[]) => {
  const w = Math.exp(rs.reduce((s, r) => s + logLikelihoodRatio(r, N), 0));
  return w / (w + N - 1);
};

test('for the user type, a modifier and a CODEOWNERS person naming one person count once, their strongest', () => {
  assert.deepEqual([...USER_KINDS_FAILING_TOGETHER].sort(), ['ci_codeowners', 'iac_codeowners', 'modifier']);
  const [alice] = scoreCandidates([vote('user', 'modifier', 'alice', 0.3), vote('user', 'iac_codeowners', 'alice', 0.4)], 'user', N);
  assert.ok(Math.abs(alice!.posterior - 0.4) < 1e-9, `counted once: ${alice!.posterior}`);
  // Both are still shown as what named the person.
  assert.deepEqual(alice!.votes.map((v) => v.kind).sort(), ['iac_codeowners', 'modifier']);

  // A creator is a witness of its own: it multiplies with either.
  const [bob] = scoreCandidates(
    [vote('user', 'creator', 'bob', 0.5), vote('user', 'modifier', 'bob', 0.3), vote('user', 'iac_codeowners', 'bob', 0.4)],
    'user',
    N,
  );
  assert.ok(Math.abs(bob!.posterior - multiplied(0.5, 0.4)) < 1e-9, `creator and the strongest of the others: ${bob!.posterior}`);

  // For a team, the same kinds are independent routes to the team: they multiply.
  const [payments] = scoreCandidates([vote('team', 'ci_codeowners', 'payments', 0.7), vote('team', 'iac_codeowners', 'payments', 0.6)], 'team', N);
  assert.ok(Math.abs(payments!.posterior - multiplied(0.7, 0.6)) < 1e-9);
});

/**
 * Votes where two activity sources (`worker`, `reviewer`) are wrong together: when both are wrong, they name the same
 * wrong person half of the time (a teammate who reviews the code and applies it), as the benchmark's organizations show.
 */
function correlatedVotes(seed: number): LabelModelItem[] {
  const rnd = prng(seed);
  const owners = 40;
  const items: LabelModelItem[] = [];
  const someoneBut = (truth: string) => {
    let h: string;
    do h = `p${Math.floor(rnd() * owners)}`;
    while (h === truth);
    return h;
  };
  for (let i = 0; i < 8000; i++) {
    const truth = `p${Math.floor(rnd() * owners)}`;
    const votes: LabelModelItem['votes'] = [];
    if (rnd() < 0.6) votes.push({ vote_class: 'creator', handle: rnd() < 0.75 ? truth : someoneBut(truth) });
    if (rnd() < 0.3) votes.push({ vote_class: 'owner_tag', handle: rnd() < 0.9 ? truth : someoneBut(truth) });
    const worker = rnd() < 0.5 ? (rnd() < 0.15 ? truth : someoneBut(truth)) : undefined;
    if (worker !== undefined) votes.push({ vote_class: 'modifier', handle: worker });
    if (rnd() < 0.4) {
      const wrong = worker !== undefined && worker !== truth && rnd() < 0.5 ? worker : someoneBut(truth);
      votes.push({ vote_class: 'iac_codeowners', handle: rnd() < 0.25 ? truth : wrong });
    }
    items.push({ population: owners, votes });
  }
  return items;
}

test('the label model counts votes failing together as the engine does, and so is not fooled by their shared errors', () => {
  const items = correlatedVotes(5);
  const priors = {
    creator: { alpha: 5, beta: 5 },
    owner_tag: { alpha: 19, beta: 1 },
    modifier: { alpha: 3, beta: 7 },
    iac_codeowners: { alpha: 4, beta: 6 },
  };
  const naive = fittedReliability(fitLabelModel(items, priors).classes, { alpha: 5, beta: 5 });
  const together = fittedReliability(fitLabelModel(items, priors, { failingTogether: USER_KINDS_FAILING_TOGETHER }).classes, {
    alpha: 5,
    beta: 5,
  });
  const truth = { creator: 0.75, owner_tag: 0.9, modifier: 0.15, iac_codeowners: 0.25 };
  assert.ok(naive('creator') < truth.creator - 0.08, `counted as two, shared errors drag the creator down: ${naive('creator').toFixed(3)}`);
  const error = (r: (c: string) => number) => Object.entries(truth).reduce((s, [c, t]) => s + Math.abs(r(c) - t), 0);
  assert.ok(together('iac_codeowners') - truth.iac_codeowners < naive('iac_codeowners') - truth.iac_codeowners, 'shared errors inflate less');
  assert.ok(error(together) < error(naive), `summed error ${error(together).toFixed(3)} against ${error(naive).toFixed(3)}`);
  for (const [c, t] of Object.entries(truth)) assert.ok(Math.abs(together(c) - t) < 0.05, `${c}: fitted ${together(c).toFixed(3)}, true ${t}`);

  // answerOf combines as the fit does.
  const item: LabelModelItem = {
    population: N,
    votes: [
      { vote_class: 'modifier', handle: 'alice' },
      { vote_class: 'iac_codeowners', handle: 'alice' },
    ],
  };
  const r = (c: string) => ({ modifier: 0.3, iac_codeowners: 0.4 })[c] ?? 0.5;
  assert.ok(Math.abs(answerOf(item, r, {}, USER_KINDS_FAILING_TOGETHER)!.posterior - 0.4) < 1e-9);
  assert.ok(Math.abs(answerOf(item, r)!.posterior - multiplied(0.3, 0.4)) < 1e-9);
});
