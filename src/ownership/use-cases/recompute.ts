// Recomputing inferences: the queue worker's batches (several processes share the queue), a resource read before
// its first inference, and `steward ownership recompute`.
import type { Db, Queryable } from '../../store/db.js';
import { resourcesById } from '../../store/resources.js';
import { takeDueItems, removeFromQueue, rescheduleInQueue, markForInference, dueOrgs, type QueueItem } from '../../store/ownership-queue.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';
import { inferencesOfMany, writeInferences, getSettings, type InferenceRow, type SettingsRow } from '../../store/ownership-inferences.js';
import { lockQueuedItems } from '../../store/ownership-queries.js';
import { analyzeChangedTables } from '../../store/table-statistics.js';
import type { Inference } from '../evidence.js';
import type { SignalWeights } from '../calibration.js';
import { loadEvidenceBatch, loadOrgContext, type OrgContext } from '../evidence-loader.js';
import { OWNER_TYPES, type OwnerType } from '../owner-type.js';
import { applyAutoTags, autoTeamTagFor, type AutoTagChange } from './auto-tag.js';
import { currentWeights } from './relearn.js';
import { inferWithPieceLabels } from './infer-with-learning.js';

/** Why an inference could not be computed, when the engine never ran; `steward ownership recompute` says how to act on each. */
export const FAILURE_REASONS = {
  deleted: 'The resource was deleted.',
  unknownResource: 'The resource is known only by its id: no inventory record yet.',
} as const;

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 3_600_000;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
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

export interface RecomputeResult {
  taken: number;
  written: number;
  failed: number;
}

/** Infers one organization's batch of queued resources inside the worker's transaction. */
async function inferBatch(
  tx: Queryable,
  orgId: string,
  items: QueueItem[],
  now: number,
  ctxCache: Map<string, { org: OrgContext; settings: SettingsRow; weights: SignalWeights }>,
): Promise<{ written: number; failed: number }> {
  let cached = ctxCache.get(orgId);
  if (!cached) {
    const settings = await getSettings(tx, orgId);
    cached = { org: await loadOrgContext(tx, orgId), settings, weights: await currentWeights(tx, orgId, settings) };
    ctxCache.set(orgId, cached);
  }
  const { org, settings, weights } = cached;
  const ids = items.map((i) => i.resource_id);
  const resources = await resourcesById(tx, orgId, ids);
  const previous = new Map<string, InferenceRow>();
  for (const row of await inferencesOfMany(tx, orgId, ids)) previous.set(`${row.resource_id}\n${row.slot}`, row);
  const rows: InferenceRow[] = [];
  const done: string[] = [];
  const autoTags: AutoTagChange[] = [];
  let failed = 0;
  const live = [...resources.values()].filter((r) => r.deleted_at === null);
  const evidenceOf = await loadEvidenceBatch(tx, orgId, live, org);
  const answersOf = await inferWithPieceLabels(tx, orgId, [...evidenceOf.values()], weights);
  for (const item of items) {
    const resource = resources.get(item.resource_id);
    try {
      if (!resource || resource.deleted_at !== null) {
        throw new Error(resource ? FAILURE_REASONS.deleted : FAILURE_REASONS.unknownResource);
      }
      const answers = answersOf.get(resource.resource_id)!;
      for (const [i, slot] of OWNER_TYPES.entries()) {
        const prev = previous.get(`${resource.resource_id}\n${slot}`);
        // Persisted and overridden answers are authoritative: re-inference never changes them.
        if (prev && (prev.status === 'persisted' || prev.status === 'overridden')) continue;
        const next = toRow(resource.resource_id, slot, answers[i]!, prev, now);
        if (!prev || prev.checksum !== next.checksum || prev.status === 'failed') rows.push(next);
      }
      const team = rows.find((r) => r.resource_id === resource.resource_id && r.slot === 'team') ?? previous.get(`${resource.resource_id}\nteam`);
      autoTags.push({ resource, tag: autoTeamTagFor(team, settings) });
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
  await applyAutoTags(tx, orgId, autoTags, now);
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

/** How many batches run between two looks at the planner statistics in recomputeUntilEmpty. */
const BATCHES_BETWEEN_STATISTICS = 5;

/**
 * Runs the due queue to empty; `onProgress(done)` after each batch. It runs where no statistics job does (`steward
 * ownership recompute` by itself, right after an import), so it re-analyzes the tables that changed much before it
 * starts and every few batches: planned against the near-empty tables of before the import, the first recompute of
 * 3,000 imported resources on the embedded store took 18-23 s instead of 7-10, and of 10,000 218 s instead of 35.
 */
export async function recomputeUntilEmpty(
  db: Db,
  opts: { orgId?: string; batchSize?: number; onProgress?: (done: number) => void } = {},
): Promise<{ done: number; failed: number }> {
  let done = 0;
  let failed = 0;
  for (let batch = 0; ; batch++) {
    if (batch % BATCHES_BETWEEN_STATISTICS === 0) await analyzeChangedTables(db);
    const r = await recomputeOnce(db, opts);
    if (r.taken === 0) return { done, failed };
    done += r.taken;
    failed += r.failed;
    opts.onProgress?.(done);
  }
}
