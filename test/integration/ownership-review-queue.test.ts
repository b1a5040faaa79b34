import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bucketRecord } from '../helpers/resource-items.js';
import type { Directory, Service } from '../../src/ownership/signals.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { importDirectory, importServices } from '../../src/ownership/signal-imports.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { queryReviewQueue } from '../../src/store/review-queue.js';
import { priorityInputOf } from '../../src/ownership/use-cases/review-queue.js';
import { reviewPriority } from '../../src/ownership/review-priority.js';
import { catalogService } from '../helpers/catalog-service.js';

// The review queue over HTTP, on an organization written through the product's own importers and inferred by the
// real engine: buckets whose team comes from the service catalog (six on one service, one alone on each of three
// others), one with a team tag of its own, two sharing another, one nothing names; a bucket left open has critical and
// high findings.

const ACCOUNT = '111122223333';
const QUEUE = '/api/v2/csm/ownership/review_queue';
const arn = (name: string) => `arn:aws:s3:::${name}`;
// Names chosen so that the resource id tie-break alone would give each pair compared below the other way round.
const GROUP = ['pay-1', 'pay-2', 'pay-3', 'pay-4', 'pay-5', 'pay-6'].map(arn);
const LONE = arn('lone-billing');
const OPEN = arn('search-open');
const QUIET = arn('ledger-quiet');
const TAGGED = arn('a-tagged-platform');
/** Two buckets with the same tag: their answers rest on one piece of evidence, the tag, though each tag is its own bucket's. */
const SAME_TAG = [arn('b-tagged-data'), arn('c-tagged-data')];
const NOTHING = arn('nothing-named');

const DIRECTORY: Directory = {
  users: [{ handle: 'alice', email: 'alice@acme.example', display_name: 'Alice Ng', active: true, teams: ['payments'] }],
  teams: [
    { handle: 'payments', name: 'Payments', members: ['alice'] },
    { handle: 'platform', name: 'Platform Engineering', members: [] },
    { handle: 'data', name: 'Data', members: [] },
  ],
};

const service = (name: string, team: string): Service => catalogService(name, team);

const bucket = (id: string, tags: string[], open = false) => bucketRecord(id, tags, { account: ACCOUNT, open });

interface Item {
  id: string;
  type: string;
  attributes: {
    resource: { id: string; type?: string };
    owner_type: string;
    inference: { owner_type: string; owner_handle: string | null; confidence: string; status: string; checksum: string };
    score: number;
    score_parts: {
      uncertainty: number;
      reach: number;
      impact: number;
      group_size: number;
      reviewed_in_group: number;
      open_critical_high: number;
    };
    deciding_evidence: { type: string; evidence_id: string | null; name: string | null; piece: string | null } | null;
    reason: string;
  };
}
interface Page {
  data: Item[];
  links?: { next: string };
  meta: { page: { limit: number; total_filtered_count: number; cursor?: string } };
}
interface ErrorAnswer {
  errors: Array<{ status: string; detail: string; source?: { parameter?: string } }>;
}

let s: TestServer;

before(async () => {
  s = await startTestServer();
  const { db } = s.server;
  const now = Date.now();
  await db.transaction(async (tx) => {
    await importDirectory(tx, s.orgId, DIRECTORY, 'hr-directory', now);
    const services = [service('checkout', 'payments'), service('billing', 'data'), service('search', 'platform'), service('ledger', 'platform')];
    await importServices(tx, s.orgId, services, 'datadog_service_catalog', now);
  });
  const resources = [
    ...GROUP.map((id) => bucket(id, ['service:checkout'])),
    bucket(LONE, ['service:billing']),
    bucket(OPEN, ['service:search'], true),
    bucket(QUIET, ['service:ledger']),
    bucket(TAGGED, ['team:platform']),
    ...SAME_TAG.map((id) => bucket(id, ['team:data'])),
    bucket(NOTHING, []),
  ];
  await ingestResources(db, s.orgId, resources, builtInRuleEngine(), { source: 'import:resources', now });
  await recomputeUntilEmpty(db, { orgId: s.orgId });
});

