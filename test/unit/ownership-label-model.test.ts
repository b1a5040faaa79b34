import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerOf, fitLabelModel, fittedReliability, pieceReliabilityOf, type LabelModelItem } from '../../src/ownership/label-model.js';
import { calibrationHelps, fitOrganization, shrinkTowardLabelFree } from '../../src/ownership/org-model-fit.js';
import { classCountsOfLabel, pieceLabelsOfLabel, truthOfLabel } from '../../src/ownership/review-labels.js';
import { classPrior, reliabilityBasisNote, reweighVotes, voteClassOf, pieceOf, learntReliability } from '../../src/ownership/vote-reliability.js';
import { CATCH_ALL_FACTOR } from '../../src/ownership/signal-kinds/codeowners.js';
import { prng } from '../../bench/lib/prng.js';
import { applyCalibration, type FeedbackLabel } from '../../src/ownership/calibration.js';
import type { Vote } from '../../src/ownership/signal-kinds/kind.js';
import { correctionsOf } from '../helpers/ownership-evidence.js';

/** Votes drawn from sources of known accuracy: each names the true owner with its accuracy, otherwise another at random. */
function generatedVotes(accuracies: Record<string, number>, opts: { items: number; owners: number; voteShare: number; seed: number }) {
  const rnd = prng(opts.seed);
  const items: LabelModelItem[] = [];
  const truths: string[] = [];
  for (let i = 0; i < opts.items; i++) {
    const truth = `owner-${Math.floor(rnd() * opts.owners)}`;
    const votes = [];
    for (const [source, accuracy] of Object.entries(accuracies)) {
      if (rnd() >= opts.voteShare) continue;
      let handle = truth;
      if (rnd() >= accuracy) {
        do handle = `owner-${Math.floor(rnd() * opts.owners)}`;
        while (handle === truth);
      }
      votes.push({ vote_class: source, handle });
    }
    items.push({ population: opts.owners, votes });
    truths.push(truth);
  }
  return { items, truths };
}

const FLAT = { alpha: 5, beta: 5 };

test('the label model recovers known source accuracies from unlabelled votes alone', () => {
  const accuracies = { catalog: 0.9, tag: 0.75, creator: 0.55, naming: 0.3, mapping: 0.95 };
  const { items } = generatedVotes(accuracies, { items: 6000, owners: 40, voteShare: 0.6, seed: 7 });
  // Start every source from the same flat prior: the fit must tell them apart from agreement alone.
  const fit = fitLabelModel(items, Object.fromEntries(Object.keys(accuracies).map((k) => [k, FLAT])));
  const r = fittedReliability(fit.classes, FLAT);
  for (const [source, accuracy] of Object.entries(accuracies)) {
    assert.ok(Math.abs(r(source) - accuracy) < 0.03, `${source}: fitted ${r(source).toFixed(3)}, true ${accuracy}`);
  }
  assert.equal(fit.labelled, 0);
});

test('the fit is deterministic and its posteriors are calibrated on the votes it was fitted to', () => {
  const accuracies = { a: 0.85, b: 0.7, c: 0.6 };
  const { items, truths } = generatedVotes(accuracies, { items: 5000, owners: 25, voteShare: 0.7, seed: 11 });
  const priors = Object.fromEntries(Object.keys(accuracies).map((k) => [k, FLAT]));
  const fit = fitLabelModel(items, priors);
  assert.deepEqual(fitLabelModel(items, priors), fit);
  const r = fittedReliability(fit.classes, FLAT);
  let predicted = 0;
  let right = 0;
  let answered = 0;
  items.forEach((item, i) => {
    const a = answerOf(item, r);
    if (!a) return;
    answered++;
    predicted += a.posterior;
    if (a.handle === truths[i]) right++;
  });
  assert.ok(Math.abs(predicted / answered - right / answered) < 0.02, `mean confidence ${predicted / answered} vs accuracy ${right / answered}`);
});

