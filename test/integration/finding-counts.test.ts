// The kept counts of findings (migration 017, src/store/finding-counts.ts) against a scan (countFindings) of the same
// filter at the same instant: after every step of random writes on any store (property-style, seeded), while concurrent
// writers race on PostgreSQL, at instants before the latest writes and after mute expiries nobody has written yet; the
// count rows equal a GROUP BY of the current rows; the migration backfills existing findings; which filters are covered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db, type Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase, openTestStoreBefore, type TestDatabase } from '../helpers/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { listingInstant, withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import { queryFindingsPageAtReadingInstant } from '../../src/store/reading-script.js';
import { OPEN_ENDED, stateOf, writeStates } from '../../src/store/finding-states.js';
import { expireMutes, lockCurrentStates, writeMutes } from '../../src/store/mutes.js';
import { countFindings, lastChangeAt, queryFindingsPage, summarizeFindings } from '../../src/store/findings-query.js';
import { compactFindingCounts, countCovered, storedCountFacets, summarizeKeptCounts } from '../../src/store/finding-counts.js';
import { COUNT_FACETS, coveredFilter } from '../../src/findings/count-coverage.js';
import type { FilterNode } from '../../src/findings/filter-tree.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { SEVERITIES, VULNERABILITY_TYPES } from '../../src/posture/resource.js';
import { prng } from '../../bench/lib/prng.js';
import { generateResource } from '../../bench/lib/resources.js';
import { importResourcesAtomically, fromArray } from '../../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { createRule, deleteRule } from '../../src/findings/automation-rules.js';
import { NotFound } from '../../src/errors.js';
import { makeState } from './findings-seed.js';
import { RULE_KINDS, type RuleBody } from '../../src/findings/automation-rule-kinds.js';
import { findingsSummary, listFindings, muteFindings, setCountCacheCapacity } from '../../src/findings/findings-service.js';
import { parseListQuery } from '../../src/findings/list-query.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

const TYPES = ['aws_s3_bucket', 'aws_iam_role', 'aws_ec2_instance'];
const TEAMS = ['team:a', 'team:b', 'team:c'];
const ENVS = ['env:prod', 'env:dev'];
const FINDINGS = 60;

class World {
  constructor(
    readonly rnd: () => number,
    readonly orgId: string,
  ) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  some(n = 6): string[] {
    return [...new Set(Array.from({ length: 1 + Math.floor(this.rnd() * n) }, () => `f-${Math.floor(this.rnd() * FINDINGS)}`))];
  }
  fresh(id: string): FindingState {
    const i = Number(id.slice(2));
    const type = TYPES[i % TYPES.length]!;
    return {
      finding_id: id,
      resource_id: `r-${i % 20}`,
      resource_name: `r-${i % 20}`,
      resource_type: type,
      rule_id: `${type}-${i % 4}`,
      rule_name: `rule ${i % 4}`,
      vulnerability_type: this.pick(VULNERABILITY_TYPES),
      status: this.pick(SEVERITIES),
      evaluation: this.rnd() < 0.5 ? 'fail' : 'pass',
      evaluation_changed_at: 1,
      resource_discovery_date: 1,
      // Sometimes two team tags, a duplicate, or a facet-looking tag without a value.
      tags: [this.pick(TEAMS), this.pick(ENVS), ...(this.rnd() < 0.2 ? [this.pick(TEAMS), 'team'] : []), 'other:x'],
      muted: false,
      mute: null,
      mute_expires_at: null,
    };
  }
  resources(ids: string[]): string[] {
    return [...new Set(ids.map((id) => `r-${Number(id.slice(2)) % 20}`))];
  }

