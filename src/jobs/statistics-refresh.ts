import type { Job } from './background-jobs.js';
import { analyzeChangedTables } from '../store/table-statistics.js';

/** Re-analyzes tables that large writes (imports) changed, before the work queued behind them plans against old figures. */
export const statisticsRefreshJob: Job = {
  name: 'statistics-refresh',
  title: 'planner statistics refresh',
  intervalMs: 5_000,
  run: (db) => analyzeChangedTables(db),
};
