import type { Command } from 'commander';
import { importAction, importer, type ImportOptions } from '../import-command.js';
import { requireOrg, withStore } from '../with-store.js';
import { readJsonDocument } from '../../ingest/read-records.js';
import { parseDatadogFindings } from '../../ingest/datadog-findings.js';
import { readFilesWithProgress, writeInPhases } from '../import-progress.js';
import { importDatadogFindings } from '../../findings/import-datadog-findings.js';
import { expandInputs } from '../../ingest/input-files.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';

export function register(program: Command) {
  importer(program, 'datadog-findings', 'Import findings from Datadog list-findings or get-finding answers, kept exactly as Datadog reported them')
    .argument('<files...>', 'JSON files or folders of them')
    .action(
      importAction(async (inputs: string[], opts: ImportOptions, run) => {
        const files = expandInputs(inputs, (n) => /\.json(\.gz)?$/.test(n));
        const findings = await readFilesWithProgress(files, (file, onBytes) =>
          run.file(file, async (onInvalid) => parseDatadogFindings(await readJsonDocument(file, { source: file, onBytes }), file, onInvalid)),
        );
        const summary = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          // One transaction: the findings' states are one write (the bar says when it begins and ends; writing them in
          // parts was several times slower), then the resources they name, a bar moving part by part.
          return writeInPhases((onProgress) =>
            withFindingWriteLease(db, orgId, 'org', (tx, now) => importDatadogFindings(tx, orgId, findings, now, onProgress)),
          );
        });
        return { files: files.length, ...summary };
      }),
    );
}
