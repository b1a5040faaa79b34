// API processes and workers scaled apart: three `steward serve --no-jobs` and two `steward worker` on one PostgreSQL
// database and one Redis. Imports, ownership feedback, mutes and listings go through all three API processes; the
// workers alone run the jobs. Afterwards: one key's budget is counted once across the processes, every queued resource
// was taken exactly once (the workers' logged counts add up to the queue entries a trigger of the test's records, and
// no inference was written twice),
// auto-tag wrote each tag once, concurrent feedback on one answer was taken once, every expired mute ended once, and
// each finding's history runs without gap or overlap. The embedded store refuses both modes: PGlite serves one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/db.js';
import { runCli, startServerProcess, startWorkerProcess, type ServerProcess, type WorkerProcess } from '../helpers/processes.js';
import { bucketItem } from '../helpers/resource-items.js';
import { DIRECTORY } from '../helpers/seed-console.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createKeys } from '../../src/store/orgs.js';

const shared = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const OPEN = '9223372036854775807';
/** More than one recompute batch (200), so both workers can take part of the queue. */
const RESOURCES = 450;
const REIMPORTED = 150;
const CORRECTED = 12;
/** Resources whose team and user answers are reviewed at once through two processes (clear of the other steps' ones). */
const BOTH_TYPES_FROM = 60;
const BOTH_TYPES_REVIEWED = 30;
const MUTED_RESOURCES = 12;
const FINDINGS_BUDGET = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const resourceId = (i: number) => `arn:aws:s3:::many-processes-${String(i).padStart(4, '0')}`;

interface Keys {
  api_key: string;
  app_key: string;
  org_id: string;
}
interface Answer {
  what: string;
  status: number;
  body: string;
  headers: Headers;
}

