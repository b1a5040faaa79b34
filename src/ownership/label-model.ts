// A generative label model fitted to one organization's own evidence, without labels: how often each class of vote
// names the true owner, estimated from where independent votes agree and disagree across its resources (the
// one-coin model of Dawid & Skene, 1979, fitted by expectation-maximisation). Its combination is the engine's own
// (engine-combination.ts): the true owner is one of `population` owners; a vote of reliability r names it with
// probability r, otherwise one of the others at random. Reviewed resources enter with their owner known, so labels
// refine the same fit. A piece of evidence that votes on many resources (one pipeline's CODEOWNERS, one mapping) may
// be right at a rate of its own, far from its class's: such a piece gets its own reliability, shrunk toward its
// class's, and its votes leave the class's count (a hierarchical one-coin model). Pure and deterministic: items are
// visited in the order given, sums in a fixed order.
import type { Beta } from './signal-kinds/kind.js';
import { logLikelihoodRatio } from './engine-combination.js';
import { byCodeUnits } from './string-order.js';
import { betaMean } from './beta.js';

export interface LabelModelVote {
  /** The vote's class: a signal kind, with `:left` when it goes through a person who has left (see voteClassOf). */
  vote_class: string;
  handle: string;
  /** The piece of evidence it rests on (pieceOf): with `pieceMinVotes`, a piece voting often is judged on its own. */
  piece?: string;
}

export interface LabelModelItem {
  population: number;
  votes: LabelModelVote[];
  /** A reviewed item: the owner reviewers settled on, or null when they said none of the named owners is right. */
  truth?: string | null;
  /** Owners reviewers rejected for this item without naming the right one. */
  rejected?: string[];
}

export interface LabelModelFit {
  /**
   * Per vote class: its prior plus the expected successes and failures of its votes under the fitted model (the votes
   * of pieces judged on their own left out).
   */
  classes: Record<string, Beta>;
  /** Per piece judged on its own and owner it names: its class's reliability as a prior of `pieceStrength`, plus its votes. */
  pieces: PieceReliabilities;
  /** Per vote class: how many review labels its fit from agreement is worth (agreementInformation). */
  information: Record<string, number>;
  iterations: number;
  /** Items with at least one vote, labelled ones included. */
  items: number;
  /** How many groups of alike items (groupAlike) the fit visited on each pass. */
  groups: number;
  labelled: number;
}

export interface LabelModelOptions {
  /** The prior of a class the caller gives none for. */
  defaultPrior?: Beta;
  maxIterations?: number;
  /** Stop when no class's reliability moves more than this. */
  tolerance?: number;
  /** How much one reviewed item counts against one item the model only infers. */
  labelWeight?: number;
  /** A piece naming one owner on at least this many items gets a reliability of its own; none when undefined. */
  pieceMinVotes?: number;
  /** How many votes a piece's class reliability is worth against the piece's own (default 10). */
  pieceStrength?: number;
  /** The kinds whose votes naming one owner fail together and count once, as the engine counts them (failureOf). */
  failingTogether?: readonly string[];
  /** False visits every item on its own instead of once per group of alike items (groupAlike): the same fit, slower. */
  groupAlike?: boolean;
}

/**
 * Per piece (pieceOf) and owner it names (lower case): the reliability the fit gave it. Nested rather than keyed by a
 * joined string, so it stores as JSON as it is (a separator no handle or piece holds would be a control character).
 */
export type PieceReliabilities = Record<string, Record<string, Beta>>;

/** A piece's reliability naming one owner, if the fit judged it on its own. */
export function pieceReliabilityOf(pieces: PieceReliabilities | undefined, piece: string, handle: string): Beta | undefined {
  return pieces?.[piece]?.[handle.toLowerCase()];
}

const lower = (s: string) => s.toLowerCase();

interface PreparedVote {
  voteClass: string;
  /** The vote's piece and the owner it names, when it has a piece; `key` joins them for the fit's maps. */
  piece?: { key: string; name: string; handle: string };
}

interface Prepared {
  /** Per named owner: its votes, each (class, piece) once, and the slots they count in (ownerLogWeight). */
  owners: { key: string; votes: PreparedVote[]; slots: Slot[] }[];
  population: number;
  truth?: string | null;
  rejected: Set<string>;
}

/** Votes of one owner that count once, as their strongest: one class, or the kinds failing together. */
interface Slot {
  votes: PreparedVote[];
  /** Votes resting on a person who has left: of all such slots only the strongest counts. */
  left: boolean;
}

