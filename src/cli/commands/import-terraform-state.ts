import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { CliError, requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseTerraformState } from '../../ingest/terraform-state.js';
import { readFilesWithProgress, writeResourcesWithProgress } from '../import-progress.js';
import { expandInputs } from '../../ingest/input-files.js';

export function register(program: Command) {
  importer(program, 'terraform-state', 'Import the managed resources of Terraform v4 states')
    .argument('<files...>', '.tfstate files or folders of them')
    .option('--repo <url>', 'repository of the root module (ownership reads its CODEOWNERS)')
    .option('--path <dir>', "the root module's folder in that repository")
    .action(
      importAction(async (inputs: string[], opts: ImportOptions & { repo?: string; path?: string }, run) => {
        if (!!opts.repo !== !!opts.path) throw new CliError('--repo and --path go together');
        const now = Date.now();
        const files = expandInputs(inputs, (n) => n.endsWith('.tfstate') || n.endsWith('.json'));
        const iac = opts.repo ? { iac: { repo: opts.repo, path: opts.path! } } : {};
        // Every state is parsed (and checked) before anything is written.
        const records = await readFilesWithProgress(files, (file, onBytes) =>
          run.file(file, async (onInvalid) =>
            parseTerraformState(await readJsonDocument(file, { source: file, onBytes }), file, { now, ...iac, onInvalid }),
          ),
        );
        const summary = await withStore(async (db) =>
          writeResourcesWithProgress(db, await requireOrg(db, opts.org), records, 'import:terraform-state'),
        );
        return { files: files.length, ...summary };
      }),
    );
}
