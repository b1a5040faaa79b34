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
import { CATCH_ALL_FACTOR } from './signal-kinds/codeowners.js';

/** How much a piece's own labels weigh against its class: a piece with this many labels is judged half by them. */
export const PIECE_PRIOR_STRENGTH = 3;

/**
 * A vote's class: its kind, `:catch_all` when a CODEOWNERS rule matching everything named a Terraform root's owner, `:via` when it reaches a team through a named person's membership without being a
 * membership kind of its own, `:left` when that person has left. Each class is right at its own rate.
 */
export function voteClassOf(v: Pick<Vote, 'kind' | 'detail'>): string {
  let c: string = v.kind;
  // A pipeline's repository is always read at its root: only a Terraform root's catch-all is a class of its own.
  if (v.detail.catch_all && v.kind === 'iac_codeowners') c += ':catch_all';
  if (v.detail.via_user && !v.kind.endsWith('_membership')) c += ':via';
  if (v.detail.inactive_user) c += ':left';
  return c;
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

/** The prior of a vote class: its kind's prior, its mean scaled as the engine scales such votes, its strength kept. */
export function classPrior(voteClass: string): Beta {
  const [kind, ...marks] = voteClass.split(':');
  const base = DEFAULT_PRIORS[kind as SignalKind] ?? { alpha: 5, beta: 5 };
  const strength = base.alpha + base.beta;
  let m = base.alpha / strength;
  if (marks.includes('catch_all')) m *= CATCH_ALL_FACTOR;
  if (marks.includes('via')) m *= mean(DEFAULT_PRIORS.owner_tag_membership);
  if (marks.includes('left')) m *= DEFAULT_ENGINE_SETTINGS.inactive_user_factor;
  return { alpha: m * strength, beta: (1 - m) * strength };
}

const mean = (b: Beta) => b.alpha / (b.alpha + b.beta);

export interface ClassCounts {
  right: number;
  wrong: number;
}

/** The learnt part of the weights the engine reads. */
export interface LearntReliabilities {
  /** Per owner type and vote class: the label model's fit (prior + expected counts, reviewed items included). */
  fitted?: Partial<Record<OwnerType, Record<string, Beta>>>;
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

export function pieceLabelKey(type: OwnerType, piece: string, handle: string): string {
  return `${type}\u0000${piece}\u0000${handle.toLowerCase()}`;
}

/** Each vote with the organization's learnt reliability of its class, then moved by its own piece's review labels. */
export function reweighVotes(votes: Vote[], learnt: LearntReliabilities, pieceLabels: PieceLabel[] = []): Vote[] {
  const labels = new Map(pieceLabels.map((l) => [pieceLabelKey(l.owner_type, l.piece, l.handle), l]));
  return votes.map((v) => {
    let reliability = learntReliability(learnt, v.owner_type, voteClassOf(v)) ?? v.reliability;
    const own = labels.get(pieceLabelKey(v.owner_type, pieceOf(v), v.handle));
    if (own) reliability = (PIECE_PRIOR_STRENGTH * reliability + own.right) / (PIECE_PRIOR_STRENGTH + own.right + own.wrong);
    return reliability === v.reliability ? v : { ...v, reliability };
  });
}

/** What each source named for one owner type, once per kind, owner and piece: kept with the inference for feedback and the label model. */
export function sourceVotesOf(votes: Vote[], type: OwnerType): SourceVote[] {
  const out: SourceVote[] = [];
  const seen = new Set<string>();
  for (const v of votes) {
    if (v.owner_type !== type) continue;
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
