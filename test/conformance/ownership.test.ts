import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, v2 } from '@datadog/datadog-api-client';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedOwnershipOrganization, CHECKOUT_INSTANCE, CAROL_BUCKET, PLATFORM_BUCKET, ORPHAN_BUCKET } from '../helpers/seed-console.js';
import { markForInference, queueLength } from '../../src/store/ownership-queue.js';
import { recomputeOnce, recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { feedbackOf } from '../../src/store/ownership-inferences.js';
import { currentStatesByResource } from '../../src/store/finding-states.js';

// The official client, unchanged, against a live server holding a small organization imported through the real writers.
const OPERATIONS = [
  'listOwnershipInferences',
  'getOwnershipInference',
  'listOwnershipHistory',
  'listOwnershipHistoryByOwnerType',
  'getOwnershipEvidence',
  'createOwnershipFeedback',
  'getOwnershipSettings',
  'postOwnershipSettings',
  'getOwnershipUntaggedFindings',
];
const GHOST = 'arn:aws:s3:::ghost-bucket-known-only-by-id';
const LATE_BUCKET = 'arn:aws:s3:::acme-payments-late-arrival';

let server: TestServer;
let api: v2.CSMOwnershipApi;

function clientFor(url: string, keys: { apiKey: string; appKey: string }): v2.CSMOwnershipApi {
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(url, {}),
    authMethods: { apiKeyAuth: keys.apiKey, appKeyAuth: keys.appKey },
    enableRetry: false,
  });
  for (const op of OPERATIONS) configuration.unstableOperations[`v2.${op}`] = true;
  return new v2.CSMOwnershipApi(configuration);
}

/** Runs the queue until nothing due is left, waiting for the server's own worker to commit what it holds. */
async function settle() {
  for (let i = 0; i < 200; i++) {
    await recomputeUntilEmpty(server.server.db, { orgId: server.orgId });
    if ((await queueLength(server.server.db, server.orgId, Date.now())) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the ownership queue did not settle');
}

async function apiError(
  p: Promise<unknown>,
): Promise<{ code: number; body: { errors?: Array<{ source?: { pointer?: string; parameter?: string } }> } }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof client.ApiException, `expected an ApiException, got ${err}`);
    return err as never;
  }
  assert.fail('the call succeeded');
}

const items = async (rid: string) => (await api.listOwnershipInferences({ resourceId: rid })).data.attributes.items;
const itemOf = async (rid: string, type: v2.OwnershipOwnerType) =>
  (await api.getOwnershipInference({ resourceId: rid, ownerType: type })).data.attributes;
const path = (rid: string, rest = '') => `/api/v2/csm/ownership/${encodeURIComponent(rid)}${rest}`;

async function findingsTagged(tag: string): Promise<Array<{ attributes: { resource_id: string; tags: string[] } }>> {
  const res = await server.api(`/api/v2/posture_management/findings?filter[tags]=${encodeURIComponent(tag)}&page[limit]=100`);
  assert.equal(res.status, 200, `the findings API answers (${res.status})`);
  return ((await res.json()) as { data: Array<{ attributes: { resource_id: string; tags: string[] } }> }).data;
}

async function allHistory(rid: string, type?: v2.OwnershipOwnerType, limit = 2) {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = type
      ? await api.listOwnershipHistoryByOwnerType({ resourceId: rid, ownerType: type, limit, cursor })
      : await api.listOwnershipHistory({ resourceId: rid, limit, cursor });
    const a = page.data.attributes;
    assert.ok(a.items.length <= limit);
    ids.push(...a.items.map((h) => h.id));
    if (!a.pagination.hasMore) {
      assert.equal(a.pagination.nextCursor, undefined);
      return ids;
    }
    cursor = a.pagination.nextCursor;
    assert.ok(cursor);
  }
  assert.fail('history never ended');
}