test('reviewed items enter with their owner known and move a source the unlabelled votes cannot judge', () => {
  // A source that votes alone can only be judged by labels.
  const items: LabelModelItem[] = Array.from({ length: 200 }, (_, i) => ({
    population: 10,
    votes: [{ vote_class: 'lonely', handle: `o${i % 10}` }],
  }));
  const prior = { lonely: { alpha: 8, beta: 2 } };
  const unlabelled = fittedReliability(fitLabelModel(items, prior).classes, FLAT)('lonely');
  const labelled = items.map((item, i) => (i < 40 ? { ...item, truth: `other${i}` } : item));
  const taught = fittedReliability(fitLabelModel(labelled, prior).classes, FLAT)('lonely');
  assert.ok(taught < unlabelled - 0.1, `${taught} < ${unlabelled}`);
});

test('a piece voting on many items is judged on its own, and its class keeps the rate of its other pieces', () => {
  // One class of many small pieces right 90% of the time, and one piece of the same class (a platform pipeline's
  // CODEOWNERS) that names the platform team on 600 items, right on about a fifth of them; two other classes vote
  // independently beside them.
  const rnd = prng(3);
  const owners = 30;
  const items: LabelModelItem[] = [];
  const someone = () => `owner-${Math.floor(rnd() * owners)}`;
  const draw = (truth: string, accuracy: number) => {
    if (rnd() < accuracy) return truth;
    let other: string;
    do other = someone();
    while (other === truth);
    return other;
  };
  let hubRight = 0;
  for (let i = 0; i < 3000; i++) {
    const hub = i % 5 === 0;
    const truth = hub && rnd() < 0.2 ? 'platform' : someone();
    if (hub && truth === 'platform') hubRight++;
    const votes = [
      hub
        ? { vote_class: 'codeowners', piece: 'codeowners|provisioner', handle: 'platform' }
        : { vote_class: 'codeowners', piece: `codeowners|repo-${i % 150}`, handle: draw(truth, 0.9) },
    ];
    if (rnd() < 0.6) votes.push({ vote_class: 'catalog', piece: `catalog|${i}`, handle: draw(truth, 0.85) });
    if (rnd() < 0.6) votes.push({ vote_class: 'tag', piece: `tag|${i}`, handle: draw(truth, 0.7) });
    items.push({ population: owners + 1, votes });
  }
  const priors = { codeowners: FLAT, catalog: FLAT, tag: FLAT };
  const pooled = fittedReliability(fitLabelModel(items, priors).classes, FLAT)('codeowners');
  const fit = fitLabelModel(items, priors, { pieceMinVotes: 20, pieceStrength: 10 });
  const r = fittedReliability(fit.classes, FLAT);
  const hub = pieceReliabilityOf(fit.pieces, 'codeowners|provisioner', 'Platform');
  assert.ok(hub, 'the pipeline is judged on its own');
  const hubRate = hub.alpha / (hub.alpha + hub.beta);
  assert.ok(Math.abs(hubRate - hubRight / 600) < 0.05, `pipeline: fitted ${hubRate.toFixed(3)}, true ${(hubRight / 600).toFixed(3)}`);
  assert.ok(Math.abs(r('codeowners') - 0.9) < 0.03, `class without the pipeline: ${r('codeowners').toFixed(3)}`);
  assert.ok(pooled < 0.8, `pooled with the pipeline: ${pooled.toFixed(3)}`);
  assert.ok(Math.abs(r('catalog') - 0.85) < 0.03 && Math.abs(r('tag') - 0.7) < 0.03, `catalog ${r('catalog')}, tag ${r('tag')}`);
  assert.deepEqual(Object.keys(fit.pieces), ['codeowners|provisioner'], 'small pieces stay with their class');
  assert.deepEqual(Object.keys(fit.pieces['codeowners|provisioner']!), ['platform']);
  assert.deepEqual(fitLabelModel(items, priors, { pieceMinVotes: 20, pieceStrength: 10 }), fit, 'deterministic');
  assert.deepEqual(fitLabelModel(items, priors).pieces, {}, 'no piece is judged alone unless asked');
});

