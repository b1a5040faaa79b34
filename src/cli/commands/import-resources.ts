import type { Command } from 'commander';
import { importAction, importer, progressBar, type ImportOptions, type Progress } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { readNdjson } from '../../ingest/read-records.js';
import { parseResourceItem } from '../../ingest/resource-items.js';
import { importResourcesAtomically } from '../../ingest/resource-batches.js';
import { readRecord } from '../../ingest/invalid-records.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import { totalBytes } from '../../ingest/input-files.js';
import type { ResourceRecord } from '../../posture/resource.js';

export function register(program: Command) {
  importer(program, 'resources', 'Import cloud resources from NDJSON: one {"type":"cloud_resource","id":...,"attributes":{...}} per line')
    .argument('<file>', 'NDJSON file (gzip is read too)')
    .action(
      importAction(async (file: string, opts: ImportOptions, run) => {
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
            return run.records(file, async function* (onInvalid): AsyncIterable<ResourceRecord> {
              for await (const { value, line } of readNdjson(file, { source: file, onInvalid, onBytes: (n) => current.update(n) })) {
                const record = readRecord(() => parseResourceItem(value, `${file} line ${line}`, now), onInvalid);
                if (record) yield record;
              }
            });
          };
          try {
            return await importResourcesAtomically(db, orgId, records, builtInRuleEngine(), { source: 'import:resources' });
          } finally {
            bar?.stop();
          }
        });
        return { ...summary };
      }),
    );
}