  /** One random write through the store's writers, in its own lease. */
  async step(db: Db): Promise<string> {
    const kind = this.pick(['import', 'import', 'mute', 'unmute', 'expire', 'auto-tag', 'reevaluate', 'severity', 'close'] as const);
    const ids = this.some();
    const scope = kind === 'expire' ? 'org' : this.resources(ids);
    await withFindingWriteLease(db, this.orgId, scope, async (tx, now) => {
      if (kind === 'expire') {
        await expireMutes(tx, now, this.orgId);
        return;
      }
      const current = await lockCurrentStates(tx, this.orgId, ids);
      const states = [...current.values()];
      const change = (f: (s: FindingState) => FindingState) =>
        writeStates(
          tx,
          this.orgId,
          states.map((s) => s.finding_id),
          states.map((s) => f(stateOf(s))),
          now,
          kind,
        );
      switch (kind) {
        case 'import':
          await writeStates(
            tx,
            this.orgId,
            ids.filter((id) => current.has(id)),
            ids.map((id) => this.fresh(id)),
            now,
            'import',
          );
          break;
        case 'mute':
          // Expiring soon: some expire before anyone writes it into history.
          await writeMutes(
            tx,
            this.orgId,
            states,
            { muted: true, mute: { muted: true, reason: 'OTHER' }, expiresAt: this.rnd() < 0.6 ? now + Math.floor(this.rnd() * 40) : null },
            now,
            'u',
          );
          break;
        case 'unmute':
          await writeMutes(tx, this.orgId, states, { muted: false, mute: { muted: false }, expiresAt: null }, now, 'u');
          break;
        case 'auto-tag':
          await change((s) => ({ ...s, tags: [...s.tags.filter((t) => !t.startsWith('team:')), this.pick(TEAMS)] }));
          break;
        case 'reevaluate':
          await change((s) => ({ ...s, evaluation: s.evaluation === 'fail' ? 'pass' : 'fail', evaluation_changed_at: now }));
          break;
        case 'severity':
          await change((s) => ({ ...s, base_status: s.base_status ?? s.status, status: this.pick(SEVERITIES) }));
          break;
        case 'close':
          await writeStates(tx, this.orgId, [...current.keys()], [], now, 'gone');
          break;
      }
    });
    return kind;
  }

  /** A random filter the counts cover. */
  coveredFilter(): FilterNode {
    const nodes: FilterNode[] = [];
    const tagged = this.rnd() < 0.35;
    if (this.rnd() < 0.4) {
      const values = [this.pick(SEVERITIES), this.pick(SEVERITIES)];
      const node: FilterNode = this.rnd() < 0.5 ? { op: 'eq', field: 'status', value: values[0]! } : { op: 'in', field: 'status', values };
      nodes.push(this.rnd() < 0.2 ? { op: 'not', node } : node);
    }
    if (this.rnd() < 0.4) nodes.push({ op: 'eq', field: 'evaluation', value: this.rnd() < 0.5 ? 'fail' : 'pass' });
    if (this.rnd() < 0.4) nodes.push({ op: 'muted', value: this.rnd() < 0.5 });
    if (this.rnd() < 0.3) nodes.push({ op: 'eq', field: 'resource_type', value: this.pick(TYPES) });
    if (tagged) nodes.push({ op: 'tags_all', tags: [this.pick([...TEAMS, ...ENVS])] });
    else {
      if (this.rnd() < 0.3) nodes.push({ op: 'in', field: 'vulnerability_type', values: [this.pick(VULNERABILITY_TYPES)] });
      if (this.rnd() < 0.3) {
        const node: FilterNode = { op: 'eq', field: 'rule_id', value: `${this.pick(TYPES)}-${Math.floor(this.rnd() * 4)}` };
        nodes.push(this.rnd() < 0.3 ? { op: 'not', node } : node);
      }
    }
    return { op: 'and', nodes };
  }
}

/** Counts and scans agree for these filters at `at`. */
async function assertCountsAgree(db: Db, w: World, at: number, filters: FilterNode[], context: string): Promise<void> {
  for (const filter of filters) {
    const covered = coveredFilter(filter);
    assert.ok(covered, `covered: ${JSON.stringify(filter)}`);
    const [kept, scanned, read] = await Promise.all([
      countCovered(db, w.orgId, covered, at),
      countFindings(db, w.orgId, filter, at),
      queryFindingsPageAtReadingInstant(db, w.orgId, { filter, limit: 7 }, at),
    ]);
    assert.equal(kept, scanned, `${context}: at ${at}, ${JSON.stringify(filter)}`);
    // The first page read with its instant in one round trip (its statement written out as text): the same findings.
    // Its instant is the one asked for, or earlier while a lease taken before it is still held (the reader cannot tell
    // that its writer writes later). Compared by id: a mute expiry written meanwhile is backdated to the expiry.
    assert.ok(read.instant.at <= at, `${context}: the instant asked for, at the latest`);
    const page = await queryFindingsPage(db, w.orgId, { filter, at: read.instant.at, limit: 7 });
    const ids = (rows: { finding_id: string }[]) => rows.map((r) => r.finding_id);
    assert.deepEqual(ids(read.rows), ids(page), `${context}: page rows read with the instant at ${at}, ${JSON.stringify(filter)}`);
  }
}