test('a piece the fit judged on its own votes at its reliability, before its reviews move it', () => {
  const vote = (piece: string, handle = 'platform'): Vote => ({
    owner_type: 'team',
    handle,
    kind: 'ci_codeowners',
    reliability: 0.75,
    evidence: { source: 'codeowners', id: piece, version: 1 },
    detail: { repository: piece, path: '/' },
  });
  const learnt = {
    fitted: { team: { ci_codeowners: { alpha: 90, beta: 10 } } },
    pieces: { team: { [pieceOf(vote('acme/provisioner'))]: { platform: { alpha: 20, beta: 80 } } } },
  };
  const [hub, repo, otherOwner] = reweighVotes([vote('acme/provisioner'), vote('acme/checkout'), vote('acme/provisioner', 'payments')], learnt);
  assert.equal(hub!.reliability, 0.2, 'the piece naming that owner: its own');
  assert.equal(repo!.reliability, 0.9, 'another piece of the class: the class');
  assert.equal(otherOwner!.reliability, 0.9, 'the same piece naming another owner: the class');
  const [reviewed] = reweighVotes([vote('acme/provisioner')], learnt, [
    { owner_type: 'team', piece: pieceOf(vote('acme/provisioner')), handle: 'platform', right: 3, wrong: 0 },
  ]);
  // A repository's CODEOWNERS stands for one thing with one owner: each review counts against one of its own.
  assert.equal(reviewed!.reliability, (1 * 0.2 + 3) / 4, 'its reviews move it from its own reliability');
  const [tag] = reweighVotes([{ ...vote('team:platform'), kind: 'owner_tag', detail: { tag: 'team:platform' } }], {}, [
    { owner_type: 'team', piece: 'owner_tag|team:platform', handle: 'platform', right: 0, wrong: 1 },
  ]);
  assert.equal(tag!.reliability, (3 * 0.75) / 4, 'a tag is judged resource by resource: one review weighs a third of its prior');
});

const label = (over: Partial<FeedbackLabel>): FeedbackLabel => ({
  action: 'correct',
  owner_type: 'team',
  inferred_owner: 'payments',
  corrected_owner: 'platform',
  sources: [
    { kind: 'catalog', owner_handle: 'payments', piece: 'catalog|checkout' },
    { kind: 'owner_tag', owner_handle: 'platform', piece: 'owner_tag|team:platform' },
    { kind: 'creator_membership', owner_handle: 'payments', piece: 'creator_membership|alice', vote_class: 'creator_membership:left' },
  ],
  ...over,
});

test('a label teaches each vote class and each piece whether it named the owner the reviewer settled on', () => {
  assert.deepEqual(truthOfLabel(label({})), { truth: 'platform', rejected: [] });
  assert.deepEqual(classCountsOfLabel(label({})), {
    catalog: { right: 0, wrong: 1 },
    owner_tag: { right: 1, wrong: 0 },
    'creator_membership:left': { right: 0, wrong: 1 },
  });
  assert.deepEqual(
    pieceLabelsOfLabel(label({ action: 'reject', corrected_owner: undefined }), 'team').map((p) => [p.piece, p.right, p.wrong]),
    [
      ['catalog|checkout', 0, 1],
      ['creator_membership|alice', 0, 1],
    ],
    'a rejection judges only the sources that named the rejected owner',
  );
});

