// Rule coverage over HTTP: GET /api/v2/csm/rules/coverage (per rule and per resource type: pass, fail, not evaluated,
// the missing fields and sources; filters; point in time) and GET /api/v2/csm/rules/coverage/{rule_id}/resources (the
// resources a rule could not judge, paged on a signed cursor pinned to its instant), on the fixtures' real Terraform
// states. Counts are checked against a direct count of finding states and evaluation gaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fixturePath } from '../helpers/fixtures.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { importResourcesAtomically, fromArray } from '../../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

type Keys = { apiKey: string; appKey: string; orgId: string };
type Counts = {
  pass: number;
  fail: number;
  not_evaluated: number;
  missing_fields: Array<{ field: string; count: number }>;
  sources: Array<{ source: string | null; count: number }>;
};
type CoverageBody = {
  data: Array<{
    type: string;
    id: string;
    attributes: Counts & { rule_id: string; name: string; resource_type: string; severity: string; in_rule_pack: boolean };
  }>;
  meta: { snapshot_timestamp: number; resource_types: Array<Counts & { resource_type: string; rules: number }> };
};
type GapsBody = {
  data: Array<{
    type: string;
    id: string;
    attributes: {
      rule_id: string;
      resource_type: string;
      name: string | null;
      missing_fields: string[];
      source: string | null;
      not_evaluated_since: number;
    };
  }>;
  links?: { next: string };
  meta: { page: { total_filtered_count: number; cursor?: string }; snapshot_timestamp: number };
};
type ErrorBody = { errors: Array<{ status: string; code: string; detail: string; source?: { parameter?: string } }> };

const COVERAGE = '/api/v2/csm/rules/coverage';
const rules = builtInRuleEngine();
const OPEN = '9223372036854775807';
let orgs = 0;
const newOrg = () => s.newKeys(`coverage-org-${++orgs}`);

const STATES = readdirSync(fixturePath('terraform-state'))
  .filter((f) => f.endsWith('.tfstate'))
  .sort();

async function importStates(keys: Keys, names: string[]): Promise<void> {
  const records = names.flatMap((n) => {
    const file = fixturePath('terraform-state', n);
    return parseTerraformState(JSON.parse(readFileSync(file, 'utf8')), file, { now: Date.now() });
  });
  await importResourcesAtomically(s.server.db, keys.orgId, fromArray(records), rules, { source: 'import:terraform-state' });
}

const storeClock = async () =>
  Number((await s.server.db.query<{ now: string }>('SELECT floor(extract(epoch from clock_timestamp()) * 1000)::bigint AS now')).rows[0]!.now);

/** Until the store's clock passes every write made so far. */
async function settle(): Promise<number> {
  const seen = await storeClock();
  while ((await storeClock()) <= seen) await new Promise((r) => setTimeout(r, 1));
  return seen + 1;
}

async function getJson<T>(keys: Keys, path: string, status = 200): Promise<T> {
  const r = await s.api(path, { keys });
  const text = await r.text();
  assert.equal(r.status, status, `${path}: ${text}`);
  return JSON.parse(text) as T;
}
const coverage = (keys: Keys, query = '') => getJson<CoverageBody>(keys, `${COVERAGE}${query ? `?${query}` : ''}`);
const gapsPath = (ruleId: string, query = '') => `${COVERAGE}/${encodeURIComponent(ruleId)}/resources${query ? `?${query}` : ''}`;

/** Every page from `query` on, following links.next; `between` runs before each later page. */
async function allGapPages(keys: Keys, ruleId: string, query: string, between: () => Promise<void> = async () => {}): Promise<GapsBody[]> {
  const pages = [await getJson<GapsBody>(keys, gapsPath(ruleId, query))];
  while (pages[pages.length - 1]!.links) {
    await between();
    pages.push(await getJson<GapsBody>(keys, pages[pages.length - 1]!.links!.next));
  }
  return pages;
}

