// `steward ownership recompute`: runs the organization's queue to empty, by itself or, beside a running server, by
// waiting for the server's worker; then says which resources' inferences stand failed (this run's, or earlier ones
// still failing and waiting for their retry), grouped by reason, and what to do about each.
import type { Db } from '../../store/db.js';
import { markForInference, queueLength } from '../../store/ownership-queue.js';
import { answeredResourceCount, currentFailures, type FailureGroup } from '../../store/ownership-queries.js';
import { FAILURE_REASONS, recomputeUntilEmpty } from './recompute.js';
import { refitOrganization } from './relearn.js';

export interface RecomputeReport {
  /** Inferred by this run (by the server's worker while it waited, beside a running server). */
  resources: number;
  failed: number;
  /** Resources with a current answer, whoever inferred them: when `resources` is 0, what was already done. */
  answered: number;
  failures: Array<FailureGroup & { action: string }>;
}

export interface RecomputeProgress {
  /** Called once the work is known: resources due now. */
  onTotal?(total: number): void;
  onProgress?(done: number): void;
}

const ACTIONS: Record<string, string> = {
  [FAILURE_REASONS.unknownResource]:
    'Signals (CloudTrail events, findings, CODEOWNERS) name these resources but the inventory has no record of them: import them (steward import resources | terraform-state | aws-config | datadog-findings); they are retried on their own.',
  [FAILURE_REASONS.deleted]: 'These resources were deleted from the inventory after they were queued; nothing to do.',
};
const DEFAULT_ACTION = 'Read the inference (GET /api/v2/csm/ownership/resources/{resource_id}); it is retried with backoff.';

/** How often a command waiting for the server's worker looks at the queue. */
const POLL_MS = 200;
/** A worker that takes nothing for this long is not working the queue (stopped jobs, another fault): the command does. */
const STALL_MS = 30_000;

export async function runRecompute(db: Db, orgId: string, opts: { all?: boolean } & RecomputeProgress = {}): Promise<RecomputeReport> {
  // Everything due at this instant is this command's work; what fails is rescheduled later, so the count drains.
  // Marked and counted in one transaction, so a worker cannot take part of it unseen in between.
  const startedAt = Date.now();
  const total = await db.transaction(async (tx) => {
    if (opts.all) await markForInference(tx, orgId, 'all', startedAt);
    return queueLength(tx, orgId, startedAt);
  });
  opts.onTotal?.(total);
  const resources = await drain(db, orgId, startedAt, total, opts.onProgress);
  // The organization's own evidence calibrates its answers: once they are all in, refit and answer again with the fit
  // (a second refit finds the same votes, so this settles in one round).
  if (await refitOrganization(db, orgId)) {
    const again = Date.now();
    const more = await queueLength(db, orgId, again);
    opts.onTotal?.(total + more);
    await drain(db, orgId, again, more, (done) => opts.onProgress?.(total + done));
  }
  const failures = (await currentFailures(db, orgId)).map((group) => ({ ...group, action: ACTIONS[group.reason] ?? DEFAULT_ACTION }));
  const answered = await answeredResourceCount(db, orgId);
  return { resources, failed: failures.reduce((sum, g) => sum + g.resources, 0), answered, failures };
}

/** Works what is due by `dueBy`, or waits for the server's worker to; returns how many resources were inferred. */
async function drain(db: Db, orgId: string, dueBy: number, total: number, onProgress?: (done: number) => void): Promise<number> {
  if (db.servedBy !== undefined) return total - (await waitForWorker(db, orgId, dueBy, total, onProgress));
  return (await recomputeUntilEmpty(db, { orgId, onProgress })).done;
}

/** Waits while the server's worker drains what was due at `dueBy`; works the queue itself if the worker stalls. Returns what is left (0). */
async function waitForWorker(db: Db, orgId: string, dueBy: number, total: number, onProgress?: (done: number) => void): Promise<number> {
  let remaining = total;
  let lastChange = Date.now();
  while (remaining > 0) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = await queueLength(db, orgId, dueBy);
    if (now !== remaining) lastChange = Date.now();
    remaining = now;
    onProgress?.(total - remaining);
    if (remaining > 0 && Date.now() - lastChange > STALL_MS) {
      const r = await recomputeUntilEmpty(db, { orgId, onProgress: (done) => onProgress?.(total - remaining + done) });
      return Math.max(0, remaining - r.done);
    }
  }
  return 0;
}
