import type { Command } from 'commander';
import { printSummary, progressBar } from '../import-command.js';
import { failWith, requireOrg, withStore } from '../with-store.js';
import { markForInference, queueLength } from '../../store/ownership-queue.js';
import { recomputeUntilEmpty } from '../../ownership/use-cases/recompute.js';

export function register(program: Command) {
  const ownership = program.command('ownership').description('Ownership inference');
  ownership
    .command('recompute')
    .description("Run the organization's re-inference queue to empty (with --all, re-infer every resource)")
    .requiredOption('--org <name>', 'organization name')
    .option('--all', 'mark every resource first')
    .action(async (opts: { org: string; all?: boolean }) => {
      try {
        const result = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          const now = Date.now();
          if (opts.all) await markForInference(db, orgId, 'all', now);
          const total = await queueLength(db, orgId, now);
          const bar = progressBar('inferring', total, 'resources');
          try {
            return await recomputeUntilEmpty(db, { orgId, onProgress: (done) => bar.update(done) });
          } finally {
            bar.stop();
          }
        });
        printSummary({ resources: result.done, failed: result.failed });
      } catch (err) {
        failWith(err);
      }
    });
}
