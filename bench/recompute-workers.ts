// Issue 17: ownership recompute throughput of `steward worker` processes, one and then two, on one PostgreSQL. The
// recompute benchmark's synthetic organization (bench/ownership-recompute.ts) is seeded once; each round clears the
// organization's inferences, starts its workers, queues every resource (markForInference) and times until the queue is
// empty, then checks that each queued resource was inferred exactly once. Needs DATABASE_URL (a worker runs on
// PostgreSQL only).
// Run alone: DATABASE_URL=postgres://... npx tsx bench/recompute-workers.ts (npm run bench:recompute-workers)
import { loadavg } from 'node:os';
import type { Db } from '../src/store/db.js';
import { markForInference } from '../src/store/ownership-queue.js';
import { OWNER_TYPES } from '../src/ownership/owner-type.js';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/processes.js';
import { seedRecomputeOrg } from './ownership-recompute.js';
import { createBenchStore } from './lib/store.js';
import { int, scaled, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

/** Half the recompute benchmark's 100,000: one worker takes about 3 minutes a round at its 277 resources/s. */
const FULL_RESOURCES = 50_000;
/** The workers' weights refresh (a refit that re-queues the organization once its queue drains) stays out of the rounds. */
const WEIGHTS_REFRESH_MS = 24 * 3_600_000;
const POLL_MS = 250;
const ROUND_TIMEOUT_MS = 30 * 60_000;

interface Round {
  workers: number;
  queued: number;
  seconds: number;
  /** Queued resources each worker took, from its `background job done` log lines. */
  taken: number[];
  inferred: number;
  historyRows: number;
  /** (resource, owner type) pairs with more than one history row. */
  repeated: number;
  failed: number;
  load: number;
}

/** Queued resources a worker took, summed over its logged ownership recompute runs. */
function takenBy(worker: WorkerProcess): number {
  let taken = 0;
  for (const line of worker.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { job?: string; done?: number };
      if (entry.job === 'ownership-recompute' && typeof entry.done === 'number') taken += entry.done;
    } catch {
      // not a log line
    }
  }
  return taken;
}

/** Empties the organization's queue, inferences and history, so each round does the same first inference of every resource. */
async function clearOwnership(db: Db, orgId: string): Promise<void> {
  for (const t of ['ownership_queue', 'ownership_inferences', 'ownership_history']) await db.query(`DELETE FROM ${t} WHERE org_id = $1`, [orgId]);
  await db.query('VACUUM ANALYZE ownership_queue, ownership_inferences, ownership_history');
}