before(async () => {
  server = await startTestServer();
  await seedOwnershipOrganization(server.server.db, server.orgId);
  // A resource known only by id: marked for inference, absent from the inventory.
  await markForInference(server.server.db, server.orgId, [GHOST], Date.now());
  await recomputeOnce(server.server.db, { orgId: server.orgId });
  api = clientFor(server.url, server);
});

after(async () => {
  await server?.stop();
});

test('list answers one inference per owner type, with the owners the evidence names', async () => {
  const checkout = await items(CHECKOUT_INSTANCE);
  assert.deepEqual(
    checkout.map((i) => [i.id, i.ownerType, i.status, i.primaryContactRef]),
    [
      [`${CHECKOUT_INSTANCE}:team`, 'team', 'suggested', 'ref:handle/payments'],
      [`${CHECKOUT_INSTANCE}:user`, 'user', 'suggested', 'ref:handle/alice'],
      [`${CHECKOUT_INSTANCE}:service`, 'service', 'suggested', 'ref:handle/checkout'],
    ],
  );
  for (const i of checkout) {
    assert.match(i.confidence, /^0\.\d{4}$|^1\.0000$/);
    assert.ok(i.createdAt instanceof Date && !Number.isNaN(i.createdAt.getTime()));
    assert.ok(i.updatedAt >= i.createdAt);
    assert.ok(i.checksum.length > 0);
    assert.ok(i.explanation.length > 0);
    assert.ok(i.sources.length > 0);
    assert.ok((i.evidenceVersions ?? []).some((v) => v.source === 'resource' && v.id === CHECKOUT_INSTANCE));
  }
  assert.ok(Number(checkout[0]!.confidence) > 0.85, 'catalog and owner tag agree: high confidence');

  const carol = await items(CAROL_BUCKET);
  assert.equal(carol.find((i) => i.ownerType === 'user')?.primaryContactRef, 'ref:handle/carol', 'CloudTrail names the creator');
  assert.equal(carol.find((i) => i.ownerType === 'team')?.primaryContactRef, 'ref:handle/platform', "the creator's team");

  const orphan = await items(ORPHAN_BUCKET);
  assert.deepEqual(
    orphan.map((i) => [i.id.split(':').pop(), i.ownerType, i.status, i.primaryContactRef, i.confidence]),
    [
      ['team', 'unknown', 'unknown', undefined, '0.0000'],
      ['user', 'unknown', 'unknown', undefined, '0.0000'],
      ['service', 'unknown', 'unknown', undefined, '0.0000'],
    ],
  );

  // The wire keeps internal fields to itself.
  const raw = (await (await server.api(path(CHECKOUT_INSTANCE))).json()) as { data: { attributes: { items: Array<Record<string, unknown>> } } };
  for (const item of raw.data.attributes.items) {
    assert.equal(item.votes, undefined);
    assert.equal(item.slot, undefined);
    assert.equal(typeof item.confidence, 'string');
  }
});

test('get sends a strong ETag; If-None-Match with it answers 304 without a body', async () => {
  const team = await itemOf(CHECKOUT_INSTANCE, 'team');
  const res = await server.api(path(CHECKOUT_INSTANCE, '/team'));
  assert.equal(res.status, 200);
  const etag = res.headers.get('etag');
  assert.equal(etag, `"${team.checksum}"`);
  const cached = await server.api(path(CHECKOUT_INSTANCE, '/team'), { headers: { 'If-None-Match': etag! } });
  assert.equal(cached.status, 304);
  assert.equal(await cached.text(), '');
  const other = await server.api(path(CHECKOUT_INSTANCE, '/team'), { headers: { 'If-None-Match': '"something-else"' } });
  assert.equal(other.status, 200);
});

test('a resource imported but not yet inferred answers at once', async () => {
  const rid = LATE_BUCKET;
  const { ingestResources } = await import('../../src/posture/inventory-service.js');
  const { builtInRuleEngine } = await import('../../src/posture/rule-pack-engine.js');
  await ingestResources(
    server.server.db,
    server.orgId,
    [
      {
        resource_id: rid,
        resource_type: 'aws_s3_bucket',
        name: 'acme-payments-late-arrival',
        cloud_provider: 'aws',
        account: '111122223333',
        region: 'us-east-1',
        tags: ['owner:bob'],
        configuration: {},
        observed_at: Date.now(),
      },
    ],
    builtInRuleEngine(),
    { source: 'test' },
  );
  const user = await itemOf(rid, 'user');
  assert.equal(user.primaryContactRef, 'ref:handle/bob');
  await settle();
});

