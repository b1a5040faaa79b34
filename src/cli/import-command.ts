import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { FileKind } from '../ingest/detect-file-kind.js';
import { ImportRun, SKIPPED_EXIT_CODE, type InvalidRecordFlags } from './import-run.js';
import { inputFileError } from './input-file-errors.js';
import { failWith } from './with-store.js';
import { RecordError } from '../posture/resource.js';

/** The shared `steward import` group: each importer file adds its subcommand to it. */
export function importCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Import resources, findings and ownership signals from the formats teams already have')
  );
}

/** The options every importer has. */
export interface ImportOptions extends InvalidRecordFlags {
  org: string;
}

/** `steward import <kind>` with the options every importer has: --org, --skip-invalid, --strict. */
export function importer(program: Command, kind: FileKind, description: string): Command {
  return importCommand(program)
    .command(kind)
    .description(description)
    .requiredOption('--org <name>', 'organization name')
    .option(
      '--skip-invalid',
      'write every valid record, and report each invalid one (file, record, field) on stderr; without it the first invalid record aborts and nothing is written',
    )
    .option('--strict', `with --skip-invalid: exit with code ${SKIPPED_EXIT_CODE} when anything was skipped`);
}

const NOTHING_WRITTEN = 'nothing was written; with --skip-invalid the valid records are written and each invalid one is reported';

/**
 * An importer's action: `run` reads its input through the ImportRun (which knows --skip-invalid) and writes, returning
 * its summary; this prints the summary and ends with the run's exit code, or prints the failure (a missing or
 * unreadable input as `No such file: PATH`, exit code 2).
 */
export function importAction<A, O extends ImportOptions>(
  run: (input: A, opts: O, imports: ImportRun) => Promise<object>,
  accepts?: readonly FileKind[],
): (input: A, opts: O, command: Command) => Promise<void> {
  return async (input, opts, command) => {
    const imports = new ImportRun(command.name() as FileKind, opts, accepts);
    try {
      printSummary(imports.summary(await run(input, opts, imports)));
      process.exitCode = imports.exitCode;
    } catch (err) {
      failWith(inputFileError(err) ?? err, err instanceof RecordError && !opts.skipInvalid ? NOTHING_WRITTEN : undefined);
    }
  };
}

export interface Progress {
  update(value: number, total?: number): void;
  stop(): void;
}

/** A progress bar on a terminal (stderr); silent when stderr is not a terminal. */
export function progressBar(label: string, total: number, unit = 'bytes'): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
      bar.update(value);
    },
    stop() {
      bar.stop();
    },
  };
}

export function printSummary(summary: object) {
  process.stdout.write(JSON.stringify(summary) + '\n');
}
