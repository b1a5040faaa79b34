import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { CliError, requireOrg, withStore } from '../with-store.js';
import { parseCodeowners } from '../../ingest/codeowners.js';
import { readTextDocument } from '../../ingest/read-records.js';
import { importCodeowners } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importer(program, 'codeowners', "Import a repository's CODEOWNERS (last matching pattern wins)")
    .argument('<file>', 'the CODEOWNERS file')
    .requiredOption('--repo <url>', 'the repository it belongs to')
    .action(
      importAction(async (file: string, opts: ImportOptions & { repo: string }, run) => {
        // Read strictly: bytes that are not UTF-8 are refused, not turned into U+FFFD in patterns and owners.
        const rules = await run.file(file, async (onInvalid) => parseCodeowners(await readTextDocument(file, { source: file }), file, onInvalid));
        // With --skip-invalid, a file skipped whole (another kind, bytes that are not UTF-8) or holding only bad lines
        // replaces nothing: an empty set would take every owner of the repository away.
        if (rules.length === 0 && run.skippedCount > 0) {
          process.stderr.write("steward: no valid rule: the repository's CODEOWNERS stay as they were\n");
          return { repo: opts.repo, rules: 0 };
        }
        // Without it too: an empty file (a copy that failed, /dev/null) is a mistake far more often than an owner-less
        // repository, and imported it would take every owner of the repository away.
        if (rules.length === 0) throw new CliError(`no CODEOWNERS rule in ${file}: the repository's CODEOWNERS stay as they were`);
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importCodeowners(tx, orgId, opts.repo, rules, Date.now()));
        });
        return { repo: opts.repo, rules: rules.length, ...result };
      }),
    );
}