test('history lists every change newest first, pages with cursor and limit, and filters by owner type', async () => {
  const all = await allHistory(CHECKOUT_INSTANCE);
  assert.equal(all.length, 3, 'one entry per owner type after the first inference');
  assert.deepEqual(
    [...all].sort((a, b) => b - a),
    all,
    'newest first',
  );
  assert.equal(new Set(all).size, all.length, 'pages never repeat an entry');
  const team = await allHistory(CHECKOUT_INSTANCE, 'team', 1);
  assert.equal(team.length, 1);
  const page = await api.listOwnershipHistoryByOwnerType({ resourceId: CHECKOUT_INSTANCE, ownerType: 'team' });
  assert.equal(page.data.id, CHECKOUT_INSTANCE);
  assert.equal(page.data.attributes.items[0]!.resourceId, CHECKOUT_INSTANCE);
  assert.equal(page.data.attributes.items[0]!.ownerType, 'team');

  const bad = await server.api(path(CHECKOUT_INSTANCE, '/history?limit=0'));
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { errors: Array<{ source: { parameter: string } }> }).errors[0]!.source.parameter, 'limit');
  const first = await api.listOwnershipHistory({ resourceId: CHECKOUT_INSTANCE, limit: 1 });
  const foreign = await server.api(
    path(CHECKOUT_INSTANCE, `/user/history?cursor=${encodeURIComponent(first.data.attributes.pagination.nextCursor!)}`),
  );
  assert.equal(foreign.status, 400, 'a cursor of another listing is refused');
});

test('history cursors are signed: a tampered or hand-made cursor is a 400 naming the cursor parameter', async () => {
  const first = await api.listOwnershipHistory({ resourceId: CHECKOUT_INSTANCE, limit: 1 });
  const issued = first.data.attributes.pagination.nextCursor!;
  const body = JSON.parse(Buffer.from(issued, 'base64url').toString('utf8')) as { b: number; s: string; sig: string };
  const tampered = Buffer.from(JSON.stringify({ ...body, b: body.b + 1 })).toString('base64url');
  const handMade = Buffer.from(JSON.stringify({ b: body.b, s: body.s })).toString('base64url');
  for (const cursor of [tampered, handMade, `${issued}x`]) {
    const res = await server.api(path(CHECKOUT_INSTANCE, `/history?limit=1&cursor=${encodeURIComponent(cursor)}`));
    assert.equal(res.status, 400, cursor);
    assert.equal(((await res.json()) as { errors: Array<{ source: { parameter: string } }> }).errors[0]!.source.parameter, 'cursor');
  }
  const next = await server.api(path(CHECKOUT_INSTANCE, `/history?limit=1&cursor=${encodeURIComponent(issued)}`));
  assert.equal(next.status, 200, 'the cursor as issued pages on');
});

