import type { Command } from 'commander';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseAwsConfig } from '../../ingest/aws-config.js';
import { importResourcesAtomically, fromArray } from '../../ingest/resource-batches.js';
import type { ResourceRecord } from '../../posture/resource.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import { expandInputs } from '../../ingest/input-files.js';

export function register(program: Command) {
  importCommand(program)
    .command('aws-config')
    .description('Import AWS Config configuration items (alone, in a list, or inside a Config rule event)')
    .argument('<files...>', 'JSON files or folders of them')
    .requiredOption('--org <name>', 'organization name')
    .action(async (inputs: string[], opts: { org: string }) => {
      try {
        const now = Date.now();
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$/.test(n));
        const records: ResourceRecord[] = [];
        for (const file of files) records.push(...parseAwsConfig(await readJsonDocument(file), file, now));
        const summary = await withStore(async (db) =>
          importResourcesAtomically(db, await requireOrg(db, opts.org), fromArray(records), builtInRuleEngine(), { source: 'import:aws-config' }),
        );
        printSummary({ files: files.length, ...summary });
      } catch (err) {
        failWith(err);
      }
    });
}
