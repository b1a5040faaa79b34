// Several server processes on one PostgreSQL database, every writer of resource versions and finding states at once:
// resource updates, ten simultaneous first versions of one resource, mutes and unmutes, ownership feedback and settings.
// Afterwards each finding has exactly one current state, no acknowledged mute is missing from history, no state carries a
// mute that a later one had already replaced, version numbers run 1..n with one open version, nothing answered 5xx and
// no mute of an existing finding answered 404. PGlite runs one transaction at a time: there the race cannot happen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startServerProcess, type ServerProcess } from '../helpers/processes.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createKeys } from '../../src/store/orgs.js';
import { bucketItem } from '../helpers/resource-items.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const OPEN = '9223372036854775807';
const ROUNDS = 14;
const PROCESSES = 3;

let database: TestDatabase;
let db: Db;
let servers: ServerProcess[] = [];
let keys: { api_key: string; app_key: string; org_id: string };

before(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase();
  db = await openDb({ databaseUrl: database.url });
  await migrate(db);
  keys = await createKeys(db, 'racing-org', 'racer');
  servers = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      startServerProcess({
        DATABASE_URL: database.url,
        STEWARD_LOG_LEVEL: 'warn',
        STEWARD_RATE_LIMITS: 'findings=1000000,ownership=1000000,inventory=1000000,meta=1000000',
      }),
    ),
  );
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await db?.close();
  await database?.drop();
});

interface Answer {
  what: string;
  status: number;
  body: string;
}
const answers: Answer[] = [];

async function call(what: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const server = servers[Math.floor(Math.random() * servers.length)]!;
  const r = await fetch(server.url + path, {
    method: init.method ?? 'GET',
    headers: { 'DD-API-KEY': keys.api_key, 'DD-APPLICATION-KEY': keys.app_key, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const answer = { what, status: r.status, body: await r.text() };
  answers.push(answer);
  return answer;
}

const item = (id: string, n: number) =>
  bucketItem(id, {
    tags: ['env:prod', `rev:${n}`],
    configuration: { name: id.split(':').pop(), versioning: { status: n % 2 === 0 ? 'Enabled' : 'Suspended' } },
    observed_at: 1_700_000_000_000 + n,
  });
const post = (what: string, id: string, n: number) => call(what, '/api/v2/csm/resources', { method: 'POST', body: { data: [item(id, n)] } });
const mute = (findingIds: string[], muted: boolean) =>
  call('mute', '/api/v2/security/findings/mute', {
    method: 'PATCH',
    body: {
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: muted, reason: muted ? 'RISK_ACCEPTED' : 'NO_LONGER_ACCEPTED_RISK' } },
        relationships: { findings: { data: findingIds.map((id) => ({ id, type: 'findings' })) } },
      },
    },
  });

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
const sample = <T>(list: T[], n: number): T[] => [...list].sort(() => Math.random() - 0.5).slice(0, n);

