// Learning an organization's signals, in two paces. Each review label, in its own transaction, counts against the
// pieces of evidence it judged and re-queues the resources resting on them, so its effect reaches them within
// seconds; it costs the same whether it is the first label or the ten-thousandth. Periodically (and after
// `steward ownership recompute`), the organization is refitted in one pass: the label model over every current
// answer's votes with every latest label, and the calibration map; the organization is re-inferred when that moved
// its weights far enough. Between fits, the labels since the last one refine it as counts.
import type { Db, Queryable } from '../../store/db.js';
import { markForInference, queueLength } from '../../store/ownership-queue.js';
import { getSettings, saveWeights, appliedWeights, saveAppliedWeights, type SettingsRow } from '../../store/ownership-inferences.js';
import {
  addPieceLabels,
  inferenceVotesPage,
  answersWithVotes,
  labelCountsSince,
  labelsAfter,
  latestInferenceChange,
  latestLabelId,
  orgsWithInferences,
  resourcesRestingOn,
  type LabelRow,
} from '../../store/ownership-learning.js';
import { ownerPopulation, teamVersions } from '../../store/directory.js';
import { serviceTeams } from '../../store/catalog.js';
import { defaultWeights, fitCalibrationBins, weightsShift, type FeedbackLabel, type SignalWeights } from '../calibration.js';
import { fitOrganization, type OrgVotes } from '../org-model-fit.js';
import { pieceLabelsOfLabel } from '../review-labels.js';
import type { SignalKind } from '../signal-kinds/index.js';
import { OWNER_TYPES, type OwnerType } from '../owner-type.js';
import type { SourceVote } from '../evidence.js';
import type { ClassCounts } from '../vote-reliability.js';

/** The weights as last fitted (or the priors), without the labels since. */
export function storedWeights(settings: SettingsRow): SignalWeights {
  return (settings.weights as SignalWeights | null) ?? defaultWeights();
}

export function labelOf(row: Pick<LabelRow, 'action' | 'slot' | 'inferred_owner' | 'corrected_owner' | 'votes'>): FeedbackLabel {
  return {
    action: row.action as FeedbackLabel['action'],
    owner_type: row.slot,
    inferred_owner: row.inferred_owner,
    ...(row.corrected_owner ? { corrected_owner: row.corrected_owner } : {}),
    sources: row.votes as SourceVote[],
  };
}

/**
 * The weights the engine answers with now: the last fit, refined by the labels since (per vote class, per kind for
 * classes never fitted, and in the calibration map with each label's confidence as the reviewer saw it), summed in the
 * store so that the cost does not grow with each label.
 */
export async function currentWeights(db: Queryable, orgId: string, settings?: SettingsRow): Promise<SignalWeights> {
  const stored = storedWeights(settings ?? (await getSettings(db, orgId)));
  const since = await labelCountsSince(db, orgId, stored.fit?.labels_through ?? null);
  if (since.labels.length === 0) return stored;
  const kinds = { ...stored.kinds };
  for (const c of since.classes) {
    const kind = c.vote_class.split(':')[0] as SignalKind;
    if (kinds[kind]) kinds[kind] = { alpha: kinds[kind].alpha + c.right, beta: kinds[kind].beta + c.wrong };
  }
  const weights: SignalWeights = { ...stored, kinds };
  if (stored.learnt?.fitted) {
    const sinceFit: Partial<Record<OwnerType, Record<string, ClassCounts>>> = {};
    for (const c of since.classes) (sinceFit[c.slot] ??= {})[c.vote_class] = { right: c.right, wrong: c.wrong };
    weights.learnt = {
      ...stored.learnt,
      since_fit: sinceFit,
      labels_since_fit: Object.fromEntries(since.labels.map((l) => [l.slot, l.count])),
    };
  }
  const calibration = { ...stored.calibration };
  for (const type of OWNER_TYPES) {
    const pooled = since.calibration.filter((c) => c.slot === type);
    // Only a map the last fit found worth its labels is refined; otherwise the next fit decides again.
    if (pooled.length === 0 || (stored.learnt?.fitted && !stored.calibration?.[type])) continue;
    const bins = new Map((stored.calibration_bins?.[type] ?? []).map((b) => [b.x, { ...b }]));
    for (const p of pooled) {
      const b = bins.get(p.x) ?? { x: p.x, n: 0, right: 0 };
      bins.set(p.x, { x: p.x, n: b.n + p.n, right: b.right + p.right });
    }
    calibration[type] = fitCalibrationBins([...bins.values()]);
  }
  weights.calibration = calibration;
  return weights;
}

/**
 * What one review label teaches at once: its counts per piece of evidence, and the resources of the same owner type
 * resting on those pieces queued for re-inference (the reviewed resource itself is the caller's).
 */
