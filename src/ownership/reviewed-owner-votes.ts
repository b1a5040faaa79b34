// What reviewers said of the other resources resting on the same piece of evidence, as a vote: when a piece stands for
// one thing with one owner (a service's catalog entry, a repository's or a Terraform root's CODEOWNERS), the owner
// reviewers settled on for one of its resources likely owns its others too. A stale catalog entry names the wrong
// team for every resource of its service; a correction of one of them reaches the rest through this vote, where
// demoting the entry alone (vote-reliability.ts) would only leave them less sure of the wrong team. Pure.
//
// The vote's reliability is the share of the piece's reviewed resources owned by that owner, shrunk by one review
// that said nothing (SHARED_OWNER_PRIOR_STRENGTH): c / (1 + n) for c of n. The piece's own owner moves by the same
// reviews with the same strength (vote-reliability.ts): one correction takes a catalog entry of 0.8 to 0.4 and votes
// 0.5 for the owner settled on; a confirmation after it gives the entry 0.6 and the correction 0.33. Reviews vote.
import type { PieceLabel } from './evidence.js';
import type { Vote } from './signal-kinds/kind.js';
import { pieceOf, SHARED_OWNER_PRIOR_STRENGTH, sharesReviewedOwner } from './vote-reliability.js';

/**
 * For each piece a resource's votes rest on that shares its reviewed owner, a vote for each owner reviewers settled on
 * for its resources that the piece does not itself name here: the piece's kind and evidence, `reviewed_owner_count` of
 * `reviewed_count` in its detail, reliability c / (1 + n). Sorted by owner type, piece and owner.
 */
export function reviewedOwnerVotes(votes: Vote[], labels: PieceLabel[] = []): Vote[] {
  if (labels.length === 0) return [];
  const byPiece = new Map<string, PieceLabel[]>();
  for (const l of labels) {
    const key = `${l.owner_type}\u0000${l.piece}`;
    const list = byPiece.get(key);
    if (list) list.push(l);
    else byPiece.set(key, [l]);
  }
  const named = new Set(votes.map((v) => `${v.owner_type}\u0000${pieceOf(v)}\u0000${v.handle.toLowerCase()}`));
  const out = new Map<string, Vote>();
  for (const v of votes) {
    if (!sharesReviewedOwner(v)) continue;
    const piece = pieceOf(v);
    const pieceLabels = byPiece.get(`${v.owner_type}\u0000${piece}`);
    if (!pieceLabels) continue;
    const reviewed = pieceLabels.reduce((sum, l) => sum + l.right, 0);
    for (const l of pieceLabels) {
      const key = `${v.owner_type}\u0000${piece}\u0000${l.handle.toLowerCase()}`;
      if (l.right === 0 || named.has(key) || out.has(key)) continue;
      out.set(key, {
        owner_type: v.owner_type,
        handle: l.handle,
        kind: v.kind,
        reliability: l.right / (SHARED_OWNER_PRIOR_STRENGTH + reviewed),
        evidence: v.evidence,
        // Not the piece's depends_on: those are the directory entries of the owner the piece names.
        detail: { ...v.detail, reviewed_owner_count: l.right, reviewed_count: reviewed },
      });
    }
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}