/** pass / fail / not evaluated of each rule at `at`, counted straight from the tables. */
async function directCounts(orgId: string, at: number): Promise<Map<string, { pass: number; fail: number; not_evaluated: number }>> {
  const out = new Map<string, { pass: number; fail: number; not_evaluated: number }>();
  const get = (id: string) => out.get(id) ?? out.set(id, { pass: 0, fail: 0, not_evaluated: 0 }).get(id)!;
  const states = await s.server.db.query<{ rule_id: string; evaluation: 'pass' | 'fail'; n: string }>(
    `SELECT s.rule_id, s.evaluation, count(*) AS n FROM finding_states s JOIN findings f ON f.org_id = s.org_id AND f.finding_id = s.finding_id
     WHERE s.org_id = $1 AND f.origin = 'rule' AND s.valid_from <= $2 AND s.valid_to > $2 GROUP BY 1, 2`,
    [orgId, at],
  );
  for (const r of states.rows) get(r.rule_id)[r.evaluation] += Number(r.n);
  const gaps = await s.server.db.query<{ rule_id: string; n: string }>(
    `SELECT rule_id, count(*) AS n FROM evaluation_gaps WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2 GROUP BY 1`,
    [orgId, at],
  );
  for (const r of gaps.rows) get(r.rule_id).not_evaluated += Number(r.n);
  return out;
}

/** Each listed rule's counts equal the direct ones; with `complete` (no filter), every rule counted directly is listed. */
function assertMatchesDirect(body: CoverageBody, direct: Map<string, { pass: number; fail: number; not_evaluated: number }>, complete = false) {
  for (const rule of body.data) {
    const d = direct.get(rule.id) ?? { pass: 0, fail: 0, not_evaluated: 0 };
    const { pass, fail, not_evaluated } = rule.attributes;
    assert.deepEqual({ pass, fail, not_evaluated }, d, `rule ${rule.id}`);
  }
  if (complete)
    for (const id of direct.keys())
      assert.ok(
        body.data.some((r) => r.id === id),
        `rule ${id} with findings is listed`,
      );
}

/** Writes gaps as the evaluation writes them (the rule could not judge these resources). */
async function insertGaps(
  orgId: string,
  gaps: Array<{ resource_id: string; rule_id: string; resource_type: string; missing: string[]; source: string | null; from: number; to?: number }>,
) {
  for (const g of gaps) {
    await s.server.db.query(
      `INSERT INTO evaluation_gaps (org_id, resource_id, rule_id, valid_from, valid_to, resource_type, missing_fields, source)
       VALUES ($1, $2, $3, $4, $5::bigint, $6, $7::text[], $8)`,
      [orgId, g.resource_id, g.rule_id, g.from, g.to === undefined ? OPEN : String(g.to), g.resource_type, g.missing, g.source],
    );
  }
}

