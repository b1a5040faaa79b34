import type { Command } from 'commander';
import { runWorker, WORKER_NEEDS_POSTGRES } from '../../jobs/worker.js';
import { jobs } from '../../jobs/background-jobs.js';
import { CliError, configurationOrExit, failWith } from '../with-store.js';

export function register(program: Command) {
  program
    .command('worker')
    .description(
      // From the list the jobs start from, so the help names every job the worker runs.
      `Run the background jobs without HTTP (${jobs.map((job) => job.title).join(', ')}) beside \`steward serve --no-jobs\` processes; needs DATABASE_URL`,
    )
    .action(async () => {
      const config = configurationOrExit();
      if (!config.databaseUrl) failWith(new CliError(WORKER_NEEDS_POSTGRES));
      await runWorker(config).catch(failWith);
    });
}
