// A generative label model fitted to one organization's own evidence, without labels: how often each class of vote
// names the true owner, estimated from where independent votes agree and disagree across its resources (the
// one-coin model of Dawid & Skene, 1979, fitted by expectation-maximisation). Its combination is the engine's own
// (engine-combination.ts): the true owner is one of `population` owners; a vote of reliability r names it with
// probability r, otherwise one of the others at random. Reviewed resources enter with their owner known, so labels
// refine the same fit. Pure and deterministic: items are visited in the order given, sums in a fixed order.
import type { Beta } from './signal-kinds/kind.js';
import { logLikelihoodRatio } from './engine-combination.js';

export interface LabelModelVote {
  /** The vote's class: a signal kind, with `:left` when it goes through a person who has left (see voteClassOf). */
  vote_class: string;
  handle: string;
}

export interface LabelModelItem {
  population: number;
  votes: LabelModelVote[];
  /** A reviewed item: the owner reviewers settled on, or null when they said none of the named owners is right. */
  truth?: string | null;
  /** Owners reviewers rejected for this item without naming the right one. */
  rejected?: string[];
}

export interface LabelModelFit {
  /** Per vote class: its prior plus the expected successes and failures of its votes under the fitted model. */
  classes: Record<string, Beta>;
  iterations: number;
  /** Items with at least one vote, labelled ones included. */
  items: number;
  labelled: number;
}

export interface LabelModelOptions {
  /** The prior of a class the caller gives none for. */
  defaultPrior?: Beta;
  maxIterations?: number;
  /** Stop when no class's reliability moves more than this. */
  tolerance?: number;
  /** How much one reviewed item counts against one item the model only infers. */
  labelWeight?: number;
}

const lower = (s: string) => s.toLowerCase();
const mean = (b: Beta) => b.alpha / (b.alpha + b.beta);

interface Prepared {
  /** Per named owner: its vote classes, each once (several votes of one class for one owner are not independent). */
  owners: { key: string; classes: string[] }[];
  population: number;
  truth?: string | null;
  rejected: Set<string>;
}

function prepare(item: LabelModelItem): Prepared {
  const byOwner = new Map<string, Set<string>>();
  for (const v of item.votes) {
    const key = lower(v.handle);
    if (!byOwner.has(key)) byOwner.set(key, new Set());
    byOwner.get(key)!.add(v.vote_class);
  }
  return {
    owners: [...byOwner].sort(([a], [b]) => a.localeCompare(b)).map(([key, classes]) => ({ key, classes: [...classes].sort() })),
    population: item.population,
    truth: item.truth === undefined ? undefined : item.truth === null ? null : lower(item.truth),
    rejected: new Set((item.rejected ?? []).map(lower)),
  };
}

/**
 * An owner's log weight, as the engine combines (engine-combination.ts): each class once, and the votes resting on a
 * person who has left (`:left`) fail together, so only the strongest of them counts.
 */
function ownerLogWeight(classes: string[], reliability: (voteClass: string) => number, N: number): number {
  let sum = 0;
  let left = -Infinity;
  for (const c of classes) {
    const llr = logLikelihoodRatio(reliability(c), N);
    if (c.endsWith(':left')) left = Math.max(left, llr);
    else sum += llr;
  }
  return left === -Infinity ? sum : sum + left;
}

/**
 * The posterior over the named owners of one item under given reliabilities (the mass left over belongs to the owners
 * nobody named). A reviewed item's posterior is its label.
 */
function posterior(item: Prepared, reliability: (voteClass: string) => number): number[] {
  const n = item.owners.length;
  if (item.truth !== undefined) return item.owners.map((o) => (item.truth !== null && o.key === item.truth ? 1 : 0));
  const N = Math.max(item.population, n + 1);
  const logWeights = item.owners.map((o) => (item.rejected.has(o.key) ? -Infinity : ownerLogWeight(o.classes, reliability, N)));
  const others = Math.log(N - n);
  const max = Math.max(others, ...logWeights);
  const total = Math.exp(others - max) + logWeights.reduce((s, w) => s + Math.exp(w - max), 0);
  return logWeights.map((w) => Math.exp(w - max) / total);
}

/** Fits each vote class's reliability to the items by expectation-maximisation, starting from and shrunk to the priors. */
export function fitLabelModel(items: LabelModelItem[], priors: Record<string, Beta>, options: LabelModelOptions = {}): LabelModelFit {
  const fallback = options.defaultPrior ?? { alpha: 5, beta: 5 };
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const labelWeight = options.labelWeight ?? 1;
  const prepared = items.filter((i) => i.votes.length > 0).map(prepare);
  const classNames = [...new Set(prepared.flatMap((p) => p.owners.flatMap((o) => o.classes)))].sort();
  const priorOf = (c: string) => priors[c] ?? fallback;
  let reliabilities = new Map(classNames.map((c) => [c, mean(priorOf(c))]));
  let counts = new Map(classNames.map((c) => [c, { ...priorOf(c) }]));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    counts = new Map(classNames.map((c) => [c, { ...priorOf(c) }]));
    for (const item of prepared) {
      const q = posterior(item, (c) => reliabilities.get(c)!);
      const weight = item.truth !== undefined ? labelWeight : 1;
      item.owners.forEach((owner, i) => {
        for (const c of owner.classes) {
          const b = counts.get(c)!;
          b.alpha += weight * q[i]!;
          b.beta += weight * (1 - q[i]!);
        }
      });
    }
    const next = new Map(classNames.map((c) => [c, mean(counts.get(c)!)]));
    const moved = Math.max(0, ...classNames.map((c) => Math.abs(next.get(c)! - reliabilities.get(c)!)));
    reliabilities = next;
    if (moved < tolerance) {
      iterations++;
      break;
    }
  }
  return {
    classes: Object.fromEntries(classNames.map((c) => [c, counts.get(c)!])),
    iterations,
    items: prepared.length,
    labelled: prepared.filter((p) => p.truth !== undefined).length,
  };
}

/** The model's answer for one item (ignoring its label): the best named owner and its posterior, or undefined if none. */
export function answerOf(item: LabelModelItem, reliability: (voteClass: string) => number): { handle: string; posterior: number } | undefined {
  const prepared = prepare({ ...item, truth: undefined });
  if (prepared.owners.length === 0) return undefined;
  const q = posterior(prepared, reliability);
  let best = 0;
  for (let i = 1; i < q.length; i++) if (q[i]! > q[best]!) best = i;
  return { handle: prepared.owners[best]!.key, posterior: q[best]! };
}

/** The reliability of each class under a fit (its Beta's mean). */
export function fittedReliability(fit: Record<string, Beta>, fallback: Beta): (voteClass: string) => number {
  return (c) => mean(fit[c] ?? fallback);
}
