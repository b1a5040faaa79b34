// What the organization has learnt about its own signals, applied to one resource's votes: each vote's class takes the
// reliability fitted for this organization and owner type (label-model.ts, refined by review labels), and a vote
// whose very piece of evidence reviewers have judged (this catalog entry, this mapping, this principal naming this
// owner) moves by what they said, so one review reaches every resource resting on the same evidence. Pure.
import type { OwnerType } from './owner-type.js';
import type { SourceVote, PieceLabel } from './evidence.js';
import type { Beta, Vote } from './signal-kinds/kind.js';
import type { SignalKind } from './signal-kinds/index.js';
import { DEFAULT_PRIORS } from './signal-kinds/index.js';
import { DEFAULT_ENGINE_SETTINGS } from './evidence.js';
import { CATCH_ALL_FACTOR, reviewerShare } from './signal-kinds/codeowners.js';
import { pieceReliabilityOf, type PieceReliabilities } from './label-model.js';
import { betaMean, withMean } from './beta.js';

/** How much a piece's own labels weigh against its class: a piece with this many labels is judged half by them. */
export const PIECE_PRIOR_STRENGTH = 3;

/**
 * The same for a piece standing for one thing with one owner (KINDS_SHARING_REVIEWED_OWNER): its resources share their
 * owner, so each review speaks for all of them. One review that said nothing, as the owners reviewers settled on for
 * its resources count (reviewed-owner-votes.ts): reviews of the piece vote, its own owner's and the others' alike.
 */
export const SHARED_OWNER_PRIOR_STRENGTH = 1;

/**
 * The kinds whose piece stands for one thing with one owner: a service's catalog entry, a repository's or a Terraform
 * root's CODEOWNERS. Not tags (a tag names its owner; a review finding one stale says nothing of the other resources
 * carrying it), nor principals (a pipeline or a platform engineer builds for many teams), nor mappings (one rule often
 * covers a shared account of many teams).
 */
export const KINDS_SHARING_REVIEWED_OWNER: readonly string[] = ['catalog', 'ci_codeowners', 'iac_codeowners'];

/** Whether a vote is one of reviewedOwnerVotes' (reviewed-owner-votes.ts): its reliability is its reviews' own. */
export function isReviewedOwnerVote(v: Pick<Vote, 'detail'>): boolean {
  return v.detail.reviewed_count !== undefined;
}

/** Whether reviews of a vote's piece name an owner for the piece's other resources (KINDS_SHARING_REVIEWED_OWNER). */
export function sharesReviewedOwner(v: Pick<Vote, 'owner_type' | 'kind'>): boolean {
  return KINDS_SHARING_REVIEWED_OWNER.includes(v.kind) && learnsFromPiece(v);
}

/**
 * An owner tag, creator or modifier naming someone outside the team answer is right only where that answer is wrong
 * (or the person sits in two teams): its prior counts this share of its kind's, and the label model learns the rest
 * per organization.
 */
export const OUTSIDE_TEAM_FACTOR = 0.3;

/**
 * For the user type, the prior mean of a vote naming a person who has left: they can no longer own anything, and the
 * label model cannot learn it from agreement, since such votes mostly stand alone.
 */
export const DEPARTED_OWNER_PRIOR_MEAN = 0.01;

/**
 * A membership vote through a person in several teams names each of them, and at most one owns the resource: its prior
 * counts this share of its kind's, and the label model learns its own rate per organization. In one class with the
 * single-team memberships, the fit placed both at one rate, below a single-team creator's and above a shared one's:
 * over the benchmark's shapes and twelve seeds, team ECE before review summed 2.168 -> 1.526 (`untagged` 0.812 ->
 * 0.387, every seed now within its goal). Its prior at 0.5, 0.75 or 1 of the kind's measured alike on four seeds.
 */
export const SHARED_MEMBERSHIP_FACTOR = 0.5;

/**
 * A vote's class: its kind, `:catch_all` when a CODEOWNERS rule matching everything named a Terraform root's owner, `:via` when it reaches a team through a named person's membership without being a
 * membership kind of its own, `:shared` when a membership kind goes through a person in several teams, `:outside` when an owner tag, creator or modifier names a person outside the team answer, `:left` when that
 * person has left. Each class is right at its own rate.
 */
export function voteClassOf(v: Pick<Vote, 'kind' | 'detail' | 'outside_team'>): string {
  let c: string = v.kind;
  // A pipeline's repository is always read at its root: only a Terraform root's catch-all is a class of its own.
  if (v.detail.catch_all && v.kind === 'iac_codeowners') c += ':catch_all';
  if (v.detail.via_user && !v.kind.endsWith('_membership')) c += ':via';
  if (v.detail.shared_membership && v.kind.endsWith('_membership')) c += ':shared';
  if (v.outside_team) c += ':outside';
  if (v.detail.inactive_user) c += ':left';
  return c;
}

