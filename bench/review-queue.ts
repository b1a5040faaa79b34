// The review queue (GET /api/v2/csm/ownership/review_queue) on a large organization: first page and a page five deep
// as the client sees it, beside its SQL (queryReviewQueue) run directly on the server's store connection, and the
// plan of a first page. Every page ranks the whole organization's waiting answers (group sizes, reviews per group,
// open critical and high findings), so its cost grows with the organization.
// Run alone: npx tsx bench/review-queue.ts
import { createKeys } from '../src/store/orgs.js';
import { writeInferences, type InferenceRow } from '../src/store/ownership-inferences.js';
import { queryReviewQueue } from '../src/store/review-queue.js';
import { OPEN_ENDED } from '../src/store/finding-states.js';
import { OWNER_TYPES, type OwnerType } from '../src/ownership/owner-type.js';
import { severityRank } from '../src/posture/finding-identity.js';
import type { Db, Queryable } from '../src/store/db.js';
import { serveBench, time } from './findings-api.js';
import { createBenchStore } from './lib/store.js';
import { prng } from './lib/prng.js';
import { int, ms, scaled, summarize, table } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const PATH = '/api/v2/csm/ownership/review_queue';
const LIMIT = 50;

const resourceId = (i: number) => `arn:aws:s3:::bucket-${String(i).padStart(8, '0')}`;

/** The resources, 1% of them deleted; a third with one open failing critical or high finding. */
async function seedResources(db: Queryable, orgId: string, count: number, now: number): Promise<void> {
  await db.query(
    `INSERT INTO resources (org_id, resource_id, resource_type, name, cloud_provider, content_hash, version, observed_at, first_seen_at, updated_at, deleted_at)
     SELECT $1, 'arn:aws:s3:::bucket-' || lpad(g::text, 8, '0'), 'aws_s3_bucket', 'bucket-' || g, 'aws', md5(g::text), 1, $3, $3, $3,
       CASE WHEN g % 100 = 7 THEN $3::bigint END
     FROM generate_series(0, $2::int - 1) g`,
    [orgId, count, now],
  );
  await db.query(
    `INSERT INTO finding_states (org_id, finding_id, valid_from, valid_to, severity_rank, status, evaluation, evaluation_changed_at,
       resource_discovery_date, resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags, muted, changed_by)
     SELECT $1, 'fnd-' || g, $3, ${OPEN_ENDED}, CASE WHEN g % 2 = 0 THEN $4::smallint ELSE $5::smallint END, CASE WHEN g % 2 = 0 THEN 'critical' ELSE 'high' END,
       'fail', $3, $3, 'arn:aws:s3:::bucket-' || lpad(g::text, 8, '0'), 'bucket-' || g, 'aws_s3_bucket', 'aws-s3-bucket-1', 'Rule 1',
       'misconfiguration', '{}', false, 'bench'
     FROM generate_series(0, $2::int - 1) g WHERE g % 3 = 0`,
    [orgId, count, now, severityRank('critical'), severityRank('high')],
  );
}

/**
 * Every resource's three answers, through writeInferences: a team answer resting on one of 2,000 pieces (catalog
 * entries and CODEOWNERS paths, a few of them deciding thousands of resources), a user answer on a creator (a group of
 * its own) or an owner tag, a service answer on a catalog entry; 8% `unknown`.
 */
async function seedAnswers(db: Queryable, orgId: string, count: number, now: number): Promise<void> {
  const rnd = prng(23);
  const pieceOf = (slot: OwnerType): { type: string; piece: string } => {
    const hub = Math.floor(rnd() ** 3 * 2000);
    if (slot === 'team')
      return rnd() < 0.5 ? { type: 'catalog', piece: `catalog|svc-${hub}` } : { type: 'ci_codeowners', piece: `ci_codeowners|repo-${hub}|/` };
    if (slot === 'user')
      return rnd() < 0.8
        ? { type: 'creator', piece: `creator|person-${Math.floor(rnd() * 3000)}` }
        : { type: 'owner_tag', piece: `owner_tag|person-${hub}` };
    return { type: 'catalog', piece: `catalog|svc-${hub}` };
  };
  for (let from = 0; from < count; from += 5000) {
    const rows: InferenceRow[] = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) {
      for (const slot of OWNER_TYPES) {
        const unknown = rnd() < 0.08;
        const { type, piece } = pieceOf(slot);
        rows.push({
          resource_id: resourceId(i),
          slot,
          owner_type: unknown ? 'unknown' : slot,
          owner_handle: unknown ? null : `${slot}-${Math.floor(rnd() * 40)}`,
          confidence: unknown ? 0 : Math.round(rnd() * 1000) / 1000,
          status: unknown ? 'unknown' : 'suggested',
          explanation: 'bench',
          sources: unknown ? [] : [{ type, name: piece.split('|')[1], evidence_id: piece, version: 1, piece }],
          evidence_versions: [],
          votes: [],
          checksum: `bench-${i}-${slot}`,
          created_at: now,
          updated_at: now,
          failed_at: null,
          failure_reason: null,
          retry_schedule: null,
        });
      }
    }
    await writeInferences(db, orgId, rows, now);
  }
}