after(async () => s?.stop());

async function page(query = ''): Promise<Page> {
  const r = await s.api(`${QUEUE}${query}`);
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as Page;
}

const whole = async (query = '') => (await page(`?page[limit]=1000${query}`)).data;
const byResource = (items: Item[]) => new Map(items.map((i) => [i.attributes.resource.id, i]));
const rank = (items: Item[], id: string) => {
  const i = items.findIndex((x) => x.attributes.resource.id === id);
  assert.ok(i >= 0, `${id} is in the queue`);
  return i;
};

async function badRequest(query: string, parameter: string) {
  const r = await s.api(`${QUEUE}${query}`);
  assert.equal(r.status, 400, query);
  const body = (await r.json()) as ErrorAnswer;
  assert.equal(body.errors[0]!.status, '400');
  assert.equal(body.errors[0]!.source?.parameter, parameter, `${query}: ${body.errors[0]!.detail}`);
  return body.errors[0]!.detail;
}

/** Infers now what the queue holds (what the server's worker would take within a second). */
const settle = () => recomputeUntilEmpty(s.server.db, { orgId: s.orgId });

async function feedback(resourceId: string, attributes: Record<string, unknown>) {
  const r = await s.api(`/api/v2/csm/ownership/${encodeURIComponent(resourceId)}/team/feedback`, {
    method: 'POST',
    body: JSON.stringify({ data: { type: 'ownership_feedback', attributes } }),
  });
  assert.equal(r.status, 201, await r.text());
}

test('each item carries its resource, inference, score and parts, and why it is there', async () => {
  const items = await whole();
  const first = await page();
  assert.equal(first.meta.page.limit, 50);
  assert.equal(first.meta.page.total_filtered_count, items.length);
  assert.equal(items.length, 13, 'every team answer waits for review');
  const open = byResource(items).get(OPEN)!;
  assert.equal(open.type, 'ownership_review_item');
  assert.equal(open.id, `${OPEN}:team`);
  assert.deepEqual(open.attributes.resource, { id: OPEN, type: 'aws_s3_bucket' });
  const inference = (await (await s.api(`/api/v2/csm/ownership/${encodeURIComponent(OPEN)}/team`)).json()) as {
    data: { attributes: { checksum: string; confidence: string; status: string } };
  };
  assert.equal(open.attributes.inference.checksum, inference.data.attributes.checksum);
  assert.equal(open.attributes.inference.confidence, inference.data.attributes.confidence);
  assert.equal(open.attributes.inference.owner_handle, 'platform');
  assert.equal(open.attributes.inference.status, 'suggested');
  assert.deepEqual(open.attributes.deciding_evidence, { type: 'catalog', evidence_id: 'search', name: 'search', piece: 'catalog|search' });
  assert.equal(open.attributes.score_parts.open_critical_high, 3, 'two critical and one high public-access finding');
  assert.equal(open.attributes.score_parts.impact, 4);
  assert.equal(open.attributes.score_parts.group_size, 1);
  const confidence = Number(open.attributes.inference.confidence);
  assert.equal(
    open.attributes.reason,
    `confidence ${confidence.toFixed(2)}; it alone rests on its evidence (service catalog entry \`search\`); 3 open critical/high findings`,
  );
  const grouped = byResource(items).get(GROUP[0]!)!;
  assert.match(grouped.attributes.reason, /; 6 resources rest on the same evidence \(service catalog entry `checkout`\)$/);
  // Answers resting on the same tag form a group, though each tag is read from its own bucket.
  for (const id of SAME_TAG) {
    const tagged = byResource(items).get(id)!.attributes;
    assert.equal(tagged.deciding_evidence?.piece, 'owner_tag|team:data');
    assert.equal(tagged.score_parts.group_size, 2);
  }
  assert.equal(byResource(items).get(TAGGED)!.attributes.score_parts.group_size, 1);
  // An answer that names no owner is fully uncertain, a group of its own.
  const nothing = byResource(items).get(NOTHING)!;
  assert.equal(nothing.attributes.inference.owner_type, 'unknown');
  assert.equal(nothing.attributes.inference.owner_handle, null);
  assert.equal(nothing.attributes.deciding_evidence, null);
  assert.deepEqual(nothing.attributes.score_parts, {
    uncertainty: 1,
    reach: 1,
    impact: 1,
    group_size: 1,
    reviewed_in_group: 0,
    open_critical_high: 0,
  });
  assert.equal(nothing.attributes.reason, 'no owner inferred');
  for (const item of items) {
    const p = item.attributes.score_parts;
    assert.equal(item.attributes.score, p.uncertainty * p.reach * p.impact, item.id);
  }
});

