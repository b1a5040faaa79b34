// The resource inventory over HTTP: GET /api/v2/csm/resources (filters, tags ANDed, cursors pinned to their instant,
// point in time) and GET /api/v2/csm/resources/{resource_id} (versions with where each came from, point in time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bucketItem } from '../helpers/resource-items.js';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { ingestResourceBatch, ingestResources } from '../../src/posture/inventory-service.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import type { RuleEngine } from '../../src/posture/rule-engine.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

type Keys = { apiKey: string; appKey: string; orgId: string };
type Attributes = {
  resource_type: string;
  account: string;
  region: string;
  tags: string[];
  version: number;
  valid_from: number;
  source: string | null;
  actor: string | null;
  configuration?: unknown;
};
type Item = { type: string; id: string; attributes: Attributes };
type ListBody = {
  data: Item[];
  links?: { next: string };
  meta: { page: { total_filtered_count: number; cursor?: string }; snapshot_timestamp: number };
};
type Version = {
  version: number;
  valid_from: number;
  valid_to: number | null;
  deleted: boolean;
  source: string | null;
  actor: string | null;
  tags: string[];
  configuration: Record<string, unknown>;
};
type DetailBody = {
  data: { id: string; attributes: Attributes & { deleted: boolean; observed_at: number | null; versions: Version[] } };
  meta?: { snapshot_timestamp: number };
};
type ErrorBody = { errors: Array<{ status: string; code: string; detail: string; source?: { parameter?: string } }> };

const LIST = '/api/v2/csm/resources';
const noRules: RuleEngine = { rulesFor: () => [], evaluate: () => 'pass', ruleById: () => undefined };
let orgs = 0;
const newOrg = () => s.newKeys(`inventory-org-${++orgs}`);

async function post(keys: Keys, items: unknown[]): Promise<void> {
  const r = await s.api(LIST, { method: 'POST', body: JSON.stringify({ data: items }), keys });
  assert.equal(r.status, 200, await r.text());
}

/** Writes as an importer would (no actor). */
async function importAs(keys: Keys, source: string, items: unknown[]): Promise<void> {
  const records = items.map((item, i) => parseResourceItem(item, `item ${i}`, Date.now()));
  await ingestResources(s.server.db, keys.orgId, records, noRules, { source });
}

const storeClock = async () =>
  Number((await s.server.db.query<{ now: string }>('SELECT floor(extract(epoch from clock_timestamp()) * 1000)::bigint AS now')).rows[0]!.now);

/** Until the store's clock passes every write made so far (a write's instant is at most one past the clock at its commit). */
async function settle(): Promise<void> {
  const seen = await storeClock();
  while ((await storeClock()) <= seen) await new Promise((r) => setTimeout(r, 1));
}

async function getJson<T>(keys: Keys, path: string, status = 200): Promise<T> {
  const r = await s.api(path, { keys });
  const text = await r.text();
  assert.equal(r.status, status, `${path}: ${text}`);
  return JSON.parse(text) as T;
}
const list = (keys: Keys, query = '') => getJson<ListBody>(keys, `${LIST}${query ? `?${query}` : ''}`);
const ids = (body: ListBody) => body.data.map((d) => d.id);
const detail = (keys: Keys, id: string, query = '') => getJson<DetailBody>(keys, `${LIST}/${encodeURIComponent(id)}${query ? `?${query}` : ''}`);

/** Every page from `query` on, following links.next. */
async function allPages(keys: Keys, query: string, between: (page: number) => Promise<void> = async () => {}): Promise<ListBody[]> {
  const pages = [await list(keys, query)];
  while (pages[pages.length - 1]!.links) {
    await between(pages.length);
    pages.push(await getJson<ListBody>(keys, pages[pages.length - 1]!.links!.next));
  }
  return pages;
}

