import type { Command } from 'commander';
import { printSummary, progressBar, type Progress } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { runRecompute, type RecomputeReport } from '../../ownership/use-cases/run-recompute.js';

export function register(program: Command) {
  const ownership = program.command('ownership').description('Ownership inference');
  ownership
    .command('recompute')
    .description(
      "Run the organization's re-inference queue to empty (with --all, re-infer every resource); beside a running server, its worker does the work and this waits",
    )
    .requiredOption('--org <name>', 'organization name')
    .option('--all', 'mark every resource first')
    .action(async (opts: { org: string; all?: boolean }) => {
      try {
        let bar: Progress | undefined;
        let done = 0;
        const report = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          try {
            return await runRecompute(db, orgId, {
              all: opts.all,
              // A second total comes when the refit re-infers the organization: the same bar grows.
              onTotal: (total) => (bar ? bar.update(done, total) : (bar = progressBar('inferring', total, 'resources'))),
              onProgress: (value) => bar?.update((done = value)),
            });
          } finally {
            bar?.stop();
          }
        });
        printFailures(report);
        printSummary(report);
      } catch (err) {
        failWith(err);
      }
    });
}

/** Each reason on its own lines on stderr: how many, a few examples, what to do. */
function printFailures(report: RecomputeReport) {
  for (const group of report.failures) {
    process.stderr.write(`${group.resources} failed: ${group.reason}\n  e.g. ${group.examples.join(', ')}\n  ${group.action}\n`);
  }
}