test('evidence shows each version the inference used as it was recorded, under a weak ETag', async () => {
  const evidence = (await api.getOwnershipEvidence({ resourceId: CHECKOUT_INSTANCE, ownerType: 'team' })).data;
  assert.equal(evidence.id, CHECKOUT_INSTANCE);
  const versions = evidence.attributes.evidenceVersions as Array<{
    source: string;
    id: string;
    version: number;
    recorded: boolean;
    content: Record<string, unknown>;
  }>;
  const resource = versions.find((v) => v.source === 'resource')!;
  assert.equal(resource.recorded, true);
  assert.ok((resource.content.tags as string[]).includes('owner:alice'));
  const alice = versions.find((v) => v.source === 'directory' && v.id === 'user:alice')!;
  assert.equal(alice.content.email, 'alice@acme.example');
  const service = versions.find((v) => v.id === 'checkout')!;
  assert.equal(service.source, 'datadog_service_catalog');
  assert.equal(service.content.team, 'payments');

  const carol = (await api.getOwnershipEvidence({ resourceId: CAROL_BUCKET, ownerType: 'user' })).data.attributes.evidenceVersions as Array<{
    source: string;
    content: { event_name?: string };
  }>;
  assert.equal(carol.find((v) => v.source === 'cloudtrail')?.content.event_name, 'CreateBucket');

  const res = await server.api(path(CHECKOUT_INSTANCE, '/team/evidence'));
  const etag = res.headers.get('etag')!;
  assert.match(etag, /^W\/".+"$/);
  assert.equal((await server.api(path(CHECKOUT_INSTANCE, '/team/evidence'), { headers: { 'If-None-Match': etag } })).status, 304);
});

test('settings: defaults, version increments, auto-tag adds and removes team tags on findings', async () => {
  const defaults = (await api.getOwnershipSettings()).data.attributes;
  assert.deepEqual([defaults.autoTag, defaults.confidenceLevel, defaults.version], [true, 'high', 0]);

  // High-confidence team answer: the instance's findings carry team:payments; a resource's own team tag is kept as is.
  const payments = await findingsTagged('team:payments');
  assert.ok(payments.length >= 3);
  assert.ok(payments.every((f) => f.attributes.resource_id === CHECKOUT_INSTANCE));
  const platformOwn = await findingsTagged('team:platform');
  assert.ok(
    platformOwn.length > 0 && platformOwn.every((f) => f.attributes.resource_id === PLATFORM_BUCKET),
    'medium answers are not tagged at high',
  );

  // Expected counts from the store's current findings and the API's team answers (bands: > 0.85, >= 0.60, below).
  const db = server.server.db;
  const expected = { total: 0, high: 0, medium: 0, low: 0 };
  for (const rid of [CAROL_BUCKET, ORPHAN_BUCKET, LATE_BUCKET]) {
    const n = (await currentStatesByResource(db, server.orgId, [rid])).length;
    const team = await itemOf(rid, 'team');
    expected.total += n;
    if (team.ownerType !== 'team') continue;
    const c = Number(team.confidence);
    expected[c > 0.85 ? 'high' : c >= 0.6 ? 'medium' : 'low'] += n;
  }
  assert.ok(expected.medium > 0 && expected.total > expected.medium, 'the organization has medium and unanswered findings');
  const untagged = (await api.getOwnershipUntaggedFindings()).data.attributes;
  assert.deepEqual(
    { total: untagged.total, high: untagged.highConfidence, medium: untagged.mediumConfidence, low: untagged.lowConfidence },
    expected,
  );

  const medium = (
    await api.postOwnershipSettings({ body: { data: { type: 'ownership_settings', attributes: { autoTag: true, confidenceLevel: 'medium' } } } })
  ).data.attributes;
  assert.deepEqual([medium.autoTag, medium.confidenceLevel, medium.version], [true, 'medium', 1]);
  const platform = await findingsTagged('team:platform');
  assert.ok(
    platform.some((f) => f.attributes.resource_id === CAROL_BUCKET),
    'the medium answer is tagged once the band allows it',
  );
  assert.equal((await api.getOwnershipUntaggedFindings()).data.attributes.mediumConfidence, 0);

  const off = (
    await api.postOwnershipSettings({ body: { data: { type: 'ownership_settings', attributes: { autoTag: false, confidenceLevel: 'medium' } } } })
  ).data.attributes;
  assert.equal(off.version, 2);
  assert.equal((await findingsTagged('team:payments')).length, 0, 'turning auto-tag off removes the tags it wrote');
  const kept = await findingsTagged('team:platform');
  assert.ok(kept.length > 0 && kept.every((f) => f.attributes.resource_id === PLATFORM_BUCKET), "a resource's own team tag is never touched");

  const back = (
    await api.postOwnershipSettings({ body: { data: { type: 'ownership_settings', attributes: { autoTag: true, confidenceLevel: 'high' } } } })
  ).data.attributes;
  assert.equal(back.version, 3);
  assert.equal((await findingsTagged('team:payments')).length, payments.length);
  assert.ok(
    (await findingsTagged('team:platform')).every((f) => f.attributes.resource_id === PLATFORM_BUCKET),
    'raising the band removes tags below it',
  );

  const bad = await server.api('/api/v2/csm/ownership/settings', {
    method: 'POST',
    body: JSON.stringify({ data: { type: 'ownership_settings', attributes: { auto_tag: true, confidence_level: 'certain' } } }),
  });
  assert.equal(bad.status, 400);
  assert.equal(
    ((await bad.json()) as { errors: Array<{ source: { pointer: string } }> }).errors[0]!.source.pointer,
    '/data/attributes/confidence_level',
  );
  const badTag = await server.api('/api/v2/csm/ownership/settings', {
    method: 'POST',
    body: JSON.stringify({ data: { attributes: { auto_tag: 'yes', confidence_level: 'high' } } }),
  });
  assert.equal(((await badTag.json()) as { errors: Array<{ source: { pointer: string } }> }).errors[0]!.source.pointer, '/data/attributes/auto_tag');
  assert.equal((await api.getOwnershipSettings()).data.attributes.version, 3, 'a refused change changes nothing');
  await settle();
});