test("every rule of the pack is listed with the counts of its findings and gaps on the fixtures' 97 Terraform states", async () => {
  const k = await newOrg();
  assert.equal(STATES.length, 97);
  await importStates(k, STATES);
  const at = await settle();
  const body = await coverage(k);
  assert.ok(body.meta.snapshot_timestamp >= at);
  assert.deepEqual(body.data.map((d) => d.id).sort(), rules.rules.map((r) => r.id).sort(), 'every rule of the pack, once');
  for (const d of body.data) {
    assert.equal(d.type, 'rule_coverage');
    assert.equal(d.attributes.rule_id, d.id);
    const rule = rules.ruleById(d.id)!;
    assert.equal(d.attributes.name, rule.name);
    assert.equal(d.attributes.resource_type, rule.resource_type);
    assert.equal(d.attributes.severity, rule.severity);
    assert.equal(d.attributes.in_rule_pack, true);
    assert.equal(
      d.attributes.sources.reduce((n, x) => n + x.count, 0),
      d.attributes.not_evaluated,
      'the sources account for every not-evaluated pair',
    );
  }
  assertMatchesDirect(body, await directCounts(k.orgId, body.meta.snapshot_timestamp), true);
  const judged = body.data.reduce((n, d) => n + d.attributes.pass + d.attributes.fail + d.attributes.not_evaluated, 0);
  assert.ok(judged > 100, `the states give the rules something to judge (${judged})`);

  // Per resource type: the sums of its rules.
  for (const t of body.meta.resource_types) {
    const ofType = body.data.filter((d) => d.attributes.resource_type === t.resource_type);
    assert.equal(t.rules, ofType.length, t.resource_type);
    for (const key of ['pass', 'fail', 'not_evaluated'] as const)
      assert.equal(
        t[key],
        ofType.reduce((n, d) => n + d.attributes[key], 0),
        `${t.resource_type} ${key}`,
      );
  }

  // Filters are exact and select rules.
  const buckets = await coverage(k, 'filter[resource_type]=aws_s3_bucket');
  assert.deepEqual(
    buckets.data.map((d) => d.id).sort(),
    rules.rules
      .filter((r) => r.resource_type === 'aws_s3_bucket')
      .map((r) => r.id)
      .sort(),
  );
  assert.deepEqual(
    buckets.meta.resource_types.map((t) => t.resource_type),
    ['aws_s3_bucket'],
  );
  const one = await coverage(k, 'filter[rule_id]=jdr-07p-t39');
  assert.deepEqual(
    one.data.map((d) => d.id),
    ['jdr-07p-t39'],
  );
  assert.deepEqual(
    one.data[0],
    body.data.find((d) => d.id === 'jdr-07p-t39'),
  );
  assert.deepEqual((await coverage(k, 'filter[rule_id]=jdr-07p-t39&filter[resource_type]=aws_iam_role')).data, []);

  // Another organization sees none of it.
  const other = await coverage(await newOrg());
  assert.ok(other.data.every((d) => d.attributes.pass + d.attributes.fail + d.attributes.not_evaluated === 0));
});

test('not-evaluated pairs: counted with their missing fields and sources; imported findings are not counted', async () => {
  const k = await newOrg();
  await importStates(k, ['aws_s3_full.tfstate']);
  const now = await settle();
  const before = await coverage(k, 'filter[rule_id]=tmi-v2p-ozy');
  await insertGaps(k.orgId, [
    {
      resource_id: 'arn:aws:s3:::cov-gap-1',
      rule_id: 'tmi-v2p-ozy',
      resource_type: 'aws_s3_bucket',
      missing: ['public_access_block'],
      source: 'import:terraform-state',
      from: now,
    },
    {
      resource_id: 'arn:aws:s3:::cov-gap-2',
      rule_id: 'tmi-v2p-ozy',
      resource_type: 'aws_s3_bucket',
      missing: ['public_access_block', 'policy_status.is_public'],
      source: 'import:aws-config',
      from: now,
    },
    {
      resource_id: 'arn:aws:s3:::cov-gap-3',
      rule_id: 'tmi-v2p-ozy',
      resource_type: 'aws_s3_bucket',
      missing: ['public_access_block'],
      source: null,
      from: now,
    },
  ]);
  // A finding Datadog reported under a rule id of the pack is Datadog's: coverage does not count it.
  await s.server.db.query(
    `INSERT INTO findings (org_id, finding_id, resource_id, rule_id, origin) VALUES ($1, 'dd-imported-1', 'arn:aws:s3:::cov-dd', 'tmi-v2p-ozy', 'imported')`,
    [k.orgId],
  );
  await s.server.db.query(
    `INSERT INTO finding_states (org_id, finding_id, valid_from, severity_rank, status, evaluation, evaluation_changed_at, resource_discovery_date,
       resource_id, resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags)
     VALUES ($1, 'dd-imported-1', $2, 1, 'high', 'fail', $2, $2, 'arn:aws:s3:::cov-dd', 'cov-dd', 'aws_s3_bucket', 'tmi-v2p-ozy', 'x', 'misconfiguration', '{}')`,
    [k.orgId, now],
  );
  await settle();
  const body = await coverage(k, 'filter[rule_id]=tmi-v2p-ozy');
  const a = body.data[0]!.attributes;
  const b = before.data[0]!.attributes;
  assert.equal(a.pass, b.pass);
  assert.equal(a.fail, b.fail, 'the imported fail is not counted');
  assert.equal(a.not_evaluated, b.not_evaluated + 3);
  const field = (f: string) => a.missing_fields.find((m) => m.field === f)?.count ?? 0;
  const bField = (f: string) => b.missing_fields.find((m) => m.field === f)?.count ?? 0;
  assert.equal(field('public_access_block') - bField('public_access_block'), 3);
  assert.equal(field('policy_status.is_public') - bField('policy_status.is_public'), 1);
  const source = (x: string | null) => a.sources.find((m) => m.source === x)?.count ?? 0;
  const bSource = (x: string | null) => b.sources.find((m) => m.source === x)?.count ?? 0;
  assert.equal(source('import:aws-config') - bSource('import:aws-config'), 1);
  assert.equal(source(null) - bSource(null), 1);
  assert.equal(source('import:terraform-state') - bSource('import:terraform-state'), 1);
  for (let i = 1; i < a.missing_fields.length; i++) assert.ok(a.missing_fields[i - 1]!.count >= a.missing_fields[i]!.count, 'most frequent first');
  assertMatchesDirect(body, await directCounts(k.orgId, body.meta.snapshot_timestamp));
  const s3 = body.meta.resource_types.find((t) => t.resource_type === 'aws_s3_bucket')!;
  assert.equal(s3.not_evaluated, a.not_evaluated);
});