/** The kinds of user vote weighed against the team answer (markOutsideTeam). */
export const KINDS_WEIGHED_AGAINST_TEAM: readonly string[] = ['owner_tag', 'creator', 'modifier'];

/**
 * Marks the owner tags, creators and modifiers naming a person in none of the answer's teams (the team answer and its
 * co-owners), weakened as their class prior says until the organization's fit gives them a reliability of their own:
 * the person behind a resource works in its owning team, so such a tag is most often stale, and such a creator most
 * often built it for another team. Measured on the benchmark's shapes, a lone creator outside the team answer is its
 * owner 0.01-0.44 of the time and one inside 0.58-0.94; in one class the fit, which gives a class one rate, placed both
 * at 0.40-0.84 (those inside, calibrated, would reach the high band: confidence-ceiling.ts). People the directory does
 * not know are left as they are.
 */
export function markOutsideTeam(votes: Vote[], teamAnswer: string[]): Vote[] {
  if (teamAnswer.length === 0) return votes;
  const answer = new Set(teamAnswer.map((t) => t.toLowerCase()));
  return votes.map((v) =>
    v.owner_type === 'user' && KINDS_WEIGHED_AGAINST_TEAM.includes(v.kind) && v.member_of && !v.member_of.some((t) => answer.has(t.toLowerCase()))
      ? { ...v, outside_team: true, reliability: v.reliability * OUTSIDE_TEAM_FACTOR }
      : v,
  );
}

/** The piece of evidence a vote rests on, shared by every resource it speaks for (a catalog entry, a mapping, a principal). */
export function pieceOf(v: Pick<Vote, 'kind' | 'detail' | 'evidence'>): string {
  const d = v.detail;
  const piece =
    d.mapping_id ??
    d.service ??
    (d.repository !== undefined ? `${d.repository}:${d.path ?? ''}` : undefined) ??
    d.principal ??
    d.tag ??
    d.name ??
    v.evidence.id;
  return `${v.kind}|${piece}`;
}

const CODEOWNERS_KINDS = new Set(['ci_codeowners', 'iac_codeowners']);

/**
 * The prior of a vote class: its kind's prior, its mean scaled as the engine scales such votes, its strength kept.
 * For the user type a CODEOWNERS person counts `reviewerShare` of the kind's prior, as the engine counts them, and a
 * person who has left `DEPARTED_OWNER_PRIOR_MEAN`.
 */
export function classPrior(voteClass: string, context?: { type: OwnerType; population?: Partial<Record<OwnerType, number>> }): Beta {
  const [kind, ...marks] = voteClass.split(':');
  const base = DEFAULT_PRIORS[kind as SignalKind] ?? { alpha: 5, beta: 5 };
  let m = betaMean(base);
  if (context?.type === 'user' && CODEOWNERS_KINDS.has(kind)) m *= reviewerShare(context.population);
  if (marks.includes('catch_all')) m *= CATCH_ALL_FACTOR;
  if (marks.includes('via')) m *= betaMean(DEFAULT_PRIORS.owner_tag_membership);
  if (marks.includes('outside')) m *= OUTSIDE_TEAM_FACTOR;
  if (marks.includes('shared')) m *= SHARED_MEMBERSHIP_FACTOR;
  if (marks.includes('left')) m *= DEFAULT_ENGINE_SETTINGS.inactive_user_factor;
  if (context?.type === 'user' && marks.includes('left')) m = DEPARTED_OWNER_PRIOR_MEAN;
  return withMean(base, m);
}

export interface ClassCounts {
  right: number;
  wrong: number;
}

/** The learnt part of the weights the engine reads. */
export interface LearntReliabilities {
  /** Per owner type and vote class: the label model's fit (prior + expected counts, reviewed items included). */
  fitted?: Partial<Record<OwnerType, Record<string, Beta>>>;
  /**
   * Per owner type, piece and owner it names (lower case): the pieces voting on so many resources that
   * the fit judged them on their own, from agreement alone (reviews of a piece reach it through its piece labels).
   */
  pieces?: Partial<Record<OwnerType, PieceReliabilities>>;
  /** Review labels recorded since that fit, per owner type and vote class. */
  since_fit?: Partial<Record<OwnerType, Record<string, ClassCounts>>>;
  /** How many reviewed items the fit included, per owner type. */
  fit_labelled?: Partial<Record<OwnerType, number>>;
  /** How many review labels arrived since the fit, per owner type. */
  labels_since_fit?: Partial<Record<OwnerType, number>>;
}