/** The summary (by severity, by evaluation, top failing teams) from the kept counts equals the summary of a scan. */
async function assertSummaryAgrees(db: Queryable, orgId: string, at: number, context: string): Promise<void> {
  const [kept, scanned] = await Promise.all([summarizeKeptCounts(db, orgId, at), summarizeFindings(db, orgId, at)]);
  assert.deepEqual(kept, scanned, `${context}: summary at ${at}`);
}

/** The count rows (kept plus deltas) equal the current rows grouped the way the triggers group them. */
async function assertCountRowsExact(db: Queryable, orgId: string): Promise<void> {
  const key = 'facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id';
  const rows = (
    await db.query<{ kept: string | null; scanned: string | null }>(
      `WITH kept AS (
         SELECT ${key}, sum(n) AS n FROM (SELECT ${key}, n FROM finding_counts WHERE org_id = $1
                                        UNION ALL SELECT ${key}, n FROM finding_count_deltas WHERE org_id = $1) x
         GROUP BY ${key} HAVING sum(n) <> 0),
       scanned AS (
         SELECT k.facet, k.tag, k.severity_rank, k.evaluation, k.muted, k.vulnerability_type, k.resource_type, k.rule_id, count(*) AS n
         FROM finding_states s
         CROSS JOIN LATERAL finding_count_rows(s.severity_rank, s.evaluation, s.muted, s.vulnerability_type, s.resource_type, s.rule_id, s.tags) k
         WHERE s.org_id = $1 AND s.valid_to = ${OPEN_ENDED} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8)
       SELECT kept.n::text AS kept, scanned.n::text AS scanned FROM kept FULL JOIN scanned USING (${key})
       WHERE kept.n IS DISTINCT FROM scanned.n`,
      [orgId],
    )
  ).rows;
  assert.deepEqual(rows, []);
}

