import type { Job } from './background-jobs.js';
import { recomputeOnce } from '../ownership/use-cases/recompute.js';

/** Batches one tick may take back to back, so a large queue (an import, `recompute --all`) drains without waiting a second per batch. */
const BATCHES_PER_TICK = 25;

/**
 * Takes due resources each second, batch after batch while there are any; several processes (servers, workers) share
 * the queue (SKIP LOCKED). Each batch is its own transaction, so requests interleave with a long drain, and a process
 * that is stopping ends after the batch it is in. Returns how many queued resources it took.
 */
export const ownershipWorkerJob: Job = {
  name: 'ownership-recompute',
  title: 'ownership recompute',
  intervalMs: 1_000,
  async run(db, stopping) {
    let taken = 0;
    for (let batch = 0; batch < BATCHES_PER_TICK && !stopping.aborted; batch++) {
      const r = await recomputeOnce(db);
      taken += r.taken;
      if (r.taken === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return taken;
  },
};