test('a piece judged wrong by reviews weighs less on every resource resting on it; other pieces keep their class', () => {
  const vote = (piece: string): Vote => ({
    owner_type: 'team',
    handle: 'payments',
    kind: 'catalog',
    reliability: 0.8,
    evidence: { source: 'backstage', id: piece, version: 1 },
    detail: { service: piece },
  });
  const learnt = { fitted: { team: { catalog: { alpha: 90, beta: 10 } } } };
  const [judged, other] = reweighVotes([vote('checkout'), vote('search')], learnt, [
    { owner_type: 'team', piece: pieceOf(vote('checkout')), handle: 'payments', right: 0, wrong: 2 },
  ]);
  assert.equal(other!.reliability, 0.9, 'the class reliability the organization learnt');
  assert.ok(judged!.reliability < 0.6, `${judged!.reliability}`);
  assert.equal(voteClassOf({ kind: 'creator', detail: { inactive_user: 'dave' } }), 'creator:left');
  assert.equal(learntReliability({ ...learnt, since_fit: { team: { catalog: { right: 0, wrong: 100 } } } }, 'team', 'catalog'), 0.45);
});

test('fitOrganization calibrates on reviewed items scored under its own fit when the model is wrong about them', () => {
  // Two sources that always agree, right 70% of the time: the label model takes their agreement for corroboration.
  const rnd = prng(3);
  const rows = Array.from({ length: 1500 }, (_, i) => {
    const truth = `t${Math.floor(rnd() * 20)}`;
    const named = rnd() < 0.7 ? truth : `w${Math.floor(rnd() * 20)}`;
    return {
      truth,
      votes: {
        resource_id: `r${String(i).padStart(5, '0')}`,
        owner_type: 'team' as const,
        votes: [
          { kind: 'catalog' as const, owner_handle: named },
          { kind: 'ci_codeowners' as const, owner_handle: named },
        ],
      },
    };
  });
  const labels = rows.slice(0, 300).map((r) => ({
    resource_id: r.votes.resource_id,
    label: { action: 'correct' as const, owner_type: 'team' as const, inferred_owner: null, corrected_owner: r.truth, sources: r.votes.votes },
  }));
  const fit = fitOrganization(
    rows.map((r) => r.votes),
    labels,
    { team: 20, user: 100, service: 50 },
  );
  assert.equal(fit.learnt.fit_labelled?.team, 300);
  const map = fit.calibration.team;
  assert.ok(map && map.blocks.length > 0, 'a map: the model is over-confident on these answers');
  assert.ok(Math.abs(applyCalibration(map, 0.99) - 0.7) < 0.1, `0.99 maps to ${applyCalibration(map, 0.99)}`);
  assert.equal(
    fit.calibration_bins.team!.reduce((s, b) => s + b.n, 0),
    300,
  );
  assert.equal(fit.learnt.fitted?.user, undefined, 'no user votes, no user fit');
});

test('a Terraform root catch-all is a vote class of its own, its prior scaled as the engine scales it', () => {
  const detail = { repository: 'org/infra', path: 'live/prod', catch_all: true };
  assert.equal(voteClassOf({ kind: 'iac_codeowners', detail }), 'iac_codeowners:catch_all');
  assert.equal(voteClassOf({ kind: 'ci_codeowners', detail }), 'ci_codeowners', 'a pipeline repository is always read at its root');
  const specific = classPrior('iac_codeowners');
  const catchAll = classPrior('iac_codeowners:catch_all');
  const mean = (b: { alpha: number; beta: number }) => b.alpha / (b.alpha + b.beta);
  assert.ok(Math.abs(mean(catchAll) - mean(specific) * CATCH_ALL_FACTOR) < 1e-9);
  assert.equal(catchAll.alpha + catchAll.beta, specific.alpha + specific.beta);
});

test('a calibration map is kept only when it clearly predicts unseen reviewed answers better than the model', () => {
  const rnd = prng(17);
  const calibrated = Array.from({ length: 400 }, () => {
    const predicted = 0.3 + 0.69 * rnd();
    return { predicted, correct: rnd() < predicted };
  });
  assert.equal(calibrationHelps(calibrated), false, 'the model is right about its confidence: no map');
  const overconfident = Array.from({ length: 400 }, () => ({ predicted: 0.9 + 0.09 * rnd(), correct: rnd() < 0.6 }));
  assert.equal(calibrationHelps(overconfident), true, 'right 60% of the time at 0.9 and above: a map');
  assert.equal(calibrationHelps(overconfident.slice(0, 9)), false, 'too few labels to judge');
});

