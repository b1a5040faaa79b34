// How well ownership answers hold on one organization, in the order an organization lives them, through the same pure
// functions the service runs: the priors alone; the label model fitted to its own evidence before any review; after
// 10% of resources reviewed at random; and 5% reviewed in the review queue's order against 5% at random.
// evaluateCalibration stops after the calibration, for tests and the importers bench that need no more.
// Run: npx tsx bench/ownership/learning-eval.ts [resources] [seed] [shape]
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type Inference, type PieceLabel, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights, type FeedbackLabel, type SignalWeights } from '../../src/ownership/calibration.js';
import { fitOrganization, type OrgFitContext, type OrgVotes } from '../../src/ownership/org-model-fit.js';
import { pieceLabelsOfLabel } from '../../src/ownership/review-labels.js';
import { pieceLabelKey } from '../../src/ownership/vote-reliability.js';
import { reviewMovesGroup, reviewPriority } from '../../src/ownership/review-priority.js';
import { generateSyntheticOrg, prng, type OrgModel, type Truth } from './synthetic-org.js';
import { evidenceFor, indexModel } from './evidence-from-model.js';
import type { TypeMetrics } from './metrics.js';
import { metricsOf, reviewLabel } from './in-memory-eval.js';
import { knownRateWeights } from './known-rates.js';

type Metrics = Record<OwnerType, TypeMetrics>;

/** How an organization's answers are calibrated: before any review and after 10% reviewed at random. */
export interface CalibrationEvaluation {
  shape: string;
  resources: number;
  /** Priors only, no fit. */
  priors: Metrics;
  /** The label model fitted to the organization's own evidence, no review. */
  labelFree: Metrics;
  /** 10% reviewed at random, measured on the other 90%. */
  reviewed10: Metrics;
  reviewed10Count: number;
  /** The weights learnt from the 10% (the label model's fit with those labels, and its calibration). */
  reviewed10Weights: SignalWeights;
}

/** The calibration, and what reviews in the queue's order teach against reviews at random. */
export interface LearningEvaluation extends CalibrationEvaluation {
  /**
   * For scale: the answers with every class and piece at its true rate in this organization (knownRateWeights), what
   * the combination gives with nothing left to estimate.
   */
  knownRates: Metrics;
  /**
   * The ECE after 10% reviewed on RANDOM_DRAWS random tenths, the first reviewed10's: which tenth is reviewed moves a
   * user ECE by more than its goal's margin, so one draw is one sample of it.
   */
  reviewed10EceDraws: Record<OwnerType, number[]>;
  /**
   * Held-out accuracy gain per owner type of 5% reviewed at random (the mean over RANDOM_DRAWS samples: one sample's
   * gain moves by half its size from one draw to the next) and in queue order.
   */
  gain5Random: Record<OwnerType, number>;
  /** Each random draw's gain, summed over owner types. */
  gain5RandomDraws: number[];
  gain5Queue: Record<OwnerType, number>;
  /**
   * The same in an order no queue can take, for scale: one that knows which answers are wrong (wrongFirstOrder). Where
   * even it gains less than twice random, the queue's goal is out of reach of any order of the same reviews.
   */
  gain5WrongFirst: Record<OwnerType, number>;
}

function predictAll(evidence: ResourceEvidence[], weights: SignalWeights): Map<string, Inference[]> {
  return new Map(evidence.map((ev) => [ev.resource.resource_id, infer(ev, DEFAULT_ENGINE_SETTINGS, weights)]));
}

function votesOf(inferred: Map<string, Inference[]>): OrgVotes[] {
  return [...inferred].flatMap(([resource_id, infs]) => infs.map((i) => ({ resource_id, owner_type: i.asked_type, votes: i.votes })));
}

/**
 * The answers on the priors alone, and again under the label model fitted to them without any review: what the service
 * answers after its first import (`steward ownership recompute` infers, refits, infers again).
 */
export function inferLabelFree(
  evidence: ResourceEvidence[],
  population: Record<OwnerType, number>,
  context: OrgFitContext = {},
): { first: Map<string, Inference[]>; labelFree: Map<string, Inference[]>; weights: SignalWeights } {
  const first = predictAll(evidence, defaultWeights());
  const fit = fitOrganization(votesOf(first), [], population, context);
  const weights = { ...defaultWeights(), learnt: fit.learnt, calibration: fit.calibration };
  return { first, labelFree: predictAll(evidence, weights), weights };
}

