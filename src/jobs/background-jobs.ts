import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/db.js';
import { muteExpiryJob } from './mute-expiry.js';
import { ownershipWorkerJob } from './ownership-worker.js';
import { weightsRefreshJob } from './weights-refresh.js';

export interface Job {
  name: string;
  intervalMs: number;
  run(db: Db): Promise<unknown>;
}

/** Jobs the server runs on a timer (mute expiry, the recompute worker); each later capability adds its job here. */
export const jobs: Job[] = [muteExpiryJob, ownershipWorkerJob, weightsRefreshJob];

/** Runs every job on its timer; `intervals` overrides a job's interval by name (from the configuration). */
export function startBackgroundJobs({ db, log, intervals = {} }: { db: Db; log: FastifyBaseLogger; intervals?: Record<string, number> }) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    const intervalMs = intervals[job.name] ?? job.intervalMs;
    const tick = () => {
      if (stopped) return;
      const p = job
        .run(db)
        .catch((err) => log.error({ err, job: job.name }, 'background job failed'))
        .finally(() => {
          running.delete(p);
          if (!stopped) timers.push(setTimeout(tick, intervalMs));
        });
      running.add(p);
    };
    timers.push(setTimeout(tick, intervalMs));
  }
  return {
    async stop() {
      stopped = true;
      timers.forEach(clearTimeout);
      await Promise.allSettled([...running]);
    },
  };
}