/** The fitted reliability of a vote class for an owner type, with the labels since the fit; undefined when never fitted. */
export function learntReliability(learnt: LearntReliabilities, type: OwnerType, voteClass: string): number | undefined {
  const fitted = learnt.fitted?.[type]?.[voteClass];
  if (!fitted) return undefined;
  const since = learnt.since_fit?.[type]?.[voteClass];
  return (fitted.alpha + (since?.right ?? 0)) / (fitted.alpha + fitted.beta + (since?.right ?? 0) + (since?.wrong ?? 0));
}

/** The reliability the fit gave a piece naming one owner on its own; undefined when it judged it with its class. */
export function learntPieceReliability(learnt: LearntReliabilities, type: OwnerType, piece: string, handle: string): number | undefined {
  const b = pieceReliabilityOf(learnt.pieces?.[type], piece, handle);
  return b && b.alpha / (b.alpha + b.beta);
}

export function pieceLabelKey(type: OwnerType, piece: string, handle: string): string {
  return `${type}\u0000${piece}\u0000${handle.toLowerCase()}`;
}

/**
 * Whether a vote's piece's own review labels move it. For the user type only an owner tag's do: a tag states who owns
 * it wherever it is written, while a principal or a CODEOWNERS line names the person behind some of its resources and
 * not others (a creator owns what they built for themselves, not what they built for a teammate), so a review of one
 * resource says nothing of the piece's others beyond what it teaches the vote's class.
 */
export function learnsFromPiece(v: Pick<Vote, 'owner_type' | 'kind'>): boolean {
  return v.owner_type !== 'user' || USER_KINDS_LEARNING_FROM_PIECE.includes(v.kind);
}

/** The kinds whose piece learns from its own reviews for the user type (learnsFromPiece); the review queue's SQL reads it too. */
export const USER_KINDS_LEARNING_FROM_PIECE: readonly string[] = ['owner_tag'];

/**
 * Each vote with the organization's learnt reliability of its piece (where the fit judged it on its own) or of its
 * class, then moved by its own piece's review labels.
 */
export function reweighVotes(votes: Vote[], learnt: LearntReliabilities, pieceLabels: PieceLabel[] = []): Vote[] {
  const labels = new Map(pieceLabels.map((l) => [pieceLabelKey(l.owner_type, l.piece, l.handle), l]));
  return votes.map((v) => {
    if (isReviewedOwnerVote(v)) return v;
    let reliability =
      learntPieceReliability(learnt, v.owner_type, pieceOf(v), v.handle) ?? learntReliability(learnt, v.owner_type, voteClassOf(v)) ?? v.reliability;
    const own = learnsFromPiece(v) ? labels.get(pieceLabelKey(v.owner_type, pieceOf(v), v.handle)) : undefined;
    if (own) {
      const strength = sharesReviewedOwner(v) ? SHARED_OWNER_PRIOR_STRENGTH : PIECE_PRIOR_STRENGTH;
      reliability = (strength * reliability + own.right) / (strength + own.right + own.wrong);
    }
    return reliability === v.reliability ? v : { ...v, reliability };
  });
}

/**
 * What each source named for one owner type, once per kind, owner and piece: kept with the inference for feedback and
 * the label model. Not the votes of reviews (reviewed-owner-votes.ts): they are labels already, and the label model
 * must not learn a class from them.
 */
export function sourceVotesOf(votes: Vote[], type: OwnerType): SourceVote[] {
  const out: SourceVote[] = [];
  const seen = new Set<string>();
  for (const v of votes) {
    if (v.owner_type !== type || isReviewedOwnerVote(v)) continue;
    const voteClass = voteClassOf(v);
    const piece = pieceOf(v);
    const key = `${v.kind}\u0000${v.handle}\u0000${piece}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: v.kind, owner_handle: v.handle, piece, ...(voteClass !== v.kind ? { vote_class: voteClass } : {}) });
  }
  return out.sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.owner_handle.localeCompare(b.owner_handle) || (a.piece ?? '').localeCompare(b.piece ?? ''),
  );
}

/** Says what the confidence rests on when it is the organization's learnt agreement rather than review. */
export function reliabilityBasisNote(learnt: LearntReliabilities | undefined, type: OwnerType): string {
  if (!learnt?.fitted?.[type]) return '';
  const reviewed = (learnt.fit_labelled?.[type] ?? 0) + (learnt.labels_since_fit?.[type] ?? 0);
  return reviewed === 0
    ? ' The confidence rests on how often these signals agree across the organization, learnt without reviews.'
    : ` The confidence rests on how often these signals agree across the organization and on ${reviewed} review label(s).`;
}
