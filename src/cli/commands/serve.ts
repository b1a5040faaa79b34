import type { Command } from 'commander';
import { CliError, configurationOrExit, failWith } from '../with-store.js';

export function register(program: Command) {
  program
    .command('serve')
    .description('Serve the API (PORT, HOST; PGlite in STEWARD_DATA_DIR or ./data, or DATABASE_URL; REDIS_URL for shared rate limits)')
    .option('--no-jobs', 'serve the API only: `steward worker` processes on the same DATABASE_URL run the background jobs')
    .action(async (opts: { jobs: boolean }) => {
      // The server (Fastify, its plugins, the console) loads only to serve: every other command starts without it.
      const [{ serve }, { NO_JOBS_NEEDS_POSTGRES }] = await Promise.all([import('../../server/serve.js'), import('../../jobs/worker.js')]);
      const config = configurationOrExit();
      if (!opts.jobs && !config.databaseUrl) failWith(new CliError(NO_JOBS_NEEDS_POSTGRES));
      await serve(config, { runJobs: opts.jobs }).catch(failWith);
    });
}
