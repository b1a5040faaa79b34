// What one review label teaches, in the three forms the learning keeps: the reviewed item's owner for the label model,
// counts per vote class until the next fit, and counts per piece of evidence (so the review reaches every resource
// resting on the same piece at once). Pure: the same label always teaches the same.
import type { FeedbackLabel } from './calibration.js';
import type { OwnerType } from './owner-type.js';
import type { PieceLabel, SourceVote } from './evidence.js';
import { sharesReviewedOwner, type ClassCounts } from './vote-reliability.js';

const lower = (s: string) => s.toLowerCase();

export interface LabelTruth {
  /** The owner reviewers settled on; null when the label names none (a rejection). */
  truth: string | null;
  /** Owners the label says are wrong. */
  rejected: string[];
}

/** The owner a label settles on, or, for a rejection, only the owner it rules out. */
export function truthOfLabel(label: Pick<FeedbackLabel, 'action' | 'inferred_owner' | 'corrected_owner'>): LabelTruth | undefined {
  switch (label.action) {
    case 'confirm':
    case 'persist':
      return label.inferred_owner ? { truth: label.inferred_owner, rejected: [] } : undefined;
    case 'correct':
      return label.corrected_owner ? { truth: label.corrected_owner, rejected: [] } : undefined;
    case 'reject':
      return label.inferred_owner ? { truth: null, rejected: [label.inferred_owner] } : undefined;
  }
}

/** Whether a vote was right by a label: undefined when the label does not say (a rejection of another owner). */
function outcomeOf(vote: SourceVote, t: LabelTruth): boolean | undefined {
  const handle = lower(vote.owner_handle);
  if (t.truth !== null) return handle === lower(t.truth);
  return t.rejected.some((r) => lower(r) === handle) ? false : undefined;
}

/** Right and wrong votes per vote class, one per distinct class and owner, as the label model counts them. */
export function classCountsOfLabel(label: FeedbackLabel): Record<string, ClassCounts> {
  const t = truthOfLabel(label);
  const out: Record<string, ClassCounts> = {};
  if (!t) return out;
  const seen = new Set<string>();
  for (const vote of label.sources) {
    const voteClass = vote.vote_class ?? vote.kind;
    const key = `${voteClass}\u0000${lower(vote.owner_handle)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const right = outcomeOf(vote, t);
    if (right === undefined) continue;
    const c = (out[voteClass] ??= { right: 0, wrong: 0 });
    if (right) c.right++;
    else c.wrong++;
  }
  return out;
}

/** Right and wrong per piece of evidence and owner named. */
export function pieceLabelsOfLabel(label: FeedbackLabel, type: OwnerType): PieceLabel[] {
  const t = truthOfLabel(label);
  if (!t) return [];
  const out = new Map<string, PieceLabel>();
  for (const vote of label.sources) {
    if (!vote.piece) continue;
    const right = outcomeOf(vote, t);
    if (right === undefined) continue;
    const key = `${vote.piece}\u0000${lower(vote.owner_handle)}`;
    const p = out.get(key) ?? { owner_type: type, piece: vote.piece, handle: lower(vote.owner_handle), right: 0, wrong: 0 };
    // A piece naming one owner twice in one label still counts once.
    if (p.right + p.wrong === 0) {
      if (right) p.right = 1;
      else p.wrong = 1;
    }
    out.set(key, p);
  }
  // The owner settled on, for each piece standing for one thing with one owner that named another: it reaches the
  // piece's other resources (reviewed-owner-votes.ts).
  if (t.truth !== null) {
    for (const vote of label.sources) {
      if (!vote.piece || !sharesReviewedOwner({ owner_type: type, kind: vote.kind })) continue;
      const key = `${vote.piece}\u0000${lower(t.truth)}`;
      if (!out.has(key)) out.set(key, { owner_type: type, piece: vote.piece, handle: lower(t.truth), right: 1, wrong: 0 });
    }
  }
  return [...out.values()].sort((a, b) => a.piece.localeCompare(b.piece) || a.handle.localeCompare(b.handle));
}

/** Adds counts into a running total (the learnt weights' labels since the fit). */
export function addClassCounts(into: Record<string, ClassCounts>, add: Record<string, ClassCounts>): Record<string, ClassCounts> {
  const out: Record<string, ClassCounts> = { ...into };
  for (const [c, n] of Object.entries(add)) {
    const prev = out[c] ?? { right: 0, wrong: 0 };
    out[c] = { right: prev.right + n.right, wrong: prev.wrong + n.wrong };
  }
  return out;
}
