import type { Command } from 'commander';
import { migrate } from '../../store/migrate.js';
import { failWith, openConfiguredDb } from '../with-store.js';

export function register(program: Command) {
  program
    .command('migrate')
    .description('Apply the store migrations not yet applied, then exit')
    .action(async () => {
      try {
        const db = await openConfiguredDb({ create: true });
        try {
          const applied = await migrate(db);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
        } finally {
          await db.close();
        }
      } catch (err) {
        failWith(err);
      }
    });
}
