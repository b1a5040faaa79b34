// Paging through a listing while other tasks insert findings and change them (including their sort key) returns
// exactly the findings of the first page's instant, each once, even when a writer's transaction commits after that
// instant was picked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeState, seedFindings } from './findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { SEVERITIES } from '../../src/posture/resource.js';
import { insertFindingIdentities, writeStates } from '../../src/store/finding-states.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';

let server: TestServer;
let seeded: FindingState[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type ListBody = {
  data: Array<{ id: string; attributes: { status: string } }>;
  meta: { page: { total_filtered_count: number; cursor?: string }; snapshot_timestamp: number };
};

before(async () => {
  server = await startTestServer();
  seeded = await seedFindings(server.server.db, server.orgId, 600, Date.now() - 60_000);
});
after(async () => server?.stop());

/** One writer round: new findings, and existing ones whose status (the sort key) and evaluation change; held open a while. */
async function writeRound(round: number, holdMs: number): Promise<number> {
  const { db } = server.server;
  return withFindingWriteLease(db, server.orgId, 'org', async (tx, now) => {
    const fresh = Array.from({ length: 15 }, (_, i) =>
      makeState(10_000 + round * 100 + i, { finding_id: `a-new-${round}-${i}`, status: 'critical' }),
    );
    await insertFindingIdentities(
      tx,
      server.orgId,
      fresh.map((s) => ({ finding_id: s.finding_id, resource_id: s.resource_id, rule_id: s.rule_id, origin: 'rule' as const })),
    );
    const changed = Array.from({ length: 20 }, (_, i) => seeded[(round * 37 + i * 13) % seeded.length]!).map((s) => ({
      ...s,
      status: SEVERITIES[(SEVERITIES.indexOf(s.status as never) + round + 1) % SEVERITIES.length]!,
      evaluation: (s.evaluation === 'pass' ? 'fail' : 'pass') as 'pass' | 'fail',
    }));
    const unique = [...new Map(changed.map((s) => [s.finding_id, s])).values()];
    await writeStates(
      tx,
      server.orgId,
      unique.map((s) => s.finding_id),
      [...fresh, ...unique],
      now,
      'concurrent-writer',
    );
    await sleep(holdMs);
    return now;
  });
}

test("paging while writers commit returns exactly the first page's instant", async () => {
  const { db } = server.server;
  // A writer whose transaction is open when the first page picks its instant, and commits right after.
  const slowWriter = writeRound(0, 400);
  await sleep(100);
  let stop = false;
  const writes: number[] = [];
  const writers = (async () => {
    for (let round = 1; !stop && round < 60; round++) {
      writes.push(await writeRound(round, 5));
      await sleep(5);
    }
  })();

  const seen: string[] = [];
  let cursor: string | undefined;
  let snapshot = 0;
  let total = 0;
  let pages = 0;
  do {
    const r = await server.api(`/api/v2/posture_management/findings?page[limit]=20${cursor ? `&page[cursor]=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as ListBody;
    if (pages === 0) {
      snapshot = body.meta.snapshot_timestamp;
      total = body.meta.page.total_filtered_count;
    }
    assert.equal(body.meta.snapshot_timestamp, snapshot);
    assert.equal(body.meta.page.total_filtered_count, total, `page ${pages}: the count belongs to the same instant`);
    seen.push(...body.data.map((f) => f.id));
    cursor = body.meta.page.cursor;
    pages++;
    await sleep(3);
  } while (cursor);
  const slowAt = await slowWriter;
  stop = true;
  await writers;

  // On PostgreSQL the first page runs while the slow writer's transaction is open (PGlite, one connection, waits for it).
  if (db.kind === 'postgres') assert.ok(slowAt > snapshot, 'the open writer commits after the instant the listing picked');
  assert.ok(
    writes.some((w) => w > snapshot),
    'writers committed while the listing was paged',
  );
  assert.equal(new Set(seen).size, seen.length, 'no finding twice');
  // The rows valid at the instant, read after every writer is done, by the plainest query.
  const expected = (
    await db.query<{ finding_id: string }>(
      `SELECT finding_id FROM finding_states WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2 ORDER BY severity_rank, finding_id`,
      [server.orgId, snapshot],
    )
  ).rows.map((r) => r.finding_id);
  assert.equal(seen.length, total);
  assert.deepEqual(seen, expected);
  // And the listing now, at a later instant, differs: the writers did change what a new listing sees.
  const now = (await (await server.api('/api/v2/posture_management/findings?page[limit]=1')).json()) as ListBody;
  assert.ok(now.meta.page.total_filtered_count > total);
});
