import type { Db } from '../store/db.js';
import type { Config } from '../config.js';
import { muteExpiryJob } from './mute-expiry.js';
import { ownershipWorkerJob } from './ownership-worker.js';
import { weightsRefreshJob } from './weights-refresh.js';
import { statisticsRefreshJob } from './statistics-refresh.js';

export interface Job {
  name: string;
  /** What it does, in a few words (`steward worker --help` lists them). */
  title: string;
  intervalMs: number;
  /**
   * One run; what it returns says how much it did (a count, or a list of what it acted on). `stopping` is aborted when
   * the process stops: a job of several steps (transactions) ends after the step it is in.
   */
  run(db: Db, stopping: AbortSignal): Promise<unknown>;
}

/** The server's logger (pino, through Fastify) or the worker's (pino). */
export interface JobLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Jobs run on a timer: by `steward serve` (with the embedded store, or without --no-jobs) or by `steward worker`
 * processes; each later capability adds its job here.
 */
export const jobs: Job[] = [muteExpiryJob, ownershipWorkerJob, weightsRefreshJob, statisticsRefreshJob];

/** The intervals the configuration sets, by job name (STEWARD_WEIGHTS_REFRESH_MS, STEWARD_MUTE_EXPIRY_MS). */
export function jobIntervals(config: Pick<Config, 'weightsRefreshMs' | 'muteExpiryMs'>): Record<string, number> {
  return { [weightsRefreshJob.name]: config.weightsRefreshMs, [muteExpiryJob.name]: config.muteExpiryMs };
}

/** How much a run did, from what it returned: a count, or the length of a list. */
function amountOf(result: unknown): number {
  if (typeof result === 'number') return result;
  return Array.isArray(result) ? result.length : 0;
}

/**
 * Runs every job on its timer; `intervals` overrides a job's interval by name (from the configuration). A run that did
 * something is logged (`job`, `done`, `ms`), a failed one as an error; stop() waits for the runs under way.
 */
export function startBackgroundJobs({ db, log, intervals = {} }: { db: Db; log: JobLog; intervals?: Record<string, number> }) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  for (const job of jobs) {
    const intervalMs = intervals[job.name] ?? job.intervalMs;
    const tick = () => {
      if (stopping.signal.aborted) return;
      const started = Date.now();
      const p = job
        .run(db, stopping.signal)
        .then(
          (result) => {
            const done = amountOf(result);
            if (done > 0) log.info({ job: job.name, done, ms: Date.now() - started }, 'background job done');
          },
          (err: unknown) => log.error({ err, job: job.name }, 'background job failed'),
        )
        .finally(() => {
          running.delete(p);
          if (!stopping.signal.aborted) timers.push(setTimeout(tick, intervalMs));
        });
      running.add(p);
    };
    timers.push(setTimeout(tick, intervalMs));
  }
  return {
    async stop() {
      stopping.abort();
      timers.forEach(clearTimeout);
      await Promise.allSettled([...running]);
    },
  };
}