test(
  'concurrent writers on PostgreSQL keep one current state per finding, every acknowledged mute, contiguous versions',
  { skip: !onPostgres && 'needs DATABASE_URL: PGlite runs one transaction at a time' },
  async () => {
    const resources = Array.from({ length: 4 }, (_, i) => `arn:aws:s3:::racing-${i}`);
    for (const id of resources) assert.equal((await post('seed', id, 0)).status, 200);
    const findingsOf = new Map<string, string[]>();
    for (const id of resources) {
      const rows = (
        await db.query<{ finding_id: string }>(`SELECT finding_id FROM findings WHERE org_id = $1 AND resource_id = $2`, [keys.org_id, id])
      ).rows;
      assert.ok(rows.length > 0, `${id} has findings`);
      findingsOf.set(
        id,
        rows.map((r) => r.finding_id),
      );
    }
    let revision = 1;
    const acknowledged: Array<{ muteId: string; findingIds: string[] }> = [];

    for (let round = 0; round < ROUNDS; round++) {
      const ops: Array<Promise<unknown>> = [];
      // Updates of existing resources, racing mutes of their findings.
      for (let i = 0; i < 6; i++) ops.push(post('update', pick(resources), revision++));
      for (let i = 0; i < 6; i++) {
        const findingIds = sample(findingsOf.get(pick(resources))!, 1 + (i % 3));
        ops.push(
          mute(findingIds, Math.random() < 0.6).then((a) => {
            if (a.status === 202) acknowledged.push({ muteId: (JSON.parse(a.body) as { data: { id: string } }).data.id, findingIds });
          }),
        );
      }
      // Ten first versions of one new resource at once.
      const fresh = `arn:aws:s3:::racing-new-${round}`;
      for (let i = 0; i < 10; i++) ops.push(post('concurrent create', fresh, i));
      // Ownership: a correction of a team answer (auto-tag writes its findings' tags; 409 when the answer moved meanwhile),
      // settings that re-apply auto-tag to every resource.
      ops.push(
        (async () => {
          const id = pick(resources);
          const team = await call('inference', `/api/v2/csm/ownership/${encodeURIComponent(id)}/team`);
          if (team.status !== 200) return;
          const checksum = (JSON.parse(team.body) as { data: { attributes: { inference_checksum?: string; checksum?: string } } }).data.attributes;
          await call('feedback', `/api/v2/csm/ownership/${encodeURIComponent(id)}/team/feedback`, {
            method: 'POST',
            body: {
              data: {
                type: 'ownership_feedback',
                attributes: {
                  action: 'correct',
                  inference_checksum: checksum.inference_checksum ?? checksum.checksum,
                  corrected_owner_handle: pick(['payments', 'platform']),
                  corrected_owner_type: 'team',
                },
              },
            },
          });
        })(),
      );
      if (round % 3 === 0) {
        ops.push(
          call('settings', '/api/v2/csm/ownership/settings', {
            method: 'POST',
            body: { data: { type: 'ownership_settings', attributes: { auto_tag: round % 2 === 0, confidence_level: 'low' } } },
          }),
        );
      }
      await Promise.all(ops);
    }

    const failures = answers.filter((a) => a.status >= 500);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} answers were 5xx`);
    const mutes = answers.filter((a) => a.what === 'mute');
    assert.deepEqual(mutes.filter((a) => a.status !== 202).slice(0, 5), [], 'every mute of an existing finding is acknowledged');
    assert.ok(answers.filter((a) => a.what === 'concurrent create').every((a) => a.status === 200));

    const doubled = (
      await db.query<{ finding_id: string; n: number }>(
        `SELECT finding_id, count(*)::int AS n FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN} GROUP BY finding_id HAVING count(*) > 1`,
        [keys.org_id],
      )
    ).rows;
    assert.deepEqual(doubled, [], 'exactly one current state per finding');

    // History: no overlaps, no empty interval, every acknowledged mute present, and a mute once replaced never comes back.
    const history = (
      await db.query<{ finding_id: string; valid_from: number; valid_to: string; mute_id: string | null }>(
        `SELECT finding_id, valid_from, valid_to::text, mute->>'mute_id' AS mute_id FROM finding_states WHERE org_id = $1 ORDER BY finding_id, valid_from`,
        [keys.org_id],
      )
    ).rows;
    const byFinding = new Map<string, typeof history>();
    for (const row of history) byFinding.set(row.finding_id, [...(byFinding.get(row.finding_id) ?? []), row]);
    for (const [findingId, states] of byFinding) {
      const replaced = new Set<string | null>();
      for (let i = 0; i < states.length; i++) {
        const s = states[i]!;
        assert.ok(BigInt(s.valid_from) < BigInt(s.valid_to), `${findingId}: an empty interval at ${s.valid_from}`);
        if (i === 0) continue;
        const prev = states[i - 1]!;
        assert.ok(BigInt(prev.valid_to) <= BigInt(s.valid_from), `${findingId}: states overlap at ${s.valid_from}`);
        if (prev.mute_id !== s.mute_id) {
          replaced.add(prev.mute_id);
          assert.ok(
            !replaced.has(s.mute_id),
            `${findingId}: a state at ${s.valid_from} carries mute ${s.mute_id}, which an earlier state had replaced`,
          );
        }
      }
    }
    assert.ok(acknowledged.length > 0);
    for (const { muteId, findingIds } of acknowledged) {
      for (const findingId of findingIds) {
        assert.ok(
          byFinding.get(findingId)!.some((s) => s.mute_id === muteId),
          `acknowledged mute ${muteId} of ${findingId} is in its history`,
        );
      }
    }

    // Versions 1..n, one open, each closing where the next opens.
    const versions = (
      await db.query<{ resource_id: string; version: number; valid_from: number; valid_to: string; current: number }>(
        `SELECT v.resource_id, v.version, v.valid_from, v.valid_to::text, r.version AS current FROM resource_versions v
       JOIN resources r USING (org_id, resource_id) WHERE v.org_id = $1 ORDER BY v.resource_id, v.version`,
        [keys.org_id],
      )
    ).rows;
    const byResource = new Map<string, typeof versions>();
    for (const v of versions) byResource.set(v.resource_id, [...(byResource.get(v.resource_id) ?? []), v]);
    assert.equal(byResource.size, resources.length + ROUNDS);
    for (const [id, list] of byResource) {
      assert.deepEqual(
        list.map((v) => v.version),
        list.map((_, i) => i + 1),
        `${id}: versions 1..n`,
      );
      assert.equal(list[list.length - 1]!.current, list.length, `${id}: the resource is at its last version`);
      assert.equal(list.filter((v) => v.valid_to === OPEN).length, 1, `${id}: one open version`);
      for (let i = 1; i < list.length; i++)
        assert.equal(String(list[i - 1]!.valid_to), String(list[i]!.valid_from), `${id}: version ${i} closes where ${i + 1} opens`);
    }

    // The API lists each finding once, and counts them exactly.
    const current = Number(
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN}`, [keys.org_id]))
        .rows[0]!.n,
    );
    const listing = await call('list', '/api/v2/posture_management/findings?page[limit]=1000');
    assert.equal(listing.status, 200);
    const body = JSON.parse(listing.body) as { data: Array<{ id: string }>; meta: { page: { total_filtered_count: number } } };
    assert.equal(new Set(body.data.map((f) => f.id)).size, body.data.length, 'no finding listed twice');
    assert.equal(body.meta.page.total_filtered_count, current);
    assert.equal(body.data.length, current);
  },
);