function prepare(item: LabelModelItem, failingTogether: readonly string[]): Prepared {
  const byOwner = new Map<string, Map<string, PreparedVote>>();
  for (const v of item.votes) {
    const key = lower(v.handle);
    if (!byOwner.has(key)) byOwner.set(key, new Map());
    const piece = v.piece === undefined ? undefined : { key: `${v.piece}\u0000${key}`, name: v.piece, handle: key };
    byOwner.get(key)!.set(`${v.vote_class}\u0000${piece?.key ?? ''}`, { voteClass: v.vote_class, ...(piece ? { piece } : {}) });
  }
  return {
    owners: [...byOwner]
      .sort(([a], [b]) => byCodeUnits(a, b))
      .map(([key, byClass]) => {
        const votes = [...byClass].sort(([a], [b]) => byCodeUnits(a, b)).map(([, v]) => v);
        return { key, votes, slots: slotsOf(votes, failingTogether) };
      }),
    population: item.population,
    truth: item.truth === undefined ? undefined : item.truth === null ? null : lower(item.truth),
    rejected: new Set((item.rejected ?? []).map(lower)),
  };
}

/**
 * An owner's votes by the slot they count in, as the engine combines (engine-combination.ts): each class once (its
 * strongest vote); the votes of the `failingTogether` kinds fail together, so only the strongest of them counts. Slots
 * in name order, so sums run in a fixed order.
 */
function slotsOf(votes: PreparedVote[], failingTogether: readonly string[]): Slot[] {
  const bySlot = new Map<string, PreparedVote[]>();
  for (const v of votes) {
    const together = !v.voteClass.endsWith(':left') && failingTogether.includes(v.voteClass.split(':')[0]!);
    const slot = together ? 'together' : v.voteClass;
    const list = bySlot.get(slot);
    if (list) list.push(v);
    else bySlot.set(slot, [v]);
  }
  return [...bySlot].sort(([a], [b]) => byCodeUnits(a, b)).map(([slot, slotVotes]) => ({ votes: slotVotes, left: slot.endsWith(':left') }));
}

/** A vote's reliability under a fit: its piece's own where it has one, else its class's. */
type VoteReliability = (vote: PreparedVote) => number;

/**
 * An owner's log weight: each slot counts its strongest vote; of the slots resting on a person who has left (`:left`)
 * only the strongest counts.
 */
function ownerLogWeight(slots: Slot[], reliability: VoteReliability, N: number): number {
  let sum = 0;
  let left = -Infinity;
  for (const slot of slots) {
    let r = 0;
    for (const v of slot.votes) r = Math.max(r, reliability(v));
    const llr = logLikelihoodRatio(r, N);
    if (slot.left) left = Math.max(left, llr);
    else sum += llr;
  }
  return left === -Infinity ? sum : sum + left;
}

/**
 * The posterior over the named owners of one item under given reliabilities (the mass left over belongs to the owners
 * nobody named). A reviewed item's posterior is its label.
 */
function posterior(item: Prepared, reliability: VoteReliability): number[] {
  const n = item.owners.length;
  if (item.truth !== undefined) return item.owners.map((o) => (item.truth !== null && o.key === item.truth ? 1 : 0));
  const N = Math.max(item.population, n + 1);
  const logWeights = item.owners.map((o) => (item.rejected.has(o.key) ? -Infinity : ownerLogWeight(o.slots, reliability, N)));
  const others = Math.log(N - n);
  const max = Math.max(others, ...logWeights);
  const total = Math.exp(others - max) + logWeights.reduce((s, w) => s + Math.exp(w - max), 0);
  return logWeights.map((w) => Math.exp(w - max) / total);
}