test('snapshot_timestamp answers as things stood then, from the temporal rows', async () => {
  const k = await newOrg();
  await importStates(k, ['aws_s3_full.tfstate']);
  const t0 = await settle();
  await insertGaps(k.orgId, [
    {
      resource_id: 'arn:aws:s3:::cov-pit-1',
      rule_id: 'qnq-37b-9fs',
      resource_type: 'aws_s3_bucket',
      missing: ['versioning.status'],
      source: 'api',
      from: t0 + 1,
      to: t0 + 5,
    },
    {
      resource_id: 'arn:aws:s3:::cov-pit-2',
      rule_id: 'qnq-37b-9fs',
      resource_type: 'aws_s3_bucket',
      missing: ['versioning.status'],
      source: 'api',
      from: t0 + 3,
    },
  ]);
  while ((await storeClock()) <= t0 + 6) await new Promise((r) => setTimeout(r, 1));
  const t1 = await settle();
  const atT0 = await coverage(k, `filter[rule_id]=qnq-37b-9fs&snapshot_timestamp=${t0}`);
  // A bucket changes: its versioning finding opens a new state (the old one closes).
  const r = await s.api('/api/v2/csm/resources', {
    method: 'POST',
    keys: k,
    body: JSON.stringify({
      data: [
        {
          type: 'cloud_resource',
          id: 'arn:aws:s3:::bucket-martin-test-drift',
          attributes: {
            resource_type: 'aws_s3_bucket',
            cloud_provider: 'aws',
            configuration: { name: 'bucket-martin-test-drift', versioning: { status: 'Enabled' } },
          },
        },
      ],
    }),
  });
  assert.equal(r.status, 200, await r.text());
  await settle();
  const read = async (at: number) => (await coverage(k, `filter[rule_id]=qnq-37b-9fs&snapshot_timestamp=${at}`)).data[0]!.attributes;
  assert.equal((await read(t0)).not_evaluated, atT0.data[0]!.attributes.not_evaluated);
  assert.equal((await read(t0 + 2)).not_evaluated - (await read(t0)).not_evaluated, 1);
  assert.equal((await read(t0 + 4)).not_evaluated - (await read(t0)).not_evaluated, 2);
  assert.equal((await read(t1)).not_evaluated - (await read(t0)).not_evaluated, 1, 'the first gap closed at t0 + 5');
  for (const at of [t0, t0 + 2, t0 + 4, t1]) {
    const body = await coverage(k, `snapshot_timestamp=${at}`);
    assert.equal(body.meta.snapshot_timestamp, at);
    assertMatchesDirect(body, await directCounts(k.orgId, at), true);
  }
  const now = await coverage(k, 'filter[rule_id]=qnq-37b-9fs');
  assertMatchesDirect(now, await directCounts(k.orgId, now.meta.snapshot_timestamp));
  // The bucket's new version passes (unless the evaluation now finds it lacks a deciding field); at t1 it stood as imported.
  const then = await read(t1);
  const current = now.data[0]!.attributes;
  assert.equal(then.pass + then.fail + then.not_evaluated, current.pass + current.fail + current.not_evaluated, 'one pair each, then and now');
  assert.notDeepEqual([then.pass, then.fail], [current.pass, current.fail], 'the change shows now, not at t1');
});

