import type { Command } from 'commander';
import { importCommand, printSummary, progressBar, type Progress } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { readNdjson } from '../../ingest/read-records.js';
import { parseResourceItem } from '../../ingest/resource-items.js';
import { importResourcesAtomically } from '../../ingest/resource-batches.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import { totalBytes } from '../../ingest/input-files.js';
import type { ResourceRecord } from '../../posture/resource.js';

export function register(program: Command) {
  importCommand(program)
    .command('resources')
    .description('Import cloud resources from NDJSON: one {"type":"cloud_resource","id":...,"attributes":{...}} per line')
    .argument('<file>', 'NDJSON file (gzip is read too)')
    .requiredOption('--org <name>', 'organization name')
    .action(async (file: string, opts: { org: string }) => {
      try {
        const now = Date.now();
        const size = totalBytes([file]);
        const summary = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          // The file is read twice: once to check every line, then to write them all in one transaction.
          const phases = ['checking', 'writing'];
          let bar: Progress | undefined;
          const records = () => {
            bar?.stop();
            const current = progressBar(phases.shift() ?? 'reading', size);
            bar = current;
            return (async function* (): AsyncIterable<ResourceRecord> {
              for await (const { value, line } of readNdjson(file, { onBytes: (n) => current.update(n) })) {
                yield parseResourceItem(value, `${file} line ${line}`, now);
              }
            })();
          };
          try {
            return await importResourcesAtomically(db, orgId, records, builtInRuleEngine(), { source: 'import:resources' });
          } finally {
            bar?.stop();
          }
        });
        printSummary({ ...summary });
      } catch (err) {
        failWith(err);
      }
    });
}