test('the explanation says whether a confidence rests on learnt agreement alone or on reviews too', () => {
  const fitted = { team: { catalog: { alpha: 9, beta: 1 } } };
  assert.equal(reliabilityBasisNote(undefined, 'team'), '', 'priors only: nothing learnt to speak of');
  assert.match(reliabilityBasisNote({ fitted, fit_labelled: { team: 0 } }, 'team'), /learnt without reviews/);
  assert.match(reliabilityBasisNote({ fitted, fit_labelled: { team: 2 }, labels_since_fit: { team: 1 } }, 'team'), /on 3 review label/);
  assert.equal(reliabilityBasisNote({ fitted }, 'user'), '', 'no fit for users yet');
});

test('a class moves from its label-free reliability toward its reviewed one by its labels against what its agreement is worth', () => {
  const population = { team: 20, user: 100, service: 50 };
  const id = (i: number) => `r${String(i).padStart(5, '0')}`;
  // Lone creator votes: agreement teaches nothing, so without labels the class stays at its prior (0.5), and labels
  // are all there is to learn from.
  const lone = Array.from({ length: 1000 }, (_, i) => ({
    resource_id: id(i),
    owner_type: 'team' as const,
    votes: [{ kind: 'creator' as const, owner_handle: `t${i % 20}` }],
  }));
  const confirmed = (n: number) =>
    lone.slice(0, n).map((v) => ({
      resource_id: v.resource_id,
      label: { action: 'confirm' as const, owner_type: 'team' as const, inferred_owner: v.votes[0]!.owner_handle, sources: v.votes },
    }));
  const loneReliability = (n: number) => learntReliability(fitOrganization(lone, confirmed(n), population).learnt, 'team', 'creator')!;
  assert.ok(Math.abs(loneReliability(0) - 0.5) < 1e-6, `${loneReliability(0)}`);
  assert.ok(loneReliability(10) > 0.8, `10 labels, nothing else to go by: ${loneReliability(10)}`);

  // Where the catalog and an owner tag settle every resource, agreement has taught the creator's class (right 4 times
  // in 5) as well as a thousand labels would: ten reviews saying otherwise move it by about ten in a thousand of the way.
  const settled = lone.map((v, i) => {
    const truth = `t${i % 20}`;
    return {
      ...v,
      votes: [
        { kind: 'creator' as const, owner_handle: i % 5 === 0 ? `t${(i + 1) % 20}` : truth },
        { kind: 'catalog' as const, owner_handle: truth },
        { kind: 'owner_tag' as const, owner_handle: truth },
      ],
    };
  });
  const corrected = correctionsOf(settled.slice(1, 11), (v) => v.votes[1]!.owner_handle, 'elsewhere');
  const free = learntReliability(fitOrganization(settled, [], population).learnt, 'team', 'creator')!;
  const reviewed = learntReliability(fitOrganization(settled, corrected, population).learnt, 'team', 'creator')!;
  assert.ok(Math.abs(free - 0.8) < 0.02, `label-free: ${free}`);
  assert.ok(reviewed < free && free - reviewed < 0.002, `ten contrary labels: ${free} -> ${reviewed}`);
});

