// The review queue's priority: how much one review is expected to raise the organization's accuracy. Pure: no I/O.
//
//   score = uncertainty × reach × impact
//   uncertainty = 1 − confidence (an `unknown` answer: 1, it names no owner a reviewer could confirm)
//   reach       = groupSize / (1 + reviewedInGroup)²: the inferences resting on the same deciding evidence move with
//                 what a review teaches about it, and a group already taught yields much less: its reviews are its
//                 least confident answers, so after a few its piece's labels have said what they will, and more of them
//                 only skew the piece's rate toward those answers (measured: with 1 / (1 + reviewed) the queue spent 43
//                 of a 5% budget of 150 on one pipeline's group, and its held-out gain fell as it went on; see
//                 bench/README.md). Only where a review moves that piece (vote-reliability.ts, learnsFromPiece):
//                 a user answer resting on a creator, a modifier or a CODEOWNERS line is a group of one, since its
//                 review moves none of the piece's other answers
//   impact      = 1 + openCriticalHigh: an owner found for a resource with open critical or high findings matters more
//
// The review queue's SQL (src/store/review-queue.ts) computes the same expression, in the same order of operations,
// so that it can page by score; a test holds the two to the same order.
import type { OwnerType } from './owner-type.js';
import type { SignalKind } from './signal-kinds/index.js';
import { learnsFromPiece } from './vote-reliability.js';
import { code } from './markdown-code.js';

/** What one inference's priority is computed from. */
export interface ReviewPriorityInput {
  /** The answer's confidence, 0..1 (values outside are clamped). */
  confidence: number;
  /** How many current inferences of this owner type rest on the same deciding evidence, this one included (≥ 1). */
  groupSize: number;
  /** How many of the group's resources were already reviewed (feedback on an inference resting on that evidence). */
  reviewedInGroup: number;
  /** Open critical and high findings on the resource: failing, not muted, current. */
  openCriticalHigh: number;
  /** True for an `unknown` answer (no owner named): fully uncertain whatever its confidence. Default false. */
  unknown?: boolean;
}

/**
 * Whether a review of an answer of `ownerType` resting on evidence of `kind` moves the other answers resting on the
 * same piece; when not, the answer is a group of its own.
 */
export function reviewMovesGroup(ownerType: OwnerType, kind: string): boolean {
  return learnsFromPiece({ owner_type: ownerType, kind: kind as SignalKind });
}

export interface ReviewPriority {
  /** uncertainty × reach × impact; higher is reviewed first. */
  score: number;
  parts: {
    /** 1 − confidence, or 1 for an unknown answer. */
    uncertainty: number;
    /** groupSize / (1 + reviewedInGroup)². */
    reach: number;
    /** 1 + openCriticalHigh. */
    impact: number;
  };
}

/**
 * The expected gain in accuracy of reviewing one inference. Sort by `score` descending (ties: resource id ascending)
 * to get the review queue's order.
 */
export function reviewPriority(input: ReviewPriorityInput): ReviewPriority {
  const uncertainty = input.unknown ? 1 : 1 - Math.min(1, Math.max(0, input.confidence));
  const taught = 1 + input.reviewedInGroup;
  const reach = input.groupSize / (taught * taught);
  const impact = 1 + input.openCriticalHigh;
  return { score: uncertainty * reach * impact, parts: { uncertainty, reach, impact } };
}

/** The strongest source of an answer, as stored in its `sources[0]`. */
export interface DecidingEvidence {
  /** The signal kind (`catalog`, `owner_tag`, `creator`, ...). */
  type: string;
  /** What the source names: a service, a tag, a repository, a principal. */
  name?: string | null;
}

// How a reviewer recognises each kind of evidence in a sentence; other kinds read as their name.
const EVIDENCE_LABELS: Record<string, string> = {
  owner_tag: 'owner tag',
  owner_tag_membership: 'owner tag',
  mapping_high: 'preference mapping',
  mapping_medium: 'preference mapping',
  mapping_low: 'preference mapping',
  catalog: 'service catalog entry',
  creator: 'CloudTrail creator',
  creator_membership: 'CloudTrail creator',
  modifier: 'CloudTrail modifier',
  modifier_membership: 'CloudTrail modifier',
  ci_codeowners: 'CODEOWNERS of',
  iac_codeowners: 'CODEOWNERS of',
  naming: 'naming',
};

function describeEvidence(e: DecidingEvidence): string {
  const label = EVIDENCE_LABELS[e.type] ?? e.type.replace(/_/g, ' ');
  return e.name ? `${label} ${code(e.name)}` : label;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Why an inference is in the queue, in one sentence, e.g. "confidence 0.42; 37 resources rest on the same evidence
 * (service catalog entry `checkout`); 3 open critical/high findings".
 */
export function reviewReason(input: ReviewPriorityInput & { evidence?: DecidingEvidence | null; ownerType?: OwnerType }): string {
  const parts = [input.unknown ? 'no owner inferred' : `confidence ${(Math.round(input.confidence * 100) / 100).toFixed(2)}`];
  if (input.evidence && input.ownerType && !reviewMovesGroup(input.ownerType, input.evidence.type)) {
    // Other answers may rest on the same piece, but a review of this one does not move them: saying they do would
    // overstate its reach.
    parts.push(`its review moves no other answer (${describeEvidence(input.evidence)})`);
  } else if (input.evidence) {
    const resting =
      input.groupSize === 1
        ? `it alone rests on its evidence (${describeEvidence(input.evidence)})`
        : `${input.groupSize} resources rest on the same evidence (${describeEvidence(input.evidence)})`;
    parts.push(input.reviewedInGroup > 0 ? `${resting}, ${input.reviewedInGroup} already reviewed` : resting);
  }
  if (input.openCriticalHigh > 0) parts.push(plural(input.openCriticalHigh, 'open critical/high finding', 'open critical/high findings'));
  return parts.join('; ');
}