async function round(db: Db, databaseUrl: string, orgId: string, workers: number): Promise<Round> {
  await clearOwnership(db, orgId);
  const env = { DATABASE_URL: databaseUrl, STEWARD_WEIGHTS_REFRESH_MS: String(WEIGHTS_REFRESH_MS) };
  const procs = await Promise.all(Array.from({ length: workers }, () => startWorkerProcess(env)));
  let seconds: number;
  let queued: number;
  const load = loadavg()[0]!;
  try {
    // What markForInference(..., 'all') queues: every resource of the organization that is not deleted.
    queued = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1 AND deleted_at IS NULL', [orgId])).rows[0]!.n;
    await markForInference(db, orgId, 'all', Date.now());
    const started = performance.now();
    for (;;) {
      const left = await db.query('SELECT 1 FROM ownership_queue WHERE org_id = $1 LIMIT 1', [orgId]);
      if (left.rows.length === 0) break;
      const exited = procs.find((p) => p.child.exitCode !== null);
      if (exited) throw new Error(`a worker exited (${exited.child.exitCode}): ${exited.output().slice(-2000)}`);
      if (performance.now() - started > ROUND_TIMEOUT_MS) throw new Error(`the queue was not empty within ${ROUND_TIMEOUT_MS / 60_000} minutes`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  const inferred = (
    await db.query<{ n: number }>(`SELECT count(DISTINCT resource_id)::int AS n FROM ownership_inferences WHERE org_id = $1 AND status <> 'failed'`, [
      orgId,
    ])
  ).rows[0]!.n;
  const history = (
    await db.query<{ rows: number; failed: number }>(
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM ownership_history WHERE org_id = $1`,
      [orgId],
    )
  ).rows[0]!;
  const repeated = (
    await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ownership_history WHERE org_id = $1 GROUP BY resource_id, slot HAVING count(*) > 1) d`,
      [orgId],
    )
  ).rows[0]!.n;
  const r = { workers, queued, seconds, taken: procs.map(takenBy), inferred, historyRows: history.rows, repeated, failed: history.failed, load };
  console.log(
    `${workers} worker(s): ${int(queued)} resources in ${seconds.toFixed(1)} s, ${int(queued / seconds)} resources/s; taken ${r.taken.join(' + ')}; ` +
      `inferred ${int(inferred)}; history rows ${int(history.rows)} (${repeated} repeated, ${history.failed} failed)`,
  );
  return r;
}

/** Whether every queued resource was inferred exactly once in the round. */
function exactlyOnce(r: Round): boolean {
  const taken = r.taken.reduce((a, b) => a + b, 0);
  return taken === r.queued && r.inferred === r.queued && r.historyRows === r.queued * OWNER_TYPES.length && r.repeated === 0 && r.failed === 0;
}

export async function benchRecomputeWorkers(): Promise<string> {
  if (!process.env.DATABASE_URL)
    throw new Error('bench/recompute-workers.ts needs PostgreSQL (DATABASE_URL): `steward worker` runs on PostgreSQL only');
  const resources = scaled(FULL_RESOURCES, 500);
  const store = await createBenchStore('recompute_workers');
  const db = await store.open();
  const notes: string[] = [];
  try {
    const { orgId } = await seedRecomputeOrg(db, resources, notes);
    const rounds: Round[] = [];
    for (const workers of [1, 2]) rounds.push(await round(db, store.databaseUrl!, orgId, workers));
    const [one, two] = rounds as [Round, Round];
    const rate = (r: Round) => r.queued / r.seconds;
    return [
      `### Ownership recompute with \`steward worker\` processes (issue 17)`,
      ``,
      `The ownership recompute benchmark's synthetic organization of ${int(resources)} resources (${int(FULL_RESOURCES)} at full scale, half its 100,000, so that one worker takes a few minutes a round), ` +
        `imported through the importers. Each round clears the organization's inferences and history, starts its \`steward worker\` processes ` +
        `(\`node --import tsx src/cli/main.ts worker\`), queues every resource with \`markForInference\`, and is timed from the queueing until the queue is empty ` +
        `(polled every ${POLL_MS} ms). The workers' ownership job ticks every second and takes up to 25 batches of 200 a tick; their weights refresh is set ` +
        `to ${WEIGHTS_REFRESH_MS / 3_600_000} h (\`STEWARD_WEIGHTS_REFRESH_MS\`) so that no refit re-queues the organization during a round. Every batch runs under the ` +
        `organization's write lease (\`withFindingWriteLease(db, orgId, 'org', ...)\`), so on one organization the workers take batches in turn.`,
      ``,
      table(
        [
          'Workers',
          'Resources',
          'Time',
          'Resources/s',
          'Taken per worker (logged)',
          'Inferred',
          'History rows (repeated, failed)',
          'Exactly once',
          'Load (1 min) at start',
        ],
        rounds.map((r) => [
          r.workers,
          int(r.queued),
          `${r.seconds.toFixed(1)} s`,
          `**${int(rate(r))}**`,
          r.taken.map(int).join(' + '),
          int(r.inferred),
          `${int(r.historyRows)} (${r.repeated}, ${r.failed})`,
          exactlyOnce(r) ? 'yes' : '**no**',
          r.load.toFixed(2),
        ]),
      ),
      ``,
      `Two workers against one: **${(rate(two) / rate(one)).toFixed(2)}x**. "Exactly once": the workers' logged counts add up to the queued resources, ` +
        `every resource has an inference, and the history holds exactly one row per resource and owner type (${OWNER_TYPES.length} each), none failed.`,
      ...(notes.length ? ['', 'Importer problems:', '', ...notes.map((n) => `- ${n}`)] : []),
    ].join('\n');
  } finally {
    await db.close();
    await store.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('recompute-workers', await benchRecomputeWorkers());
}
