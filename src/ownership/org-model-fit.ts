// Fitting what an organization's answers rest on, in one pass over its current votes and its latest review labels:
// per owner type, the label model (how often each class of vote is right here, from agreement and reviews) and the
// calibration map (from reviewed items scored under that fit, so confidence c means right c of the time). Pure; the
// periodic refresh (use-cases/relearn.ts) and the benchmark call it alike.
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { SourceVote } from './evidence.js';
import {
  applyCalibration,
  binPairs,
  fitCalibrationBins,
  type CalibrationBin,
  type CalibrationMap,
  type CalibrationPair,
  type FeedbackLabel,
} from './calibration.js';
import { answerOf, fitLabelModel, fittedReliability, type LabelModelFit, type LabelModelItem } from './label-model.js';
import { classPrior, type LearntReliabilities } from './vote-reliability.js';
import { kindsFailingTogether } from './engine-combination.js';
import type { Beta } from './signal-kinds/kind.js';
import { truthOfLabel } from './review-labels.js';
import { withCreatorRateFromStructure, withOutsideCreatorRateFromTeams } from './creator-rate-from-structure.js';
import { namedServiceRate, priorsForLabels, withNamingRateFromCatalog, type TeamAnswer } from './naming-rate-from-catalog.js';
import { byCodeUnits } from './string-order.js';
import { betaMean, withMean } from './beta.js';

export interface OrgVotes {
  resource_id: string;
  owner_type: OwnerType;
  votes: SourceVote[];
}

export interface OrgFit {
  learnt: LearntReliabilities;
  calibration: Partial<Record<OwnerType, CalibrationMap>>;
  /** The reviewed items scored under the fit, pooled: labels since the fit join them. */
  calibration_bins: Partial<Record<OwnerType, CalibrationBin[]>>;
}

const lower = (s: string) => s.toLowerCase();

/** What the fit reads besides votes and labels. */
export interface OrgFitContext {
  /** The catalog's team of each service, both lower-case: how often a named service is right (namedServiceRate). */
  serviceTeams?: ReadonlyMap<string, string>;
}

/** A reviewed item counts as this many unreviewed ones: a reviewer's word is worth more than the model's guess. */
export const LABEL_WEIGHT = 3;

/**
 * The owner types whose pieces voting often are judged on their own. For teams, one piece often decides hundreds of
 * resources and is right at a rate of its own (a platform pipeline's CODEOWNERS names the platform team for what it
 * builds for others; a service repository's names its team): judged on their own, team accuracy before any review rose
 * on 23 of the benchmark's 24 shapes and seeds (by up to 0.020, and fell by 0.001 on one) and the class rates became
 * those of the other pieces. For services it lowered accuracy where the catalog is noisy (by up to 0.016); a user's
 * pieces learn only from an owner tag's reviews (learnsFromPiece).
 */
export const PIECES_JUDGED_ALONE: readonly OwnerType[] = ['team'];
/** A piece naming one owner on this many resources or more gets a reliability of its own. */
export const PIECE_MIN_VOTES = 20;
/** How many votes its class's reliability is worth against a piece's own. */
export const PIECE_FIT_STRENGTH = 10;

