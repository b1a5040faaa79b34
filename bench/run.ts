// `npm run bench`: every benchmark in sequence, each writing its figures into bench/README.md between its markers.
// Sizes: BENCH_SCALE (e.g. 0.1 for a quick run); store: PGlite in a temp folder, or PostgreSQL when DATABASE_URL is set.
// BENCH_ONLY=ingest,findings-api,... runs a subset.
import { benchIngest } from './ingest.js';
import { benchFindingsApi } from './findings-api.js';
import { benchCloudTrail } from './cloudtrail.js';
import { benchOwnershipRecompute } from './ownership-recompute.js';
import { benchSecurityFindings } from './security-findings.js';
import { benchRequestOverhead } from './request-overhead.js';
import { benchRecomputeWorkers } from './recompute-workers.js';
import { benchReviewQueue } from './review-queue.js';
import { writeSection } from './lib/readme.js';

const all: [string, () => Promise<string>][] = [
  ['ingest', benchIngest],
  ['findings-api', benchFindingsApi],
  ['cloudtrail', benchCloudTrail],
  ['ownership-recompute', benchOwnershipRecompute],
  ['security-findings', benchSecurityFindings],
  ['request-overhead', benchRequestOverhead],
  ['recompute-workers', benchRecomputeWorkers],
  ['review-queue', benchReviewQueue],
];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
for (const [name, run] of all) {
  if (only && !only.includes(name)) continue;
  const t = performance.now();
  console.log(`== ${name}`);
  try {
    writeSection(name, await run());
  } catch (err) {
    console.error(`${name} failed:`, err);
    writeSection(name, `### ${name}\n\nFailed: \`${String((err as Error).message ?? err).slice(0, 500)}\``);
    process.exitCode = 1;
  }
  console.log(`== ${name} done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