test('the embedded store refuses a worker and an API process without jobs, with exit code 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-many-'));
  try {
    const env = { STEWARD_DATA_DIR: dir, DATABASE_URL: '' };
    const worker = await runCli(['worker'], env);
    assert.equal(worker.code, 2, worker.stderr);
    assert.match(worker.stderr, /worker needs DATABASE_URL/);
    const noJobs = await runCli(['serve', '--no-jobs'], { ...env, PORT: '0' });
    assert.equal(noJobs.code, 2, noJobs.stderr);
    assert.match(noJobs.stderr, /serve --no-jobs needs DATABASE_URL/);
    assert.ok(!/\n\s+at /.test(worker.stderr + noJobs.stderr), 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'three API processes and two workers on one PostgreSQL and one Redis: shared budgets, each queued resource inferred once, no lost or doubled history',
  { skip: !shared && 'needs DATABASE_URL and REDIS_URL: the embedded store serves one process', timeout: 180_000 },
  async (t) => {
    const database = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'steward-many-'));
    const apis: ServerProcess[] = [];
    const workers: WorkerProcess[] = [];
    let db: Db | undefined;
    try {
      db = await openDb({ databaseUrl: database.url });
      await migrate(db);
      // The test's own record of the queue: an entry is a row inserted (a resource marked again while queued stays one
      // entry) and ends when deleted, after its inference.
      await db.exec(`
        CREATE TABLE test_queue_events (kind text NOT NULL, resource_id text NOT NULL);
        CREATE FUNCTION test_queue_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO test_queue_events VALUES (lower(TG_OP), CASE WHEN TG_OP = 'INSERT' THEN NEW.resource_id ELSE OLD.resource_id END);
          RETURN NULL;
        END $$;
        CREATE TRIGGER test_queue_events AFTER INSERT OR DELETE ON ownership_queue FOR EACH ROW EXECUTE FUNCTION test_queue_event();`);
      const keys: Keys = await createKeys(db, 'many-processes', 'reviewer');
      const budgetKeys: Keys = await createKeys(db, 'many-processes', 'spender');
      const orgId = keys.org_id;
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: process.env.REDIS_URL,
        STEWARD_LOG_LEVEL: 'warn',
        STEWARD_RATE_LIMITS: `findings=${FINDINGS_BUDGET}/3600,ownership=1000000,inventory=1000000,meta=1000000`,
        STEWARD_MUTE_EXPIRY_MS: '250',
        STEWARD_WEIGHTS_REFRESH_MS: '1000',
      };
      apis.push(...(await Promise.all([0, 1, 2].map(() => startServerProcess(env, ['--no-jobs'])))));

      const answers: Answer[] = [];
      const call = async (n: number, what: string, path: string, init: { method?: string; body?: unknown; as?: Keys } = {}) => {
        const as = init.as ?? keys;
        const r = await fetch(apis[n % apis.length]!.url + path, {
          method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
          headers: { 'DD-API-KEY': as.api_key, 'DD-APPLICATION-KEY': as.app_key, ...(init.body ? { 'content-type': 'application/json' } : {}) },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        const answer = { what, status: r.status, body: await r.text(), headers: r.headers };
        if (as === keys) answers.push(answer);
        return answer;
      };
      const expectOk = (a: Answer) => assert.ok(a.status < 300, `${a.what}: ${a.status} ${a.body.slice(0, 500)}`);
      const count = async (sql: string, params: unknown[] = [orgId]) => (await db!.query<{ n: number }>(sql, params)).rows[0]!.n;
      const queued = () => count('SELECT count(*)::int AS n FROM ownership_queue WHERE org_id = $1');
      const queueEvents = (kind: 'insert' | 'delete') => count('SELECT count(*)::int AS n FROM test_queue_events WHERE kind = $1', [kind]);
      /** The queue entries the workers say they took, from their JSON log lines. */
      const takenByWorkers = () =>
        workers.map((w) =>
          w
            .output()
            .split('\n')
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line) as { job?: string; done?: number; msg: string })
            .filter((l) => l.job === 'ownership-recompute' && l.msg === 'background job done')
            .reduce((sum, l) => sum + l.done!, 0),
        );
      /**
       * Once the queue is empty, its entries (rows inserted), the inferences that ended them (rows deleted) and the
       * entries the workers say they took are the same number; a entry taken twice would stay one too many.
       */
      const settled = async () => {
        let last = '';
        const deadline = Date.now() + 15_000;
        for (;;) {
          const [entries, ended, taken] = [await queueEvents('insert'), await queueEvents('delete'), takenByWorkers()];
          const total = taken.reduce((a, b) => a + b, 0);
          last = `${entries} queue entries, ${ended} ended, the workers took ${taken.join(' + ')}`;
          if ((await queued()) === 0 && entries === ended && ended === total) return { entries, taken };
          assert.ok(Date.now() < deadline, last);
          await sleep(200);
        }
      };
      const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
        const deadline = Date.now() + ms;
        while (!(await ok())) {
          assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
          await sleep(100);
        }
      };

      // 1. Signals and resources through the API processes (the catalog through its importer); nobody infers yet.
      expectOk(
        await call(0, 'settings', '/api/v2/csm/ownership/settings', {
          body: { data: { type: 'ownership_settings', attributes: { auto_tag: true, confidence_level: 'low' } } },
        }),
      );
      const directory = {
        source: 'hr',
        users: DIRECTORY.users.map((u) => ({ handle: u.handle, email: u.email, name: u.display_name, active: u.active, teams: u.teams })),
        teams: DIRECTORY.teams.map((t) => ({ handle: t.handle, name: t.name, members: t.members })),
      };
      expectOk(await call(1, 'directory', '/api/v2/csm/directory', { method: 'PUT', body: directory }));
      const catalog = join(dir, 'checkout.service.datadog.yaml');
      writeFileSync(catalog, 'schema-version: v2\ndd-service: checkout\nteam: payments\n');
      const imported = await runCli(['import', 'service-definitions', catalog, '--org', 'many-processes'], env);
      assert.equal(imported.code, 0, imported.stderr);
      const item = (i: number, versioning = 'Enabled') =>
        bucketItem(resourceId(i), {
          tags: ['env:prod', 'service:checkout'],
          configuration: { name: resourceId(i).split(':').pop(), versioning: { status: versioning } },
        });
      const batches = Array.from({ length: RESOURCES / 50 }, (_, b) => Array.from({ length: 50 }, (_, i) => item(b * 50 + i)));
      (await Promise.all(batches.map((batch, b) => call(b, 'import', '/api/v2/csm/resources', { body: { data: batch } })))).forEach(expectOk);
      await sleep(2_500);
      assert.equal(await queued(), RESOURCES, 'API processes started with --no-jobs take nothing from the queue');
      assert.equal(await count('SELECT count(*)::int AS n FROM ownership_inferences WHERE org_id = $1'), 0);

      // 2. Two workers drain the queue: each entry taken exactly once, by one of them.
      workers.push(...(await Promise.all([0, 1].map(() => startWorkerProcess({ ...env, STEWARD_LOG_LEVEL: 'info' })))));
      await waitFor('the workers to drain the queue', async () => (await queued()) === 0);
      const firstDrain = await settled();
      assert.ok(firstDrain.entries >= RESOURCES, `${firstDrain.entries} queue entries for ${RESOURCES} resources`);
      const inferred = (
        await db.query<{ resource_id: string; slot: string; n: number; failed: number }>(
          `SELECT resource_id, slot, count(*)::int AS n, count(*) FILTER (WHERE status = 'failed')::int AS failed
           FROM ownership_history WHERE org_id = $1 GROUP BY resource_id, slot`,
          [orgId],
        )
      ).rows;
      assert.equal(inferred.length, RESOURCES * 3, 'every queued resource has an answer for each owner type');
      assert.deepEqual(inferred.filter((r) => r.failed !== 0).slice(0, 5), [], 'no inference failed');
      const teams = await db.query<{ owner_handle: string; n: number }>(
        `SELECT owner_handle, count(*)::int AS n FROM ownership_inferences WHERE org_id = $1 AND slot = 'team' GROUP BY owner_handle`,
        [orgId],
      );
      assert.deepEqual(teams.rows, [{ owner_handle: 'payments', n: RESOURCES }]);

      // 3. Everything at once, through all three API processes: conflicting reviews of one answer, re-imports the
      // workers re-infer, mutes that expire while the workers run, listings.
      const findingsOf = new Map<number, string[]>();
      for (const r of (
        await db.query<{ resource_id: string; ids: string[] }>(
          'SELECT resource_id, array_agg(finding_id ORDER BY finding_id) AS ids FROM findings WHERE org_id = $1 GROUP BY resource_id',
          [orgId],
        )
      ).rows)
        findingsOf.set(Number(r.resource_id.split('-').pop()), r.ids);
      assert.equal(findingsOf.size, RESOURCES, 'every resource has findings');
      const muted = Array.from({ length: MUTED_RESOURCES }, (_, i) => findingsOf.get(100 + i)!.slice(0, 2)).flat();
      // The mutes go out first, ahead of the burst they run with; the margin covers a loaded machine serving them late.
      const expireAt = Date.now() + 20_000;
      const feedback: Array<{ resource: number; statuses: number[] }> = [];
      const ops: Array<Promise<unknown>> = [];
      for (let m = 0; m < 4; m++) {
        const ids = muted.filter((_, i) => i % 4 === m);
        ops.push(
          call(m, 'mute', '/api/v2/security/findings/mute', {
            method: 'PATCH',
            body: {
              data: {
                type: 'mute',
                attributes: { mute: { is_muted: true, reason: 'RISK_ACCEPTED', expire_at: expireAt } },
                relationships: { findings: { data: ids.map((id) => ({ id, type: 'findings' })) } },
              },
            },
          }).then((a) => assert.equal(a.status, 202, a.body)),
        );
      }
      for (let i = 0; i < CORRECTED; i++) {
        ops.push(
          (async () => {
            const id = encodeURIComponent(resourceId(i));
            // Read the answer, then send the same review twice at once to the two other processes: one is taken, the
            // other finds the answer moved. Both find it moved when a worker re-inferred it in between (the labels of the
            // other reviews re-infer the resources resting on the same evidence): then read it again.
            for (let attempt = 0; attempt < 10; attempt++) {
              const team = await call(i, 'inference', `/api/v2/csm/ownership/${id}/team`);
              expectOk(team);
              const attrs = (JSON.parse(team.body) as { data: { attributes: { inference_checksum?: string; checksum?: string } } }).data.attributes;
              const body = {
                data: {
                  type: 'ownership_feedback',
                  attributes: {
                    action: 'correct',
                    inference_checksum: attrs.inference_checksum ?? attrs.checksum,
                    corrected_owner_handle: 'platform',
                    corrected_owner_type: 'team',
                  },
                },
              };
              const both = await Promise.all([1, 2].map((k) => call(i + k, 'feedback', `/api/v2/csm/ownership/${id}/team/feedback`, { body })));
              const statuses = both.map((a) => a.status).sort();
              feedback.push({ resource: i, statuses });
              if (statuses.includes(201)) break;
            }
          })(),
        );
      }
      // Reviews of one resource's team and user answers, sent at once to two processes: both are taken (each process
      // numbers its entries from its own clock, and both write entries of the same resource in the same moment).
      const bothTypes: Array<{ resource: number; taken: string[] }> = [];
      const corrections = { team: { handle: 'platform', type: 'team' }, user: { handle: 'carol', type: 'user' } } as const;
      for (let i = BOTH_TYPES_FROM; i < BOTH_TYPES_FROM + BOTH_TYPES_REVIEWED; i++) {
        ops.push(
          (async () => {
            const id = encodeURIComponent(resourceId(i));
            const taken: string[] = [];
            for (let attempt = 0; attempt < 10 && taken.length < 2; attempt++) {
              const slots = (['team', 'user'] as const).filter((s) => !taken.includes(s));
              const checksums = await Promise.all(
                slots.map(async (slot) => {
                  const a = await call(i, 'inference', `/api/v2/csm/ownership/${id}/${slot}`);
                  expectOk(a);
                  const attrs = (JSON.parse(a.body) as { data: { attributes: { inference_checksum?: string; checksum?: string } } }).data.attributes;
                  return attrs.inference_checksum ?? attrs.checksum;
                }),
              );
              const sent = await Promise.all(
                slots.map((slot, k) =>
                  call(i + k + 1, 'feedback', `/api/v2/csm/ownership/${id}/${slot}/feedback`, {
                    body: {
                      data: {
                        type: 'ownership_feedback',
                        attributes: {
                          action: 'correct',
                          inference_checksum: checksums[k],
                          corrected_owner_handle: corrections[slot].handle,
                          corrected_owner_type: corrections[slot].type,
                        },
                      },
                    },
                  }),
                ),
              );
              sent.forEach((a, k) => a.status === 201 && taken.push(slots[k]!));
            }
            bothTypes.push({ resource: i, taken: taken.sort() });
          })(),
        );
      }
      for (let b = 0; b < REIMPORTED / 50; b++) {
        const batch = Array.from({ length: 50 }, (_, i) => item(RESOURCES - REIMPORTED + b * 50 + i, 'Suspended'));
        ops.push(call(b, 'reimport', '/api/v2/csm/resources', { body: { data: batch } }).then(expectOk));
      }
      for (let n = 0; n < 30; n++)
        ops.push(call(n, 'ownership listing', `/api/v2/csm/ownership/${encodeURIComponent(resourceId(30 + n))}`).then(expectOk));
      for (let n = 0; n < 6; n++) ops.push(call(n, 'findings listing', '/api/v2/posture_management/findings?page[limit]=50').then(expectOk));
      for (let n = 0; n < 6; n++) ops.push(call(n, 'resource listing', '/api/v2/csm/resources?page[limit]=100').then(expectOk));
      await Promise.all(ops);

      // 4. One key's budget, spent through the three processes at once: counted once in Redis. Under the load of step 3
      // a Redis reply can come later than the limiter's timeout, and that process then counts here until a request of
      // the next second finds Redis again: the budget is shared once each process counts in Redis.
      await waitFor('every API process to count in Redis', async () => {
        const states = await Promise.all(
          apis.map(async (api) => {
            await fetch(`${api.url}/api/v2/openapi.json`);
            return ((await (await fetch(`${api.url}/ready`)).json()) as { dependencies: { redis: { state: string } } }).dependencies.redis.state;
          }),
        );
        return states.every((state) => state === 'up');
      });
      const spent = await Promise.all(
        Array.from({ length: FINDINGS_BUDGET + 60 }, (_, i) =>
          call(i, 'budget', '/api/v2/posture_management/findings?page[limit]=1', { as: budgetKeys }),
        ),
      );
      const passed = spent.filter((a) => a.status !== 429);
      assert.equal(passed.length, FINDINGS_BUDGET, `statuses: ${[...new Set(spent.map((a) => a.status))].join(', ')}`);
      assert.ok(passed.every((a) => a.status === 200));
      assert.deepEqual(
        passed.map((a) => Number(a.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b),
        Array.from({ length: FINDINGS_BUDGET }, (_, i) => i),
        'each request spent one unit of one shared budget',
      );

      await waitFor(
        'the workers to re-infer the re-imported resources and end the expired mutes',
        async () =>
          Date.now() > expireAt + 500 &&
          (await queued()) === 0 &&
          (await count(`SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN} AND muted`)) === 0,
      );

      // Re-imports, reviews (whose labels re-infer the resources resting on the same evidence) and the weights refresh
      // queued resources again: every entry was taken once, by one worker.
      const { entries, taken } = await settled();
      assert.ok(entries >= firstDrain.entries + REIMPORTED, `${entries} queue entries`);
      assert.ok(
        taken.every((n) => n > 0),
        `both workers took part: ${taken.join(' + ')}`,
      );

      // The workers stop cleanly, finishing the job under way.
      const codes = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
      assert.deepEqual(codes, [0, 0], workers.map((w) => w.output().slice(-1000)).join('\n'));
      for (const w of workers) assert.match(w.output(), /"msg":"worker stopped"/);
      const failures = answers.filter((a) => a.status >= 500 || (a.what !== 'feedback' && a.status >= 400));
      assert.deepEqual(
        failures.slice(0, 5).map((a) => `${a.what} ${a.status} ${a.body.slice(0, 300)}`),
        [],
      );
      for (const f of feedback) assert.ok(['201,409', '409,409'].includes(f.statuses.join()), `resource ${f.resource}: ${f.statuses.join()}`);
      for (const r of bothTypes) assert.deepEqual(r.taken, ['team', 'user'], `resource ${r.resource}: both reviews taken`);
      const correctedIds = new Set(feedback.filter((f) => f.statuses.includes(201)).map((f) => resourceId(f.resource)));
      t.diagnostic(`${entries} queue entries, taken ${taken.join(' + ')}; ${feedback.length} pairs of reviews for ${CORRECTED} corrections`);
      assert.equal(correctedIds.size, CORRECTED, 'every correction was taken once, in the end');

      // Ownership history: no answer written twice in a row; each correction recorded once.
      const history = (
        await db.query<{ resource_id: string; slot: string; checksum: string; status: string; owner_handle: string }>(
          'SELECT resource_id, slot, checksum, status, owner_handle FROM ownership_history WHERE org_id = $1 ORDER BY resource_id, slot, id',
          [orgId],
        )
      ).rows;
      for (let i = 1; i < history.length; i++) {
        const [prev, row] = [history[i - 1]!, history[i]!];
        if (prev.resource_id !== row.resource_id || prev.slot !== row.slot) continue;
        assert.notEqual(row.checksum, prev.checksum, `${row.resource_id} ${row.slot}: the same answer written twice`);
      }
      const reviewedBoth = new Set(bothTypes.map((r) => resourceId(r.resource)));
      const overriddenBoth = history.filter((h) => h.status === 'overridden' && reviewedBoth.has(h.resource_id));
      assert.deepEqual(
        [...new Set(overriddenBoth.map((h) => `${h.slot} ${h.owner_handle}`))].sort(),
        ['team platform', 'user carol'],
        'the team and user corrections of one resource, each recorded',
      );
      assert.equal(overriddenBoth.length, 2 * BOTH_TYPES_REVIEWED, 'each recorded once');
      const overridden = history.filter((h) => h.status === 'overridden' && !reviewedBoth.has(h.resource_id));
      assert.deepEqual(new Set(overridden.map((h) => h.resource_id)), correctedIds);
      assert.equal(overridden.length, correctedIds.size, 'each correction recorded once');
      assert.ok(overridden.every((h) => h.slot === 'team' && h.owner_handle === 'platform'));
      const reinferred = new Set(history.filter((h) => h.slot === 'team').map((h) => h.resource_id));
      assert.equal(reinferred.size, RESOURCES);

      // Finding history: per finding, intervals that follow each other without gap or overlap, one open state.
      const states = (
        await db.query<{
          finding_id: string;
          resource_id: string;
          valid_from: string;
          valid_to: string;
          tags: string[];
          changed_by: string | null;
          muted: boolean;
        }>(
          `SELECT finding_id, resource_id, valid_from::text, valid_to::text, tags, changed_by, muted
           FROM finding_states WHERE org_id = $1 ORDER BY finding_id, valid_from`,
          [orgId],
        )
      ).rows;
      const byFinding = new Map<string, typeof states>();
      for (const s of states) byFinding.set(s.finding_id, [...(byFinding.get(s.finding_id) ?? []), s]);
      const autoTagOf = new Map(
        (
          await db.query<{ resource_id: string; auto_team_tag: string | null }>(
            'SELECT resource_id, auto_team_tag FROM resources WHERE org_id = $1',
            [orgId],
          )
        ).rows.map((r) => [r.resource_id, r.auto_team_tag]),
      );
      const autoTagStatesOf = new Map<string, number>();
      for (const [findingId, rows] of byFinding) {
        for (const [i, s] of rows.entries()) {
          assert.ok(BigInt(s.valid_from) < BigInt(s.valid_to), `${findingId}: an empty interval at ${s.valid_from}`);
          if (i > 0) assert.equal(s.valid_from, rows[i - 1]!.valid_to, `${findingId}: a gap or an overlap at ${s.valid_from}`);
        }
        assert.equal(rows.at(-1)!.valid_to, OPEN, `${findingId}: its last state is the current one`);
        // Auto-tag: each of its states changed the tags, once per team answer (payments, then platform if corrected).
        const autoTagged = rows.filter((s) => s.changed_by === 'ownership:auto-tag');
        for (const s of autoTagged) {
          const prev = rows[rows.indexOf(s) - 1];
          assert.ok(prev, `${findingId}: auto-tag wrote its first state`);
          assert.notDeepEqual(s.tags, prev.tags, `${findingId}: an auto-tag state at ${s.valid_from} that changed nothing`);
        }
        // The tag the resource's findings carry is the resource's auto-tag (payments, platform once corrected); every
        // finding of one resource went through the same auto-tag changes.
        const resource = rows[0]!.resource_id;
        const team = rows.at(-1)!.tags.filter((t) => t.startsWith('team:'));
        assert.deepEqual(team, [autoTagOf.get(resource)].filter(Boolean), findingId);
        if (correctedIds.has(resource)) assert.deepEqual(team, ['team:platform'], findingId);
        assert.ok(autoTagged.length >= 1, `${findingId}: auto-tagged`);
        assert.equal(autoTagged.length, autoTagStatesOf.get(resource) ?? autoTagged.length, `${findingId}: auto-tag states`);
        autoTagStatesOf.set(resource, autoTagged.length);
      }
      assert.equal(byFinding.size, [...findingsOf.values()].flat().length);

      // Each mute ended once, at its expiry, by a worker.
      for (const findingId of muted) {
        const rows = byFinding.get(findingId)!;
        const ends = rows.filter((s) => s.changed_by === 'mute-expiry');
        assert.equal(ends.length, 1, `${findingId}: its mute ended once`);
        assert.equal(ends[0]!.valid_from, String(expireAt));
        assert.equal(rows.at(-1)!.muted, false);
      }
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND changed_by = 'mute-expiry'`),
        muted.length,
        'no finding outside the mutes was touched by the expiry',
      );
    } finally {
      await Promise.all([...apis, ...workers].map((p) => p.stop('SIGKILL')));
      await db?.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
