// For scale, a fit no organization can have: each vote class (and each piece judged on its own) at the rate it names
// the true owner in this organization. Its calibration is what the engine's combination gives when nothing is left to
// estimate, so a shape's miss reads as either the combination's (a miss here too) or the estimate's (none here).
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import type { Inference } from '../../src/ownership/evidence.js';
import type { SignalWeights } from '../../src/ownership/calibration.js';
import type { LearntReliabilities } from '../../src/ownership/vote-reliability.js';
import type { Beta } from '../../src/ownership/signal-kinds/kind.js';

/** Counts this large make the rates fixed: labels since the fit would not move them. */
const KNOWN_STRENGTH = 1e6;

function rateOf(right: number, total: number): Beta {
  // Half a count either way keeps a class that was always right (or wrong) off 1 (or 0), which the combination's log
  // odds cannot take.
  const m = (right + 0.5) / (total + 1);
  return { alpha: m * KNOWN_STRENGTH, beta: (1 - m) * KNOWN_STRENGTH };
}

interface Tally {
  right: number;
  total: number;
}

/** The entry of `key`, made by `fresh` the first time. */
function entryOf<V>(map: Map<string, V>, key: string, fresh: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = fresh();
  map.set(key, made);
  return made;
}

const noVotes = (): Tally => ({ right: 0, total: 0 });

/**
 * The weights of `fitted` with every class and piece it learnt replaced by its rate over the votes of `inferred`: the
 * share of them naming the owner of `truth`.
 */
export function knownRateWeights(
  inferred: Map<string, Inference[]>,
  truth: Record<string, Partial<Record<OwnerType, string>>>,
  fitted: SignalWeights,
): SignalWeights {
  const learnt: LearntReliabilities = { ...fitted.learnt, fitted: {}, pieces: {} };
  for (const type of OWNER_TYPES) {
    const classes = new Map<string, Tally>();
    const pieces = new Map<string, Map<string, Tally>>();
    const ownPieces = fitted.learnt?.pieces?.[type] ?? {};
    for (const [id, infs] of inferred) {
      const owner = truth[id]?.[type]?.toLowerCase();
      for (const inf of infs) {
        if (inf.asked_type !== type) continue;
        for (const v of inf.votes) {
          const handle = v.owner_handle.toLowerCase();
          const ownPiece = v.piece !== undefined && ownPieces[v.piece]?.[handle] !== undefined;
          const count = ownPiece
            ? entryOf(
                entryOf(pieces, v.piece!, () => new Map<string, Tally>()),
                handle,
                noVotes,
              )
            : entryOf(classes, v.vote_class ?? v.kind, noVotes);
          count.total++;
          if (handle === owner) count.right++;
        }
      }
    }
    learnt.fitted![type] = {
      ...fitted.learnt?.fitted?.[type],
      ...Object.fromEntries([...classes].map(([c, { right, total }]) => [c, rateOf(right, total)])),
    };
    learnt.pieces![type] = {
      ...ownPieces,
      ...Object.fromEntries(
        [...pieces].map(([piece, byHandle]) => [
          piece,
          { ...ownPieces[piece], ...Object.fromEntries([...byHandle].map(([h, { right, total }]) => [h, rateOf(right, total)])) },
        ]),
      ),
    };
  }
  // No calibration map: the rates are the truth already.
  return { kinds: fitted.kinds, learnt };
}
