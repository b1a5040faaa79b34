import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { parseCodeowners } from '../../ingest/codeowners.js';
import { importCodeowners } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importer(program, 'codeowners', "Import a repository's CODEOWNERS (last matching pattern wins)")
    .argument('<file>', 'the CODEOWNERS file')
    .requiredOption('--repo <url>', 'the repository it belongs to')
    .action(
      importAction(async (file: string, opts: ImportOptions & { repo: string }, run) => {
        const rules = await run.file(file, (onInvalid) => parseCodeowners(readFileSync(file, 'utf8'), file, onInvalid));
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importCodeowners(tx, orgId, opts.repo, rules, Date.now()));
        });
        return { repo: opts.repo, rules: rules.length, ...result };
      }),
    );
}
