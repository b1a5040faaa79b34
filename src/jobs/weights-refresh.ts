import type { Job } from './background-jobs.js';
import { reinferWhereWeightsMoved } from '../ownership/use-cases/relearn.js';

/** Re-infers organizations whose learnt signal weights have moved since their answers were computed. */
export const weightsRefreshJob: Job = {
  name: 'ownership-weights-refresh',
  // The server's configuration (STEWARD_WEIGHTS_REFRESH_MS) overrides this by the job's name.
  intervalMs: 10 * 60_000,
  run: (db) => reinferWhereWeightsMoved(db),
};