/** Reviews of 1% of the resources for every owner type, each answering the inference it was given. */
async function seedReviews(db: Queryable, orgId: string, now: number): Promise<number> {
  const r = await db.query(
    `INSERT INTO ownership_feedback (org_id, resource_id, id, slot, action, checksum, inferred_owner, votes, actor, created_at)
     SELECT org_id, resource_id, row_number() OVER (), slot, 'confirm', checksum, owner_handle, '[]'::jsonb, 'bench', $2
     FROM ownership_inferences WHERE org_id = $1 AND right(resource_id, 2) = '42'`,
    [orgId, now],
  );
  return r.affectedRows ?? 0;
}

export async function benchReviewQueue(): Promise<string> {
  const count = scaled(100_000, 5_000);
  const iterations = scaled(20, 5);
  const store = await createBenchStore('review-queue');
  const now = Date.now();
  const seedDb = await store.open();
  const keys = await createKeys(seedDb, 'bench-review-queue', 'bench');
  const orgId = keys.org_id;
  const started = performance.now();
  await seedResources(seedDb, orgId, count, now);
  await seedAnswers(seedDb, orgId, count, now);
  const reviews = await seedReviews(seedDb, orgId, now);
  // Settled, as autovacuum leaves a store between bursts of writes: the ranking's index is read alone only where the
  // table's pages are marked all-visible.
  await seedDb.query('VACUUM ANALYZE');
  const seedS = (performance.now() - started) / 1000;
  await seedDb.close();
  const server = await serveBench(store);
  const db = server.db;
  const headers = { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key };
  const rows: (string | number)[][] = [];
  let plan = '';
  try {
    for (const slot of ['team', 'user'] as const) {
      const first = `${server.url}${PATH}?filter[owner_type]=${slot}&page[limit]=${LIMIT}`;
      // The fifth page's link, and the position it starts after, from following the cursor.
      let deep = first;
      for (let page = 1; page < 5; page++) {
        const body = (await (await fetch(deep, { headers })).json()) as { links?: { next?: string } };
        deep = body.links!.next!.startsWith('http') ? body.links!.next! : `${server.url}${body.links!.next!}`;
      }
      const after = (await queryReviewQueue(db, orgId, { slot, limit: LIMIT * 4 })).rows.at(-1)!;
      const total = (await queryReviewQueue(db, orgId, { slot, limit: 1 })).total;
      for (const [label, url, position] of [
        ['first page', first, undefined],
        ['fifth page', deep, { score: after.score, resource_id: after.resource_id }],
      ] as const) {
        const api = summarize(await time(async () => (await fetch(url, { headers })).arrayBuffer(), iterations));
        const sql = summarize(
          await time(() => queryReviewQueue(db, orgId, { slot, limit: LIMIT, ...(position ? { after: position } : {}) }), iterations),
        );
        rows.push([slot, label, int(total), ms(api.p50), ms(api.p99), ms(sql.p50), ms(sql.p99), `${(api.p50 / sql.p50).toFixed(2)}x`]);
      }
      if (slot === 'team') plan = await explainFirstPage(db, orgId);
    }
  } finally {
    await server.stop();
    await store.remove();
  }
  return [
    '### Review queue (`GET /api/v2/csm/ownership/review_queue`)',
    '',
    `${int(count)} resources in one organization (1% deleted; a third with one open failing critical or high finding), each with a team, ` +
      `a user and a service answer written through \`writeInferences\` (team answers resting on 2,000 pieces of evidence, a few deciding thousands of ` +
      `resources; user answers mostly on a creator, each a group of its own; 8% \`unknown\`), ${int(reviews)} reviews (1% of the resources, every ` +
      `owner type), seeded and vacuumed in ${seedS.toFixed(0)} s. Pages of ${LIMIT} as the client sees them over ${iterations} requests after 3 warm-ups, the fifth ` +
      `page by its cursor, beside the page's SQL (\`queryReviewQueue\`) run directly on the server's store connection.`,
    '',
    table(['owner type', 'page', 'waiting', 'API p50 ms', 'API p99 ms', 'SQL p50 ms', 'SQL p99 ms', 'API / SQL (p50)'], rows),
    '',
    '#### Plan',
    '',
    'First page of the team queue:',
    '',
    '```',
    plan,
    '```',
  ].join('\n');
}

async function explainFirstPage(db: Db, orgId: string): Promise<string> {
  let plan = '';
  // The page's own statement, as queryReviewQueue sends it in its transaction, explained before it runs.
  const explaining: Pick<Db, 'transaction'> = {
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async <T>(sql: string, params?: unknown[]) => {
            if (!sql.startsWith('SET ')) {
              const explained = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params);
              plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
            }
            return tx.query<T>(sql, params);
          },
          exec: (sql: string) => tx.exec(sql),
        }),
      ),
  };
  await queryReviewQueue(explaining, orgId, { slot: 'team', limit: LIMIT });
  return plan;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('review-queue', await benchReviewQueue());
}
