// Per-signal reliabilities (Beta distributions), learning them from review feedback, and a final
// recalibration map so that confidence c means "right about c of the time".
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { SourceVote } from './evidence.js';
import { DEFAULT_PRIORS, SIGNAL_KINDS, type SignalKind } from './signal-kinds/index.js';
import type { Beta } from './signal-kinds/kind.js';
import type { LearntReliabilities } from './vote-reliability.js';

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

/** Isotonic regression (pool adjacent violators) over (predicted, correct) pairs. */
export function fitCalibration(pairs: CalibrationPair[], shrinkage = 20): CalibrationMap {
  const sorted = [...pairs].sort((a, b) => a.predicted - b.predicted);
  const blocks: { sumX: number; sumY: number; count: number }[] = [];
  for (let i = 0; i < sorted.length;) {
    // Pairs with the same prediction start as one block: their order must not matter.
    const start = { sumX: 0, sumY: 0, count: 0 };
    const x = sorted[i].predicted;
    for (; i < sorted.length && sorted[i].predicted === x; i++) {
      start.sumX += x;
      start.sumY += sorted[i].correct ? 1 : 0;
      start.count++;
    }
    blocks.push(start);
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const prev = blocks[blocks.length - 2];
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
    for (let p = 0.05; p < 1; p += 0.1) {
      shift = Math.max(shift, Math.abs(applyCalibration(a.calibration?.[type], p) - applyCalibration(b.calibration?.[type], p)));
    }
  }
  return shift;
}
