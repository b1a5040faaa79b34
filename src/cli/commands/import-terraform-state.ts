import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { CliError, requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseTerraformState } from '../../ingest/terraform-state.js';
import { importResourcesAtomically, fromArray } from '../../ingest/resource-batches.js';
import type { ResourceRecord } from '../../posture/resource.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
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
        // States are small documents: all of them are parsed (and checked) before anything is written.
        const records: ResourceRecord[] = [];
        for (const file of files) {
          records.push(
            ...(await run.file(file, async (onInvalid) =>
              parseTerraformState(await readJsonDocument(file, { source: file }), file, { now, ...iac, onInvalid }),
            )),
          );
        }
        const summary = await withStore(async (db) =>
          importResourcesAtomically(db, await requireOrg(db, opts.org), fromArray(records), builtInRuleEngine(), {
            source: 'import:terraform-state',
          }),
        );
        return { files: files.length, ...summary };
      }),
    );
}
