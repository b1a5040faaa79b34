import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { omittedProblemsText } from '../../input-limits.js';
import { preferencesToCsv, validatePreferences } from '../../ingest/preferences-csv.js';
import { readTextDocument } from '../../ingest/read-records.js';
import { RecordError } from '../../posture/resource.js';
import { importPreferences } from '../../ownership/signal-imports.js';

export function register(program: Command) {
  importer(
    program,
    'preferences',
    "Replace the organization's ownership preferences with a 12-column CSV (an invalid row leaves them as they are; with --skip-invalid the valid rows replace them, if any)",
  )
    .argument('<file>', 'the CSV file')
    .action(
      importAction(async (file: string, opts: ImportOptions, run) => {
        // Read inside run.file (a folder is named as one) and strictly (bytes that are not UTF-8 are refused).
        let csv = '';
        const [preferences] = await run.file(file, async (onInvalid) => {
          csv = await readTextDocument(file, { source: file });
          const result = validatePreferences(csv, onInvalid && { source: file, onInvalid });
          if (result.preferences) return [result.preferences];
          throw new RecordError(
            file,
            undefined,
            'rejected, the previous preferences stay in force:\n' +
              result.errors.map((p) => `  row ${p.row} (line ${p.line})${p.column ? `, column ${p.column}` : ''}: ${p.message}`).join('\n') +
              (result.omitted > 0 ? `\n  ${omittedProblemsText(result.omitted)}` : ''),
          );
        });
        // With --skip-invalid: the valid rows replace the preferences, unless none is left (a file of bad rows clears nothing).
        const rows = preferences ? preferences.tag_mappings.length + preferences.exclusions.length + preferences.prompt_texts.length : 0;
        if (!preferences || (rows === 0 && run.skippedCount > 0)) {
          process.stderr.write('steward: no valid row: the previous preferences stay in force\n');
          return { rows: 0 };
        }
        const text = run.skippedCount > 0 ? preferencesToCsv(preferences) : csv;
        return withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return db.transaction((tx) => importPreferences(tx, orgId, text, null, Date.now()));
        });
      }),
    );
}
