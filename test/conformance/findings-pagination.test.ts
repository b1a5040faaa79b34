// listFindingsWithPagination over 2,500 findings: each finding exactly once, in order, at page sizes 7 and 1000.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { listingOrder, seedFindings } from '../integration/findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { findingsApi } from './findings-client.js';

let server: TestServer;
let seeded: FindingState[];

before(async () => {
  server = await startTestServer();
  seeded = await seedFindings(server.server.db, server.orgId, 2500);
});
after(async () => server?.stop());

for (const pageLimit of [7, 1000]) {
  test(`page size ${pageLimit}: every finding exactly once, in listing order`, async () => {
    const api = findingsApi(server);
    const ids: string[] = [];
    for await (const f of api.listFindingsWithPagination({ pageLimit })) ids.push(f.id!);
    assert.equal(ids.length, 2500);
    assert.equal(new Set(ids).size, 2500);
    assert.deepEqual(
      ids,
      [...seeded].sort(listingOrder).map((s) => s.finding_id),
    );
  });
}

test('the last page has no cursor; the count is exact on every page', async () => {
  const api = findingsApi(server);
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await api.listFindings({ pageLimit: 1000, pageCursor: cursor });
    assert.equal(page.meta?.page?.totalFilteredCount, 2500);
    cursor = page.meta?.page?.cursor;
    pages++;
    if (!cursor) assert.equal(page.data?.length, 500);
  } while (cursor);
  assert.equal(pages, 3);
});

test('a snapshot_timestamp the server has not reached pages on: every page reads the present of the first, and another instant is refused', async () => {
  const api = findingsApi(server);
  // A client clock ahead of the server's, or "as of the end of today": the first page reads the present.
  const ahead = Date.now() + 3_600_000;
  const ids: string[] = [];
  for await (const f of api.listFindingsWithPagination({ pageLimit: 1000, snapshotTimestamp: ahead })) ids.push(f.id!);
  assert.deepEqual(
    ids,
    [...seeded].sort(listingOrder).map((s) => s.finding_id),
  );
  const first = await api.listFindings({ pageLimit: 1000, snapshotTimestamp: ahead });
  const at = first.meta!.snapshotTimestamp!;
  assert.ok(at < ahead);
  const cursor = first.meta!.page!.cursor!;
  const second = await api.listFindings({ pageLimit: 1000, pageCursor: cursor, snapshotTimestamp: at });
  assert.equal(second.meta!.snapshotTimestamp, at, 'the instant read is accepted too');
  await assert.rejects(
    api.listFindings({ pageLimit: 1000, pageCursor: cursor, snapshotTimestamp: ahead + 1 }),
    (e: { code?: number; body?: { errors?: Array<{ detail?: string }> } }) => e.code === 400 && /belongs to snapshot/.test(JSON.stringify(e.body)),
  );
});
