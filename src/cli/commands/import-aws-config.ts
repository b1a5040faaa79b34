import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseAwsConfig } from '../../ingest/aws-config.js';
import { importResourcesAtomically, fromArray } from '../../ingest/resource-batches.js';
import type { ResourceRecord } from '../../posture/resource.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import { expandInputs } from '../../ingest/input-files.js';

export function register(program: Command) {
  importer(program, 'aws-config', 'Import AWS Config configuration items (alone, in a list, or inside a Config rule event)')
    .argument('<files...>', 'JSON files or folders of them')
    .action(
      importAction(async (inputs: string[], opts: ImportOptions, run) => {
        const now = Date.now();
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$/.test(n));
        const records: ResourceRecord[] = [];
        for (const file of files) {
          records.push(
            ...(await run.file(file, async (onInvalid) => parseAwsConfig(await readJsonDocument(file, { source: file }), file, now, onInvalid))),
          );
        }
        const summary = await withStore(async (db) =>
          importResourcesAtomically(db, await requireOrg(db, opts.org), fromArray(records), builtInRuleEngine(), { source: 'import:aws-config' }),
        );
        return { files: files.length, ...summary };
      }),
    );
}