test('order: open critical findings above an equal resource without, a larger group above a lone one, uncertain above confident', async () => {
  const items = await whole();
  const get = (id: string) => byResource(items).get(id)!.attributes;
  // Equal but for their findings: one service each, same kind of evidence, same confidence.
  assert.equal(get(OPEN).inference.confidence, get(QUIET).inference.confidence);
  assert.equal(get(QUIET).score_parts.open_critical_high, 0);
  assert.ok(rank(items, OPEN) < rank(items, QUIET));
  // Equal but for the number of resources resting on their evidence.
  assert.equal(get(GROUP[0]!).inference.confidence, get(LONE).inference.confidence);
  assert.equal(get(GROUP[0]!).score_parts.group_size, 6);
  assert.equal(get(LONE).score_parts.group_size, 1);
  for (const id of GROUP) assert.ok(rank(items, id) < rank(items, LONE), id);
  // Equal but for their confidence: a team tag is surer than a catalog entry.
  assert.ok(Number(get(TAGGED).inference.confidence) > Number(get(QUIET).inference.confidence));
  assert.deepEqual([get(TAGGED).score_parts.group_size, get(TAGGED).score_parts.open_critical_high], [1, 0]);
  assert.ok(rank(items, QUIET) < rank(items, TAGGED));
  // Best first, then resource id.
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!.attributes, items[i]!.attributes];
    assert.ok(a.score > b.score || (a.score === b.score && a.resource.id < b.resource.id), `${a.resource.id} before ${b.resource.id}`);
  }
});

test('the default owner type is team; the user and service queues list their own answers', async () => {
  assert.deepEqual(
    (await whole()).map((i) => i.id),
    (await whole('&filter[owner_type]=team')).map((i) => i.id),
  );
  const users = await whole('&filter[owner_type]=user');
  assert.ok(users.length > 0);
  for (const item of users) {
    assert.equal(item.attributes.owner_type, 'user');
    assert.equal(item.id, `${item.attributes.resource.id}:user`);
  }
});

test('paging with the signed cursor visits every item exactly once', async () => {
  const all = (await whole()).map((i) => i.id);
  for (const limit of [1, 2, 4]) {
    const seen: string[] = [];
    let next: string | undefined = `${QUEUE}?page[limit]=${limit}`;
    let pages = 0;
    while (next) {
      const r = await s.api(next);
      assert.equal(r.status, 200);
      const body = (await r.json()) as Page;
      assert.equal(body.meta.page.total_filtered_count, all.length);
      assert.ok(body.data.length <= limit);
      seen.push(...body.data.map((i) => i.id));
      assert.equal(body.links?.next === undefined, body.meta.page.cursor === undefined);
      // Absolute, as the findings listings' links are.
      if (body.links?.next !== undefined) assert.ok(body.links.next.startsWith(`${s.url}${QUEUE}?`), body.links.next);
      next = body.links?.next;
      pages++;
    }
    assert.deepEqual(seen, all, `page[limit]=${limit}`);
    assert.equal(pages, Math.ceil(all.length / limit));
  }
});