test('a snapshot_timestamp the server has not reached pages on through links.next, which sends it again', async () => {
  const k = await newOrg();
  await post(
    k,
    Array.from({ length: 5 }, (_, i) => bucketItem(`arn:aws:s3:::ahead-${i}`, { tags: ['env:ahead'] })),
  );
  const ahead = Date.now() + 3_600_000;
  const pages = await allPages(k, `filter[tags]=env:ahead&page[limit]=2&snapshot_timestamp=${ahead}`);
  assert.equal(pages.length, 3);
  assert.equal(pages.flatMap(ids).length, 5);
  assert.ok(pages.every((p) => p.meta.snapshot_timestamp === pages[0]!.meta.snapshot_timestamp && p.meta.snapshot_timestamp < ahead));
  const cursor = encodeURIComponent(pages[0]!.meta.page.cursor!);
  await getJson<ErrorBody>(k, `${LIST}?filter[tags]=env:ahead&page[limit]=2&page[cursor]=${cursor}&snapshot_timestamp=${ahead + 1}`, 400);
});

test('each filter selects exactly its resources; tags are ANDed; the items say where their version came from', async () => {
  const k = await newOrg();
  await post(k, [
    bucketItem('arn:aws:s3:::inv-a', { account: '111111111111', region: 'eu-west-1', tags: ['env:prod', 'team:payments'] }),
    bucketItem('arn:aws:s3:::inv-b', { account: '111111111111', region: 'us-east-1', tags: ['env:dev', 'team:payments'] }),
    bucketItem('arn:aws:s3:::inv-c', { account: '222222222222', region: 'eu-west-1', tags: ['env:prod'] }),
    bucketItem('arn:aws:ec2:eu-west-1:111111111111:instance/i-1', {
      resource_type: 'aws_ec2_instance',
      account: '111111111111',
      region: 'eu-west-1',
      tags: ['env:prod', 'team:core'],
    }),
  ]);
  await importAs(k, 'import:terraform-state', [
    bucketItem('arn:aws:s3:::inv-tf', { account: '333333333333', region: 'eu-west-1', tags: ['env:prod'] }),
  ]);
  await settle();

  const everything = await list(k);
  assert.deepEqual(ids(everything), [
    'arn:aws:ec2:eu-west-1:111111111111:instance/i-1',
    'arn:aws:s3:::inv-a',
    'arn:aws:s3:::inv-b',
    'arn:aws:s3:::inv-c',
    'arn:aws:s3:::inv-tf',
  ]);
  assert.equal(everything.meta.page.total_filtered_count, 5);
  assert.equal(everything.meta.page.cursor, undefined);
  assert.equal(everything.links, undefined);
  const a = everything.data.find((d) => d.id === 'arn:aws:s3:::inv-a')!;
  assert.equal(a.type, 'cloud_resource');
  assert.deepEqual(
    { ...a.attributes, valid_from: 0 },
    {
      resource_type: 'aws_s3_bucket',
      name: 'inv-a',
      cloud_provider: 'aws',
      account: '111111111111',
      region: 'eu-west-1',
      tags: ['env:prod', 'team:payments'],
      version: 1,
      valid_from: 0,
      source: 'api',
      actor: 'reviewer',
      first_seen_at: 1_700_000_000_000,
    },
  );
  assert.equal(everything.data.find((d) => d.id === 'arn:aws:s3:::inv-tf')!.attributes.source, 'import:terraform-state');
  assert.equal(everything.data.find((d) => d.id === 'arn:aws:s3:::inv-tf')!.attributes.actor, null);

  const cases: Array<[string, string[]]> = [
    ['filter[resource_type]=aws_ec2_instance', ['arn:aws:ec2:eu-west-1:111111111111:instance/i-1']],
    ['filter[resource_type]=aws_s3_bucket', ['arn:aws:s3:::inv-a', 'arn:aws:s3:::inv-b', 'arn:aws:s3:::inv-c', 'arn:aws:s3:::inv-tf']],
    ['filter[resource_type]=aws_rds_instance', []],
    ['filter[account]=111111111111', ['arn:aws:ec2:eu-west-1:111111111111:instance/i-1', 'arn:aws:s3:::inv-a', 'arn:aws:s3:::inv-b']],
    ['filter[region]=us-east-1', ['arn:aws:s3:::inv-b']],
    ['filter[source]=import:terraform-state', ['arn:aws:s3:::inv-tf']],
    ['filter[source]=api&filter[region]=eu-west-1', ['arn:aws:ec2:eu-west-1:111111111111:instance/i-1', 'arn:aws:s3:::inv-a', 'arn:aws:s3:::inv-c']],
    ['filter[tags]=team:payments', ['arn:aws:s3:::inv-a', 'arn:aws:s3:::inv-b']],
    ['filter[tags]=team:payments&filter[tags]=env:prod', ['arn:aws:s3:::inv-a']],
    ['filter[tags]=env:prod&filter[tags]=team:payments&filter[tags]=env:prod', ['arn:aws:s3:::inv-a']],
    ['filter[tags]=env:prod&filter[tags]=team:nobody', []],
    ['filter[tags]=env:prod&filter[account]=111111111111&filter[resource_type]=aws_s3_bucket', ['arn:aws:s3:::inv-a']],
  ];
  for (const [query, expected] of cases) {
    const body = await list(k, query);
    assert.deepEqual(ids(body), expected, query);
    assert.equal(body.meta.page.total_filtered_count, expected.length, query);
  }
  // Brackets percent-encoded, as clients send them, are the same parameters.
  assert.deepEqual(ids(await list(k, 'filter%5Bregion%5D=us-east-1')), ['arn:aws:s3:::inv-b']);
  // Another organization sees none of these.
  assert.deepEqual(ids(await list(await newOrg())), []);
});