const feedback = (rid: string, type: v2.OwnershipOwnerType, attributes: v2.OwnershipFeedbackRequestAttributes) =>
  api.createOwnershipFeedback({ resourceId: rid, ownerType: type, body: { data: { type: 'ownership_feedback', attributes } } });

test('confirm keeps the status, gives a new checksum and records a label; a stale checksum is a 409 that changes nothing', async () => {
  const before = await itemOf(CHECKOUT_INSTANCE, 'team');
  const historyBefore = (await allHistory(CHECKOUT_INSTANCE, 'team')).length;
  const result = (
    await feedback(CHECKOUT_INSTANCE, 'team', { action: 'confirm', inferenceChecksum: before.checksum, reason: 'Payments run checkout.' })
  ).data;
  assert.equal(result.id, CHECKOUT_INSTANCE);
  assert.equal(result.type, 'ownership_feedback_result');
  assert.deepEqual(
    [result.attributes.action, result.attributes.previousStatus, result.attributes.newStatus, result.attributes.ownerType],
    ['confirm', 'suggested', 'suggested', 'team'],
  );
  assert.equal(result.attributes.primaryContactRef, 'ref:handle/payments');
  assert.notEqual(result.attributes.checksum, before.checksum);
  const after = await itemOf(CHECKOUT_INSTANCE, 'team');
  assert.equal(after.checksum, result.attributes.checksum);
  assert.equal((await allHistory(CHECKOUT_INSTANCE, 'team')).length, historyBefore + 1);
  const labels = await feedbackOf(server.server.db, server.orgId, CHECKOUT_INSTANCE);
  assert.equal(labels.length, 1);
  assert.equal(labels[0]!.actor, 'reviewer', "the application key's user");
  assert.equal(labels[0]!.confidence, Number(before.confidence));

  const stale = await apiError(feedback(CHECKOUT_INSTANCE, 'team', { action: 'persist', inferenceChecksum: before.checksum }));
  assert.equal(stale.code, 409);
  assert.equal((await itemOf(CHECKOUT_INSTANCE, 'team')).checksum, after.checksum);
  assert.equal((await itemOf(CHECKOUT_INSTANCE, 'team')).status, 'suggested');
  assert.equal((await allHistory(CHECKOUT_INSTANCE, 'team')).length, historyBefore + 1);
  assert.equal((await feedbackOf(server.server.db, server.orgId, CHECKOUT_INSTANCE)).length, 1);
});

