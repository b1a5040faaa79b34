import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import type { ImportRun } from '../import-run.js';
import { CliError, requireOrg, withStore } from '../with-store.js';
import { catalogFromEntities, parseBackstageEntities, type BackstageEntity } from '../../ingest/backstage.js';
import { expandInputs } from '../../ingest/input-files.js';
import { readTextDocument } from '../../ingest/read-records.js';
import { importDirectory, importServices } from '../../ownership/signal-imports.js';

/**
 * An input holding no entity at all (an empty file or folder, a file of comments) is a mistake, said as such rather
 * than imported as an empty catalog. With --skip-invalid, entities that were all skipped were reported already.
 */
function requireEntities(entities: BackstageEntity[], inputs: string[], run: ImportRun): void {
  if (entities.length === 0 && run.skippedCount === 0) throw new CliError(`no Backstage entities in ${inputs.join(', ')}: nothing was changed`);
}

export function register(program: Command) {
  importer(
    program,
    'backstage',
    'Import a Backstage catalog: Groups and Users into the team directory, Components, Resources and Systems into the service catalog',
  )
    .argument('<paths...>', 'catalog YAML files or folders of them')
    .option(
      '--source <name>',
      'name of this directory source (users it stops listing become inactive; an input with no Users makes nobody inactive)',
      'backstage',
    )
    .action(
      importAction(async (inputs: string[], opts: ImportOptions & { source: string }, run) => {
        const files = expandInputs(inputs, (n) => /\.ya?ml$/.test(n));
        // Entities of every file first, then relations across them: a User in one file joins a Group in another.
        const entities: BackstageEntity[] = [];
        for (const file of files)
          entities.push(
            ...(await run.file(file, async (onInvalid) => parseBackstageEntities(await readTextDocument(file, { source: file }), file, onInvalid))),
          );
        requireEntities(entities, inputs, run);
        const catalog = catalogFromEntities(entities, run.onInvalid);
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          const now = Date.now();
          return db.transaction(async (tx) => ({
            directory: await importDirectory(tx, orgId, { users: catalog.users, teams: catalog.teams }, opts.source, now),
            services: await importServices(tx, orgId, catalog.services, opts.source, now),
          }));
        });
        return {
          files: files.length,
          users: result.directory.users_written,
          deactivated: result.directory.users_deactivated,
          teams: result.directory.teams_written,
          services: result.services.written,
        };
      }),
    );
}
