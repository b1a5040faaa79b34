// `steward worker`: the background jobs without HTTP, so API processes (`steward serve --no-jobs`) and workers scale
// apart on one PostgreSQL. The jobs already share their work across processes: the recompute queue is taken with SKIP
// LOCKED, mute expiry and auto-tag write under the organization's finding write lease.
import { pino } from 'pino';
import type { Config } from '../config.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { jobIntervals, jobs, startBackgroundJobs } from './background-jobs.js';

/** Why a worker, or an API process without jobs, needs PostgreSQL; the command line exits with 2 saying so. */
export const WORKER_NEEDS_POSTGRES =
  'worker needs DATABASE_URL: the embedded store (PGlite) serves one process, and `steward serve` runs the background jobs on it. Set DATABASE_URL to the PostgreSQL the API processes use.';
export const NO_JOBS_NEEDS_POSTGRES =
  'serve --no-jobs needs DATABASE_URL: on the embedded store (PGlite) no worker can run beside the server, so the background jobs would never run. Run `steward serve` without --no-jobs, or set DATABASE_URL.';

export interface RunningWorker {
  db: Db;
  /** Ends the timers, waits for the jobs under way (a recompute ends after its batch), closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the PostgreSQL store, migrates it (as a server would: several processes may start at once), and runs the
 * background jobs until stop(); SIGTERM and SIGINT finish the job under way, then close the store. Logs are JSON lines
 * (pino), as the server's are.
 */
export async function runWorker(config: Config, { handleSignals = true } = {}): Promise<RunningWorker> {
  if (!config.databaseUrl) throw new Error(WORKER_NEEDS_POSTGRES);
  const log = pino({ level: config.logLevel }).child({ role: 'worker' });
  const db = await openDb({ databaseUrl: config.databaseUrl, poolSize: config.pgPoolSize });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const intervals = jobIntervals(config);
  const running = startBackgroundJobs({ db, log, intervals });
  log.info({ jobs: jobs.map((j) => ({ name: j.name, interval_ms: intervals[j.name] ?? j.intervalMs })) }, 'worker started: background jobs, no HTTP');
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await running.stop();
      await db.close();
    })());
  if (handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'stopping: finishing the job under way');
        stop().then(
          () => {
            log.info({}, 'worker stopped');
            process.exit(0);
          },
          (err: unknown) => {
            log.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { db, stop };
}