/** Fits each vote class's reliability to the items by expectation-maximisation, starting from and shrunk to the priors. */
export function fitLabelModel(items: LabelModelItem[], priors: Record<string, Beta>, options: LabelModelOptions = {}): LabelModelFit {
  const fallback = options.defaultPrior ?? { alpha: 5, beta: 5 };
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const labelWeight = options.labelWeight ?? 1;
  const failingTogether = options.failingTogether ?? [];
  const prepared = items.filter((i) => i.votes.length > 0).map((i) => prepare(i, failingTogether));
  const classNames = [...new Set(prepared.flatMap((p) => p.owners.flatMap((o) => o.votes.map((v) => v.voteClass))))].sort();
  const ownPieces = piecesJudgedAlone(prepared, options.pieceMinVotes);
  const groups = options.groupAlike === false ? prepared.map((item) => ({ item, count: 1 })) : groupAlike(prepared, ownPieces);
  // A vote standing alone on an unreviewed item says nothing of its class: its posterior is its own reliability, so
  // the fit's fixed point is the same without it. Visited on every pass it only slowed expectation-maximisation, which
  // moves a class each pass by the share of its votes that others settle: the user fit used to stop at its 100 passes
  // short of that point. They are fitted without and added once at the end, at the fitted reliability, so each class
  // keeps the strength of all its votes.
  const informative = groups.filter((g) => !standsAlone(g.item));
  const alone = groups.filter((g) => standsAlone(g.item));
  const pieceStrength = options.pieceStrength ?? 10;
  const priorOf = (c: string) => priors[c] ?? fallback;
  let reliabilities = new Map(classNames.map((c) => [c, betaMean(priorOf(c))]));
  let pieceReliabilities = new Map([...ownPieces].map(([p, { voteClass }]) => [p, reliabilities.get(voteClass)!]));
  const reliabilityOf: VoteReliability = (v) => (v.piece && pieceReliabilities.get(v.piece.key)) ?? reliabilities.get(v.voteClass)!;
  let counts = new Map(classNames.map((c) => [c, { ...priorOf(c) }]));
  let pieceCounts = new Map<string, Beta>();
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    counts = new Map(classNames.map((c) => [c, { ...priorOf(c) }]));
    // A piece's prior is its class's current reliability: what a piece of that class with few votes is worth.
    pieceCounts = new Map(
      [...ownPieces].map(([p, { voteClass }]) => {
        const r = reliabilities.get(voteClass)!;
        return [p, { alpha: pieceStrength * r, beta: pieceStrength * (1 - r) }];
      }),
    );
    for (const { item, count } of informative) {
      const q = posterior(item, reliabilityOf);
      const weight = count * (item.truth !== undefined ? labelWeight : 1);
      item.owners.forEach((owner, i) => {
        for (const v of owner.votes) {
          const b = (v.piece && pieceCounts.get(v.piece.key)) ?? counts.get(v.voteClass)!;
          b.alpha += weight * q[i]!;
          b.beta += weight * (1 - q[i]!);
        }
      });
    }
    const next = new Map(classNames.map((c) => [c, betaMean(counts.get(c)!)]));
    const nextPieces = new Map([...pieceCounts].map(([p, b]) => [p, betaMean(b)]));
    const moved = Math.max(
      0,
      ...classNames.map((c) => Math.abs(next.get(c)! - reliabilities.get(c)!)),
      ...[...nextPieces].map(([p, r]) => Math.abs(r - pieceReliabilities.get(p)!)),
    );
    reliabilities = next;
    pieceReliabilities = nextPieces;
    if (moved < tolerance) {
      iterations++;
      break;
    }
  }
  for (const { item, count } of alone) {
    const vote = item.owners[0]!.votes[0]!;
    const r = reliabilityOf(vote);
    const b = (vote.piece && pieceCounts.get(vote.piece.key)) ?? counts.get(vote.voteClass)!;
    b.alpha += count * r;
    b.beta += count * (1 - r);
  }
  return {
    classes: Object.fromEntries(classNames.map((c) => [c, counts.get(c)!])),
    pieces: nested(pieceCounts, ownPieces),
    information: agreementInformation(groups, reliabilityOf, ownPieces),
    iterations,
    items: prepared.length,
    groups: groups.length,
    labelled: prepared.filter((p) => p.truth !== undefined).length,
  };
}

/**
 * Per vote class, how many review labels the agreement of its votes is worth: the sum over its votes of
 * (q - r)^2 / (r (1 - r)), where q is the posterior that the vote names the true owner and r the vote's reliability,
 * that is, the share of the variance of its votes' outcomes that the other votes resolve. A vote the other votes of
 * its item settle adds one on average (as a label would), a vote standing alone nothing (its posterior is its
 * reliability). A class that is nearly always right is worth little however often it agrees: its labels, all right
 * too, then move it, which the benchmark preferred to the expected information, 1 - q (1 - q) / (r (1 - r)), on every
 * owner type. Reviewed items and the votes of pieces judged on their own are left out.
 */
function agreementInformation(groups: AlikeItems[], reliabilityOf: VoteReliability, ownPieces: Map<string, unknown>): Record<string, number> {
  const information = new Map<string, number>();
  for (const { item, count } of groups) {
    if (item.truth !== undefined) continue;
    const q = posterior(item, reliabilityOf);
    item.owners.forEach((owner, i) => {
      for (const v of owner.votes) {
        if (v.piece && ownPieces.has(v.piece.key)) continue;
        const r = reliabilityOf(v);
        information.set(v.voteClass, (information.get(v.voteClass) ?? 0) + (count * (q[i]! - r) ** 2) / (r * (1 - r)));
      }
    });
  }
  return Object.fromEntries([...information].sort(([a], [b]) => a.localeCompare(b)));
}