test('a tampered cursor, or one of another owner type or organization, is a 400 naming page[cursor]', async () => {
  const cursor = (await page('?page[limit]=2')).meta.page.cursor!;
  assert.ok(cursor);
  const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const tampered = Buffer.from(JSON.stringify({ ...decoded, s: Number(decoded.s) + 1 })).toString('base64url');
  await badRequest(`?page[cursor]=${tampered}`, 'page[cursor]');
  await badRequest(`?page[cursor]=not-a-cursor!`, 'page[cursor]');
  assert.match(await badRequest(`?filter[owner_type]=user&page[cursor]=${cursor}`, 'page[cursor]'), /team review queue/);
  const other = await s.newKeys('other-org', 'someone');
  const r = await s.api(`${QUEUE}?page[cursor]=${cursor}`, { keys: other });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as ErrorAnswer).errors[0]!.source?.parameter, 'page[cursor]');
  // The same cursor with the owner type it was issued for continues.
  assert.equal((await s.api(`${QUEUE}?filter[owner_type]=team&page[limit]=2&page[cursor]=${cursor}`)).status, 200);
});

test('a bad page[limit] or filter[owner_type] is a 400 naming it', async () => {
  for (const limit of ['0', '1001', 'ten', '2.5', '-1']) await badRequest(`?page[limit]=${limit}`, 'page[limit]');
  assert.equal((await page('?page[limit]=1000')).meta.page.limit, 1000);
  for (const type of ['unknown', 'group', 'TEAM', '']) await badRequest(`?filter[owner_type]=${type}`, 'filter[owner_type]');
  await badRequest('?filter[owner_type]=team&filter[owner_type]=user', 'filter[owner_type]');
  await badRequest('?page[size]=5', 'page[size]');
});

test('keys as every ownership route: none is a 401, unknown ones a 403', async () => {
  assert.equal((await fetch(`${s.url}${QUEUE}`)).status, 401);
  const wrong = await fetch(`${s.url}${QUEUE}`, { headers: { 'DD-API-KEY': 'f'.repeat(32), 'DD-APPLICATION-KEY': s.appKey } });
  assert.equal(wrong.status, 403);
  const body = (await wrong.json()) as ErrorAnswer;
  assert.equal(body.errors[0]!.status, '403');
});

test('review_queue is reserved in the resource id position', async () => {
  const r = await s.api(`/api/v2/csm/ownership/review_queue/team`);
  assert.equal(r.status, 404);
  const post = await s.api(`/api/v2/csm/ownership/review_queue/team/feedback`, {
    method: 'POST',
    body: JSON.stringify({ data: { attributes: { action: 'confirm', inference_checksum: 'c' } } }),
  });
  assert.equal(post.status, 404);
});

test('it spends the ownership budget', async () => {
  const limited = await startTestServer({ rateLimits: 'ownership=1/3600' });
  try {
    assert.equal((await limited.api(QUEUE)).status, 200);
    const spent = await limited.api('/api/v2/csm/ownership/settings');
    assert.equal(spent.status, 429);
    assert.match(((await spent.json()) as ErrorAnswer).errors[0]!.detail, /ownership budget/);
    assert.equal((await limited.api(QUEUE)).status, 429);
  } finally {
    await limited.stop();
  }
});

test('a muted finding no longer counts', async () => {
  const findings = (await (
    await s.api(`/api/v2/posture_management/findings?filter[@resource_id]=${encodeURIComponent(OPEN)}&page[limit]=100`)
  ).json()) as {
    data: Array<{ id: string; attributes: { status: string; evaluation: string } }>;
  };
  const open = findings.data.filter((f) => f.attributes.evaluation === 'fail' && ['critical', 'high'].includes(f.attributes.status));
  assert.equal(open.length, 3);
  const r = await s.api('/api/v2/security/findings/mute', {
    method: 'PATCH',
    body: JSON.stringify({
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: true, reason: 'PENDING_FIX' } },
        relationships: { findings: { data: [{ id: open[0]!.id, type: 'findings' }] } },
      },
    }),
  });
  assert.equal(r.status, 202, await r.text());
  assert.equal(byResource(await whole()).get(OPEN)!.attributes.score_parts.open_critical_high, 2);
});