test('of five concurrent feedbacks on one checksum exactly one wins', async () => {
  const current = await itemOf(CHECKOUT_INSTANCE, 'user');
  const labelsBefore = (await feedbackOf(server.server.db, server.orgId, CHECKOUT_INSTANCE)).length;
  const outcomes = await Promise.allSettled(
    Array.from({ length: 5 }, () => feedback(CHECKOUT_INSTANCE, 'user', { action: 'confirm', inferenceChecksum: current.checksum })),
  );
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.equal(won.length, 1);
  assert.deepEqual(
    lost.map((o) => (o.reason as { code: number }).code),
    [409, 409, 409, 409],
  );
  assert.equal((await feedbackOf(server.server.db, server.orgId, CHECKOUT_INSTANCE)).length, labelsBefore + 1);
  assert.equal(
    (await itemOf(CHECKOUT_INSTANCE, 'user')).checksum,
    (won[0] as PromiseFulfilledResult<v2.OwnershipFeedbackResponse>).value.data.attributes.checksum,
  );
});

test('persist makes the answer authoritative: re-inference never changes it', async () => {
  const service = await itemOf(CHECKOUT_INSTANCE, 'service');
  const r = (await feedback(CHECKOUT_INSTANCE, 'service', { action: 'persist', inferenceChecksum: service.checksum })).data.attributes;
  assert.deepEqual([r.previousStatus, r.newStatus, r.primaryContactRef], ['suggested', 'persisted', 'ref:handle/checkout']);
  await markForInference(server.server.db, server.orgId, [CHECKOUT_INSTANCE], Date.now());
  await settle();
  const now = await itemOf(CHECKOUT_INSTANCE, 'service');
  assert.equal(now.status, 'persisted');
  assert.equal(now.checksum, r.checksum);
});

test('reject excludes the owner and re-infers now; correct replaces the owner for good', async () => {
  const user = await itemOf(CAROL_BUCKET, 'user');
  assert.equal(user.primaryContactRef, 'ref:handle/carol');
  const rejected = (await feedback(CAROL_BUCKET, 'user', { action: 'reject', inferenceChecksum: user.checksum, reason: 'Carol only created it.' }))
    .data.attributes;
  assert.equal(rejected.previousStatus, 'suggested');
  assert.notEqual(rejected.primaryContactRef, 'ref:handle/carol');
  assert.equal(rejected.newStatus, 'unknown', 'no other user candidate');
  assert.equal(rejected.ownerType, 'unknown');
  await markForInference(server.server.db, server.orgId, [CAROL_BUCKET], Date.now());
  await settle();
  assert.notEqual((await itemOf(CAROL_BUCKET, 'user')).primaryContactRef, 'ref:handle/carol', 'the rejection holds through re-inference');

  const noOwner = await apiError(
    feedback(CAROL_BUCKET, 'team', { action: 'correct', inferenceChecksum: (await itemOf(CAROL_BUCKET, 'team')).checksum }),
  );
  assert.equal(noOwner.code, 400);
  assert.equal(noOwner.body.errors?.[0]?.source?.pointer, '/data/attributes/corrected_owner_handle');

  const team = await itemOf(CAROL_BUCKET, 'team');
  const corrected = (
    await feedback(CAROL_BUCKET, 'team', {
      action: 'correct',
      inferenceChecksum: team.checksum,
      correctedOwnerHandle: 'payments',
      correctedOwnerType: 'team',
    })
  ).data.attributes;
  assert.deepEqual([corrected.previousStatus, corrected.newStatus, corrected.primaryContactRef], ['suggested', 'overridden', 'ref:handle/payments']);
  await markForInference(server.server.db, server.orgId, [CAROL_BUCKET], Date.now());
  await settle();
  const now = await itemOf(CAROL_BUCKET, 'team');
  assert.deepEqual([now.status, now.primaryContactRef, now.confidence], ['overridden', 'ref:handle/payments', '1.0000']);
  // An overridden team answer is authoritative: auto-tag writes it whatever the band.
  assert.ok((await findingsTagged('team:payments')).some((f) => f.attributes.resource_id === CAROL_BUCKET));
  const history = await api.listOwnershipHistoryByOwnerType({ resourceId: CAROL_BUCKET, ownerType: 'team', limit: 1 });
  assert.equal(history.data.attributes.items[0]!.status, 'overridden');
});