test('paging follows the cursor through every resource of its instant once, while a writer changes resources between pages', async () => {
  const k = await newOrg();
  const name = (i: number) => `arn:aws:s3:::page-${String(i).padStart(2, '0')}`;
  await post(
    k,
    Array.from({ length: 25 }, (_, i) => bucketItem(name(i * 2), { tags: ['env:prod', `n:${i}`] })),
  );
  await settle();
  const initial = Array.from({ length: 25 }, (_, i) => name(i * 2));
  const writes = [
    // New resources before and after the pages read so far, an update that drops the filtered tag, a deletion, an update
    // of a resource already listed, and a resource that leaves and comes back.
    () => post(k, [bucketItem(name(1), { tags: ['env:prod'] }), bucketItem(name(47), { tags: ['env:prod'] })]),
    () => post(k, [bucketItem(name(30), { tags: ['env:dev'] })]),
    () => post(k, [bucketItem(name(40), { deleted: true })]),
    () => post(k, [bucketItem(name(0), { tags: ['env:prod', 'changed:yes'] })]),
    () => post(k, [bucketItem(name(44), { deleted: true })]),
    () => post(k, [bucketItem(name(44), { tags: ['env:prod', 'back:yes'] })]),
  ];
  const pages = await allPages(k, 'filter[tags]=env:prod&page[limit]=4', async (page) => {
    await writes[page - 1]?.();
    await settle();
  });
  assert.equal(pages.length, 7);
  const seen = pages.flatMap(ids);
  assert.deepEqual(seen, initial, 'every resource of the first instant once, in order, nothing written later');
  for (const page of pages) {
    assert.equal(page.meta.page.total_filtered_count, 25);
    assert.equal(page.meta.snapshot_timestamp, pages[0]!.meta.snapshot_timestamp);
    assert.ok(page.data.every((d) => d.attributes.version === 1 && d.attributes.tags.includes('env:prod')));
  }
  // links.next is the listing's absolute URL with the cursor; the cursor alone, with the same filters, is the same page.
  const second = await list(k, `filter[tags]=env:prod&page[limit]=4&page[cursor]=${encodeURIComponent(pages[0]!.meta.page.cursor!)}`);
  assert.deepEqual(ids(second), ids(pages[1]!));
  assert.ok(pages[0]!.links!.next.startsWith(`${s.url}/api/v2/csm/resources?`), pages[0]!.links!.next);

  // A new listing sees the writes.
  const now = await allPages(k, 'filter[tags]=env:prod&page[limit]=10');
  const expected = [...initial.filter((id) => id !== name(30) && id !== name(40)), name(1), name(47)].sort();
  assert.deepEqual(now.flatMap(ids), expected);
  assert.equal(now[0]!.meta.page.total_filtered_count, expected.length);
  assert.deepEqual(now[0]!.data.find((d) => d.id === name(0))!.attributes.tags, ['env:prod', 'changed:yes']);
  assert.equal(now.flatMap((p) => p.data).find((d) => d.id === name(44))!.attributes.version, 3);
});