export function fitOrganization(
  votes: OrgVotes[],
  labels: { resource_id: string; label: FeedbackLabel }[],
  population: Record<OwnerType, number>,
  context: OrgFitContext = {},
): OrgFit {
  const learnt: LearntReliabilities = { fitted: {}, pieces: {}, fit_labelled: {} };
  const calibration: OrgFit['calibration'] = {};
  const calibrationBins: OrgFit['calibration_bins'] = {};
  // Each resource's team answer before any review judges user creators outside it and, where the catalog names teams,
  // the service type's names (OWNER_TYPES puts team first).
  const serviceTeams = context.serviceTeams?.size ? context.serviceTeams : undefined;
  const teamAnswers = new Map<string, TeamAnswer>();
  for (const type of OWNER_TYPES) {
    const labelOf = new Map(labels.filter((l) => l.label.owner_type === type).map((l) => [l.resource_id, l.label]));
    const items: LabelModelItem[] = [];
    const reviewed: { item: LabelModelItem; truth: string | null; rejected: string[] }[] = [];
    const ofType = votes.filter((v) => v.owner_type === type).sort((a, b) => byCodeUnits(a.resource_id, b.resource_id));
    for (const v of ofType) {
      const item: LabelModelItem = {
        population: population[type],
        votes: v.votes.map((s) => ({
          vote_class: s.vote_class ?? s.kind,
          handle: s.owner_handle,
          ...(s.piece !== undefined && PIECES_JUDGED_ALONE.includes(type) ? { piece: s.piece } : {}),
        })),
      };
      const label = labelOf.get(v.resource_id);
      const t = label && truthOfLabel(label);
      if (t) {
        if (t.truth !== null) item.truth = t.truth;
        else item.rejected = t.rejected;
        reviewed.push({ item, ...t });
      }
      items.push(item);
    }
    const classes = [...new Set(items.flatMap((i) => i.votes.map((v) => v.vote_class)))].sort();
    const priors = Object.fromEntries(classes.map((c) => [c, classPrior(c, { type, population })]));
    // The fit counts votes as the engine combines them.
    const failingTogether = kindsFailingTogether(type);
    const fitOptions = { pieceMinVotes: PIECE_MIN_VOTES, pieceStrength: PIECE_FIT_STRENGTH, failingTogether };
    const agreement = fitLabelModel(items.map(withoutLabel), priors, fitOptions);
    if (agreement.items === 0) continue;
    // What the service answers before any review, and what labels then move each class from.
    let labelFree: LabelModelFit = agreement;
    if (type === 'user') {
      const teamDoubts = ofType.map((v) => {
        const answer = teamAnswers.get(v.resource_id);
        return answer && 1 - answer.posterior;
      });
      labelFree = { ...labelFree, ...withCreatorRateFromStructure(labelFree, items) };
      labelFree = { ...labelFree, ...withOutsideCreatorRateFromTeams(labelFree, items, teamDoubts) };
    }
    if (type === 'service' && serviceTeams) {
      const estimate = namedServiceRate(ofType, teamAnswers, serviceTeams);
      labelFree = { ...labelFree, ...withNamingRateFromCatalog(labelFree, estimate) };
    }
    if (type === 'team') {
      const reliability = fittedReliability(labelFree.classes, { alpha: 5, beta: 5 });
      ofType.forEach((v, i) => {
        const answer = answerOf(items[i]!, reliability, labelFree.pieces, failingTogether);
        if (answer) teamAnswers.set(v.resource_id, answer);
      });
    }
    if (reviewed.length === 0) learnt.fitted![type] = labelFree.classes;
    else {
      const withLabels = fitLabelModel(items, priorsForLabels(priors, labelFree), { labelWeight: LABEL_WEIGHT, ...fitOptions });
      learnt.fitted![type] = shrinkTowardLabelFree(withLabels.classes, labelFree, labelledPerClass(reviewed.map((r) => r.item)));
    }
    // A piece's reviews reach it through its piece labels (vote-reliability.ts): its learnt reliability is agreement's.
    if (Object.keys(labelFree.pieces).length > 0) learnt.pieces![type] = labelFree.pieces;
    learnt.fit_labelled![type] = reviewed.length;
    const reliability = fittedReliability(learnt.fitted![type]!, { alpha: 5, beta: 5 });
    const pairs: CalibrationPair[] = [];
    // Reviewed items in resource order, so the folds of calibrationHelps are the same on every run.
    for (const r of reviewed) {
      const answer = answerOf(r.item, reliability, learnt.pieces![type], failingTogether);
      if (!answer) continue;
      if (r.truth !== null) pairs.push({ predicted: answer.posterior, correct: answer.handle === lower(r.truth) });
      else if (r.rejected.some((x) => lower(x) === answer.handle)) pairs.push({ predicted: answer.posterior, correct: false });
    }
    if (pairs.length > 0 && calibrationHelps(pairs)) {
      calibrationBins[type] = binPairs(pairs);
      calibration[type] = fitCalibrationBins(calibrationBins[type]!);
    }
  }
  return { learnt, calibration, calibration_bins: calibrationBins };
}

const withoutLabel = (item: LabelModelItem): LabelModelItem => ({ population: item.population, votes: item.votes });

/** How many reviewed items each vote class voted in (once per item). */
export function labelledPerClass(reviewed: LabelModelItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of reviewed) for (const c of new Set(item.votes.map((v) => v.vote_class))) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts;
}

/**
 * Each class's fit with labels, its mean moved back toward the label-free fit's as far as that fit is worth against
 * its labels: a class with n labels, whose agreement is worth w labels (LabelModelFit.information), moves n/(n + w) of
 * the way to the fit with labels. Its strength is kept, so labels since the fit weigh against it as before.
 *
 * Why not a fixed worth: a tenth of an organization reviewed gives a class a few dozen labels, whose rate strays by
 * 0.05 or more from the class's true one, while a class that agrees with others on a hundred resources is learnt
 * closer than that without them; and a class that mostly stands alone is learnt from its prior only. Measured on the
 * benchmark's six shapes and four seeds against a fixed worth of 25 labels: the summed user ECE after 10% reviewed
 * fell from 0.807 to 0.763, service from 0.202 to 0.194, team unchanged.
 */
export function shrinkTowardLabelFree(
  withLabels: Record<string, Beta>,
  labelFree: Pick<LabelModelFit, 'classes' | 'information'>,
  labelled: Map<string, number>,
): Record<string, Beta> {
  const out: Record<string, Beta> = {};
  for (const [c, b] of Object.entries(withLabels)) {
    const free = labelFree.classes[c];
    const n = labelled.get(c) ?? 0;
    if (!free) {
      out[c] = b;
      continue;
    }
    const worth = labelFree.information[c] ?? 0;
    out[c] = withMean(b, betaMean(free) + (n === 0 ? 0 : n / (n + worth)) * (betaMean(b) - betaMean(free)));
  }
  return out;
}

const FOLDS = 5;

/**
 * Whether a calibration map fitted on reviewed answers predicts held-out reviewed answers better than the label model
 * alone: the Brier score of each answer under a map fitted on the other four of five folds (a fixed order), against the
 * model's own, and the improvement must stand clear of its noise (two standard errors of the paired differences). A
 * few hundred labels can fit noise; a map that is not clearly better on answers it has not seen would only move
 * confidences away from a model that was already right about them.
 */
export function calibrationHelps(pairs: CalibrationPair[]): boolean {
  if (pairs.length < 2 * FOLDS) return false;
  const differences: number[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const map = fitCalibrationBins(binPairs(pairs.filter((_, i) => i % FOLDS !== fold)));
    pairs.forEach((p, i) => {
      if (i % FOLDS !== fold) return;
      const y = p.correct ? 1 : 0;
      differences.push((applyCalibration(map, p.predicted) - y) ** 2 - (p.predicted - y) ** 2);
    });
  }
  const n = differences.length;
  const mean = differences.reduce((s, d) => s + d, 0) / n;
  const variance = differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1);
  return mean < -2 * Math.sqrt(variance / n);
}
