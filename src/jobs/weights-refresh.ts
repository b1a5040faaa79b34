import type { Job } from './background-jobs.js';
import { reinferWhereWeightsMoved } from '../ownership/use-cases/relearn.js';

/** Refits organizations whose answers or labels changed, and re-infers those whose weights moved (use-cases/relearn.ts). */
export const weightsRefreshJob: Job = {
  name: 'ownership-weights-refresh',
  title: 'ownership weights refresh',
  // The server's configuration (STEWARD_WEIGHTS_REFRESH_MS) overrides this by the job's name.
  intervalMs: 60_000,
  run: (db) => reinferWhereWeightsMoved(db),
};