/** An unreviewed item with one vote: nothing else on it can say whether that vote is right. */
const standsAlone = (item: Prepared) => item.truth === undefined && item.owners.length === 1 && item.owners[0]!.votes.length === 1;

/** Items the fit cannot tell apart, counted once: the first of them stands for all. */
interface AlikeItems {
  item: Prepared;
  count: number;
}

/**
 * The items grouped by what the fit reads of them: the population, and per named owner its votes' classes (with the
 * piece where it is judged on its own) and whether reviewers settled on or rejected it. Which handles the owners have
 * does not matter: a lone creator's vote on one resource teaches what it teaches on the next. An organization's items
 * fall into a few thousand such groups however many resources it has, so expectation-maximisation's hundred passes
 * cost little beside reading the votes once. Groups keep the order of their first item, so the fit's sums run in a
 * fixed order.
 */
function groupAlike(prepared: Prepared[], ownPieces: Map<string, unknown>): AlikeItems[] {
  const groups = new Map<string, AlikeItems>();
  for (const item of prepared) {
    const owners = item.owners
      .map((o) => {
        const mark = (item.truth != null && o.key === item.truth ? 'T' : '') + (item.rejected.has(o.key) ? 'R' : '');
        const votes = o.votes.map((v) => (v.piece && ownPieces.has(v.piece.key) ? `${v.voteClass}\u0001${v.piece.key}` : v.voteClass));
        return `${mark}\u0002${votes.join('\u0003')}`;
      })
      .sort();
    const key = `${item.population}\u0004${item.truth === undefined ? 'u' : item.truth === null ? 'n' : 'l'}\u0004${owners.join('\u0005')}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { item, count: 1 });
  }
  return [...groups.values()];
}

function nested(counts: Map<string, Beta>, pieces: Map<string, { name: string; handle: string }>): PieceReliabilities {
  const out: PieceReliabilities = {};
  for (const [key, b] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const { name, handle } = pieces.get(key)!;
    (out[name] ??= {})[handle] = b;
  }
  return out;
}

/**
 * The pieces that vote (naming one owner) on at least `minVotes` items, by key, each with the class most of its votes
 * fall in (its prior's): all its votes then take the piece's own reliability.
 */
function piecesJudgedAlone(prepared: Prepared[], minVotes: number | undefined): Map<string, { name: string; handle: string; voteClass: string }> {
  const out = new Map<string, { name: string; handle: string; voteClass: string }>();
  if (minVotes === undefined) return out;
  const seen = new Map<string, { name: string; handle: string; classes: Map<string, number> }>();
  for (const item of prepared)
    for (const owner of item.owners)
      for (const v of owner.votes) {
        if (!v.piece) continue;
        const entry = seen.get(v.piece.key) ?? seen.set(v.piece.key, { ...v.piece, classes: new Map() }).get(v.piece.key)!;
        entry.classes.set(v.voteClass, (entry.classes.get(v.voteClass) ?? 0) + 1);
      }
  for (const [key, { name, handle, classes }] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...classes.values()].reduce((s, n) => s + n, 0);
    if (total < minVotes) continue;
    const [voteClass] = [...classes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    out.set(key, { name, handle, voteClass });
  }
  return out;
}

/**
 * The model's answer for one item (ignoring its label): the best named owner and its posterior, or undefined if none.
 * A vote of a piece judged on its own (`pieces`) takes that piece's reliability; `failingTogether` as in the fit.
 */
export function answerOf(
  item: LabelModelItem,
  reliability: (voteClass: string) => number,
  pieces: PieceReliabilities = {},
  failingTogether: readonly string[] = [],
): { handle: string; posterior: number } | undefined {
  const prepared = prepare({ ...item, truth: undefined }, failingTogether);
  if (prepared.owners.length === 0) return undefined;
  const q = posterior(prepared, (v) => {
    const own = v.piece && pieceReliabilityOf(pieces, v.piece.name, v.piece.handle);
    return own ? betaMean(own) : reliability(v.voteClass);
  });
  let best = 0;
  for (let i = 1; i < q.length; i++) if (q[i]! > q[best]!) best = i;
  return { handle: prepared.owners[best]!.key, posterior: q[best]! };
}

/** The reliability of each class under a fit (its Beta's mean). */
export function fittedReliability(fit: Record<string, Beta>, fallback: Beta): (voteClass: string) => number {
  return (c) => betaMean(fit[c] ?? fallback);
}