/** What the service learns from reviews of `reviewed`: the refit (label model + calibration) and the piece labels. */
function learnFrom(
  reviewed: string[],
  inferred: Map<string, Inference[]>,
  truth: Record<string, Truth>,
  population: Record<OwnerType, number>,
  context: OrgFitContext,
): { weights: SignalWeights; pieces: PieceLabel[] } {
  const labels: { resource_id: string; label: FeedbackLabel }[] = [];
  for (const id of reviewed) {
    for (const inf of inferred.get(id)!) {
      const label = reviewLabel(inf, truth[id]?.[inf.asked_type], inf.asked_type);
      if (label) labels.push({ resource_id: id, label });
    }
  }
  const fit = fitOrganization(votesOf(inferred), labels, population, context);
  const pieces = new Map<string, PieceLabel>();
  for (const { label } of labels) {
    for (const p of pieceLabelsOfLabel(label, label.owner_type)) {
      const key = pieceLabelKey(p.owner_type, p.piece, p.handle);
      const prev = pieces.get(key);
      pieces.set(key, prev ? { ...prev, right: prev.right + p.right, wrong: prev.wrong + p.wrong } : p);
    }
  }
  return { weights: { ...defaultWeights(), learnt: fit.learnt, calibration: fit.calibration }, pieces: [...pieces.values()] };
}

function withPieces(evidence: ResourceEvidence[], pieces: PieceLabel[]): ResourceEvidence[] {
  return pieces.length === 0 ? evidence : evidence.map((e) => ({ ...e, piece_labels: pieces }));
}

/** What the service's refit reads besides votes: the catalog's team of each service it knows (as imported). */
export function fitContextOf(model: OrgModel): OrgFitContext {
  const catalogued = model.services.filter((s) => s.catalog !== 'none');
  return { serviceTeams: new Map(catalogued.map((s) => [s.name.toLowerCase(), s.catalog_team.toLowerCase()])) };
}

/** The review queue's order over the current answers, taken greedily: each pick lowers the reach of its group. */
export function queueOrder(inferred: Map<string, Inference[]>, count: number): string[] {
  const candidates = [...inferred]
    // Every answer waits, `unknown` ones included, as in the store's queue.
    .flatMap(([id, infs]) => infs.map((inf) => ({ id, inf, group: `${inf.asked_type}\u0000${groupKeyOf(id, inf)}` })));
  const groupSize = new Map<string, number>();
  for (const c of candidates) groupSize.set(c.group, (groupSize.get(c.group) ?? 0) + 1);
  const reviewedIn = new Map<string, number>();
  const picked = new Set<string>();
  const order: string[] = [];
  while (order.length < count) {
    let best: (typeof candidates)[number] | undefined;
    let bestScore = -1;
    for (const c of candidates) {
      if (picked.has(c.id)) continue;
      const score = reviewPriority({
        confidence: c.inf.confidence,
        groupSize: groupSize.get(c.group)!,
        reviewedInGroup: reviewedIn.get(c.group) ?? 0,
        openCriticalHigh: 0,
        unknown: c.inf.owner_handle === null,
      }).score;
      if (score > bestScore || (score === bestScore && best && c.id < best.id)) {
        best = c;
        bestScore = score;
      }
    }
    if (!best) break;
    picked.add(best.id);
    order.push(best.id);
    // A reviewed resource is reviewed for every owner type: each of its groups has been taught.
    for (const inf of inferred.get(best.id)!) {
      const g = `${inf.asked_type}\u0000${groupKeyOf(best.id, inf)}`;
      reviewedIn.set(g, (reviewedIn.get(g) ?? 0) + 1);
    }
  }
  return order;
}

/**
 * The review queue's group: the piece of evidence the answer's strongest source rests on; an answer without one, or
 * whose review moves no other answer on that piece (reviewMovesGroup), is its own.
 */
function groupKeyOf(resourceId: string, inf: Inference): string {
  const s = inf.sources[0];
  return s && reviewMovesGroup(inf.asked_type, s.type) ? String(s.piece ?? `${s.type}\u0000${String(s.evidence_id)}`) : `alone\u0000${resourceId}`;
}

