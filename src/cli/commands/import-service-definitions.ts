import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { parseServiceDefinitions } from '../../ingest/service-definitions.js';
import { parseBackstageFiles } from '../../ingest/backstage.js';
import { expandInputs } from '../../ingest/input-files.js';
import { importServices } from '../../ownership/signal-imports.js';
import type { Service } from '../../ownership/signals.js';

/** Datadog service definitions carry `schema-version` or `apiVersion: v3`; Backstage entities `apiVersion: backstage.io/...`. */
function parseCatalogFile(text: string, file: string): Service[] {
  if (/^apiVersion:\s*backstage\.io\//m.test(text)) return parseBackstageFiles([{ text, source: file }]).services;
  return parseServiceDefinitions(text, file);
}

export function register(program: Command) {
  importCommand(program)
    .command('service-definitions')
    .description('Import Datadog service definitions (service.datadog.yaml, schema v2 to v3) and Backstage catalog entities')
    .argument('<paths...>', 'YAML files or folders of them')
    .requiredOption('--org <name>', 'organization name')
    .action(async (inputs: string[], opts: { org: string }) => {
      try {
        const files = expandInputs(inputs, (n) => /\.ya?ml$/.test(n));
        const services = files.flatMap((f) => parseCatalogFile(readFileSync(f, 'utf8'), f));
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importServices(tx, orgId, services, 'service_catalog', Date.now()));
        });
        printSummary({ files: files.length, services: result.written, changed: result.changed.length });
      } catch (err) {
        failWith(err);
      }
    });
}