test('feedback takes an item out at once, and its group yields less, even once corrected', async () => {
  const initial = byResource(await whole());
  await feedback(GROUP[0]!, { action: 'confirm', inference_checksum: initial.get(GROUP[0]!)!.attributes.inference.checksum });
  let items = byResource(await whole());
  assert.equal(items.has(GROUP[0]!), false, 'confirmed: out of the queue');
  assert.equal(items.get(GROUP[1]!)!.attributes.score_parts.reviewed_in_group, 1);
  assert.equal(items.get(GROUP[1]!)!.attributes.score_parts.reach, 6 / 4);
  assert.equal(initial.get(GROUP[1]!)!.attributes.score_parts.reach, 6);
  assert.match(
    items.get(GROUP[1]!)!.attributes.reason,
    /6 resources rest on the same evidence \(service catalog entry `checkout`\), 1 already reviewed/,
  );
  // The review reaches the answers resting on the same pieces through the queue, which the server's worker takes
  // within a second: let them settle, so that the next reviews answer the checksums a reviewer would then be shown.
  await settle();
  items = byResource(await whole());

  // A correction replaces the answer's sources; it still taught the group its reviewed answer rested on.
  await feedback(GROUP[1]!, {
    action: 'correct',
    inference_checksum: items.get(GROUP[1]!)!.attributes.inference.checksum,
    corrected_owner_handle: 'data',
    corrected_owner_type: 'team',
  });
  await feedback(QUIET, { action: 'persist', inference_checksum: items.get(QUIET)!.attributes.inference.checksum });
  items = byResource(await whole());
  for (const gone of [GROUP[0]!, GROUP[1]!, QUIET]) assert.equal(items.has(gone), false, gone);
  assert.equal(items.get(GROUP[2]!)!.attributes.score_parts.reviewed_in_group, 2);
  assert.equal(items.get(GROUP[2]!)!.attributes.score_parts.group_size, 5, 'the corrected answer rests on the review now');
  assert.equal(items.get(GROUP[2]!)!.attributes.score_parts.reach, 5 / 9);

  // A reject re-infers, and the slot has feedback: out too.
  await settle();
  items = byResource(await whole());
  await feedback(TAGGED, { action: 'reject', inference_checksum: items.get(TAGGED)!.attributes.inference.checksum });
  assert.equal(byResource(await whole()).has(TAGGED), false);
  // Other owner types of a reviewed resource stay.
  assert.ok(byResource(await whole('&filter[owner_type]=service')).has(GROUP[0]!));
});

test("the store's order is the order reviewPriority gives the same rows", async () => {
  for (const slot of ['team', 'user', 'service'] as const) {
    const { rows, total } = await queryReviewQueue(s.server.db, s.orgId, { slot, limit: 1000 });
    assert.equal(rows.length, total);
    assert.ok(rows.length > 0);
    const pure = rows.map((r) => ({ id: r.resource_id, score: reviewPriority(priorityInputOf(r)).score }));
    for (const [i, r] of rows.entries()) assert.equal(r.score, pure[i]!.score, r.resource_id);
    const sorted = [...pure].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    assert.deepEqual(
      rows.map((r) => r.resource_id),
      sorted.map((r) => r.id),
      slot,
    );
  }
  // The team queue now holds different reach (a reviewed group), impact (an open bucket, a muted finding) and
  // uncertainty (an unknown answer): the order above was not a trivial one.
  const team = (await queryReviewQueue(s.server.db, s.orgId, { slot: 'team', limit: 1000 })).rows;
  assert.ok(new Set(team.map((r) => r.score)).size >= 3);
  assert.ok(
    team.some((r) => r.reviewed_in_group > 0 && r.group_size !== r.reviewed_in_group + 1),
    'a reach other than 1',
  );
});
