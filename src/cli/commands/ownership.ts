import type { Command } from 'commander';
import { printSummary, progressBar, type Progress } from '../import-command.js';
import { CliError, failWith, requireOrg, withStore } from '../with-store.js';
import { runRecompute, type RecomputeReport } from '../../ownership/use-cases/run-recompute.js';
import {
  DEFAULT_REVIEW_OWNER_TYPE,
  DEFAULT_REVIEW_QUEUE_LIMIT,
  MAX_REVIEW_QUEUE_LIMIT,
  reviewQueueBody,
  reviewQueuePage,
  type ReviewQueuePosition,
} from '../../ownership/use-cases/review-queue.js';
import { OWNER_TYPES, type OwnerType } from '../../ownership/owner-type.js';
import { columns } from './rules.js';
import { parseLimit } from './resources.js';

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
        let servedBy: number | undefined;
        const report = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          servedBy = db.servedBy;
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
        printNothingWaiting(report, servedBy);
        printSummary(report);
      } catch (err) {
        failWith(err);
      }
    });
  ownership
    .command('review-queue')
    .description('The answers waiting for review, the review worth most first (as GET /api/v2/csm/ownership/review_queue)')
    .requiredOption('--org <name>', 'organization name')
    .option('--type <owner type>', `${OWNER_TYPES.join(', ')} (default ${DEFAULT_REVIEW_OWNER_TYPE})`)
    .option('--limit <n>', `print at most N items (default ${DEFAULT_REVIEW_QUEUE_LIMIT})`)
    .option('--json', "one JSON line per item, as the API's data items")
    .action(async (opts: { org: string; type?: string; limit?: string; json?: boolean }) => {
      try {
        const slot = parseOwnerTypeOption(opts.type);
        const limit = opts.limit === undefined ? DEFAULT_REVIEW_QUEUE_LIMIT : parseLimit(opts.limit);
        const { items, total } = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          const shown: ReturnType<typeof reviewQueueBody>['data'] = [];
          let after: ReviewQueuePosition | undefined;
          for (;;) {
            const page = await reviewQueuePage(db, orgId, { slot, limit: Math.min(MAX_REVIEW_QUEUE_LIMIT, limit - shown.length), after });
            shown.push(...reviewQueueBody(page, limit).data);
            if (!page.next || shown.length >= limit) return { items: shown, total: page.total };
            after = page.next;
          }
        });
        if (opts.json) {
          for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
          return;
        }
        const lines = columns(
          ['SCORE', 'RESOURCE', 'ANSWER', 'CONFIDENCE', 'WHY'],
          items.map(({ attributes: a }) => [
            a.score.toFixed(4),
            a.resource.id,
            a.inference.owner_handle ?? a.inference.owner_type,
            a.inference.confidence,
            a.reason,
          ]),
        );
        process.stdout.write(`${lines.join('\n')}\n${items.length} of ${total} waiting for review\n`);
      } catch (err) {
        failWith(err);
      }
    });
}

function parseOwnerTypeOption(raw: string | undefined): OwnerType {
  if (raw === undefined) return DEFAULT_REVIEW_OWNER_TYPE;
  if ((OWNER_TYPES as readonly string[]).includes(raw)) return raw as OwnerType;
  throw new CliError(`Invalid option --type: ${JSON.stringify(raw)} is not one of ${OWNER_TYPES.join(', ')}`);
}

/**
 * On stderr, when the run inferred nothing: that nothing was waiting, and how many answers stand, so `"resources":0`
 * does not read as a failure (beside a server, its worker infers what imports queue before this command looks).
 */
function printNothingWaiting(report: RecomputeReport, servedBy: number | undefined) {
  if (report.resources > 0) return;
  const by = servedBy === undefined ? '' : ` (the running server, process ${servedBy}, infers what imports queue as they land)`;
  process.stderr.write(
    `Nothing was waiting to be inferred: ${report.answered === 1 ? '1 resource has' : `${report.answered} resources have`} a current answer${by}\n`,
  );
}

/** Each reason on its own lines on stderr: how many, a few examples, what to do. */
function printFailures(report: RecomputeReport) {
  for (const group of report.failures) {
    process.stderr.write(`${group.resources} failed: ${group.reason}\n  e.g. ${group.examples.join(', ')}\n  ${group.action}\n`);
  }
}
