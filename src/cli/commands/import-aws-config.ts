import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseAwsConfig } from '../../ingest/aws-config.js';
import { readFilesWithProgress, writeResourcesWithProgress } from '../import-progress.js';
import { expandInputs } from '../../ingest/input-files.js';

export function register(program: Command) {
  importer(program, 'aws-config', 'Import AWS Config configuration items (alone, in a list, or inside a Config rule event)')
    .argument('<files...>', 'JSON files or folders of them')
    .action(
      importAction(async (inputs: string[], opts: ImportOptions, run) => {
        const now = Date.now();
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$/.test(n));
        const records = await readFilesWithProgress(files, (file, onBytes) =>
          run.file(file, async (onInvalid) => parseAwsConfig(await readJsonDocument(file, { source: file, onBytes }), file, now, onInvalid)),
        );
        const summary = await withStore(async (db) => writeResourcesWithProgress(db, await requireOrg(db, opts.org), records, 'import:aws-config'));
        return { files: files.length, ...summary };
      }),
    );
}
