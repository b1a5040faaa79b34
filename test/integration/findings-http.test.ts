// What the official client cannot send, over raw HTTP: repeated tags, the seed's aliases and envelopes, bad input,
// cursors, snapshots, the summary, and the mute body's errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { listingOrder, makeState, seedFindings, seedStates } from './findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { writeStates } from '../../src/store/finding-states.js';

const N = 40;
let server: TestServer;
let seeded: FindingState[];
const LIST = '/api/v2/posture_management/findings';

type ListBody = {
  data: Array<{ id: string; attributes: Record<string, unknown> }>;
  meta: { page: { total_filtered_count: number; cursor?: string }; snapshot_timestamp: number };
};
type ErrorBody = { errors: Array<{ status: string; detail: string; source?: { parameter?: string; pointer?: string } }> };

async function get<T = ListBody>(path: string): Promise<{ status: number; body: T }> {
  const r = await server.api(path);
  return { status: r.status, body: (await r.json()) as T };
}

async function expect400(path: string, parameter: string) {
  const r = await get<ErrorBody>(path);
  assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.errors[0]!.status, '400');
  assert.equal(r.body.errors[0]!.source?.parameter, parameter, `${path}: ${JSON.stringify(r.body)}`);
}

const ids = (states: FindingState[]) => [...states].sort(listingOrder).map((s) => s.finding_id);

before(async () => {
  server = await startTestServer();
  seeded = await seedFindings(server.server.db, server.orgId, N);
});
after(async () => server?.stop());

describe('filters the client cannot send', () => {
  test('repeated filter[tags]: every tag must be present; filter[tag] is the same filter', async () => {
    const expected = seeded.filter((s) => s.tags.includes('team:payments') && s.tags.includes('env:prod'));
    assert.ok(expected.length > 0);
    for (const q of ['filter[tags]=team:payments&filter[tags]=env:prod', 'filter[tag]=team:payments&filter[tags]=env:prod']) {
      const r = await get(`${LIST}?${q}&page[limit]=1000`);
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.data.map((f) => f.id),
        ids(expected),
      );
      assert.equal(r.body.meta.page.total_filtered_count, expected.length);
    }
  });

  test("the seed's limit and cursor page like page[limit] and page[cursor]", async () => {
    const first = await get(`${LIST}?limit=15`);
    assert.equal(first.body.data.length, 15);
    const second = await get(`${LIST}?limit=15&cursor=${encodeURIComponent(first.body.meta.page.cursor!)}`);
    assert.deepEqual(
      [...first.body.data, ...second.body.data].map((f) => f.id),
      ids(seeded).slice(0, 30),
    );
  });

  test("the seed's sample form filter[evaluation_changed_at]>=N means >= N", async () => {
    const t = seeded[20]!.evaluation_changed_at;
    const r = await get(`${LIST}?filter[evaluation_changed_at]>=${t}&page[limit]=1000`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.map((f) => f.id),
      ids(seeded.filter((s) => s.evaluation_changed_at >= t)),
    );
  });

  test("a wildcard matches LIKE's own wildcard characters literally", async () => {
    const r = await get(`${LIST}?filter[rule_id]=rule_%25*`);
    assert.equal(r.status, 200);
    assert.equal(r.body.meta.page.total_filtered_count, 0);
  });
});

