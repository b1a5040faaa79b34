import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { importCommand, printSummary } from '../import-command.js';
import { CliError, failWith, requireOrg, withStore } from '../with-store.js';
import { omittedProblemsText } from '../../input-limits.js';
import { importPreferences, PreferencesRejected } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importCommand(program)
    .command('preferences')
    .description("Replace the organization's ownership preferences with a 12-column CSV (all rows valid, or nothing changes)")
    .argument('<file>', 'the CSV file')
    .requiredOption('--org <name>', 'organization name')
    .action(async (file: string, opts: { org: string }) => {
      try {
        const csv = readFileSync(file, 'utf8');
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importPreferences(tx, orgId, csv, null, Date.now()));
        }).catch((err) => {
          if (err instanceof PreferencesRejected) {
            throw new CliError(
              `${file}: rejected, the previous preferences stay in force:\n` +
                err.rows.map((p) => `  row ${p.row} (line ${p.line})${p.column ? `, column ${p.column}` : ''}: ${p.message}`).join('\n') +
                (err.omitted > 0 ? `\n  ${omittedProblemsText(err.omitted)}` : ''),
            );
          }
          throw err;
        });
        printSummary(result);
      } catch (err) {
        failWith(err);
      }
    });
}
