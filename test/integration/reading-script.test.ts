// A first page read with its instant in one round trip (src/store/reading-script.ts): its statement written out as
// text with each value a literal, its instant the one the script read, and safe against writes in flight.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { readAtReadingInstant, queryFindingsPageAtReadingInstant } from '../../src/store/reading-script.js';
import { readingInstantAndChange, withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import { writeStates } from '../../src/store/finding-states.js';
import { makeState } from './findings-seed.js';

let store: Awaited<ReturnType<typeof openTestStore>>;
let db: Db;
before(async () => {
  store = await openTestStore();
  db = store.db;
});
after(() => store?.close());

test('every value reaches the statement as it was given, and its instant parameter is the instant the script read', async () => {
  const { org_id: org } = await createKeys(db, 'script-literals', 't');
  const values = ["it's", 'a\\b', 'say "hi"', '$1 and $2', '', 'ünïcødé ✓', "\\' OR 1=1 --"];
  for (const value of values) {
    const read = await readAtReadingInstant<{ a: string; b: string[]; at: number | string }>(db, org, undefined, {
      sql: 'SELECT $1::text AS a, $3::text[] AS b, $2::bigint AS at',
      params: [value, 0, [value, 'x', null]],
    });
    assert.ok(read, 'both stores take a script');
    assert.equal(read.rows[0]!.a, value);
    assert.deepEqual(read.rows[0]!.b, [value, 'x', null]);
    assert.equal(Number(read.rows[0]!.at), read.instant.at, 'the instant read in place of $2');
    assert.equal(read.instant.current, true);
  }
  const past = await readAtReadingInstant<{ at: number | string }>(db, org, 1234, {
    sql: 'SELECT $2::bigint AS at, $1::text AS o',
    params: [org, 0],
  });
  assert.deepEqual(past!.instant, { at: 1234, current: false, lastChange: 0 });
  assert.equal(Number(past!.rows[0]!.at), 1234);
});

test("a first page read with its instant sees every write committed before it, and the findings' last change", async () => {
  const { org_id: org } = await createKeys(db, 'script-page', 't');
  const written = await withFindingWriteLease(db, org, 'org', async (tx, now) => {
    await writeStates(tx, org, [], [makeState(1), makeState(2, { status: 'critical' })], now, 'test');
    return now;
  });
  const read = await queryFindingsPageAtReadingInstant(db, org, { filter: { op: 'and', nodes: [] }, limit: 10 }, undefined);
  assert.deepEqual(
    read.rows.map((r) => r.status),
    ['critical', makeState(1).status],
  );
  assert.equal(read.instant.lastChange, written);
  assert.ok(read.instant.at >= written);
  // A store that takes no script (one reached through a server's socket) reads the instant first: the same answer.
  const { queryScript: _, ...scriptless } = db;
  const twoTrips = await queryFindingsPageAtReadingInstant(scriptless, org, { filter: { op: 'and', nodes: [] }, limit: 10 }, read.instant.at);
  assert.deepEqual(twoTrips, { ...read, instant: { ...read.instant, current: twoTrips.instant.current } });
  const before = await queryFindingsPageAtReadingInstant(db, org, { filter: { op: 'and', nodes: [] }, limit: 10 }, written - 1);
  assert.deepEqual(before.rows, []);
  assert.equal(before.instant.lastChange, 0);
});

test(
  'while a write is in flight, the script reads an instant before it, and the page does not see it',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL): PGlite runs one transaction at a time' },
  async () => {
    const { org_id: org } = await createKeys(db, 'script-lease', 't');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: (now: number) => void;
    const writing = new Promise<number>((r) => (started = r));
    const writer = withFindingWriteLease(db, org, 'org', async (tx, now) => {
      await writeStates(tx, org, [], [makeState(3)], now, 'test');
      started(now);
      await held;
    });
    const now = await writing;
    const read = await queryFindingsPageAtReadingInstant(db, org, { filter: { op: 'and', nodes: [] }, limit: 10 }, undefined);
    assert.ok(read.instant.at < now, `${read.instant.at} before the write at ${now}`);
    assert.deepEqual(read.rows, []);
    release();
    await writer;
    const after = await queryFindingsPageAtReadingInstant(db, org, { filter: { op: 'and', nodes: [] }, limit: 10 }, undefined);
    assert.equal(after.rows.length, 1);
    assert.equal(after.instant.lastChange, now);
    assert.equal((await readingInstantAndChange(db, org)).lastChange, now);
  },
);
