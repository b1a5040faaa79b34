// The service around the pure engine: recompute queue, history, feedback, settings and auto-tag.
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { Db, Queryable } from '../store/db.js';
import { resourcesById, setAutoTeamTag, type StoredResource } from '../store/resources.js';
import { takeDueItems, removeFromQueue, rescheduleInQueue, markForInference, dueOrgs, type QueueItem } from '../store/ownership-queue.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import {
  inferencesOfMany,
  writeInferences,
  getSettings,
  saveWeights,
  feedbackOf,
  appliedWeights,
  orgsWithLearntWeights,
  saveAppliedWeights,
  type InferenceRow,
  type SettingsRow,
} from '../store/ownership-inferences.js';
import { currentStatesByResource, writeStates } from '../store/finding-states.js';
import { infer } from './engine.js';
import { DEFAULT_ENGINE_SETTINGS, type Inference } from './evidence.js';
import { defaultWeights, learnWeights, fitCalibration, weightsShift, type SignalWeights, type FeedbackLabel } from './calibration.js';
import { meetsBand, type ConfidenceBand } from './confidence-bands.js';
import { loadEvidenceBatch, loadOrgContext, type OrgContext } from './evidence-loader.js';
import { lockQueuedItems } from '../store/ownership-queries.js';

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 3_600_000;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export function weightsOf(settings: SettingsRow): SignalWeights {
  return (settings.weights as SignalWeights | null) ?? defaultWeights();
}

function toRow(resourceId: string, slot: OwnerType, inf: Inference, prev: InferenceRow | undefined, now: number): InferenceRow {
  return {
    resource_id: resourceId,
    slot,
    owner_type: inf.owner_type,
    owner_handle: inf.owner_handle,
    confidence: inf.confidence,
    status: inf.status,
    explanation: inf.explanation,
    sources: inf.sources,
    evidence_versions: inf.evidence_versions,
    votes: inf.votes,
    checksum: inf.checksum,
    created_at: prev?.created_at ?? now,
    updated_at: now,
    failed_at: null,
    failure_reason: null,
    retry_schedule: null,
  };
}

/** The `team:<handle>` tag auto-tag writes for a team answer, or null. */
export function autoTeamTagFor(team: InferenceRow | undefined, settings: SettingsRow): string | null {
  if (!settings.auto_tag || !team || team.owner_type !== 'team' || !team.owner_handle) return null;
  const authoritative = team.status === 'persisted' || team.status === 'overridden';
  if (!authoritative && !meetsBand(team.confidence, settings.confidence_level as ConfidenceBand)) return null;
  return `team:${team.owner_handle}`;
}

/**
 * Sets the auto-tag of a resource's findings, as part of their history. A team tag that came with the resource is
 * never touched: when the resource has one, auto-tag adds nothing.
 */
export async function applyAutoTag(tx: Queryable, orgId: string, resource: StoredResource, tag: string | null, now: number): Promise<void> {
  const ownTeamTag = resource.tags.some((t) => t.toLowerCase().startsWith('team:'));
  const effective = ownTeamTag ? null : tag;
  if ((resource.auto_team_tag ?? null) === effective) return;
  await setAutoTeamTag(tx, orgId, resource.resource_id, effective);
  const states = await currentStatesByResource(tx, orgId, [resource.resource_id]);
  const old = resource.auto_team_tag;
  const changed = states
    .map((s) => {
      const tags = s.tags.filter((t) => t !== old || resource.tags.includes(t));
      if (effective && !tags.includes(effective)) tags.push(effective);
      tags.sort();
      return { ...s, tags };
    })
    .filter((s, i) => s.tags.join('\n') !== states[i]!.tags.join('\n'));
  if (changed.length > 0) await writeStates(tx, orgId, changed.map((s) => s.finding_id), changed, now, 'ownership:auto-tag');
}

export interface RecomputeResult {
  taken: number;
  written: number;
  failed: number;
}

