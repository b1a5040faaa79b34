import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { CliError, requireOrg, withStore } from '../with-store.js';
import { parseCatalogFile } from '../../ingest/service-definitions.js';
import { onePerService } from '../../ingest/service-conflicts.js';
import { expandInputs } from '../../ingest/input-files.js';
import { readTextDocument } from '../../ingest/read-records.js';
import { importServices } from '../../ownership/signal-imports.js';
import type { Service } from '../../ownership/signals.js';

export function register(program: Command) {
  importer(
    program,
    'service-definitions',
    'Import Datadog service definitions (service.datadog.yaml, schema v2 to v3) and Backstage catalog entities',
  )
    .argument('<paths...>', 'YAML files or folders of them')
    .action(
      importAction(
        async (inputs: string[], opts: ImportOptions, run) => {
          const files = expandInputs(inputs, (n) => /\.ya?ml$/.test(n));
          const services: Service[] = [];
          for (const file of files)
            services.push(
              ...(await run.file(file, async (onInvalid) => parseCatalogFile(await readTextDocument(file, { source: file }), file, onInvalid))),
            );
          // An input holding no service at all (an empty file or folder, a file of comments) is a mistake, as for
          // `import backstage`; with --skip-invalid, services that were all skipped were reported already.
          if (services.length === 0 && run.skippedCount === 0) {
            throw new CliError(`no service definitions in ${inputs.join(', ')}: nothing was changed`);
          }
          const definitions = onePerService(services, run.onInvalid);
          const result = await withStore(async (db) => {
            const orgId = await requireOrg(db, opts.org);
            return db.transaction((tx) => importServices(tx, orgId, definitions, 'service_catalog', Date.now()));
          });
          return { files: files.length, services: result.written, changed: result.changed.length };
        },
        ['service-definitions', 'backstage'],
      ),
    );
}
