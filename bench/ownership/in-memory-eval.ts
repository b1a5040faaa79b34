// What the in-memory evaluations share (learning-eval.ts): what a reviewer does with an answer, given the truth, and
// the metrics of a set of answers per owner type.
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import type { Inference } from '../../src/ownership/evidence.js';
import type { FeedbackLabel } from '../../src/ownership/calibration.js';
import type { Truth } from './synthetic-org.js';
import { measure, type Prediction, type TypeMetrics } from './metrics.js';

/** What a reviewer would do with an inference, given the truth. */
export function reviewLabel(inference: Inference, truth: string | undefined, type: OwnerType): FeedbackLabel | undefined {
  const base = { owner_type: type, inferred_owner: inference.owner_handle, sources: inference.votes };
  if (inference.owner_handle == null) return truth ? { ...base, action: 'correct', corrected_owner: truth } : undefined;
  if (truth && inference.owner_handle.toLowerCase() === truth.toLowerCase()) return { ...base, action: 'confirm' };
  return truth ? { ...base, action: 'correct', corrected_owner: truth } : { ...base, action: 'reject' };
}

/** The metrics of `ids`' answers; `chance` adds each type's ECE by chance (TypeMetrics.ece_chance). */
export function metricsOf(
  ids: string[],
  inferred: Map<string, Inference[]>,
  truth: Record<string, Truth>,
  options: { chance?: boolean } = {},
): Record<OwnerType, TypeMetrics> {
  const predictions = new Map<string, Partial<Record<OwnerType, Prediction>>>();
  for (const id of ids) {
    const row: Partial<Record<OwnerType, Prediction>> = {};
    for (const inf of inferred.get(id)!) row[inf.asked_type] = { owner: inf.owner_handle, confidence: inf.confidence };
    predictions.set(id, row);
  }
  const t: Record<string, Partial<Record<OwnerType, string>>> = {};
  for (const id of ids) t[id] = truth[id]!;
  return Object.fromEntries(OWNER_TYPES.map((type) => [type, measure(predictions, t, type, options)])) as Record<OwnerType, TypeMetrics>;
}