/** Infers one organization's batch of queued resources inside the worker's transaction. */
async function inferBatch(tx: Queryable, orgId: string, items: QueueItem[], now: number, ctxCache: Map<string, { org: OrgContext; settings: SettingsRow }>): Promise<{ written: number; failed: number }> {
  let cached = ctxCache.get(orgId);
  if (!cached) {
    cached = { org: await loadOrgContext(tx, orgId), settings: await getSettings(tx, orgId) };
    ctxCache.set(orgId, cached);
  }
  const { org, settings } = cached;
  const weights = weightsOf(settings);
  const ids = items.map((i) => i.resource_id);
  const resources = await resourcesById(tx, orgId, ids);
  const previous = new Map<string, InferenceRow>();
  for (const row of await inferencesOfMany(tx, orgId, ids)) previous.set(`${row.resource_id}\n${row.slot}`, row);
  const rows: InferenceRow[] = [];
  const done: string[] = [];
  let failed = 0;
  const live = [...resources.values()].filter((r) => r.deleted_at === null);
  const evidenceOf = await loadEvidenceBatch(tx, orgId, live, org);
  for (const item of items) {
    const resource = resources.get(item.resource_id);
    try {
      if (!resource || resource.deleted_at !== null) {
        throw new Error(resource ? 'The resource was deleted.' : 'The resource is known only by its id: no inventory record yet.');
      }
      const evidence = evidenceOf.get(resource.resource_id)!;
      const answers = infer(evidence, DEFAULT_ENGINE_SETTINGS, weights);
      for (const [i, slot] of OWNER_TYPES.entries()) {
        const prev = previous.get(`${resource.resource_id}\n${slot}`);
        // Persisted and overridden answers are authoritative: re-inference never changes them.
        if (prev && (prev.status === 'persisted' || prev.status === 'overridden')) continue;
        const next = toRow(resource.resource_id, slot, answers[i]!, prev, now);
        if (!prev || prev.checksum !== next.checksum || prev.status === 'failed') rows.push(next);
      }
      const team = rows.find((r) => r.resource_id === resource.resource_id && r.slot === 'team') ?? previous.get(`${resource.resource_id}\nteam`);
      await applyAutoTag(tx, orgId, resource, autoTeamTagFor(team, settings), now);
      done.push(item.resource_id);
    } catch (err) {
      failed++;
      const attempts = item.attempts + 1;
      const nextAt = now + backoffMs(attempts);
      const reason = err instanceof Error ? err.message : String(err);
      for (const slot of OWNER_TYPES) {
        const prev = previous.get(`${item.resource_id}\n${slot}`);
        if (prev && (prev.status === 'persisted' || prev.status === 'overridden')) continue;
        rows.push({
          resource_id: item.resource_id,
          slot,
          owner_type: prev?.owner_type ?? 'unknown',
          owner_handle: prev?.owner_handle ?? null,
          confidence: prev?.confidence ?? 0,
          status: 'failed',
          explanation: `The inference could not be computed: ${reason}`,
          sources: prev?.sources ?? [],
          evidence_versions: prev?.evidence_versions ?? [],
          votes: [],
          checksum: `failed-${item.resource_id.length}-${attempts}-${nextAt}`,
          created_at: prev?.created_at ?? now,
          updated_at: now,
          failed_at: now,
          failure_reason: reason,
          retry_schedule: { attempts, next_attempt_at: new Date(nextAt).toISOString(), backoff_seconds: backoffMs(attempts) / 1000 },
        });
      }
      await rescheduleInQueue(tx, orgId, item.resource_id, attempts, nextAt);
    }
  }
  await writeInferences(tx, orgId, rows, now);
  await removeFromQueue(tx, orgId, done);
  return { written: rows.length, failed };
}

/** Takes one batch of due resources (any org, or one) and infers them. Several processes can run this at once. */
export async function recomputeOnce(db: Db, opts: { batchSize?: number; orgId?: string; now?: number } = {}): Promise<RecomputeResult> {
  if (!opts.orgId) {
    // One organization at a time, each under its own finding write lease (auto-tag writes finding states).
    const total: RecomputeResult = { taken: 0, written: 0, failed: 0 };
    for (const orgId of await dueOrgs(db, opts.now ?? Date.now(), 5)) {
      const r = await recomputeOnce(db, { ...opts, orgId });
      total.taken += r.taken;
      total.written += r.written;
      total.failed += r.failed;
    }
    return total;
  }
  const orgId = opts.orgId;
  // A batch of up to 200 resources: the whole organization's write lock (auto-tag writes finding states).
  return withFindingWriteLease(db, orgId, 'org', async (tx, leaseNow) => {
    const now = opts.now ?? leaseNow;
    const items = await takeDueItems(tx, opts.batchSize ?? 200, now, orgId);
    if (items.length === 0) return { taken: 0, written: 0, failed: 0 };
    return { taken: items.length, ...(await inferBatch(tx, orgId, items, now, new Map())) };
  });
}

/**
 * Infers the given resources of one organization now, whatever their place in the queue (a read that finds no
 * inference yet answers at once). Waits for a worker that holds one of them.
 */
export async function recomputeResources(db: Db, orgId: string, ids: string[], at?: number): Promise<RecomputeResult> {
  return withFindingWriteLease(db, orgId, ids, async (tx, leaseNow) => {
    const now = at ?? leaseNow;
    await markForInference(tx, orgId, ids, now);
    const items = await lockQueuedItems(tx, orgId, ids);
    if (items.length === 0) return { taken: 0, written: 0, failed: 0 };
    const r = await inferBatch(tx, orgId, items, now, new Map());
    return { taken: items.length, ...r };
  });
}

/** Runs the due queue to empty; `onProgress(done)` after each batch. */
export async function recomputeUntilEmpty(db: Db, opts: { orgId?: string; batchSize?: number; onProgress?: (done: number) => void } = {}): Promise<{ done: number; failed: number }> {
  let done = 0;
  let failed = 0;
  for (;;) {
    const r = await recomputeOnce(db, opts);
    if (r.taken === 0) return { done, failed };
    done += r.taken;
    failed += r.failed;
    opts.onProgress?.(done);
  }
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