test(
  'a cursor is pinned to its instant even when a writer that began before it commits after it',
  { skip: !process.env.DATABASE_URL && 'PGlite runs one transaction at a time: no writer is in flight while a page is read' },
  async () => {
    const k = await newOrg();
    const held = (n: number) => `arn:aws:s3:::held-${n}`;
    await post(k, [bucketItem(held(1)), bucketItem(held(2)), bucketItem(held(3))]);
    await settle();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    // The writer has picked its instant and written, but holds its transaction open until the first page has answered.
    const writer = withFindingWriteLease(s.server.db, k.orgId, [held(9)], async (tx, now) => {
      const record = parseResourceItem(bucketItem(held(9)), 'held', Date.now());
      await ingestResourceBatch(tx, k.orgId, [record], noRules, { now, source: 'import:resources' });
      wrote();
      await gate;
    });
    await written;
    const first = await list(k, 'page[limit]=1');
    release();
    await writer;
    await settle();
    const rest = await allPages(k, `page[limit]=1&page[cursor]=${encodeURIComponent(first.meta.page.cursor!)}`);
    assert.deepEqual([...ids(first), ...rest.flatMap(ids)], [held(1), held(2), held(3)], 'held-9 committed after the instant was picked');
    assert.ok([first, ...rest].every((p) => p.meta.page.total_filtered_count === 3));
    assert.deepEqual(ids(await list(k)), [held(1), held(2), held(3), held(9)]);
  },
);

