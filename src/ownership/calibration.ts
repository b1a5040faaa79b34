// Per-signal reliabilities (Beta distributions), learning them from review feedback, and a final
// recalibration map so that confidence c means "right about c of the time".
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { SourceVote } from './evidence.js';
import { DEFAULT_PRIORS, SIGNAL_KINDS, type SignalKind } from './signal-kinds/index.js';
import type { Beta } from './signal-kinds/kind.js';
import { learntReliability, type LearntReliabilities } from './vote-reliability.js';

export interface CalibrationBlock {
  /** Mean predicted confidence of the pooled pairs. */
  x: number;
  /** Share of them that were right. */
  y: number;
  count: number;
}

/** A monotone (isotonic) map from raw posterior to calibrated confidence, shrunk towards identity where labels are few. */
export interface CalibrationMap {
  blocks: CalibrationBlock[];
  /** Pseudo-count of the identity: a block of n labels moves the answer n/(n+shrinkage) of the way. */
  shrinkage: number;
}

export interface SignalWeights {
  kinds: Record<SignalKind, Beta>;
  calibration?: Partial<Record<OwnerType, CalibrationMap>>;
  /** Per owner type and vote class, learnt from the organization's own evidence and reviews (vote-reliability.ts). */
  learnt?: LearntReliabilities;
  /** The reviewed items of the last fit, scored under it and pooled: the calibration map's data. */
  calibration_bins?: Partial<Record<OwnerType, CalibrationBin[]>>;
  /** The last fit: the newest review label it read, and the newest inference change it saw. */
  fit?: { labels_through: string | null; inferences_at: number; at: number };
}

export function defaultWeights(): SignalWeights {
  return { kinds: cloneKinds(DEFAULT_PRIORS) };
}

export function reliabilityOf(weights: SignalWeights, kind: SignalKind): number {
  const b = weights.kinds[kind] ?? DEFAULT_PRIORS[kind];
  return b.alpha / (b.alpha + b.beta);
}

export type FeedbackAction = 'confirm' | 'reject' | 'correct' | 'persist';

export interface FeedbackLabel {
  action: FeedbackAction;
  owner_type: OwnerType;
  inferred_owner: string | null;
  corrected_owner?: string;
  /** The per-source candidates the inference had (Inference.votes). */
  sources: SourceVote[];
}

const same = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

/**
 * Adds each label's evidence to the priors: a source that named the owner the reviewer settled on
 * counts one success, a source that named another owner one failure. `reject` only tells us the
 * rejected owner was wrong, so only the sources that named it learn. The result carries no
 * calibration map: the old one was fitted to the old weights.
 */
export function learnWeights(priors: SignalWeights | Record<SignalKind, Beta>, labels: FeedbackLabel[]): SignalWeights {
  const kinds = cloneKinds('kinds' in priors ? (priors.kinds as Record<SignalKind, Beta>) : priors);
  for (const label of labels) {
    const truth = label.action === 'correct' ? label.corrected_owner : label.action === 'reject' ? undefined : label.inferred_owner;
    // One count per kind and label, even when a kind named several owners.
    const outcome = new Map<SignalKind, boolean>();
    for (const vote of label.sources) {
      if (label.action === 'reject') {
        if (same(vote.owner_handle, label.inferred_owner)) outcome.set(vote.kind, false);
        continue;
      }
      if (truth == null) continue;
      const right = same(vote.owner_handle, truth);
      outcome.set(vote.kind, (outcome.get(vote.kind) ?? false) || right);
    }
    for (const [kind, right] of [...outcome].sort(([a], [b]) => a.localeCompare(b))) {
      if (right) kinds[kind].alpha += 1;
      else kinds[kind].beta += 1;
    }
  }
  return { kinds };
}

function cloneKinds(source: Partial<Record<SignalKind, Beta>>): Record<SignalKind, Beta> {
  const out = {} as Record<SignalKind, Beta>;
  for (const kind of SIGNAL_KINDS) {
    const b = source[kind] ?? DEFAULT_PRIORS[kind];
    out[kind] = { alpha: b.alpha, beta: b.beta };
  }
  return out;
}

export interface CalibrationPair {
  predicted: number;
  correct: boolean;
}

/** Labels pooled at one predicted confidence: how many, and how many of them were right. */
export interface CalibrationBin {
  x: number;
  n: number;
  right: number;
}

