// The official Datadog client, unchanged, against a live server: listFindings with each filter, getFinding,
// muteSecurityFindings, then filter[muted]=true.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, v2 } from '@datadog/datadog-api-client';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BASE_TIME, listingOrder, makeState, seedFindings, seedStates } from '../integration/findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { findingsApi } from './findings-client.js';

const N = 120;
let server: TestServer;
let api: v2.SecurityMonitoringApi;
let seeded: FindingState[];
let otherOrgFinding: FindingState;

async function listAll(params: v2.SecurityMonitoringApiListFindingsRequest): Promise<v2.Finding[]> {
  const out: v2.Finding[] = [];
  for await (const f of api.listFindingsWithPagination({ pageLimit: 50, ...params })) out.push(f);
  return out;
}

function expectIds(found: v2.Finding[], expected: FindingState[]) {
  assert.deepEqual(
    found.map((f) => f.id),
    [...expected].sort(listingOrder).map((s) => s.finding_id),
  );
}

before(async () => {
  server = await startTestServer();
  api = findingsApi(server);
  seeded = await seedFindings(server.server.db, server.orgId, N);
  const other = await server.newKeys('other-org');
  otherOrgFinding = makeState(9999, { finding_id: 'other-org-finding' });
  await seedStates(server.server.db, other.orgId, [otherOrgFinding], Date.now() - 60_000);
});
after(async () => server?.stop());

describe('listFindings through the official client', () => {
  test('the first page: shape, order, exact count, cursor', async () => {
    const page = await api.listFindings({ pageLimit: 10 });
    assert.equal(page.meta?.page?.totalFilteredCount, N);
    assert.ok(page.meta?.page?.cursor);
    assert.ok(Number.isInteger(page.meta?.snapshotTimestamp));
    const first = [...seeded].sort(listingOrder)[0]!;
    const f = page.data![0]!;
    assert.equal(f.id, first.finding_id);
    assert.equal(f.type, 'finding');
    const a = f.attributes!;
    assert.equal(a.status, first.status);
    assert.equal(a.evaluation, first.evaluation);
    assert.equal(a.evaluationChangedAt, first.evaluation_changed_at);
    assert.equal(a.resourceDiscoveryDate, first.resource_discovery_date);
    assert.equal(a.resource, first.resource_name);
    assert.equal(a.resourceType, first.resource_type);
    assert.deepEqual({ id: a.rule?.id, name: a.rule?.name }, { id: first.rule_id, name: first.rule_name });
    assert.deepEqual(a.tags, first.tags);
    assert.equal(a.vulnerabilityType, first.vulnerability_type);
    assert.equal(a.mute?.muted, false);
    assert.equal(a.additionalProperties?.resource_id, first.resource_id);
    assert.equal(a._unparsed, undefined);
  });

  test('all pages: every finding once, in order, none of another organization', async () => {
    expectIds(await listAll({}), seeded);
  });

  const cases: Array<[string, v2.SecurityMonitoringApiListFindingsRequest, (s: FindingState) => boolean]> = [
    ['status', { filterStatus: 'high' }, (s) => s.status === 'high'],
    ['evaluation', { filterEvaluation: 'pass' }, (s) => s.evaluation === 'pass'],
    ['muted=false', { filterMuted: false }, () => true],
    ['rule_id', { filterRuleId: 'rule-3' }, (s) => s.rule_id === 'rule-3'],
    ['rule_name wildcard', { filterRuleName: 'Rule number * is strict' }, (s) => s.rule_name.endsWith('strict')],
    ['resource_type negated prefix', { filterResourceType: '-aws*' }, (s) => !s.resource_type.startsWith('aws')],
    ['resource_type exact', { filterResourceType: 'gcp_storage_bucket' }, (s) => s.resource_type === 'gcp_storage_bucket'],
    ['@resource_id wildcard', { filterResourceId: 'arn:aws:s3:::bucket-1*' }, (s) => s.resource_id.startsWith('arn:aws:s3:::bucket-1')],
    ['@resource_id negated exact', { filterResourceId: '-arn:aws:s3:::bucket-4' }, (s) => s.resource_id !== 'arn:aws:s3:::bucket-4'],
    ['tags', { filterTags: 'team:payments' }, (s) => s.tags.includes('team:payments')],
    ['evaluation_changed_at >=', { filterEvaluationChangedAt: `>=${BASE_TIME + 50_000}` }, (s) => s.evaluation_changed_at >= BASE_TIME + 50_000],
    ['evaluation_changed_at <', { filterEvaluationChangedAt: `<${BASE_TIME + 50_000}` }, (s) => s.evaluation_changed_at < BASE_TIME + 50_000],
    ['evaluation_changed_at exact', { filterEvaluationChangedAt: `${BASE_TIME + 7000}` }, (s) => s.evaluation_changed_at === BASE_TIME + 7000],
    ['discovery_timestamp >', { filterDiscoveryTimestamp: `>${BASE_TIME - 10_000}` }, (s) => s.resource_discovery_date > BASE_TIME - 10_000],
    ['discovery_timestamp <=', { filterDiscoveryTimestamp: `<=${BASE_TIME - 10_000}` }, (s) => s.resource_discovery_date <= BASE_TIME - 10_000],
    ['vulnerability_type any of', { filterVulnerabilityType: ['attack_path', 'identity_risk'] }, (s) => s.vulnerability_type === 'attack_path'],
    [
      'several filters together',
      { filterStatus: 'critical', filterEvaluation: 'fail', filterTags: 'env:dev' },
      (s) => s.status === 'critical' && s.evaluation === 'fail' && s.tags.includes('env:dev'),
    ],
  ];
  for (const [name, params, predicate] of cases) {
    test(`filter: ${name}`, async () => {
      const expected = seeded.filter(predicate);
      assert.ok((expected.length > 0 && expected.length < N) || name === 'muted=false', `the case must select a proper subset (${expected.length})`);
      const first = await api.listFindings({ ...params, pageLimit: 5 });
      assert.equal(first.meta?.page?.totalFilteredCount, expected.length);
      expectIds(await listAll(params), expected);
    });
  }

  test('detailed_findings adds the extension fields', async () => {
    const page = await api.listFindings({ pageLimit: 3, detailedFindings: true });
    const a = page.data![0]!.attributes!;
    const s = seeded.find((x) => x.finding_id === page.data![0]!.id)!;
    assert.equal(a.externalId, s.resource_id);
    assert.equal(typeof a.description, 'string');
    assert.ok(a.datadogLink?.includes(encodeURIComponent(s.finding_id)));
    assert.ok(Array.isArray(a.additionalProperties?.ip_addresses));
  });
});