test('a class is worth as many labels as its votes the others settle: a vote standing alone is worth none', () => {
  const { items } = generatedVotes({ a: 0.97, b: 0.97, c: 0.7 }, { items: 400, owners: 40, voteShare: 1, seed: 3 });
  const lonely: LabelModelItem[] = Array.from({ length: 300 }, (_, i) => ({
    population: 40,
    votes: [{ vote_class: 'lonely', handle: `owner-${i % 40}` }],
  }));
  const fit = fitLabelModel([...items, ...lonely], { a: FLAT, b: FLAT, c: FLAT, lonely: FLAT });
  assert.ok(fit.information.lonely! < 1e-9, `alone: ${fit.information.lonely}`);
  // Two agreeing sources right 97% of the time settle nearly every vote of c.
  assert.ok(fit.information.c! > 300 && fit.information.c! < 500, `settled: ${fit.information.c}`);
  // Half of c's items: about half the worth.
  const half = fitLabelModel(items.slice(0, 200), { a: FLAT, b: FLAT, c: FLAT });
  assert.ok(Math.abs(half.information.c! / fit.information.c! - 0.5) < 0.1, `${half.information.c} of ${fit.information.c}`);
});

test('shrinkTowardLabelFree keeps the fit strength and moves its mean n/(n + what agreement is worth) of the way', () => {
  const out = shrinkTowardLabelFree(
    { creator: { alpha: 90, beta: 10 }, modifier: { alpha: 20, beta: 80 }, lonely: { alpha: 60, beta: 40 } },
    {
      classes: { creator: { alpha: 70, beta: 30 }, modifier: { alpha: 10, beta: 90 }, lonely: { alpha: 5, beta: 5 } },
      information: { creator: 40, modifier: 200 },
    },
    new Map([
      ['creator', 40],
      ['lonely', 30],
    ]),
  );
  assert.ok(Math.abs(out.creator!.alpha / 100 - 0.8) < 1e-9, 'half way with as many labels as its agreement is worth');
  assert.ok(Math.abs(out.creator!.alpha + out.creator!.beta - 100) < 1e-9);
  assert.ok(Math.abs(out.modifier!.alpha / 100 - 0.1) < 1e-9, 'no label: the label-free reliability');
  assert.ok(Math.abs(out.lonely!.alpha / 100 - 0.6) < 1e-9, 'a class agreement says nothing of: its labels');
});