test("a rule's not-evaluated resources page without gaps or duplicates, pinned to the first page's instant", async () => {
  const k = await newOrg();
  const t0 = await settle();
  const ids = Array.from({ length: 23 }, (_, i) => `arn:aws:iam::123456789012:role/cov-${String(i).padStart(2, '0')}`);
  await insertGaps(
    k.orgId,
    ids.map((id, i) => ({
      resource_id: id,
      rule_id: 'gpg-gkf-tn7',
      resource_type: 'aws_iam_role',
      missing: i % 2 ? ['role_last_used.last_used_date'] : ['role_last_used.last_used_date', 'create_date'],
      source: 'import:terraform-state',
      from: t0,
    })),
  );
  // Another rule's gap is not listed.
  await insertGaps(k.orgId, [
    { resource_id: ids[0]!, rule_id: 'owu-i9h-bh2', resource_type: 'aws_iam_role', missing: ['assume_role_policy'], source: 'api', from: t0 },
  ]);
  await settle();
  let added = 0;
  const pages = await allGapPages(k, 'gpg-gkf-tn7', 'page[limit]=5', async () => {
    // Gaps written while paging are not seen by this listing.
    await insertGaps(k.orgId, [
      {
        resource_id: `arn:aws:iam::123456789012:role/cov-${added++}-late`,
        rule_id: 'gpg-gkf-tn7',
        resource_type: 'aws_iam_role',
        missing: ['x'],
        source: 'api',
        from: await storeClock(),
      },
    ]);
  });
  assert.equal(pages.length, 5);
  const listed = pages.flatMap((p) => p.data.map((d) => d.id));
  assert.deepEqual(listed, ids, 'every resource once, in id order');
  for (const p of pages) {
    assert.equal(p.meta.page.total_filtered_count, 23);
    assert.equal(p.meta.snapshot_timestamp, pages[0]!.meta.snapshot_timestamp);
    assert.ok(p.data.length <= 5);
  }
  const first = pages[0]!.data[0]!;
  assert.equal(first.type, 'not_evaluated_resource');
  assert.deepEqual(first.attributes, {
    rule_id: 'gpg-gkf-tn7',
    resource_type: 'aws_iam_role',
    name: null,
    missing_fields: ['role_last_used.last_used_date', 'create_date'],
    source: 'import:terraform-state',
    not_evaluated_since: t0,
  });
  assert.equal(pages[pages.length - 1]!.meta.page.cursor, undefined);
  // A new listing sees the late ones.
  const fresh = await getJson<GapsBody>(k, gapsPath('gpg-gkf-tn7', 'page[limit]=1000'));
  assert.equal(fresh.meta.page.total_filtered_count, 23 + added);
  // At an instant before any gap: nothing.
  const empty = await getJson<GapsBody>(k, gapsPath('gpg-gkf-tn7', `snapshot_timestamp=${t0 - 1}`));
  assert.deepEqual(empty.data, []);
  assert.equal(empty.meta.page.total_filtered_count, 0);
  // The coverage agrees with the listing.
  const cov = (await coverage(k, `filter[rule_id]=gpg-gkf-tn7&snapshot_timestamp=${pages[0]!.meta.snapshot_timestamp}`)).data[0]!.attributes;
  assert.equal(cov.not_evaluated, 23);
  assert.deepEqual(cov.missing_fields, [
    { field: 'role_last_used.last_used_date', count: 23 },
    { field: 'create_date', count: 12 },
  ]);
  assert.deepEqual(cov.sources, [{ source: 'import:terraform-state', count: 23 }]);

  // A cursor serves only its own rule, instant and organization.
  const cursor = pages[0]!.meta.page.cursor!;
  const refused = async (path: string, keys: Keys = k) => {
    const body = await getJson<ErrorBody>(keys, path, 400);
    assert.equal(body.errors[0]!.code, 'STEWARD_ERR_INVALID_CURSOR');
    assert.equal(body.errors[0]!.source?.parameter, 'page[cursor]');
  };
  await refused(gapsPath('owu-i9h-bh2', `page[cursor]=${cursor}`));
  await refused(gapsPath('gpg-gkf-tn7', `page[cursor]=${cursor}&snapshot_timestamp=${t0}`));
  await refused(gapsPath('gpg-gkf-tn7', `page[cursor]=${cursor}`), await newOrg());
  await refused(gapsPath('gpg-gkf-tn7', 'page[cursor]=bm90LWEtY3Vyc29y'));
});