describe('bad input is a 400 naming the parameter', () => {
  const cases: Array<[string, string]> = [
    ['filter[nope]=1', 'filter[nope]'],
    ['sort=status', 'sort'],
    ['filter[status]=low&filter[status]=info', 'filter[status]'],
    ['page[limit]=5&limit=5', 'limit'],
    ['filter[tags]=a:b&filter[muted]=true&filter[muted]=false', 'filter[muted]'],
    ['filter[status]=severe', 'filter[status]'],
    ['filter[evaluation]=maybe', 'filter[evaluation]'],
    ['filter[muted]=yes', 'filter[muted]'],
    ['detailed_findings=1', 'detailed_findings'],
    ['filter[vulnerability_type]=misconfiguration&filter[vulnerability_type]=bug', 'filter[vulnerability_type]'],
    ['filter[evaluation_changed_at]=>=soon', 'filter[evaluation_changed_at]'],
    ['filter[discovery_timestamp]=>>5', 'filter[discovery_timestamp]'],
    ['filter[evaluation_changed_at]>=>5', 'filter[evaluation_changed_at]>'],
    ['snapshot_timestamp=yesterday', 'snapshot_timestamp'],
    ['snapshot_timestamp=-5', 'snapshot_timestamp'],
    ['page[limit]=0', 'page[limit]'],
    ['page[limit]=1001', 'page[limit]'],
    ['limit=2.5', 'limit'],
    ['filter[rule_id]=', 'filter[rule_id]'],
    ['filter[resource_type]=-', 'filter[resource_type]'],
    ['filter[tags]=', 'filter[tags]'],
    ['page[cursor]=not-a-cursor!', 'page[cursor]'],
    [`page[cursor]=${Buffer.from('{"after":"x"}').toString('base64')}`, 'page[cursor]'],
    [`cursor=${Buffer.from('hello').toString('base64')}`, 'cursor'],
  ];
  for (const [q, parameter] of cases) test(`${q} -> ${parameter}`, () => expect400(`${LIST}?${q}`, parameter));

  test('a cursor edited by hand (forged) is rejected', async () => {
    const first = await get(`${LIST}?page[limit]=5`);
    const body = JSON.parse(Buffer.from(first.body.meta.page.cursor!, 'base64').toString());
    assert.equal(typeof body.after, 'string');
    assert.deepEqual(body.values, [seeded.find((s) => s.finding_id === body.after)!.status]);
    for (const forged of [
      { ...body, after: ids(seeded)[30] },
      { ...body, snapshot: body.snapshot - 1000 },
      { ...body, values: ['info'] },
    ]) {
      await expect400(
        `${LIST}?page[limit]=5&page[cursor]=${encodeURIComponent(Buffer.from(JSON.stringify(forged)).toString('base64'))}`,
        'page[cursor]',
      );
    }
  });

  test('a cursor used with other filters, another snapshot, or by another organization is rejected', async () => {
    const first = await get(`${LIST}?page[limit]=5&filter[evaluation]=fail`);
    const cursor = encodeURIComponent(first.body.meta.page.cursor!);
    await expect400(`${LIST}?page[limit]=5&page[cursor]=${cursor}`, 'page[cursor]');
    await expect400(`${LIST}?page[limit]=5&filter[evaluation]=pass&page[cursor]=${cursor}`, 'page[cursor]');
    await expect400(
      `${LIST}?filter[evaluation]=fail&snapshot_timestamp=${first.body.meta.snapshot_timestamp - 1}&page[cursor]=${cursor}`,
      'page[cursor]',
    );
    // The same filters, the same snapshot and another page size are fine.
    const ok = await get(
      `${LIST}?page[limit]=7&filter[evaluation]=fail&snapshot_timestamp=${first.body.meta.snapshot_timestamp}&page[cursor]=${cursor}`,
    );
    assert.equal(ok.status, 200);
    const other = await server.newKeys('other-org-cursor');
    const r = await server.api(`${LIST}?page[limit]=5&filter[evaluation]=fail&page[cursor]=${cursor}`, { keys: other });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as ErrorBody).errors[0]!.source?.parameter, 'page[cursor]');
  });

  test('get finding: unknown parameter and bad snapshot', async () => {
    const id = seeded[0]!.finding_id;
    await expect400(`${LIST}/${id}?filter[status]=low`, 'filter[status]');
    await expect400(`${LIST}/${id}?snapshot_timestamp=x`, 'snapshot_timestamp');
  });
});

describe("the seed's beta envelope", () => {
  test('list', async () => {
    const r = await get<{ data: { id: string; type: string; attributes: { findings: Array<Record<string, unknown>> } }; meta: ListBody['meta'] }>(
      `/api/unstable/posture_management/findings?limit=3&filter[status]=critical`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.type, 'posture_management_list_findings_resp');
    const expected = seeded.filter((s) => s.status === 'critical').sort(listingOrder);
    assert.deepEqual(
      r.body.data.attributes.findings.map((f) => f.id),
      expected.slice(0, 3).map((s) => s.finding_id),
    );
    const f = r.body.data.attributes.findings[0]!;
    assert.deepEqual(Object.keys(f).sort(), [
      'evaluation',
      'evaluation_changed_at',
      'id',
      'muted',
      'resource',
      'resource_discovery_date',
      'resource_type',
      'rule',
      'status',
      'tags',
    ]);
    assert.equal(f.muted, false);
    assert.equal(r.body.meta.page.total_filtered_count, expected.length);
    assert.ok(r.body.meta.page.cursor);
  });

  test('detail', async () => {
    const s = seeded[9]!;
    const r = await get<{ data: { type: string; attributes: { finding: Record<string, unknown> } } }>(
      `/api/unstable/posture_management/findings/${s.finding_id}`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.type, 'posture_management_fetch_finding_resp');
    assert.equal(r.body.data.attributes.finding.id, s.finding_id);
    assert.equal(r.body.data.attributes.finding.status, s.status);
    assert.ok('message' in r.body.data.attributes.finding && 'resource_configuration' in r.body.data.attributes.finding);
    assert.equal((await server.api('/api/unstable/posture_management/findings/nope')).status, 404);
  });
});