test('alike items are visited once per group: the same fit as visiting every item, over far fewer groups', () => {
  // Generated votes with what makes items differ for the fit: a piece judged on its own, people who left, kinds failing
  // together, reviewed items (settled on either owner, or rejected) and two populations.
  const rnd = prng(19);
  const owners = 25;
  const someone = () => `owner-${Math.floor(rnd() * owners)}`;
  const draw = (truth: string, accuracy: number) => (rnd() < accuracy ? truth : someone());
  const items: LabelModelItem[] = [];
  for (let i = 0; i < 4000; i++) {
    const truth = i % 4 === 0 && rnd() < 0.3 ? 'platform' : someone();
    const votes: LabelModelItem['votes'] = [];
    if (i % 4 === 0) votes.push({ vote_class: 'iac_codeowners', piece: 'iac|stack', handle: 'platform' });
    if (rnd() < 0.7) votes.push({ vote_class: 'creator', handle: draw(truth, 0.75) });
    if (rnd() < 0.4) votes.push({ vote_class: rnd() < 0.2 ? 'modifier:left' : 'modifier', handle: draw(truth, 0.3) });
    if (rnd() < 0.3) votes.push({ vote_class: 'owner_tag', piece: `tag|${i}`, handle: draw(truth, 0.9) });
    const item: LabelModelItem = { population: i % 7 === 0 ? owners + 10 : owners, votes };
    if (i % 10 === 0) item.truth = truth;
    if (i % 10 === 5 && votes[0] && votes[0].handle !== truth) item.rejected = [votes[0].handle];
    items.push(item);
  }
  const priors = {
    iac_codeowners: FLAT,
    creator: { alpha: 7, beta: 3 },
    modifier: FLAT,
    'modifier:left': { alpha: 1, beta: 20 },
    owner_tag: { alpha: 19, beta: 1 },
  };
  const options = { pieceMinVotes: 20, labelWeight: 3, failingTogether: ['modifier', 'iac_codeowners'] };
  const grouped = fitLabelModel(items, priors, options);
  const oneByOne = fitLabelModel(items, priors, { ...options, groupAlike: false });
  assert.equal(oneByOne.groups, grouped.items);
  assert.ok(grouped.groups < grouped.items / 10, `${grouped.groups} groups for ${grouped.items} items`);
  assert.equal(grouped.iterations, oneByOne.iterations);
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  for (const [c, b] of Object.entries(oneByOne.classes)) {
    close(grouped.classes[c]!.alpha, b.alpha, `${c} alpha`);
    close(grouped.classes[c]!.beta, b.beta, `${c} beta`);
    close(grouped.information[c] ?? 0, oneByOne.information[c] ?? 0, `${c} information`);
  }
  const stack = pieceReliabilityOf(grouped.pieces, 'iac|stack', 'platform')!;
  close(stack.alpha, pieceReliabilityOf(oneByOne.pieces, 'iac|stack', 'platform')!.alpha, 'the piece judged on its own');

  // What sets items apart: which named owner reviewers settled on or rejected, and the population; not the handles.
  const pair = (a: string, b: string): LabelModelItem['votes'] => [
    { vote_class: 'creator', handle: a },
    { vote_class: 'owner_tag', handle: b },
  ];
  const groupsOf = (list: LabelModelItem[]) => fitLabelModel(list, priors).groups;
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'b') },
      { population: 9, votes: pair('c', 'd') },
    ]),
    1,
  );
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'b') },
      { population: 8, votes: pair('c', 'd') },
    ]),
    2,
  );
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'b'), truth: 'a' },
      { population: 9, votes: pair('c', 'd'), truth: 'd' },
    ]),
    2,
  );
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'b'), truth: 'a' },
      { population: 9, votes: pair('c', 'd'), truth: 'c' },
    ]),
    1,
  );
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'b'), truth: null },
      { population: 9, votes: pair('c', 'd'), rejected: ['d'] },
    ]),
    2,
  );
  assert.equal(
    groupsOf([
      { population: 9, votes: pair('a', 'a') },
      { population: 9, votes: pair('c', 'd') },
    ]),
    2,
  );
});

test('votes standing alone on their item change no reliability and no pass of the fit, only the strength of their class', () => {
  const accuracies = { creator: 0.75, modifier: 0.15, owner_tag: 0.95 };
  const { items } = generatedVotes(accuracies, { items: 1500, owners: 50, voteShare: 0.45, seed: 29 });
  const priors = { creator: FLAT, modifier: { alpha: 3, beta: 7 }, owner_tag: { alpha: 19, beta: 1 } };
  // Three times as many items again where the creator or the modifier votes alone, as on most resources.
  const rnd = prng(31);
  const alone: LabelModelItem[] = Array.from({ length: 4500 }, (_, i) => ({
    population: 50,
    votes: [{ vote_class: i % 3 === 0 ? 'modifier' : 'creator', handle: `owner-${Math.floor(rnd() * 50)}` }],
  }));
  const fit = fitLabelModel(items, priors);
  const withAlone = fitLabelModel([...items, ...alone], priors);
  assert.equal(withAlone.iterations, fit.iterations);
  const r = fittedReliability(fit.classes, FLAT);
  const rAlone = fittedReliability(withAlone.classes, FLAT);
  for (const c of Object.keys(accuracies)) assert.ok(Math.abs(rAlone(c) - r(c)) < 1e-12, `${c}: ${rAlone(c)} vs ${r(c)}`);
  const strength = (b: { alpha: number; beta: number }) => b.alpha + b.beta;
  assert.ok(Math.abs(strength(withAlone.classes.creator!) - strength(fit.classes.creator!) - 3000) < 1e-6);
  assert.ok(Math.abs(strength(withAlone.classes.modifier!) - strength(fit.classes.modifier!) - 1500) < 1e-6);
  assert.ok(fit.iterations < 100, `converged in ${fit.iterations} passes`);
});