test('400s name the parameter; an unknown rule is a 404', async () => {
  const k = await newOrg();
  const bad = async (path: string, parameter: string) => {
    const body = await getJson<ErrorBody>(k, path, 400);
    assert.equal(body.errors[0]!.status, '400');
    assert.equal(body.errors[0]!.source?.parameter, parameter, `${path}: ${JSON.stringify(body)}`);
    assert.match(body.errors[0]!.code, /^STEWARD_ERR_INVALID_(PARAMETER|CURSOR)$/);
  };
  await bad(`${COVERAGE}?filter[rule_id]=NOT%20A%20RULE`, 'filter[rule_id]');
  await bad(`${COVERAGE}?filter[resource_type]=S3-Bucket`, 'filter[resource_type]');
  await bad(`${COVERAGE}?filter[resource_type]=${'a'.repeat(300)}`, 'filter[resource_type]');
  await bad(`${COVERAGE}?snapshot_timestamp=yesterday`, 'snapshot_timestamp');
  await bad(`${COVERAGE}?snapshot_timestamp=-1`, 'snapshot_timestamp');
  await bad(`${COVERAGE}?filter[status]=fail`, 'filter[status]');
  await bad(`${COVERAGE}?filter[rule_id]=abc-d3f-gh1&filter[rule_id]=jdr-07p-t39`, 'filter[rule_id]');
  await bad(gapsPath('jdr-07p-t39', 'page[limit]=0'), 'page[limit]');
  await bad(gapsPath('jdr-07p-t39', 'page[limit]=1001'), 'page[limit]');
  await bad(gapsPath('jdr-07p-t39', 'page[cursor]=***'), 'page[cursor]');
  await bad(gapsPath('jdr-07p-t39', 'page[size]=3'), 'page[size]');

  const missing = await getJson<ErrorBody>(k, gapsPath('zzz-zzz-zzz'), 404);
  assert.equal(missing.errors[0]!.code, 'STEWARD_ERR_NOT_FOUND');
  assert.match(missing.errors[0]!.detail, /zzz-zzz-zzz/);
  // A rule of the pack with nothing to list answers an empty page.
  const none = await getJson<GapsBody>(k, gapsPath('jdr-07p-t39'));
  assert.deepEqual(none.data, []);
  // Keys are needed; the budget is the findings family's.
  const r = await fetch(`${s.url}${COVERAGE}`);
  assert.equal(r.status, 401);
  const ok = await s.api(COVERAGE, { keys: k });
  assert.equal(ok.headers.get('x-ratelimit-name'), 'findings');
});

test('the OpenAPI document describes both routes with their parameters', async () => {
  const doc = (await (await fetch(`${s.url}/api/v2/openapi.json`)).json()) as {
    paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
  };
  const list = doc.paths['/api/v2/csm/rules/coverage']?.get;
  assert.ok(list, 'coverage documented');
  assert.deepEqual(list.parameters?.map((p) => p.name).sort(), ['filter[resource_type]', 'filter[rule_id]', 'snapshot_timestamp']);
  const gaps = doc.paths['/api/v2/csm/rules/coverage/{rule_id}/resources']?.get;
  assert.ok(gaps, 'not-evaluated resources documented');
  assert.deepEqual(gaps.parameters?.map((p) => `${p.in}:${p.name}`).sort(), [
    'path:rule_id',
    'query:page[cursor]',
    'query:page[limit]',
    'query:snapshot_timestamp',
  ]);
});
