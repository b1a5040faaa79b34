import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { parseCodeowners } from '../../ingest/codeowners.js';
import { importCodeowners } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importCommand(program)
    .command('codeowners')
    .description("Import a repository's CODEOWNERS (last matching pattern wins)")
    .argument('<file>', 'the CODEOWNERS file')
    .requiredOption('--repo <url>', 'the repository it belongs to')
    .requiredOption('--org <name>', 'organization name')
    .action(async (file: string, opts: { org: string; repo: string }) => {
      try {
        const rules = parseCodeowners(readFileSync(file, 'utf8'), file);
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importCodeowners(tx, orgId, opts.repo, rules, Date.now()));
        });
        printSummary({ repo: opts.repo, rules: rules.length, ...result });
      } catch (err) {
        failWith(err);
      }
    });
}
