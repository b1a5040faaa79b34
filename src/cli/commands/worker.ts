import type { Command } from 'commander';
import { runWorker, WORKER_NEEDS_POSTGRES } from '../../jobs/worker.js';
import { CliError, configurationOrExit, failWith } from '../with-store.js';

export function register(program: Command) {
  program
    .command('worker')
    .description(
      'Run the background jobs without HTTP (ownership recompute, mute expiry, weights refresh) beside `steward serve --no-jobs` processes; needs DATABASE_URL',
    )
    .action(async () => {
      const config = configurationOrExit();
      if (!config.databaseUrl) failWith(new CliError(WORKER_NEEDS_POSTGRES));
      await runWorker(config).catch(failWith);
    });
}