/**
 * An order that knows the truth: the wrong answers (an owner named wrongly, or none where there is one), a group's at a
 * time, the groups (groupKeyOf) with the most wrong answers first, then round after round one more of each.
 */
export function wrongFirstOrder(inferred: Map<string, Inference[]>, truth: Record<string, Truth>, count: number): string[] {
  const groups = new Map<string, string[]>();
  for (const [id, infs] of inferred) {
    for (const inf of infs) {
      const right = truth[id]?.[inf.asked_type];
      const wrong = inf.owner_handle === null ? right !== undefined : right === undefined || inf.owner_handle.toLowerCase() !== right.toLowerCase();
      if (!wrong) continue;
      const group = `${inf.asked_type}\u0000${groupKeyOf(id, inf)}`;
      groups.set(group, [...(groups.get(group) ?? []), id]);
    }
  }
  const largestFirst = [...groups].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1)).map(([, ids]) => ids);
  const order: string[] = [];
  const picked = new Set<string>();
  for (let round = 0; order.length < count && largestFirst.some((ids) => ids.length > round); round++) {
    for (const ids of largestFirst) {
      const id = ids[round];
      if (id === undefined || picked.has(id) || order.length >= count) continue;
      picked.add(id);
      order.push(id);
    }
  }
  return order;
}

export const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** How many random 5% samples the queue is compared with. */
export const RANDOM_DRAWS = 5;