test('point in time: the listing and the resource as they stood after an update and after a deletion; versions with their sources', async () => {
  const k = await newOrg();
  const id = 'arn:aws:s3:::pit-bucket';
  const other = 'arn:aws:s3:::pit-imported';
  await importAs(k, 'import:terraform-state', [bucketItem(other, { tags: ['env:prod'] })]);
  await settle();
  await post(k, [bucketItem(id, { tags: ['env:prod'] })]);
  await settle();
  await post(k, [
    bucketItem(id, { tags: ['env:dev'], configuration: { versioning: { status: 'Suspended' } } }),
    bucketItem(other, { tags: ['env:dev'] }),
  ]);
  await settle();
  await post(k, [bucketItem(id, { deleted: true })]);
  await settle();

  const now = await detail(k, id);
  assert.equal(now.data.id, id);
  assert.equal(now.data.attributes.deleted, true);
  assert.equal(now.data.attributes.version, 3);
  assert.equal(now.meta, undefined);
  const versions = now.data.attributes.versions;
  assert.deepEqual(
    versions.map((v) => [v.version, v.deleted, v.source, v.actor, v.tags]),
    [
      [1, false, 'api', 'reviewer', ['env:prod']],
      [2, false, 'api', 'reviewer', ['env:dev']],
      [3, true, 'api', 'reviewer', ['env:prod']],
    ],
  );
  const [v1, v2, v3] = versions as [Version, Version, Version];
  assert.ok(v1.valid_from < v2.valid_from && v2.valid_from < v3.valid_from);
  assert.deepEqual([v1.valid_to, v2.valid_to, v3.valid_to], [v2.valid_from, v3.valid_from, null]);
  assert.deepEqual(v2.configuration, { versioning: { status: 'Suspended' } });
  const imported = (await detail(k, other)).data.attributes;
  assert.deepEqual(
    imported.versions.map((v) => [v.version, v.source, v.actor, v.valid_to === null]),
    [
      [1, 'import:terraform-state', null, false],
      [2, 'api', 'reviewer', true],
    ],
  );
  assert.equal(imported.source, 'api');

  const at = (t: number, query = '') => list(k, `snapshot_timestamp=${t}${query ? `&${query}` : ''}`);
  const before = imported.versions[0]!.valid_from;
  assert.deepEqual(ids(await at(before - 1)), []);
  assert.deepEqual(ids(await at(before)), [other]);
  const first = await at(v1.valid_from);
  assert.equal(first.meta.snapshot_timestamp, v1.valid_from);
  assert.deepEqual(
    first.data.map((d) => [d.id, d.attributes.version, d.attributes.tags, d.attributes.source]),
    [
      [id, 1, ['env:prod'], 'api'],
      [other, 1, ['env:prod'], 'import:terraform-state'],
    ],
  );
  assert.deepEqual(ids(await at(v2.valid_from - 1, 'filter[tags]=env:prod')), [id, other]);
  assert.deepEqual(ids(await at(v2.valid_from - 1, 'filter[source]=import:terraform-state')), [other]);
  assert.deepEqual(ids(await at(v2.valid_from - 1, 'filter[tags]=env:dev')), []);
  // After the update.
  const updated = await at(v2.valid_from);
  assert.deepEqual(
    updated.data.map((d) => [d.id, d.attributes.version, d.attributes.tags]),
    [
      [id, 2, ['env:dev']],
      [other, 2, ['env:dev']],
    ],
  );
  assert.deepEqual(ids(await at(v2.valid_from, 'filter[tags]=env:prod')), []);
  assert.deepEqual(ids(await at(v2.valid_from, 'filter[source]=import:terraform-state')), []);
  // After the deletion: absent, now and then.
  const deleted = await at(v3.valid_from);
  assert.deepEqual(ids(deleted), [other]);
  assert.equal(deleted.meta.page.total_filtered_count, 1);
  assert.deepEqual(ids(await list(k)), [other]);
  // A snapshot in the future reads no later than now.
  assert.ok((await at(Number.MAX_SAFE_INTEGER)).meta.snapshot_timestamp <= (await storeClock()));

  // The resource as it stood: the version then, and the versions begun by then as they stood then.
  const then = await detail(k, id, `snapshot_timestamp=${v2.valid_from}`);
  assert.deepEqual(then.meta, { snapshot_timestamp: v2.valid_from });
  assert.equal(then.data.attributes.version, 2);
  assert.equal(then.data.attributes.deleted, false);
  assert.deepEqual(then.data.attributes.tags, ['env:dev']);
  assert.deepEqual(then.data.attributes.configuration, { versioning: { status: 'Suspended' } });
  assert.equal(then.data.attributes.observed_at, null);
  assert.deepEqual(
    then.data.attributes.versions.map((v) => [v.version, v.valid_to]),
    [
      [1, v2.valid_from],
      [2, null],
    ],
  );
  const gone = await detail(k, id, `snapshot_timestamp=${v3.valid_from}`);
  assert.equal(gone.data.attributes.deleted, true);
  const missing = await getJson<ErrorBody>(k, `${LIST}/${encodeURIComponent(id)}?snapshot_timestamp=${v1.valid_from - 1}`, 404);
  assert.equal(missing.errors[0]!.code, 'STEWARD_ERR_NOT_FOUND');
});

test('resource ids in paths are URL-encoded ARNs; unknown ids and other organizations are a 404', async () => {
  const k = await newOrg();
  const instance = 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc';
  const long = `arn:aws:ec2:eu-west-1:111111111111:instance/${'/:'.repeat(480)}x`;
  await post(k, [bucketItem('arn:aws:s3:::bucket'), bucketItem(instance, { resource_type: 'aws_ec2_instance' })]);
  await post(k, [bucketItem(long, { resource_type: 'aws_ec2_instance' })]);
  const bucket = await getJson<DetailBody>(k, `${LIST}/arn%3Aaws%3As3%3A%3A%3Abucket`);
  assert.equal(bucket.data.id, 'arn:aws:s3:::bucket');
  assert.equal(bucket.data.attributes.versions.length, 1);
  assert.equal((await getJson<DetailBody>(k, `${LIST}/arn%3Aaws%3Aec2%3Aeu-west-1%3A111111111111%3Ainstance%2Fi-0abc`)).data.id, instance);
  // Longer than the router's parameter limit once encoded: the same answer.
  assert.ok(encodeURIComponent(long).length > 2048);
  assert.equal((await detail(k, long)).data.id, long);

  for (const path of [`${LIST}/arn%3Aaws%3As3%3A%3A%3Anone`, `${LIST}/none`]) {
    const body = await getJson<ErrorBody>(k, path, 404);
    assert.equal(body.errors[0]!.code, 'STEWARD_ERR_NOT_FOUND');
  }
  const stranger = await newOrg();
  const theirs = await getJson<ErrorBody>(stranger, `${LIST}/arn%3Aaws%3As3%3A%3A%3Abucket`, 404);
  assert.ok(!JSON.stringify(theirs).includes('eu-west-1'));
});

