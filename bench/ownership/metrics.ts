// Accuracy, precision in the high band, coverage and expected calibration error, per owner type.
import type { OwnerType } from '../../src/ownership/owner-type.js';
import { bandOf } from '../../src/ownership/confidence-bands.js';
import { prng } from '../lib/prng.js';

export interface Prediction {
  /** null when the answer is `unknown`. */
  owner: string | null;
  confidence: number;
}

export interface TypeMetrics {
  /** Resources with a true owner of this type. */
  resources: number;
  answered: number;
  /** Right answers over resources with a true owner. */
  accuracy: number;
  /** Right answers among answers in the high band (> 0.85). */
  high_precision: number;
  high_count: number;
  /** Share of resources with a true owner answered at medium confidence or more. */
  coverage: number;
  /** Expected calibration error over every answer given (10 equal-width bins). */
  ece: number;
  /**
   * The ECE that answers exactly as right as their confidence says would show at this count and these confidences, by
   * chance alone (the 95th percentile of ECE_DRAWS draws): a measured ECE below it cannot be told from calibrated.
   * Measured when asked for (it draws ECE_DRAWS outcomes per answer).
   */
  ece_chance?: number;
  /** Share of the right answers given at medium confidence or more (>= 0.6): how often a right answer is believed. */
  right_at_medium: number;
  /**
   * Brier score over every answer given: the mean of (confidence - 1 if right, else 0) squared. A proper score, lower
   * when answers are both righter and truer in confidence; binning none, it moves less by chance than the ECE.
   */
  brier: number;
}

const same = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

/**
 * `truth[id][type]` undefined means the resource has no owner of that type: any answer to it is wrong,
 * and it does not count towards accuracy or coverage.
 */
export function measure(
  predictions: Map<string, Partial<Record<OwnerType, Prediction>>>,
  truth: Record<string, Partial<Record<OwnerType, string>>>,
  type: OwnerType,
  options: { chance?: boolean } = {},
): TypeMetrics {
  let resources = 0;
  let answered = 0;
  let right = 0;
  let rightAtMedium = 0;
  let covered = 0;
  let high = 0;
  let highRight = 0;
  let squaredError = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  const confidences: number[] = [];
  for (const id of [...predictions.keys()].sort()) {
    const p = predictions.get(id)![type];
    const t = truth[id]?.[type];
    if (t) resources++;
    if (!p || p.owner == null) continue;
    answered++;
    const ok = same(p.owner, t);
    if (ok) right++;
    if (ok && p.confidence >= 0.6) rightAtMedium++;
    if (t && p.confidence >= 0.6) covered++;
    if (bandOf(p.confidence) === 'high') {
      high++;
      if (ok) highRight++;
    }
    confidences.push(p.confidence);
    squaredError += (p.confidence - (ok ? 1 : 0)) ** 2;
    const bin = bins[binOf(p.confidence)];
    bin.n++;
    bin.conf += p.confidence;
    if (ok) bin.right++;
  }
  const ece = eceOf(bins, answered);
  return {
    resources,
    answered,
    accuracy: resources ? right / resources : 0,
    high_precision: high ? highRight / high : 0,
    high_count: high,
    coverage: resources ? covered / resources : 0,
    ece,
    ...(options.chance ? { ece_chance: eceByChance(confidences) } : {}),
    right_at_medium: right ? rightAtMedium / right : 0,
    brier: answered ? squaredError / answered : 0,
  };
}

interface Bin {
  n: number;
  conf: number;
  right: number;
}

const binOf = (confidence: number) => Math.min(9, Math.floor(confidence * 10));

function eceOf(bins: Bin[], answered: number): number {
  return answered === 0 ? 0 : bins.reduce((s, b) => s + (b.n === 0 ? 0 : (b.n / answered) * Math.abs(b.conf / b.n - b.right / b.n)), 0);
}

export const ECE_DRAWS = 400;

/** The 95th percentile of the ECE of answers each right with the probability its confidence gives (a fixed seed). */
export function eceByChance(confidences: number[]): number {
  if (confidences.length === 0) return 0;
  const rnd = prng(0xece);
  const eces: number[] = [];
  for (let draw = 0; draw < ECE_DRAWS; draw++) {
    const bins: Bin[] = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
    for (const c of confidences) {
      const bin = bins[binOf(c)]!;
      bin.n++;
      bin.conf += c;
      if (rnd() < c) bin.right++;
    }
    eces.push(eceOf(bins, confidences.length));
  }
  eces.sort((a, b) => a - b);
  return eces[Math.floor(0.95 * (ECE_DRAWS - 1))]!;
}
