// Learning each signal's weight for an organization from its review labels, and re-inferring an organization once
// its learnt weights have moved far enough.
import type { Db, Queryable } from '../../store/db.js';
import { markForInference } from '../../store/ownership-queue.js';
import {
  getSettings,
  saveWeights,
  feedbackOf,
  appliedWeights,
  orgsWithLearntWeights,
  saveAppliedWeights,
  type SettingsRow,
} from '../../store/ownership-inferences.js';
import { defaultWeights, learnWeights, fitCalibration, weightsShift, type SignalWeights, type FeedbackLabel } from '../calibration.js';
import { OWNER_TYPES } from '../owner-type.js';

export function weightsOf(settings: SettingsRow): SignalWeights {
  return (settings.weights as SignalWeights | null) ?? defaultWeights();
}

/** Re-learns the organization's signal weights and calibration from every review label so far. */
export async function relearnWeights(tx: Queryable, orgId: string, now: number): Promise<SignalWeights> {
  const feedback = await feedbackOf(tx, orgId);
  const labels: FeedbackLabel[] = feedback.map((f) => ({
    action: f.action as FeedbackLabel['action'],
    owner_type: f.slot,
    inferred_owner: f.inferred_owner,
    ...(f.corrected_owner ? { corrected_owner: f.corrected_owner } : {}),
    sources: f.votes as FeedbackLabel['sources'],
  }));
  const weights = learnWeights(defaultWeights(), labels);
  const pairs = feedback
    .filter((f) => f.action !== 'correct' || f.corrected_owner)
    .map((f) => ({ slot: f.slot, pair: { predicted: f.confidence ?? NaN, correct: f.action === 'confirm' || f.action === 'persist' } }))
    .filter((p) => Number.isFinite(p.pair.predicted));
  if (pairs.length > 0) {
    weights.calibration = {};
    for (const slot of OWNER_TYPES) {
      const own = pairs.filter((p) => p.slot === slot).map((p) => p.pair);
      if (own.length > 0) weights.calibration[slot] = fitCalibration(own);
    }
  }
  await saveWeights(tx, orgId, weights, now);
  return weights;
}

/**
 * Every answer depends on the weights, but re-inferring an organization after each review label would churn the
 * answers reviewers are looking at. A periodic pass re-infers an organization once its learnt weights have moved far
 * enough from those its answers were computed with. Returns the organizations re-marked.
 */
export async function reinferWhereWeightsMoved(db: Db, now = Date.now()): Promise<string[]> {
  const orgs = await orgsWithLearntWeights(db);
  const marked: string[] = [];
  for (const orgId of orgs) {
    await db.transaction(async (tx) => {
      const weights = weightsOf(await getSettings(tx, orgId));
      const applied = ((await appliedWeights(tx, orgId)) as SignalWeights | null) ?? defaultWeights();
      if (weightsShift(applied, weights) < RELEARN_SHIFT) return;
      await markForInference(tx, orgId, 'all', now);
      await saveAppliedWeights(tx, orgId, weights);
      marked.push(orgId);
    });
  }
  return marked;
}

/** A change of a signal's reliability or of a calibrated confidence this large re-infers every resource. */
export const RELEARN_SHIFT = 0.02;
