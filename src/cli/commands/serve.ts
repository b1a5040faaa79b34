import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { serve } from '../../server/serve.js';
import { failWith } from '../with-store.js';

export function register(program: Command) {
  program
    .command('serve')
    .description('Serve the API (PORT, HOST; PGlite in STEWARD_DATA_DIR or ./data, or DATABASE_URL; REDIS_URL for shared rate limits)')
    .action(async () => {
      await serve(loadConfig()).catch(failWith);
    });
}
