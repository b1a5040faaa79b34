// In-memory evaluation of the ownership engine on the synthetic organization: infer every resource,
// learn weights and a calibration map from review labels on a sample, measure on the rest.
// Run: npx tsx bench/ownership/in-memory-eval.ts [resources] [seed]
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type Inference, type ResourceEvidence } from '../../src/ownership/evidence.js';
import {
  defaultWeights,
  fitCalibration,
  learnWeights,
  type CalibrationPair,
  type FeedbackLabel,
  type SignalWeights,
} from '../../src/ownership/calibration.js';
import { generateSyntheticOrg, prng, type Truth } from './synthetic-org.js';
import { evidenceFor, indexModel } from './evidence-from-model.js';
import { measure, type Prediction, type TypeMetrics } from './metrics.js';

export interface EvaluationResult {
  resources: number;
  labelled: number;
  before: Record<OwnerType, TypeMetrics>;
  after: Record<OwnerType, TypeMetrics>;
  weights: SignalWeights;
}

const truthOf = (t: Truth, type: OwnerType): string | undefined => t[type];

/** What a reviewer would do with an inference, given the truth. */
export function reviewLabel(inference: Inference, truth: string | undefined, type: OwnerType): FeedbackLabel | undefined {
  const base = { owner_type: type, inferred_owner: inference.owner_handle, sources: inference.votes };
  if (inference.owner_handle == null) return truth ? { ...base, action: 'correct', corrected_owner: truth } : undefined;
  if (truth && inference.owner_handle.toLowerCase() === truth.toLowerCase()) return { ...base, action: 'confirm' };
  return truth ? { ...base, action: 'correct', corrected_owner: truth } : { ...base, action: 'reject' };
}

function predictAll(evidence: ResourceEvidence[], weights: SignalWeights): Map<string, Inference[]> {
  const out = new Map<string, Inference[]>();
  for (const ev of evidence) out.set(ev.resource.resource_id, infer(ev, DEFAULT_ENGINE_SETTINGS, weights));
  return out;
}

export function metricsOf(ids: string[], inferred: Map<string, Inference[]>, truth: Record<string, Truth>): Record<OwnerType, TypeMetrics> {
  const predictions = new Map<string, Partial<Record<OwnerType, Prediction>>>();
  for (const id of ids) {
    const row: Partial<Record<OwnerType, Prediction>> = {};
    for (const inf of inferred.get(id)!) row[inf.asked_type] = { owner: inf.owner_handle, confidence: inf.confidence };
    predictions.set(id, row);
  }
  const t: Record<string, Partial<Record<OwnerType, string>>> = {};
  for (const id of ids) t[id] = truth[id];
  return Object.fromEntries(OWNER_TYPES.map((type) => [type, measure(predictions, t, type)])) as Record<OwnerType, TypeMetrics>;
}

export function evaluateInMemory(options: { resources?: number; seed?: number; sampleShare?: number } = {}): EvaluationResult {
  const { model, truth } = generateSyntheticOrg({ resources: options.resources ?? 10_000, seed: options.seed ?? 42, modelOnly: true });
  const index = indexModel(model);
  const evidence = model.resources.map((r) => evidenceFor(index, r));
  const rnd = prng((options.seed ?? 42) ^ 0x5eed);
  const sample = new Set<string>();
  for (const r of model.resources) if (rnd() < (options.sampleShare ?? 0.1)) sample.add(r.arn);
  const sampleEvidence = evidence.filter((e) => sample.has(e.resource.resource_id));
  const heldOut = model.resources.map((r) => r.arn).filter((id) => !sample.has(id));

  // Review feedback on the sample, as inferred with the priors.
  const priors = defaultWeights();
  const first = predictAll(sampleEvidence, priors);
  const labels: FeedbackLabel[] = [];
  for (const [id, inferences] of [...first].sort(([a], [b]) => a.localeCompare(b))) {
    for (const inf of inferences) {
      const label = reviewLabel(inf, truthOf(truth[id], inf.asked_type), inf.asked_type);
      if (label) labels.push(label);
    }
  }
  const learned = learnWeights(priors, labels);

  // Calibrate the learned weights' posteriors on the same sample.
  const second = predictAll(sampleEvidence, learned);
  const calibration: SignalWeights['calibration'] = {};
  for (const type of OWNER_TYPES) {
    const pairs: CalibrationPair[] = [];
    for (const [id, inferences] of second) {
      const inf = inferences.find((i) => i.asked_type === type)!;
      if (inf.owner_handle == null) continue;
      pairs.push({ predicted: inf.confidence, correct: inf.owner_handle.toLowerCase() === (truthOf(truth[id], type) ?? '').toLowerCase() });
    }
    calibration[type] = fitCalibration(pairs);
  }
  const weights: SignalWeights = { ...learned, calibration };

  const heldOutEvidence = evidence.filter((e) => !sample.has(e.resource.resource_id));
  return {
    resources: model.resources.length,
    labelled: sample.size,
    before: metricsOf(heldOut, predictAll(heldOutEvidence, priors), truth),
    after: metricsOf(heldOut, predictAll(heldOutEvidence, weights), truth),
    weights,
  };
}

function fmt(m: TypeMetrics): string {
  return `accuracy ${m.accuracy.toFixed(3)}  high-band precision ${m.high_precision.toFixed(3)} (n=${m.high_count})  coverage ${m.coverage.toFixed(3)}  ECE ${m.ece.toFixed(3)}  answered ${m.answered}/${m.resources}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const result = evaluateInMemory({ resources: Number(process.argv[2] ?? 10_000), seed: Number(process.argv[3] ?? 42) });
  console.log(`${result.resources} resources, ${result.labelled} labelled, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const type of OWNER_TYPES) {
    console.log(`${type.padEnd(7)} priors:  ${fmt(result.before[type])}`);
    console.log(`${type.padEnd(7)} learned: ${fmt(result.after[type])}`);
  }
  const w = result.weights.kinds;
  console.log(
    Object.entries(w)
      .map(([k, b]) => `${k}=${(b.alpha / (b.alpha + b.beta)).toFixed(3)}`)
      .join(' '),
  );
}