describe('point in time', () => {
  test('snapshot_timestamp answers from history; the current view moves on', async () => {
    const { db } = server.server;
    const before = await get(`${LIST}?page[limit]=1000`);
    const t = before.body.meta.snapshot_timestamp;
    const target = seeded.find((s) => s.evaluation === 'pass')!;
    const changedAt = Date.now() + 5;
    await writeStates(db, server.orgId, [target.finding_id], [{ ...target, evaluation: 'fail', evaluation_changed_at: changedAt }], changedAt, null);
    await new Promise((r) => setTimeout(r, 20));
    const passNow = await get(`${LIST}?filter[evaluation]=pass&page[limit]=1000`);
    assert.ok(!passNow.body.data.some((f) => f.id === target.finding_id));
    const passThen = await get(`${LIST}?filter[evaluation]=pass&page[limit]=1000&snapshot_timestamp=${t}`);
    assert.equal(passThen.body.meta.snapshot_timestamp, t);
    assert.deepEqual(
      passThen.body.data.map((f) => f.id),
      ids(seeded.filter((s) => s.evaluation === 'pass')),
    );
    const detailThen = await get<{ data: { attributes: { evaluation: string } } }>(`${LIST}/${target.finding_id}?snapshot_timestamp=${t}`);
    assert.equal(detailThen.body.data.attributes.evaluation, 'pass');
    const detailNow = await get<{ data: { attributes: { evaluation: string } } }>(`${LIST}/${target.finding_id}`);
    assert.equal(detailNow.body.data.attributes.evaluation, 'fail');
    // Before the findings existed there was nothing.
    const empty = await get(`${LIST}?snapshot_timestamp=1000`);
    assert.equal(empty.body.meta.page.total_filtered_count, 0);
    assert.equal((await server.api(`${LIST}/${target.finding_id}?snapshot_timestamp=1000`)).status, 404);
  });

  test('a mute reads as ended from its expiry on, and the expiry job writes that into history', async () => {
    const { db } = server.server;
    const s = makeState(500, { finding_id: 'expiring-mute' });
    const t0 = Date.now() - 10_000;
    await seedStates(db, server.orgId, [s], t0);
    const expires = Date.now() - 5_000;
    await writeStates(
      db,
      server.orgId,
      [s.finding_id],
      [{ ...s, muted: true, mute: { muted: true, reason: 'OTHER', start_date: t0 + 1000, expiration_date: expires }, mute_expires_at: expires }],
      t0 + 1000,
      'someone',
    );
    const mutedIds = async (at?: number) =>
      (await get(`${LIST}?filter[muted]=true&page[limit]=1000${at ? `&snapshot_timestamp=${at}` : ''}`)).body.data.map((f) => f.id);
    assert.deepEqual(await mutedIds(expires - 1), ['expiring-mute']);
    assert.deepEqual(await mutedIds(expires), []);
    assert.deepEqual(await mutedIds(), []);
    const detail = await get<{ data: { attributes: { mute: Record<string, unknown> } } }>(`${LIST}/expiring-mute?snapshot_timestamp=${expires - 1}`);
    assert.equal(detail.body.data.attributes.mute.muted, true);
    assert.equal(detail.body.data.attributes.mute.expiration_date, expires);

    const { expireMutes } = await import('../../src/store/mutes.js');
    assert.equal(await db.transaction((tx) => expireMutes(tx, Date.now())), 1);
    const history = await db.query<{ valid_from: number; valid_to: string; muted: boolean; changed_by: string | null }>(
      `SELECT valid_from, valid_to::text, muted, changed_by FROM finding_states WHERE org_id = $1 AND finding_id = 'expiring-mute' ORDER BY valid_from`,
      [server.orgId],
    );
    assert.deepEqual(
      history.rows.map((r) => [Number(r.valid_from), r.muted, r.changed_by]),
      [
        [t0, false, null],
        [t0 + 1000, true, 'someone'],
        [expires, false, 'mute-expiry'],
      ],
    );
    assert.equal(history.rows[1]!.valid_to, String(expires));
    // Answers did not change.
    assert.deepEqual(await mutedIds(expires - 1), ['expiring-mute']);
    assert.deepEqual(await mutedIds(expires), []);
    assert.equal(await db.transaction((tx) => expireMutes(tx, Date.now())), 0);
  });
});

