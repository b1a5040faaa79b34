import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { parseBackstageFiles } from '../../ingest/backstage.js';
import { expandInputs } from '../../ingest/input-files.js';
import { importDirectory, importServices } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importCommand(program)
    .command('backstage')
    .description('Import a Backstage catalog: Groups and Users into the team directory, Components, Resources and Systems into the service catalog')
    .argument('<paths...>', 'catalog YAML files or folders of them')
    .requiredOption('--org <name>', 'organization name')
    .option('--source <name>', 'name of this directory source (users it stops listing become inactive)', 'backstage')
    .action(async (inputs: string[], opts: { org: string; source: string }) => {
      try {
        const files = expandInputs(inputs, (n) => /\.ya?ml$/.test(n));
        const catalog = parseBackstageFiles(files.map((f) => ({ text: readFileSync(f, 'utf8'), source: f })));
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          const now = Date.now();
          return db.transaction(async (tx) => ({
            directory: await importDirectory(tx, orgId, { users: catalog.users, teams: catalog.teams }, opts.source, now),
            services: await importServices(tx, orgId, catalog.services, opts.source, now),
          }));
        });
        printSummary({
          files: files.length,
          users: result.directory.users_written,
          deactivated: result.directory.users_deactivated,
          teams: result.directory.teams_written,
          services: result.services.written,
        });
      } catch (err) {
        failWith(err);
      }
    });
}