test('bad requests: unknown owner type 400, unknown resource 404, another organization 404, reserved settings', async () => {
  const item = await itemOf(CHECKOUT_INSTANCE, 'team');
  const badType = await apiError(api.getOwnershipInference({ resourceId: CHECKOUT_INSTANCE, ownerType: 'robot' as v2.OwnershipOwnerType }));
  assert.equal(badType.code, 400);
  assert.equal(badType.body.errors?.[0]?.source?.parameter, 'owner_type');
  assert.equal(
    (await apiError(feedback(CHECKOUT_INSTANCE, 'robot' as v2.OwnershipOwnerType, { action: 'confirm', inferenceChecksum: item.checksum }))).code,
    400,
  );
  assert.equal((await apiError(api.listOwnershipInferences({ resourceId: 'arn:aws:s3:::no-such-bucket' }))).code, 404);
  assert.equal((await apiError(feedback('arn:aws:s3:::no-such-bucket', 'team', { action: 'confirm', inferenceChecksum: 'x' }))).code, 404);
  const longId = `arn:aws:ecs:us-east-1:111122223333:task-definition/${'a'.repeat(160)}:7`;
  const long = await server.api(path(longId, '/team/history'));
  assert.equal(long.status, 404);
  assert.match(((await long.json()) as { errors: Array<{ detail: string }> }).errors[0]!.detail, /No resource/);

  const other = await server.newKeys('other-org');
  const otherApi = clientFor(server.url, other);
  assert.equal((await apiError(otherApi.listOwnershipInferences({ resourceId: CHECKOUT_INSTANCE }))).code, 404);
  assert.equal(
    (
      await apiError(
        otherApi.createOwnershipFeedback({
          resourceId: CHECKOUT_INSTANCE,
          ownerType: 'team',
          body: { data: { type: 'ownership_feedback', attributes: { action: 'confirm', inferenceChecksum: item.checksum } } },
        }),
      )
    ).code,
    404,
  );
  assert.equal((await itemOf(CHECKOUT_INSTANCE, 'team')).checksum, item.checksum);
  assert.equal((await otherApi.getOwnershipSettings()).data.attributes.version, 0, 'settings are per organization');
});

test('an inference that cannot be computed shows failed with its reason and retry schedule', async () => {
  const history = (await api.listOwnershipHistory({ resourceId: GHOST })).data.attributes.items;
  assert.ok(history.length >= 3);
  for (const h of history) {
    assert.equal(h.status, 'failed');
    assert.match(h.failureReason ?? '', /known only by its id/);
    assert.ok(h.failedAt instanceof Date);
    assert.ok(h.retrySchedule instanceof Date && h.retrySchedule > h.failedAt!);
  }
  assert.deepEqual(
    (await items(GHOST)).map((i) => i.status),
    ['failed', 'failed', 'failed'],
  );
});

test('the directory lists users with their teams, and teams', async () => {
  const res = await server.api('/api/v2/csm/directory');
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    data: {
      type: string;
      id: string;
      attributes: {
        users: Array<{ handle: string; email?: string; name: string; active: boolean; teams: string[] }>;
        teams: Array<{ handle: string; name: string }>;
      };
    };
  };
  assert.equal(body.data.type, 'directory');
  assert.equal(body.data.id, server.orgId);
  const alice = body.data.attributes.users.find((u) => u.handle === 'alice')!;
  assert.deepEqual(alice, { handle: 'alice', email: 'alice@acme.example', name: 'Alice Ng', active: true, teams: ['payments'] });
  assert.equal(body.data.attributes.users.find((u) => u.handle === 'dave')?.active, false);
  assert.deepEqual(
    body.data.attributes.teams.map((t) => t.handle),
    ['data', 'payments', 'platform'],
  );
});