export async function learnFromLabel(tx: Queryable, orgId: string, resourceId: string, label: FeedbackLabel, now: number): Promise<number> {
  const pieces = pieceLabelsOfLabel(label, label.owner_type);
  if (pieces.length === 0) return 0;
  await addPieceLabels(tx, orgId, pieces);
  const related = (
    await resourcesRestingOn(
      tx,
      orgId,
      label.owner_type,
      pieces.map((p) => p.piece),
    )
  ).filter((id) => id !== resourceId);
  if (related.length > 0) await markForInference(tx, orgId, related, now);
  return related.length;
}

const VOTES_PAGE = 5000;

/** The label model's estimates settle long before this many answers; past it, a fixed share of resources is read. */
export const MAX_FIT_ANSWERS = 300_000;

/** FNV-1a of a resource id: the same resources are sampled on every refit. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Every current answer's votes, or, in an organization with more than MAX_FIT_ANSWERS of them, a deterministic sample
 * of resources (by a hash of their id) that keeps the reviewed ones: memory stays bounded at any size.
 */
export async function votesToFit(db: Queryable, orgId: string, reviewed: Set<string>, total: number, max = MAX_FIT_ANSWERS): Promise<OrgVotes[]> {
  const stride = Math.max(1, Math.ceil(total / max));
  const out: OrgVotes[] = [];
  let after: { resource_id: string; slot: string } | null = null;
  for (;;) {
    const page = await inferenceVotesPage(db, orgId, after, VOTES_PAGE);
    for (const row of page) {
      if (stride === 1 || reviewed.has(row.resource_id) || idHash(row.resource_id) % stride === 0)
        out.push({ resource_id: row.resource_id, owner_type: row.slot, votes: row.votes });
    }
    if (page.length < VOTES_PAGE) return out;
    after = page[page.length - 1]!;
  }
}

async function populationOf(db: Queryable, orgId: string): Promise<Record<OwnerType, number>> {
  const counts = await ownerPopulation(db, orgId);
  return {
    team: Math.max((await teamVersions(db, orgId)).length, 1),
    user: Math.max(counts.users, 1),
    service: Math.max(counts.services, 1),
  };
}

/**
 * Refits one organization when its answers or labels changed since the last fit: the label model over every current
 * answer's votes and the latest label of each reviewed answer, then the calibration. Re-marks the organization for
 * inference when the new weights move an answer by RELEARN_SHIFT or more. Returns whether it re-marked.
 */
export async function refitOrganization(db: Db, orgId: string, now = Date.now()): Promise<boolean> {
  const stored = storedWeights(await getSettings(db, orgId));
  const inferencesAt = await latestInferenceChange(db, orgId);
  const labelsThrough = await latestLabelId(db, orgId);
  if (stored.fit && stored.fit.inferences_at >= inferencesAt && stored.fit.labels_through === labelsThrough) return false;
  const labels = (await labelsAfter(db, orgId, null)).filter((l) => labelsThrough !== null && BigInt(l.id) <= BigInt(labelsThrough));
  const latest = new Map<string, LabelRow>();
  for (const l of labels) latest.set(`${l.slot}\u0000${l.resource_id}`, l);
  const fit = fitOrganization(
    await votesToFit(db, orgId, new Set(labels.map((l) => l.resource_id)), await answersWithVotes(db, orgId)),
    [...latest.values()].map((l) => ({ resource_id: l.resource_id, label: labelOf(l) })),
    await populationOf(db, orgId),
    { serviceTeams: await serviceTeams(db, orgId) },
  );
  const weights: SignalWeights = {
    kinds: defaultWeights().kinds,
    learnt: fit.learnt,
    calibration: fit.calibration,
    calibration_bins: fit.calibration_bins,
    fit: { labels_through: labelsThrough, inferences_at: inferencesAt, at: now },
  };
  return db.transaction(async (tx) => {
    await saveWeights(tx, orgId, weights, now);
    const applied = ((await appliedWeights(tx, orgId)) as SignalWeights | null) ?? defaultWeights();
    if (weightsShift(applied, weights) < RELEARN_SHIFT) return false;
    await markForInference(tx, orgId, 'all', now);
    await saveAppliedWeights(tx, orgId, weights);
    return true;
  });
}

/**
 * The periodic pass: refits every organization whose answers or labels changed, once its queue has drained (a refit
 * in the middle of an import would re-mark what the worker is about to infer anyway). Returns the organizations re-marked.
 */
export async function reinferWhereWeightsMoved(db: Db, now = Date.now()): Promise<string[]> {
  const marked: string[] = [];
  for (const orgId of await orgsWithInferences(db)) {
    if ((await queueLength(db, orgId, now)) > 0) continue;
    if (await refitOrganization(db, orgId, now)) marked.push(orgId);
  }
  return marked;
}

/** A change of a signal's reliability or of a calibrated confidence this large re-infers every resource. */
export const RELEARN_SHIFT = 0.02;
