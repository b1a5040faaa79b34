// Combines votes into a posterior over candidates (naive Bayes in log-odds).
//
// Model: the true owner is one of `population` owners, a priori equally likely. A vote of
// reliability r names the true owner with probability r, otherwise one of the others at random.
// Dividing out the common factor, each candidate's weight is the product over its votes of
// r (N-1) / (1-r), and every owner nobody named keeps weight 1. So a lone vote of reliability r
// gives exactly r; agreeing independent votes multiply; votes for rivals take mass away.

import type { OwnerType } from './owner-type.js';
import type { Vote } from './signal-kinds/kind.js';

export interface ScoredCandidate {
  handle: string;
  /** log of the candidate's weight. */
  logWeight: number;
  posterior: number;
  /** Its votes, strongest first, one per signal kind. */
  votes: Vote[];
}

const CLAMP = 1e-4;

/**
 * For the user type, the kinds naming the people who build a resource, work on its code or change it. Whoever a
 * CODEOWNERS line names often applies the changes they review, and whoever created a resource mostly changes it too,
 * so a creator, a modifier and a CODEOWNERS person naming one person fail together and count once, their strongest.
 * Measured on the benchmark's shapes, where a CODEOWNERS person and the modifier were one person, that person was the
 * wrong owner 5 to 10 times as often as two independent votes allow; a creator who also changed what they made was
 * right about as often as a creator alone (`untagged`: 0.72-0.90 against 0.77-0.79), where a modifier who is not the
 * creator is right 0.05 of the time. Counted as two votes, such pairs taught the label model that modifiers are right
 * far more often than they are (0.30-0.41 against 0.21 where nothing is tagged). Counted once, over 7 shapes x 12
 * seeds: summed user ECE before review 2.959 -> 2.577 and after 10% reviewed 2.339 -> 2.146, user Brier better before
 * and after review on every shape; ECE before review rose within the seeds' noise on `baseline` (0.244 -> 0.265) and
 * `noisy-catalog` (0.328 -> 0.350), where the creator no longer agrees with its own modifier and is fitted below its rate.
 */
export const USER_KINDS_FAILING_TOGETHER: readonly string[] = ['creator', 'modifier', 'iac_codeowners', 'ci_codeowners'];

/** One owner's votes kept per slot, the strongest: one per kind, and one for all those resting on a person who has left. */
function slotOf(v: Vote): string {
  return v.detail.inactive_user ? `left:${v.detail.inactive_user.toLowerCase()}` : v.kind;
}

/** The kinds whose votes naming one owner of this type fail together: the engine and the label model count them alike. */
export function kindsFailingTogether(ownerType: OwnerType): readonly string[] {
  return ownerType === 'user' ? USER_KINDS_FAILING_TOGETHER : [];
}

/** Which of one owner's kept votes fail together and count once (kindsFailingTogether), apart from those of a person who has left. */
function failureOf(v: Vote, ownerType: OwnerType): string {
  return !v.detail.inactive_user && kindsFailingTogether(ownerType).includes(v.kind) ? 'works_on' : slotOf(v);
}

export function logLikelihoodRatio(reliability: number, population: number): number {
  const r = Math.min(1 - CLAMP, Math.max(CLAMP, reliability));
  return Math.log(r) + Math.log(Math.max(1, population - 1)) - Math.log(1 - r);
}

/** Candidates of one owner type, best first (ties by handle). */
export function scoreCandidates(votes: Vote[], ownerType: OwnerType, population: number): ScoredCandidate[] {
  const byHandle = new Map<string, Map<string, Vote>>();
  for (const v of votes) {
    if (v.owner_type !== ownerType) continue;
    const key = v.handle.toLowerCase();
    if (!byHandle.has(key)) byHandle.set(key, new Map());
    const kinds = byHandle.get(key)!;
    // Several pieces of one kind naming one owner are not independent: count the strongest once. Nor are the votes
    // resting on one person who has left (their tag, their creations, their team): they fail together.
    const slot = slotOf(v);
    const current = kinds.get(slot);
    if (!current || v.reliability > current.reliability) kinds.set(slot, v);
  }
  const n = byHandle.size;
  const N = Math.max(population, n + 1);
  const scored = [...byHandle.entries()].map(([, kinds]) => {
    const list = [...kinds.values()].sort((a, b) => b.reliability - a.reliability || a.kind.localeCompare(b.kind));
    // The list is strongest first: the first vote of each failure counts.
    const counted = new Map<string, Vote>();
    for (const v of list) {
      const failure = failureOf(v, ownerType);
      if (!counted.has(failure)) counted.set(failure, v);
    }
    const logWeight = [...counted.values()].reduce((sum, v) => sum + logLikelihoodRatio(v.reliability, N), 0);
    return { handle: displayHandle(list), logWeight, posterior: 0, votes: list };
  });
  // The owners nobody named: N - n of them, weight 1 each.
  const others = Math.log(N - n);
  const max = Math.max(others, ...scored.map((c) => c.logWeight));
  const total = Math.exp(others - max) + scored.reduce((s, c) => s + Math.exp(c.logWeight - max), 0);
  for (const c of scored) c.posterior = Math.exp(c.logWeight - max) / total;
  return scored.sort((a, b) => b.posterior - a.posterior || a.handle.localeCompare(b.handle));
}

/**
 * The best candidate and those tied with it on the same evidence: co-owners, such as the teams of one CODEOWNERS line.
 * A co-owner has the same score and its votes stand on the same evidence, kind by kind. Their posteriors are equal, so
 * they share the confidence; the first (by handle, see scoreCandidates) answers.
 */
export function coOwnersOf(ranked: ScoredCandidate[]): ScoredCandidate[] {
  const [best, ...rest] = ranked;
  if (!best) return [];
  const basis = (c: ScoredCandidate) =>
    c.votes.map((v) => [v.kind, v.evidence.source, v.evidence.id, String(v.evidence.version)].join('\u0000')).join('\u0001');
  const same = (c: ScoredCandidate) => Math.abs(c.logWeight - best.logWeight) <= 1e-9 * Math.max(1, Math.abs(best.logWeight));
  return [best, ...rest.filter((c) => same(c) && basis(c) === basis(best))];
}

/** The spelling of the strongest vote, so the answer reads as its best source wrote it. */
function displayHandle(votes: Vote[]): string {
  return votes[0].handle;
}