test('bad parameters are a 400 naming the parameter, never a 500', async () => {
  const k = await newOrg();
  await post(k, [bucketItem('arn:aws:s3:::bad-1', { tags: ['env:prod'] }), bucketItem('arn:aws:s3:::bad-2', { tags: ['env:prod'] })]);
  await settle();
  const first = await list(k, 'filter[tags]=env:prod&page[limit]=1');
  const cursor = encodeURIComponent(first.meta.page.cursor!);
  const stranger = await newOrg();
  await post(stranger, [bucketItem('arn:aws:s3:::bad-1', { tags: ['env:prod'] }), bucketItem('arn:aws:s3:::bad-2', { tags: ['env:prod'] })]);
  await settle();
  const strangerCursor = encodeURIComponent((await list(stranger, 'filter[tags]=env:prod&page[limit]=1')).meta.page.cursor!);
  const forged = Buffer.from(
    JSON.stringify({ ...(JSON.parse(Buffer.from(first.meta.page.cursor!, 'base64url').toString()) as object), after: 'arn:aws:s3:::a' }),
  ).toString('base64url');
  const cases: Array<[string, string, string, RegExp]> = [
    ['filter[tags]=env', 'filter[tags]', 'STEWARD_ERR_INVALID_PARAMETER', /"env" is not a key:value tag|is not a key:value tag/],
    ['filter[tags]=env:prod&filter[tags]=:x', 'filter[tags]', 'STEWARD_ERR_INVALID_PARAMETER', /key:value/],
    ['filter[tags]=', 'filter[tags]', 'STEWARD_ERR_INVALID_PARAMETER', /key:value/],
    ['filter[resource_type]=AWS::S3::Bucket', 'filter[resource_type]', 'STEWARD_ERR_INVALID_PARAMETER', /is not of the form/],
    ['filter[resource_type]=a&filter[resource_type]=b', 'filter[resource_type]', 'STEWARD_ERR_INVALID_PARAMETER', /given more than once/],
    ['filter[account]=', 'filter[account]', 'STEWARD_ERR_INVALID_PARAMETER', /is not of the form/],
    ['filter[region]=eu%20west', 'filter[region]', 'STEWARD_ERR_INVALID_PARAMETER', /is not of the form/],
    [`filter[region]=${'r'.repeat(300)}`, 'filter[region]', 'STEWARD_ERR_INVALID_PARAMETER', /at most 256/],
    ['filter[source]=import%20x', 'filter[source]', 'STEWARD_ERR_INVALID_PARAMETER', /is not of the form/],
    ['filter[owner]=team', 'filter[owner]', 'STEWARD_ERR_INVALID_PARAMETER', /is not a parameter of this endpoint/],
    ['filter[rule_id]=x', 'filter[rule_id]', 'STEWARD_ERR_INVALID_PARAMETER', /is not a parameter of this endpoint/],
    ['page[limit]=0', 'page[limit]', 'STEWARD_ERR_INVALID_PARAMETER', /between 1 and 1000/],
    ['page[limit]=1001', 'page[limit]', 'STEWARD_ERR_INVALID_PARAMETER', /between 1 and 1000/],
    ['page[limit]=ten', 'page[limit]', 'STEWARD_ERR_INVALID_PARAMETER', /not a non-negative integer/],
    ['page[cursor]=', 'page[cursor]', 'STEWARD_ERR_INVALID_PARAMETER', /is empty/],
    ['page[cursor]=not-a-cursor', 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /not a cursor this server issued/],
    ['page[cursor]=%21%21', 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /not a cursor this server issued/],
    [`page[cursor]=${forged}&filter[tags]=env:prod`, 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /was not issued by this server/],
    [`page[cursor]=${cursor}`, 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /other filters/],
    [`page[cursor]=${cursor}&filter[tags]=env:dev`, 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /other filters/],
    [`page[cursor]=${cursor}&filter[tags]=env:prod&snapshot_timestamp=1`, 'page[cursor]', 'STEWARD_ERR_INVALID_CURSOR', /belongs to snapshot/],
    [
      `page[cursor]=${strangerCursor}&filter[tags]=env:prod`,
      'page[cursor]',
      'STEWARD_ERR_INVALID_CURSOR',
      /not issued by this server to this organization/,
    ],
    ['snapshot_timestamp=yesterday', 'snapshot_timestamp', 'STEWARD_ERR_INVALID_PARAMETER', /not a non-negative integer/],
    ['snapshot_timestamp=-1', 'snapshot_timestamp', 'STEWARD_ERR_INVALID_PARAMETER', /not a non-negative integer|between/],
    ['snapshot_timestamp=1.5', 'snapshot_timestamp', 'STEWARD_ERR_INVALID_PARAMETER', /not a non-negative integer/],
    ['snapshot_timestamp=99999999999999999999', 'snapshot_timestamp', 'STEWARD_ERR_INVALID_PARAMETER', /./],
    ['snapshot_timestamp=1&snapshot_timestamp=2', 'snapshot_timestamp', 'STEWARD_ERR_INVALID_PARAMETER', /given more than once/],
    ['filter[tags]=a%00:b', 'filter[tags]', 'STEWARD_ERR_INVALID_PARAMETER', /NUL/],
  ];
  for (const [query, parameter, code, detail] of cases) {
    const body = await getJson<ErrorBody>(k, `${LIST}?${query}`, 400);
    assert.equal(body.errors[0]!.source?.parameter, parameter, query);
    assert.equal(body.errors[0]!.code, code, query);
    assert.match(body.errors[0]!.detail, detail, query);
    assert.ok(body.errors[0]!.detail.startsWith(`Invalid parameter ${parameter}: `), query);
  }
  const id = encodeURIComponent('arn:aws:s3:::bad-1');
  for (const [query, parameter] of [
    ['snapshot_timestamp=soon', 'snapshot_timestamp'],
    ['filter[tags]=env:prod', 'filter[tags]'],
  ] as const) {
    const body = await getJson<ErrorBody>(k, `${LIST}/${id}?${query}`, 400);
    assert.equal(body.errors[0]!.source?.parameter, parameter);
  }
  const tooLong = await getJson<ErrorBody>(k, `${LIST}/${'x'.repeat(1025)}`, 400);
  assert.equal(tooLong.errors[0]!.source?.parameter, 'resource_id');
});

test('the OpenAPI document lists the listing parameters and both answers', async () => {
  type Operation = { parameters: Array<{ in: string; name: string; schema: object; description?: string }>; responses: Record<string, unknown> };
  const doc = (await (await s.api('/api/v2/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
  const listing = doc.paths[LIST]!.get!;
  assert.deepEqual(listing.parameters.map((p) => p.name).sort(), [
    'filter[account]',
    'filter[region]',
    'filter[resource_type]',
    'filter[source]',
    'filter[tags]',
    'page[cursor]',
    'page[limit]',
    'snapshot_timestamp',
  ]);
  assert.ok(listing.responses['200']);
  const one = doc.paths[`${LIST}/{resource_id}`]!.get!;
  assert.deepEqual(one.parameters.map((p) => `${p.in} ${p.name}`).sort(), ['path resource_id', 'query snapshot_timestamp']);
  assert.match(JSON.stringify(one.responses['200']), /versions/);
});
