import type { Command } from 'commander';
import { importCommand, printSummary } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseDatadogFindings, type ImportedFinding } from '../../ingest/datadog-findings.js';
import { importDatadogFindings } from '../../findings/import-datadog-findings.js';
import { expandInputs } from '../../ingest/input-files.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';

export function register(program: Command) {
  importCommand(program)
    .command('datadog-findings')
    .description('Import findings from Datadog list-findings or get-finding answers, kept exactly as Datadog reported them')
    .argument('<files...>', 'JSON files or folders of them')
    .requiredOption('--org <name>', 'organization name')
    .action(async (inputs: string[], opts: { org: string }) => {
      try {
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$/.test(n));
        const findings: ImportedFinding[] = [];
        for (const file of files) findings.push(...parseDatadogFindings(await readJsonDocument(file), file));
        const summary = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          return withFindingWriteLease(db, orgId, 'org', (tx, now) => importDatadogFindings(tx, orgId, findings, now));
        });
        printSummary({ files: files.length, ...summary });
      } catch (err) {
        failWith(err);
      }
    });
}