describe('summary', () => {
  test('counts by status and evaluation, top failing teams; does not collide with a finding id', async () => {
    const r = await get<{
      data: {
        type: string;
        id: string;
        attributes: {
          total: number;
          by_status: Record<string, number>;
          by_evaluation: Record<string, number>;
          top_teams_failing: Array<{ team: string; count: number }>;
        };
      };
    }>(`${LIST}/summary`);
    assert.equal(r.status, 200);
    assert.equal(r.body.data.type, 'findings_summary');
    const all = (await get(`${LIST}?page[limit]=1000`)).body.data;
    const a = r.body.data.attributes;
    assert.equal(a.total, all.length);
    for (const status of ['critical', 'high', 'medium', 'low', 'info']) {
      assert.equal(a.by_status[status], all.filter((f) => f.attributes.status === status).length, status);
    }
    assert.equal(a.by_evaluation.fail, all.filter((f) => f.attributes.evaluation === 'fail').length);
    const failingTeams = new Map<string, number>();
    for (const f of all) {
      if (f.attributes.evaluation !== 'fail') continue;
      for (const t of f.attributes.tags as string[]) if (t.startsWith('team:')) failingTeams.set(t.slice(5), (failingTeams.get(t.slice(5)) ?? 0) + 1);
    }
    assert.deepEqual(
      a.top_teams_failing,
      [...failingTeams]
        .map(([team, count]) => ({ team, count }))
        .sort((x, y) => y.count - x.count || (x.team < y.team ? -1 : 1))
        .slice(0, 10),
    );
    await expect400(`${LIST}/summary?filter[status]=low`, 'filter[status]');
  });
});

describe('mute body errors', () => {
  const patch = (body: unknown) => server.api('/api/v2/security/findings/mute', { method: 'PATCH', body: JSON.stringify(body) });
  const valid = (mute: Record<string, unknown>, ids: string[]) => ({
    data: { type: 'mute', attributes: { mute }, relationships: { findings: { data: ids.map((id) => ({ id, type: 'findings' })) } } },
  });

  test('structure is a 400 with a pointer, values a 422', async () => {
    const id = seeded[1]!.finding_id;
    let r = await patch({ data: { type: 'mute' } });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as ErrorBody).errors[0]!.source?.pointer, '/data/attributes');
    r = await patch(valid({ is_muted: true, reason: 'BECAUSE' }, [id]));
    assert.equal(r.status, 422);
    assert.equal(((await r.json()) as ErrorBody).errors[0]!.source?.pointer, '/data/attributes/mute/reason');
    r = await patch(valid({ is_muted: true, reason: 'OTHER', expire_at: Date.now() - 1 }, [id]));
    assert.equal(r.status, 422);
    r = await patch(valid({ is_muted: true, reason: 'OTHER' }, []));
    assert.equal(r.status, 400);
  });

  test("another organization's finding is a 404", async () => {
    const other = await server.newKeys('other-org-mute');
    const r = await server.api('/api/v2/security/findings/mute', {
      method: 'PATCH',
      body: JSON.stringify(valid({ is_muted: true, reason: 'OTHER' }, [seeded[2]!.finding_id])),
      keys: other,
    });
    assert.equal(r.status, 404);
  });
});

describe('around the routes', () => {
  test('rate limit headers name the findings family', async () => {
    const r = await server.api(`${LIST}?page[limit]=1`);
    assert.equal(r.headers.get('x-ratelimit-name'), 'findings');
    const m = await server.api('/api/v2/security/findings/mute', { method: 'PATCH', body: '{}' });
    assert.equal(m.headers.get('x-ratelimit-name'), 'findings');
  });

  test('the OpenAPI document shows the findings routes and their parameters', async () => {
    const doc = (await (await server.api('/api/v2/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    const list = doc.paths['/api/v2/posture_management/findings']?.get;
    assert.ok(list);
    const names = list.parameters!.map((p) => p.name);
    for (const n of ['page[limit]', 'page[cursor]', 'filter[tags]', 'filter[@resource_id]', 'snapshot_timestamp', 'detailed_findings'])
      assert.ok(names.includes(n), n);
    assert.ok(doc.paths['/api/v2/posture_management/findings/{finding_id}']?.get);
    assert.ok(doc.paths['/api/v2/security/findings/mute']?.patch);
  });

  test('missing keys are a 401', async () => {
    const r = await fetch(`${server.url}${LIST}`);
    assert.equal(r.status, 401);
  });
});