describe('kept finding counts', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await createTestDatabase();
    db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
    await migrate(db);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  test('the migration counts the facets this code covers', async () => {
    assert.deepEqual(await storedCountFacets(db), [...COUNT_FACETS]);
  });

  test('which filters are covered', () => {
    const tag = (t: string): FilterNode => ({ op: 'tags_all', tags: [t] });
    assert.ok(coveredFilter({ op: 'and', nodes: [] }));
    assert.ok(coveredFilter({ op: 'and', nodes: [{ op: 'eq', field: 'status', value: 'high' }, { op: 'muted', value: true }, tag('team:a')] }));
    assert.ok(coveredFilter({ op: 'not', node: { op: 'eq', field: 'rule_id', value: 'x' } }));
    assert.equal(coveredFilter(tag('owner:x')), undefined, 'a tag key that is no facet');
    assert.equal(coveredFilter(tag('team')), undefined, 'a tag without a value');
    assert.equal(coveredFilter({ op: 'tags_all', tags: ['team:a', 'env:prod'] }), undefined, 'two tags');
    assert.equal(coveredFilter({ op: 'and', nodes: [tag('team:a'), { op: 'eq', field: 'rule_id', value: 'x' }] }), undefined, 'tag and rule');
    assert.equal(coveredFilter({ op: 'wildcard', field: 'rule_id', pattern: 'x*' }), undefined);
    assert.equal(coveredFilter({ op: 'or', nodes: [] }), undefined);
    assert.equal(coveredFilter({ op: 'eq', field: 'rule_name', value: 'x' }), undefined);
    assert.equal(coveredFilter({ op: 'compare', field: 'evaluation_changed_at', comparison: '>', value: 1 }), undefined);
  });

  test('property: after every random write, counts equal a scan at the current instant and at earlier ones', async () => {
    const seed = Number(process.env.STEWARD_COUNTS_SEED ?? Date.now() % 1_000_000);
    const w = new World(prng(seed), (await createKeys(db, `counts-${seed}`, 't')).org_id);
    const instants: number[] = [];
    const steps = onPostgres ? 120 : 100;
    for (let i = 0; i < steps; i++) {
      const kind = await w.step(db);
      if (w.rnd() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(w.rnd() * 8)));
      const at = await listingInstant(db, w.orgId);
      instants.push(at);
      const earlier = instants[Math.floor(w.rnd() * instants.length)]!;
      const filters = Array.from({ length: 6 }, () => w.coveredFilter());
      await assertCountsAgree(db, w, at, filters, `seed ${seed}, step ${i} (${kind})`);
      await assertCountsAgree(db, w, earlier, filters.slice(0, 2), `seed ${seed}, step ${i} (${kind}), earlier`);
      await assertSummaryAgrees(db, w.orgId, at, `seed ${seed}, step ${i} (${kind})`);
      await assertSummaryAgrees(db, w.orgId, earlier, `seed ${seed}, step ${i} (${kind}), earlier`);
    }
    await assertCountRowsExact(db, w.orgId);
    // Mutes that expired with nobody writing it: still counted muted, read unmuted.
    await new Promise((r) => setTimeout(r, 50));
    const at = await listingInstant(db, w.orgId);
    const muted: FilterNode[] = [true, false].map((value) => ({ op: 'and', nodes: [{ op: 'muted', value }] }));
    await assertCountsAgree(db, w, at, muted, `seed ${seed}, expired mutes`);
    await compactFindingCounts(db, w.orgId);
    assert.equal(
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM finding_count_deltas WHERE org_id = $1', [w.orgId])).rows[0]!.n),
      0,
    );
    await assertCountRowsExact(db, w.orgId);
    await assertCountsAgree(db, w, at, [...muted, ...Array.from({ length: 20 }, () => w.coveredFilter())], `seed ${seed}, compacted`);
  });

  test('once a process has folded enough deltas it vacuums the dead rows they left, so counts do not walk them', async () => {
    const w = new World(prng(7), (await createKeys(db, 'counts-vacuum', 't')).org_id);
    // Written outside a write lease, which would fold them at once: deltas left for the compactor.
    const write = (from: number) =>
      writeStates(
        db,
        w.orgId,
        [],
        Array.from({ length: 20 }, (_, i) => makeState(from + i)),
        Date.now(),
        null,
      );
    await write(0);
    const vacuums = async () =>
      Number(
        (await db.query<{ n: string | number }>(`SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'finding_count_deltas'`)).rows[0]
          ?.n ?? 0,
      );
    const before = await vacuums();
    const small = await compactFindingCounts(db, w.orgId, Number.MAX_SAFE_INTEGER);
    assert.ok(small > 0, 'deltas to fold');
    assert.equal(await vacuums(), before, 'fewer than the threshold: no vacuum');
    await write(100);
    const second = await compactFindingCounts(db, w.orgId, small + 1);
    assert.ok(second > 0);
    // Statistics reach pg_stat_user_tables as the vacuum ends, a moment later on some builds.
    let after = await vacuums();
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await vacuums();
    }
    assert.ok(after > before, 'the folds since the last vacuum reached the threshold: vacuumed');
    await assertCountRowsExact(db, w.orgId);
  });

  test('a first page of a covered filter reads its instant and its page in one round trip, and counts only when the findings changed: from the kept counts now, by a scan before', async () => {
    const w = new World(prng(11), (await createKeys(db, 'counted-page', 't')).org_id);
    for (let i = 0; i < 20; i++) await w.step(db);
    const earlier = await listingInstant(db, w.orgId);
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 20; i++) await w.step(db);
    // The real store, with every round trip it is sent written down (a script is one).
    const statements: string[] = [];
    const traced: Db = {
      ...db,
      query: (sql, params, options) => (statements.push(sql), db.query(sql, params, options)),
      queryScript: (sql: string) => (statements.push(sql), db.queryScript!(sql)),
    };
    const listed = async (qs: string) => {
      statements.length = 0;
      const page = await listFindings(traced, w.orgId, parseListQuery(new URLSearchParams(qs)));
      return { page, statements: [...statements] };
    };
    const fail: FilterNode = { op: 'eq', field: 'evaluation', value: 'fail' };
    const readsInstantAndPage = (sql: string) => /steward_reading_instant/.test(sql) && /FROM finding_states/.test(sql);

    await listed('filter[status]=critical'); // the store's cursor secret, read once per process
    const first = await listed('filter[evaluation]=fail');
    assert.equal(first.statements.length, 2, `the instant with the page, then the count: ${first.statements.join('\n---\n')}`);
    assert.ok(readsInstantAndPage(first.statements[0]!), first.statements[0]);
    assert.match(first.statements[1]!, /finding_counts/, 'a covered filter now: the kept counts');
    assert.equal(first.page.total, await countFindings(db, w.orgId, fail, first.page.snapshot));
    assert.deepEqual(
      first.page.findings.map((f) => f.finding_id),
      (await queryFindingsPage(db, w.orgId, { filter: fail, at: first.page.snapshot, limit: 50 })).map((f) => f.finding_id),
    );

    // While the findings do not change, the count is kept: one round trip.
    const reused = await listed('filter[evaluation]=fail');
    assert.equal(reused.statements.length, 1, `the instant with the page alone: ${reused.statements.join('\n---\n')}`);
    assert.ok(readsInstantAndPage(reused.statements[0]!));
    assert.equal(reused.page.total, first.page.total);
    // Any change of the findings counts again.
    const unchanged = await lastChangeAt(db, w.orgId, reused.page.snapshot);
    while ((await lastChangeAt(db, w.orgId, await listingInstant(db, w.orgId))) === unchanged) await w.step(db);
    const changed = await listed('filter[evaluation]=fail');
    assert.equal(changed.statements.length, 2);
    assert.match(changed.statements[1]!, /finding_counts/, 'a change of the findings: counted again');
    assert.equal(changed.page.total, await countFindings(db, w.orgId, fail, changed.page.snapshot));
    // With no count kept between requests, every first page counts.
    setCountCacheCapacity(0);
    try {
      assert.equal((await listed('filter[evaluation]=fail')).statements.length, 2);
      assert.equal((await listed('filter[evaluation]=fail')).statements.length, 2);
    } finally {
      setCountCacheCapacity(2000);
    }

    const qs = `filter[evaluation]=fail&snapshot_timestamp=${earlier}`;
    const past = await listed(qs);
    assert.equal(past.page.snapshot, earlier);
    assert.equal(past.page.total, await countFindings(db, w.orgId, fail, earlier));
    assert.ok(!past.statements.some((sql) => /finding_counts/.test(sql)), 'a past instant is not summed from the kept counts');
    assert.ok(
      past.statements.some((sql) => /count\(\*\)/.test(sql)),
      'it is counted by a scan',
    );
    // Its instant read first, then its page beside its count: a scan may take long.
    assert.equal(past.statements.length, 3, past.statements.join('\n---\n'));
    assert.match(past.statements[0]!, /steward_reading_instant/);
    const again = await listed(qs);
    assert.equal(again.page.total, past.page.total);
    assert.equal(again.statements.length, 2, 'and then kept: the instant, then the page');
    assert.ok(!again.statements.some((sql) => /count\(\*\)/.test(sql)));

    // The summary likewise: summed from the kept counts now, counted by a scan at a past instant.
    statements.length = 0;
    const summaryNow = await findingsSummary(traced, w.orgId, undefined);
    assert.ok(
      statements.some((sql) => /finding_counts/.test(sql)),
      'the current summary sums the kept counts',
    );
    // The endpoint lists every severity, counted or not.
    const scanned = async (at: number) => {
      const c = await summarizeFindings(db, w.orgId, at);
      return { ...c, by_status: Object.fromEntries(SEVERITIES.map((x) => [x, c.by_status[x] ?? 0])) };
    };
    assert.deepEqual(summaryNow.counts, await scanned(summaryNow.at));
    statements.length = 0;
    const summaryThen = await findingsSummary(traced, w.orgId, earlier);
    assert.ok(!statements.some((sql) => /finding_counts/.test(sql)), 'a past summary scans');
    assert.deepEqual(summaryThen.counts, await scanned(earlier));
  });

  test('the migrations backfill the findings there were', async () => {
    const { db: old, migrateBelow, close } = await openTestStoreBefore(17);
    try {
      const w = new World(prng(7), (await createKeys(old, 'backfill', 't')).org_id);
      for (let i = 0; i < 30; i++) await w.step(old);
      // 017 counts what there is and keeps counting; 019 adds rows of one dimension and counts again.
      await migrateBelow(19);
      for (let i = 0; i < 20; i++) await w.step(old);
      await migrateBelow();
      await assertCountRowsExact(old, w.orgId);
      await assertCountsAgree(
        old,
        w,
        await listingInstant(old, w.orgId),
        [{ op: 'and', nodes: [] }, w.coveredFilter(), w.coveredFilter()],
        'backfilled',
      );
    } finally {
      await close();
    }
  });

  test(
    'concurrent writers on PostgreSQL: counts equal a scan at every instant read meanwhile, and after',
    { skip: !onPostgres && 'needs DATABASE_URL (PostgreSQL): PGlite runs one transaction at a time' },
    async () => {
      const seed = Number(process.env.STEWARD_COUNTS_SEED ?? Date.now() % 1_000_000);
      const writers = Array.from({ length: 6 }, (_, i) => new World(prng(seed + i), ''));
      const orgId = (await createKeys(db, `racing-counts-${seed}`, 't')).org_id;
      const ws = writers.map((x) => new World(x.rnd, orgId));
      let running = true;
      const kinds = new Map<string, number>();
      const write = async (w: World) => {
        for (let i = 0; i < 40; i++) {
          const kind = await w.step(db);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
      };
      const reader = new World(prng(seed + 100), orgId);
      let reads = 0;
      const read = async () => {
        while (running) {
          const at = await listingInstant(db, orgId);
          await assertCountsAgree(db, reader, at, [{ op: 'and', nodes: [] }, reader.coveredFilter(), reader.coveredFilter()], `seed ${seed}, racing`);
          await assertSummaryAgrees(db, orgId, at, `seed ${seed}, racing`);
          // The listing's own totals, counts kept between its requests while the findings did not change among them.
          for (const qs of ['filter[evaluation]=fail', 'filter[tags]=team:a', '']) {
            const page = await listFindings(db, orgId, parseListQuery(new URLSearchParams(qs)));
            const filter = parseListQuery(new URLSearchParams(qs)).filter;
            assert.equal(page.total, await countFindings(db, orgId, filter, page.snapshot), `seed ${seed}, listing ${qs || 'everything'}`);
          }
          reads++;
        }
      };
      // The product's own writers beside them: imports evaluated by the rule pack, a severity modifier rule created
      // (applied to every matching finding) and deleted (undone), mutes through the findings service that run out.
      const principal = { orgId, apiKeyId: 'k', userId: 'u', userHandle: 'tester' };
      const ingest = async () => {
        const rules = builtInRuleEngine();
        const rnd = prng(seed + 50);
        for (let i = 0; i < 10; i++) {
          const now = Date.now();
          const records = Array.from({ length: 4 }, (_, j) => generateResource(i * 4 + j, rnd, now));
          await importResourcesAtomically(db, orgId, fromArray(records), rules, { source: 'test' });
          kinds.set('product import', (kinds.get('product import') ?? 0) + 1);
        }
      };
      const severityRules = async () => {
        const kind = RULE_KINDS.find((k) => k.type === 'severity')!;
        for (let i = 0; i < 3; i++) {
          const body: RuleBody = {
            data: {
              type: 'severity_modifier_rules',
              attributes: {
                name: `prod ${i}`,
                enabled: true,
                rule: { finding_types: ['misconfiguration'], query: 'env:prod' },
                action: { type: 'set', severity: 'critical' },
              },
            },
          };
          const rule = await createRule(db, principal, kind, body, Date.now());
          await new Promise((r) => setTimeout(r, 30));
          await deleteRule(db, orgId, kind, rule.rule_id);
          kinds.set('severity rule', (kinds.get('severity rule') ?? 0) + 1);
        }
      };
      const serviceMutes = async () => {
        const rnd = prng(seed + 60);
        for (let i = 0; i < 10; i++) {
          const ids = (
            await db.query<{ finding_id: string }>(
              `SELECT finding_id FROM finding_states WHERE org_id = $1 AND valid_to = ${OPEN_ENDED} LIMIT 3 OFFSET $2`,
              [orgId, Math.floor(rnd() * 10)],
            )
          ).rows.map((r) => r.finding_id);
          await new Promise((r) => setTimeout(r, 40));
          if (ids.length === 0) continue;
          const muted = rnd() < 0.7;
          try {
            await muteFindings(db, orgId, principal, {
              muted,
              reason: 'OTHER',
              ...(muted ? { expireAt: Date.now() + 1000 + Math.floor(rnd() * 500) } : {}),
              findingIds: ids,
            });
          } catch (err) {
            // The other writers may have closed one of these findings since it was picked: the mute is refused whole.
            if (!(err instanceof NotFound)) throw err;
            kinds.set('refused mute', (kinds.get('refused mute') ?? 0) + 1);
            continue;
          }
          kinds.set('service mute', (kinds.get('service mute') ?? 0) + 1);
        }
      };
      const readers = [read(), read()];
      await Promise.all([...ws.map(write), ingest(), severityRules(), serviceMutes()]);
      running = false;
      await Promise.all(readers);
      assert.ok(reads > 5, `only ${reads} reads`);
      assert.ok(kinds.size >= 11, `kinds: ${[...kinds.keys()].join(', ')}`);
      await assertCountRowsExact(db, orgId);
      // The service's mutes have run out by now, and nobody wrote it.
      await new Promise((r) => setTimeout(r, 1600));
      await assertCountsAgree(
        db,
        reader,
        await listingInstant(db, orgId),
        Array.from({ length: 30 }, () => reader.coveredFilter()),
        `seed ${seed}, after`,
      );
    },
  );
});