describe('getFinding through the official client', () => {
  test('answers the detailed finding', async () => {
    const s = seeded[17]!;
    const r = await api.getFinding({ findingId: s.finding_id });
    assert.equal(r.data?.id, s.finding_id);
    assert.equal(r.data?.type, 'detailed_finding');
    assert.equal(r.data?.attributes?.status, s.status);
    assert.deepEqual(r.data?.attributes?.tags, s.tags);
    assert.equal(typeof r.data?.attributes?.message, 'string');
    assert.ok(r.data?.attributes?.resourceConfiguration !== undefined);
  });

  test("404 for an unknown id and for another organization's", async () => {
    for (const id of ['no-such-finding', otherOrgFinding.finding_id]) {
      await assert.rejects(api.getFinding({ findingId: id }), (err: client.ApiException<unknown>) => err.code === 404);
    }
  });
});

describe('muteSecurityFindings through the official client', () => {
  const body = (ids: string[], mute: v2.MuteFindingsMuteAttributes): v2.SecurityMonitoringApiMuteSecurityFindingsRequest => ({
    body: { data: { type: 'mute', attributes: { mute }, relationships: { findings: { data: ids.map((id) => ({ id, type: 'findings' })) } } } },
  });

  test('mutes with reason, description and expiry; filter[muted]=true lists exactly those; unmute ends it', async () => {
    const ids = [seeded[3]!.finding_id, seeded[40]!.finding_id, seeded[77]!.finding_id];
    const expireAt = Date.now() + 3_600_000;
    const r = await api.muteSecurityFindings(body(ids, { isMuted: true, reason: 'PENDING_FIX', description: 'To be resolved later.', expireAt }));
    assert.equal(r.data?.type, 'mute');
    assert.match(r.data?.id ?? '', /^[0-9a-f-]{36}$/);

    const muted = await listAll({ filterMuted: true });
    expectIds(
      muted,
      seeded.filter((s) => ids.includes(s.finding_id)),
    );
    const m = muted[0]!.attributes!.mute!;
    assert.equal(m.muted, true);
    assert.equal(m.reason, 'PENDING_FIX');
    assert.equal(m.description, 'To be resolved later.');
    assert.equal(m.expirationDate, expireAt);
    assert.ok(m.startDate! <= Date.now() + 1000 && m.startDate! > Date.now() - 60_000);
    const userId = (
      await server.server.db.query<{ user_id: string }>(`SELECT user_id FROM users WHERE org_id = $1 AND handle = 'reviewer'`, [server.orgId])
    ).rows[0]!.user_id;
    assert.equal(m.uuid, userId);
    assert.equal((await api.listFindings({ filterMuted: false, pageLimit: 1 })).meta?.page?.totalFilteredCount, N - 3);

    await api.muteSecurityFindings(body([ids[0]!], { isMuted: false, reason: 'HUMAN_ERROR' }));
    expectIds(
      await listAll({ filterMuted: true }),
      seeded.filter((s) => ids.slice(1).includes(s.finding_id)),
    );
    const history = await server.server.db.query<{ muted: boolean; changed_by: string | null }>(
      `SELECT muted, changed_by FROM finding_states WHERE org_id = $1 AND finding_id = $2 ORDER BY valid_from`,
      [server.orgId, ids[0]],
    );
    assert.deepEqual(history.rows, [
      { muted: false, changed_by: null },
      { muted: true, changed_by: userId },
      { muted: false, changed_by: userId },
    ]);
  });

  test("a mute reason the listing's enum lacks reads as its nearest one, which the client parses", async () => {
    const cases = [
      [seeded[10]!.finding_id, 'RISK_ACCEPTED', 'ACCEPTED_RISK'],
      [seeded[11]!.finding_id, 'NO_FIX', 'NO_PENDING_FIX'],
      [seeded[12]!.finding_id, 'DUPLICATE', 'OTHER'],
      [seeded[13]!.finding_id, 'FALSE_POSITIVE', 'FALSE_POSITIVE'],
    ] as const;
    for (const [id, reason] of cases) await api.muteSecurityFindings(body([id], { isMuted: true, reason }));
    for (const [id, , listed] of cases) {
      const got = await api.getFinding({ findingId: id });
      assert.equal(got.data?.attributes?._unparsed, undefined);
      assert.equal(got.data?.attributes?.mute?._unparsed, undefined);
      assert.equal(got.data?.attributes?.mute?.reason, listed);
    }
    const listed = await listAll({ filterMuted: true });
    assert.ok(listed.every((f) => f.attributes?._unparsed === undefined && f.attributes?.mute?._unparsed === undefined));
    await api.muteSecurityFindings(
      body(
        cases.map(([id]) => id),
        { isMuted: false, reason: 'OTHER' },
      ),
    );
  });

  test('a batch with an unknown finding is a 404 and mutes nothing', async () => {
    const known = seeded[5]!.finding_id;
    await assert.rejects(
      api.muteSecurityFindings(body([known, 'no-such-finding'], { isMuted: true, reason: 'OTHER' })),
      (err: client.ApiException<{ errors?: Array<{ detail?: string }> }>) => err.code === 404 && JSON.stringify(err.body).includes('no-such-finding'),
    );
    const page = await api.getFinding({ findingId: known });
    assert.equal(page.data?.attributes?.mute?.muted, false);
  });

  test('an expiry in the past is a 422', async () => {
    await assert.rejects(
      api.muteSecurityFindings(body([seeded[6]!.finding_id], { isMuted: true, reason: 'OTHER', expireAt: Date.now() - 1000 })),
      (err: client.ApiException<unknown>) => err.code === 422,
    );
  });
});
