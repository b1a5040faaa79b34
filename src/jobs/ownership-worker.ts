import type { Job } from './background-jobs.js';
import { recomputeOnce } from '../ownership/use-cases/recompute.js';

/** Takes one batch of due resources every second; several server processes share the queue (SKIP LOCKED). */
export const ownershipWorkerJob: Job = {
  name: 'ownership-recompute',
  intervalMs: 1_000,
  run: (db) => recomputeOnce(db),
};
