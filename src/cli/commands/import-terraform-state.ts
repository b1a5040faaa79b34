import type { Command } from 'commander';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseTerraformState } from '../../ingest/terraform-state.js';
import { importResourcesAtomically, fromArray } from '../../ingest/resource-batches.js';
import type { ResourceRecord } from '../../posture/resource.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import { expandInputs } from '../../ingest/input-files.js';
import { CliError } from '../with-store.js';

export function register(program: Command) {
  importCommand(program)
    .command('terraform-state')
    .description('Import the managed resources of Terraform v4 states')
    .argument('<files...>', '.tfstate files or folders of them')
    .requiredOption('--org <name>', 'organization name')
    .option('--repo <url>', 'repository of the root module (ownership reads its CODEOWNERS)')
    .option('--path <dir>', "the root module's folder in that repository")
    .action(async (inputs: string[], opts: { org: string; repo?: string; path?: string }) => {
      try {
        if (!!opts.repo !== !!opts.path) throw new CliError('--repo and --path go together');
        const now = Date.now();
        const files = expandInputs(inputs, (n) => n.endsWith('.tfstate') || n.endsWith('.json'));
        // States are small documents: all of them are parsed (and checked) before anything is written.
        const records: ResourceRecord[] = [];
        for (const file of files) {
          records.push(
            ...parseTerraformState(await readJsonDocument(file), file, { now, ...(opts.repo ? { iac: { repo: opts.repo, path: opts.path! } } : {}) }),
          );
        }
        const summary = await withStore(async (db) =>
          importResourcesAtomically(db, await requireOrg(db, opts.org), fromArray(records), builtInRuleEngine(), {
            source: 'import:terraform-state',
          }),
        );
        printSummary({ files: files.length, ...summary });
      } catch (err) {
        failWith(err);
      }
    });
}
