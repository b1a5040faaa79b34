// One or two sentences naming the evidence that decided an inference.

import type { OwnerType } from './owner-type.js';
import type { Vote } from './signal-kinds/kind.js';
import { moduleOf } from './signal-kinds/index.js';
import type { ScoredCandidate } from './engine-combination.js';
import { code } from './markdown-code.js';
import { isReviewedOwnerVote } from './vote-reliability.js';

const TYPE_WORD: Record<OwnerType, string> = { team: 'Team', user: 'User', service: 'Service' };

/** The deciding vote as the sentence's main clause, worded by its signal kind. */
function lead(type: OwnerType, handle: string, v: Vote): string {
  if (isReviewedOwnerVote(v)) return `${TYPE_WORD[type]} ${code(handle)} is the owner reviewers named for ${reviewedShare(v)}`;
  return moduleOf(v.kind).lead(`${TYPE_WORD[type]} ${code(handle)}`, v);
}

/** A supporting vote as a short clause. */
function clause(v: Vote): string {
  if (isReviewedOwnerVote(v)) return `reviewers named it for ${reviewedShare(v)}`;
  return moduleOf(v.kind).clause(v);
}

/** What the other resources a review vote speaks for share with this one, e.g. "tagged with the service `checkout`". */
function sharedPiece(v: Vote): string {
  const d = v.detail;
  if (v.kind === 'catalog') return `tagged with the service ${code(d.service)}`;
  if (v.kind === 'ci_codeowners') return `deployed by the pipeline of ${code(d.repository)}`;
  return `managed by the Terraform root ${code(d.path)} in ${code(d.repository)}`;
}

/** "1 of the 2 reviewed resources tagged with the service `checkout`". */
function reviewedShare(v: Vote): string {
  const n = v.detail.reviewed_count ?? 0;
  return `${v.detail.reviewed_owner_count ?? 0} of the ${n} reviewed resource${n === 1 ? '' : 's'} ${sharedPiece(v)}`;
}

/** `a`, `b` and `c`. */
function listOf(handles: string[]): string {
  const quoted = handles.map((h) => code(h));
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/**
 * `coOwners` (the winner first, see coOwnersOf): when several owners tie on the same evidence, the explanation says it
 * is a tie and names every one of them; the answer is the first by handle.
 */
export function explain(type: OwnerType, winner: ScoredCandidate, rivals: ScoredCandidate[], coOwners: ScoredCandidate[] = [winner]): string {
  const [first, second] = winner.votes;
  let text: string;
  if (coOwners.length > 1) {
    const names = coOwners.map((c) => c.handle);
    text = `Tie: ${listOf(names)} are co-owners (${first.cite ?? clause(first)})`;
    if (second) text += `; ${clause(second)}`;
    text += `. They share the confidence equally; ${code(winner.handle)} is answered first by name.`;
  } else {
    text = lead(type, winner.handle, first);
    if (second) text += `; ${clause(second)}`;
    text += '.';
  }
  const inactive = winner.votes.find((v) => v.detail.inactive_user)?.detail.inactive_user;
  const rival = rivals.find((r) => !coOwners.includes(r));
  if (inactive) {
    text += ` ${code(inactive)} has left the organization, which weakens this.`;
  } else if (rival && rival.posterior >= 0.05) {
    text += ` ${code(rival.handle)} is also named (${rival.votes.map((v) => (isReviewedOwnerVote(v) ? `reviews of ${v.kind}` : v.kind)).join(', ')}), which lowers the confidence.`;
  }
  return text;
}

export function explainUnknown(type: OwnerType, droppedCount: number): string {
  const base = `No evidence names a ${type} owner for this resource.`;
  return droppedCount > 0 ? `${base} ${droppedCount} candidate source(s) were set aside by exclusions, rejections or direct tags.` : base;
}