function shuffled<T>(items: T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function accuracyGain(before: Metrics, after: Metrics): Record<OwnerType, number> {
  return Object.fromEntries(OWNER_TYPES.map((t) => [t, after[t].accuracy - before[t].accuracy])) as Record<OwnerType, number>;
}

/** The calibration rows the benchmark reports carry their ECE by chance; the gains' many measures need none. */
const REPORTED = { chance: true };

interface EvaluationOptions {
  resources?: number;
  seed?: number;
  shape?: string;
  /** The seed of the 10% reviewed at random (by default derived from `seed`): another draw of the same organization's reviews. */
  reviewSeed?: number;
}

/** The seed of an organization's `draw`th random tenth reviewed (the benchmark's own is draw 0). */
const reviewSeedOf = (seed: number, draw: number) => (seed ^ 0x5eed) + draw * 7919;

/** About a tenth of `ids`, at random. */
function tenthOf(ids: string[], reviewSeed: number): Set<string> {
  const rnd = prng(reviewSeed);
  return new Set(ids.filter(() => rnd() < 0.1));
}

/** One generated organization, its answers before any review, and the calibration before and after 10% reviewed. */
function calibrate(options: EvaluationOptions) {
  const seed = options.seed ?? 42;
  const shape = options.shape ?? 'baseline';
  const generated = generateSyntheticOrg({ resources: options.resources ?? 2000, seed, modelOnly: true, shape });
  const { model, truth } = generated;
  const index = indexModel(model);
  const evidence = model.resources.map((r) => evidenceFor(index, r));
  const ids = model.resources.map((r) => r.arn);
  const population = { ...DEFAULT_ENGINE_SETTINGS.default_population, ...evidence[0]?.directory?.population } as Record<OwnerType, number>;
  const sample10 = tenthOf(ids, options.reviewSeed ?? reviewSeedOf(seed, 0));
  const heldOut10 = ids.filter((id) => !sample10.has(id));

  const context = fitContextOf(model);
  const { first, labelFree, weights: labelFreeWeights } = inferLabelFree(evidence, population, context);

  /** What the service answers for the resources outside `reviewed` once it has learnt from their reviews. */
  const afterReviewing = (reviewed: Set<string>) => {
    const learnt = learnFrom([...reviewed], labelFree, truth, population, context);
    const rest = evidence.filter((e) => !reviewed.has(e.resource.resource_id));
    return { weights: learnt.weights, answers: predictAll(withPieces(rest, learnt.pieces), learnt.weights) };
  };
  const after10 = afterReviewing(sample10);
  const evaluation: CalibrationEvaluation = {
    shape,
    resources: ids.length,
    priors: metricsOf(heldOut10, first, truth, REPORTED),
    labelFree: metricsOf(heldOut10, labelFree, truth, REPORTED),
    reviewed10: metricsOf(heldOut10, after10.answers, truth, REPORTED),
    reviewed10Count: sample10.size,
    reviewed10Weights: after10.weights,
  };
  return { evaluation, seed, ids, evidence, truth, heldOut10, labelFree, labelFreeWeights, afterReviewing };
}

/** The calibration alone: the label-free fit and 10% reviewed, without the review-order comparison (much quicker). */
export function evaluateCalibration(options: EvaluationOptions = {}): CalibrationEvaluation {
  return calibrate(options).evaluation;
}

/** Per owner type, the ECE after 10% reviewed on `draws` random tenths, the benchmark's own first. */
function reviewed10EceDraws(calibrated: ReturnType<typeof calibrate>, draws: number): Record<OwnerType, number[]> {
  const { evaluation, seed, ids, truth, afterReviewing } = calibrated;
  const otherTenths = Array.from({ length: draws - 1 }, (_, i) => {
    const tenth = tenthOf(ids, reviewSeedOf(seed, i + 1));
    const held = ids.filter((id) => !tenth.has(id));
    return metricsOf(held, afterReviewing(tenth).answers, truth);
  });
  return Object.fromEntries(OWNER_TYPES.map((t) => [t, [evaluation.reviewed10[t].ece, ...otherTenths.map((m) => m[t].ece)]])) as Record<
    OwnerType,
    number[]
  >;
}

/** The calibration with the ECE after 10% reviewed on `draws` random tenths (the same tenths as evaluateLearning's). */
export function evaluateCalibrationDraws(
  options: EvaluationOptions = {},
  draws = RANDOM_DRAWS,
): CalibrationEvaluation & Pick<LearningEvaluation, 'reviewed10EceDraws'> {
  const calibrated = calibrate(options);
  return { ...calibrated.evaluation, reviewed10EceDraws: reviewed10EceDraws(calibrated, draws) };
}

export function evaluateLearning(options: EvaluationOptions = {}): LearningEvaluation {
  const calibrated = calibrate(options);
  const { evaluation, seed, ids, evidence, truth, heldOut10, labelFree, labelFreeWeights, afterReviewing } = calibrated;
  const count5 = Math.round(ids.length * 0.05);
  const gains = (reviewed: string[]) => {
    const set = new Set(reviewed);
    const rest = ids.filter((id) => !set.has(id));
    return accuracyGain(metricsOf(rest, labelFree, truth), metricsOf(rest, afterReviewing(set).answers, truth));
  };
  const randomDraws = Array.from({ length: RANDOM_DRAWS }, (_, draw) =>
    gains(shuffled(ids, prng(seed ^ 0xacc ^ (draw * 0x9e3779b1))).slice(0, count5)),
  );
  return {
    ...evaluation,
    knownRates: metricsOf(heldOut10, predictAll(evidence, knownRateWeights(labelFree, truth, labelFreeWeights)), truth, REPORTED),
    gain5Random: Object.fromEntries(OWNER_TYPES.map((t) => [t, mean(randomDraws.map((g) => g[t]))])) as Record<OwnerType, number>,
    gain5RandomDraws: randomDraws.map((g) => OWNER_TYPES.reduce((s, t) => s + g[t], 0)),
    reviewed10EceDraws: reviewed10EceDraws(calibrated, RANDOM_DRAWS),
    gain5Queue: gains(queueOrder(labelFree, count5)),
    gain5WrongFirst: gains(wrongFirstOrder(labelFree, truth, count5)),
  };
}

const f3 = (x: number) => x.toFixed(3);

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const r = evaluateLearning({ resources: Number(process.argv[2] ?? 2000), seed: Number(process.argv[3] ?? 42), shape: process.argv[4] });
  console.log(`${r.shape}: ${r.resources} resources, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const type of OWNER_TYPES) {
    for (const [name, m] of [
      ['priors', r.priors],
      ['label-free', r.labelFree],
      ['rates known', r.knownRates],
      ['10% reviewed', r.reviewed10],
    ] as const) {
      const t = m[type];
      console.log(
        `${type.padEnd(7)} ${name.padEnd(12)} acc ${f3(t.accuracy)} high ${f3(t.high_precision)} (n=${t.high_count}) cov ${f3(t.coverage)} ECE ${f3(t.ece)}`,
      );
    }
    console.log(
      `${type.padEnd(7)} gain 5%: random ${f3(r.gain5Random[type])} queue ${f3(r.gain5Queue[type])} wrong first ${f3(r.gain5WrongFirst[type])}`,
    );
  }
}