/** Pairs pooled by predicted confidence (to four decimals, as the wire shows it), in ascending order. */
export function binPairs(pairs: CalibrationPair[], bins: CalibrationBin[] = []): CalibrationBin[] {
  const byX = new Map(bins.map((b) => [b.x, { ...b }]));
  for (const p of pairs) {
    const x = Math.round(p.predicted * 10000) / 10000;
    const b = byX.get(x) ?? { x, n: 0, right: 0 };
    b.n++;
    if (p.correct) b.right++;
    byX.set(x, b);
  }
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

/** Isotonic regression (pool adjacent violators) over (predicted, correct) pairs. */
export function fitCalibration(pairs: CalibrationPair[], shrinkage = 20): CalibrationMap {
  return fitCalibrationBins(binPairs(pairs), shrinkage);
}

/** Isotonic regression over pooled labels: each bin starts as one block, so their order never matters. */
export function fitCalibrationBins(bins: CalibrationBin[], shrinkage = 20): CalibrationMap {
  const blocks: { sumX: number; sumY: number; count: number }[] = [];
  for (const bin of [...bins].filter((b) => b.n > 0).sort((a, b) => a.x - b.x)) {
    blocks.push({ sumX: bin.x * bin.n, sumY: bin.right, count: bin.n });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sumY / prev.count < last.sumY / last.count) break;
      // Equal means pool too, so each block is one step of the curve.
      blocks.pop();
      prev.sumX += last.sumX;
      prev.sumY += last.sumY;
      prev.count += last.count;
    }
  }
  return {
    blocks: blocks.map((b) => ({ x: b.sumX / b.count, y: b.sumY / b.count, count: b.count })),
    shrinkage,
  };
}

/** Interpolates the fitted curve between block centres and shrinks it towards the raw value where labels are few. */
export function applyCalibration(map: CalibrationMap | undefined, predicted: number): number {
  if (!map || map.blocks.length === 0) return predicted;
  const blocks = map.blocks;
  let y: number;
  let n: number;
  if (predicted <= blocks[0].x) {
    y = blocks[0].y;
    n = blocks[0].count;
  } else if (predicted >= blocks[blocks.length - 1].x) {
    y = blocks[blocks.length - 1].y;
    n = blocks[blocks.length - 1].count;
  } else {
    let i = 0;
    while (blocks[i + 1].x < predicted) i++;
    const a = blocks[i];
    const b = blocks[i + 1];
    const t = b.x === a.x ? 0 : (predicted - a.x) / (b.x - a.x);
    y = a.y + t * (b.y - a.y);
    n = a.count + t * (b.count - a.count);
  }
  const out = (n * y + map.shrinkage * predicted) / (n + map.shrinkage);
  return Math.min(1, Math.max(0, out));
}

/**
 * How far two sets of weights would move an answer: the largest change of any signal's reliability or of the
 * calibrated confidence at any tenth. Re-inferring every resource after each review label would be wasteful; this
 * tells when the change is worth it.
 */
export function weightsShift(a: SignalWeights, b: SignalWeights): number {
  let shift = 0;
  for (const kind of SIGNAL_KINDS) shift = Math.max(shift, Math.abs(reliabilityOf(a, kind) - reliabilityOf(b, kind)));
  for (const type of OWNER_TYPES) {
    const classes = new Set([...Object.keys(a.learnt?.fitted?.[type] ?? {}), ...Object.keys(b.learnt?.fitted?.[type] ?? {})]);
    for (const c of classes) {
      const before = learntReliability(a.learnt ?? {}, type, c);
      const after = learntReliability(b.learnt ?? {}, type, c);
      // A class fitted on one side only moves its votes from their kind's reliability.
      shift = Math.max(shift, before === undefined || after === undefined ? 1 : Math.abs(before - after));
    }
  }
  for (const type of OWNER_TYPES) {
    const before = a.learnt?.pieces?.[type] ?? {};
    const after = b.learnt?.pieces?.[type] ?? {};
    for (const piece of new Set([...Object.keys(before), ...Object.keys(after)])) {
      for (const handle of new Set([...Object.keys(before[piece] ?? {}), ...Object.keys(after[piece] ?? {})])) {
        const x = before[piece]?.[handle];
        const y = after[piece]?.[handle];
        // A piece judged on its own on one side only moves its votes from its class's reliability.
        shift = Math.max(shift, !x || !y ? 1 : Math.abs(x.alpha / (x.alpha + x.beta) - y.alpha / (y.alpha + y.beta)));
      }
    }
  }
  for (const type of OWNER_TYPES) {
    for (let p = 0.05; p < 1; p += 0.1) {
      shift = Math.max(shift, Math.abs(applyCalibration(a.calibration?.[type], p) - applyCalibration(b.calibration?.[type], p)));
    }
  }
  return shift;
}
