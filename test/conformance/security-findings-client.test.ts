// The Security Findings API (listSecurityFindings, searchSecurityFindings) through Datadog's official client: every
// finding of the first page's instant exactly once, in detection-change order, at page sizes 7 and 1000, while writers
// add findings and move existing ones along the sort key; the findings deserialize in the new schema; bad input is a
// 400 naming what was wrong.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, v2 } from '@datadog/datadog-api-client';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BASE_TIME, makeState, seedStates } from '../integration/findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { insertFindingIdentities, writeStates } from '../../src/store/finding-states.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import { findingsApi } from './findings-client.js';

const SEEDED = 2500;
const MUTED_INDEX = 5;
let server: TestServer;
/** Every state written, in commit order, with the instant it began: the model the answers are held to. */
const history: Array<{ from: number; state: FindingState }> = [];

before(async () => {
  server = await startTestServer();
  const seededAt = Date.now() - 60_000;
  // Three findings share each detection change time, so the id tie-break decides their order.
  const states = Array.from({ length: SEEDED }, (_, i) =>
    makeState(i, {
      evaluation_changed_at: BASE_TIME + Math.floor(i / 3) * 1000,
      ...(i === MUTED_INDEX
        ? {
            muted: true,
            mute: {
              muted: true,
              reason: 'ACCEPTED_RISK',
              description: 'known',
              start_date: seededAt - 1,
              uuid: 'user-1',
              actor_handle: 'alice@example.com',
              // The mute API writes the muting user's handle beside the state's own fields.
            } as FindingState['mute'],
          }
        : {}),
    }),
  );
  await seedStates(server.server.db, server.orgId, states, seededAt);
  for (const state of states) history.push({ from: seededAt, state });
});
after(async () => server?.stop());

let round = 0;
/** One writer: new findings, and existing ones whose detection change time (the sort key) and evaluation change. */
async function writeRound(): Promise<void> {
  const r = ++round;
  const { db } = server.server;
  const current = stateAt(Number.MAX_SAFE_INTEGER);
  await withFindingWriteLease(db, server.orgId, 'org', async (tx, now) => {
    const fresh = Array.from({ length: 11 }, (_, i) =>
      makeState(100_000 + r * 100 + i, { finding_id: `w-${r}-${i}`, evaluation_changed_at: BASE_TIME + ((r * 7919 + i * 104_729) % SEEDED) * 300 }),
    );
    await insertFindingIdentities(
      tx,
      server.orgId,
      fresh.map((s) => ({ finding_id: s.finding_id, resource_id: s.resource_id, rule_id: s.rule_id, origin: 'rule' as const })),
    );
    const ids = [...new Set(Array.from({ length: 17 }, (_, i) => `f-${String((r * 131 + i * 149) % SEEDED).padStart(6, '0')}`))];
    const changed = ids
      .map((prefix) => [...current.values()].find((s) => s.finding_id.startsWith(`${prefix}-`))!)
      .map((s) => ({
        ...s,
        evaluation: (s.evaluation === 'pass' ? 'fail' : 'pass') as 'pass' | 'fail',
        evaluation_changed_at: now,
      }));
    await writeStates(
      tx,
      server.orgId,
      changed.map((s) => s.finding_id),
      [...fresh, ...changed],
      now,
      'concurrent-writer',
    );
    for (const state of [...fresh, ...changed]) history.push({ from: now, state });
  });
}

/** Each finding's state at an instant, by the model. */
function stateAt(at: number): Map<string, FindingState> {
  const out = new Map<string, FindingState>();
  for (const { from, state } of history) if (from <= at) out.set(state.finding_id, state);
  return out;
}

function expectedOrder(at: number, descending: boolean): FindingState[] {
  const sign = descending ? -1 : 1;
  return [...stateAt(at).values()].sort(
    (a, b) => sign * (a.evaluation_changed_at - b.evaluation_changed_at || (a.finding_id < b.finding_id ? -1 : a.finding_id > b.finding_id ? 1 : 0)),
  );
}

type Page = v2.ListSecurityFindingsResponse;
const snapshotOf = (page: Page) => page.meta?.additionalProperties?.snapshot_timestamp as number;

/** Pages through one operation, a writer committing after the first page and others running throughout. */
async function pageWithWriters(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
): Promise<{ items: v2.SecurityFindingsData[]; at: number; pages: number }> {
  let stop = false;
  let writes = 0;
  const items: v2.SecurityFindingsData[] = [];
  let cursor: string | undefined;
  let at = 0;
  let pages = 0;
  let writers: Promise<void> = Promise.resolve();
  do {
    const page = await fetchPage(cursor);
    assert.equal(page.meta?.status, 'done');
    assert.match(page.meta?.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(Number.isInteger(page.meta?.elapsed));
    if (pages === 0) {
      at = snapshotOf(page);
      // A write the listing's instant precedes, committed before the second page is asked for.
      await writeRound();
      writes++;
      // Writers keep committing while the pages are read (a bounded number of rounds, so a long paging stays cheap).
      writers = (async () => {
        for (let i = 0; !stop && i < 40; i++) {
          await writeRound();
          writes++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
    }
    assert.equal(snapshotOf(page), at, 'every page answers for the first page instant');
    items.push(...(page.data ?? []));
    cursor = page.meta?.page?.after;
    assert.equal(page.links?.next !== undefined, cursor !== undefined, 'links.next exactly when there is a next page');
    if (cursor)
      assert.ok(page.links!.next!.includes(`page[cursor]=${cursor}`) || new URL(page.links!.next!).searchParams.get('page[cursor]') === cursor);
    pages++;
  } while (cursor);
  stop = true;
  await writers;
  assert.ok(writes > 0);
  return { items, at, pages };
}

/** Each item is the model's finding at the instant, in the new schema, in the expected order. */
function assertListing(items: v2.SecurityFindingsData[], at: number, descending: boolean): void {
  const expected = expectedOrder(at, descending);
  assert.ok(expected.length >= SEEDED);
  assert.equal(new Set(items.map((f) => f.id)).size, items.length, 'no finding twice');
  assert.deepEqual(
    items.map((f) => f.id),
    expected.map((s) => s.finding_id),
  );
  for (const [i, item] of items.entries()) {
    const want = expected[i]!;
    assert.equal(item.type, 'finding');
    const a = item.attributes!.attributes!;
    assert.equal(item.attributes!.timestamp, want.evaluation_changed_at);
    assert.equal(a.detection_changed_at, want.evaluation_changed_at);
    assert.equal(a.finding_id, want.finding_id);
    assert.equal(a.finding_type, want.vulnerability_type);
    assert.equal(a.severity, want.status);
    assert.equal(a.base_severity, want.status);
    assert.deepEqual(a.compliance, { evaluation: want.evaluation });
    assert.equal(a.status, want.muted ? 'muted' : want.evaluation === 'fail' ? 'open' : 'resolved');
    const ruleType = ['misconfiguration', 'identity_risk'].includes(want.vulnerability_type) ? { type: 'cloud_configuration' } : {};
    assert.deepEqual(a.rule, { id: want.rule_id, name: want.rule_name, ...ruleType });
    assert.equal(a.resource_id, want.resource_id);
    assert.equal(a.resource_type, want.resource_type);
    assert.equal(a.cloud_resource.key, want.resource_id);
    assert.ok(typeof a.first_seen_at === 'number' && a.first_seen_at <= at);
    assert.deepEqual(item.attributes!.tags, want.tags);
  }
}

for (const pageLimit of [7, 1000]) {
  test(`listSecurityFindings, page size ${pageLimit}, oldest change first, writers running: the instant's findings exactly once, in order`, async () => {
    const api = findingsApi(server);
    const sort = '@detection_changed_at';
    const { items, at, pages } = await pageWithWriters((pageCursor) =>
      api.listSecurityFindings({ pageLimit, sort, ...(pageCursor !== undefined ? { pageCursor } : {}) }),
    );
    assertListing(items, at, false);
    assert.equal(pages, Math.ceil(items.length / pageLimit));
  });

  test(`searchSecurityFindings, page size ${pageLimit}, latest change first, writers running: the instant's findings exactly once, in order`, async () => {
    const api = findingsApi(server);
    const { items, at } = await pageWithWriters((cursor) =>
      api.searchSecurityFindings({
        body: { data: { attributes: { sort: '-@detection_changed_at', page: { limit: pageLimit, ...(cursor !== undefined ? { cursor } : {}) } } } },
      }),
    );
    assertListing(items, at, true);
  });
}

test("the client's own pagination walks every finding of both operations", async () => {
  const api = findingsApi(server);
  const listed: string[] = [];
  for await (const f of api.listSecurityFindingsWithPagination({ pageLimit: 500 })) listed.push(f.id!);
  const searched: string[] = [];
  for await (const f of api.searchSecurityFindingsWithPagination({ body: { data: { attributes: { page: { limit: 500 } } } } })) searched.push(f.id!);
  // No writer runs here: both see the same findings, latest change first (the default).
  const expected = expectedOrder(Number.MAX_SAFE_INTEGER, true).map((s) => s.finding_id);
  assert.deepEqual(listed, expected);
  assert.deepEqual(searched, expected);
});

test('a search query selects through both operations what it means, in order, across pages', async () => {
  const api = findingsApi(server);
  const now = [...stateAt(Number.MAX_SAFE_INTEGER).values()];
  const queries: Array<[string, (s: FindingState) => boolean]> = [
    ['@severity:critical team:payments', (s) => s.status === 'critical' && s.tags.includes('team:payments')],
    ['@status:muted', (s) => s.muted],
    ['@status:open -env:prod', (s) => !s.muted && s.evaluation === 'fail' && !s.tags.includes('env:prod')],
  ];
  for (const [query, selects] of queries) {
    const expected = expectedOrder(Number.MAX_SAFE_INTEGER, false)
      .filter(selects)
      .map((s) => s.finding_id);
    assert.ok(expected.length > 0 && expected.length < now.length, query);
    const listed: string[] = [];
    for await (const f of api.listSecurityFindingsWithPagination({ filterQuery: query, pageLimit: 7, sort: '@detection_changed_at' }))
      listed.push(f.id!);
    const searched: string[] = [];
    const body = { data: { attributes: { filter: query, page: { limit: 7 }, sort: '@detection_changed_at' as const } } };
    for await (const f of api.searchSecurityFindingsWithPagination({ body })) searched.push(f.id!);
    assert.deepEqual(listed, expected, query);
    assert.deepEqual(searched, expected, query);
  }
});

test('a wildcard over an attribute of listed values stands for each value it matches, `*` for all', async () => {
  const api = findingsApi(server);
  const ids = async (filterQuery: string) => {
    const out: string[] = [];
    for await (const f of api.listSecurityFindingsWithPagination({ filterQuery, pageLimit: 1000 })) out.push(f.id!);
    return out;
  };
  // No writer runs here: every listing answers for the same findings.
  const all = await ids('');
  for (const query of ['@status:*', '@workflow.mute.is_muted:*', '@detection_changed_at:*', '@severity:*'])
    assert.deepEqual(await ids(query), all, query);
  assert.deepEqual(await ids('-@status:*'), []);
  const open = await ids('@status:open');
  assert.ok(open.length > 0 && open.length < all.length);
  assert.deepEqual(await ids('@status:op*'), open);
  assert.deepEqual(await ids('@status:(mu* OR res*)'), await ids('-@status:open'));
  assert.deepEqual(await ids('@workflow.mute.is_muted:t*'), await ids('@workflow.mute.is_muted:true'));
  // A pattern no listed value matches is refused, as an unknown value is.
  await assert.rejects(
    api.listSecurityFindings({ filterQuery: '@status:x*' }),
    (err: unknown) => err instanceof client.ApiException && err.code === 400,
  );
});

test('a muted finding: status muted, and workflow.mute says by whom, when and why', async () => {
  const api = findingsApi(server);
  const all: v2.SecurityFindingsData[] = [];
  for await (const f of api.listSecurityFindingsWithPagination({ pageLimit: 1000 })) all.push(f);
  const muted = all.find((f) => f.id!.startsWith(`f-${String(MUTED_INDEX).padStart(6, '0')}-`))!;
  const a = muted.attributes!.attributes!;
  assert.equal(a.status, 'muted');
  assert.deepEqual(a.workflow.mute, {
    is_muted: true,
    is_muted_by_rule: false,
    reason: 'ACCEPTED_RISK',
    description: 'known',
    muted_at: a.workflow.mute.muted_at,
    muted_by: { id: 'user-1', name: 'alice@example.com' },
  });
  assert.equal(typeof a.workflow.mute.muted_at, 'number');
  const other = all.find((f) => f.id !== muted.id)!;
  assert.deepEqual(other.attributes!.attributes!.workflow.mute, { is_muted: false, is_muted_by_rule: false });
});

test('bad input is a 400 naming the parameter or body field, never a 500', async () => {
  const first = (await (await server.api('/api/v2/security/findings?page[limit]=2&sort=%40detection_changed_at')).json()) as {
    meta: { page: { after: string } };
  };
  const cursor = first.meta.page.after;
  const cases: Array<[string, RequestInit | undefined, string]> = [
    ['/api/v2/security/findings?page[limit]=0', undefined, 'page[limit]'],
    ['/api/v2/security/findings?page[limit]=1001', undefined, 'page[limit]'],
    ['/api/v2/security/findings?page[limit]=ten', undefined, 'page[limit]'],
    ['/api/v2/security/findings?sort=status', undefined, 'sort'],
    ['/api/v2/security/findings?page[cursor]=nonsense', undefined, 'page[cursor]'],
    [`/api/v2/security/findings?page[cursor]=${cursor}x`, undefined, 'page[cursor]'],
    // A cursor of the ascending listing does not continue the descending one.
    [`/api/v2/security/findings?page[cursor]=${cursor}`, undefined, 'page[cursor]'],
    ['/api/v2/security/findings?filter[query]=%40severity%3A(critical', undefined, 'filter[query]'],
    // A cursor belongs to the query it was issued for.
    [`/api/v2/security/findings?sort=%40detection_changed_at&filter[query]=team%3Asearch&page[cursor]=${cursor}`, undefined, 'page[cursor]'],
    ['/api/v2/security/findings?filter[status]=critical', undefined, 'filter[status]'],
    // The search takes everything in its body: a query parameter beside it would be silently ignored.
    [
      '/api/v2/security/findings/search?filter[query]=team%3Asearch',
      { method: 'POST', body: JSON.stringify({ data: { attributes: {} } }) },
      'filter[query]',
    ],
    [
      '/api/v2/security/findings/search',
      { method: 'POST', body: JSON.stringify({ data: { attributes: { page: { limit: -1 } } } }) },
      '/data/attributes/page/limit',
    ],
    ['/api/v2/security/findings/search', { method: 'POST', body: JSON.stringify({ data: { attributes: { sort: 'x' } } }) }, '/data/attributes/sort'],
    [
      '/api/v2/security/findings/search',
      { method: 'POST', body: JSON.stringify({ data: { attributes: { filter: 'team:a AND (' } } }) },
      '/data/attributes/filter',
    ],
    [
      '/api/v2/security/findings/search',
      { method: 'POST', body: JSON.stringify({ data: { attributes: { page: { cursor: 'abc' } } } }) },
      '/data/attributes/page/cursor',
    ],
    // A cursor of the ascending listing, sent in the body of the descending search.
    [
      '/api/v2/security/findings/search',
      { method: 'POST', body: JSON.stringify({ data: { attributes: { page: { cursor } } } }) },
      '/data/attributes/page/cursor',
    ],
    ['/api/v2/security/findings/search', { method: 'POST', body: JSON.stringify({ data: { attributes: { size: 3 } } }) }, '/data/attributes/size'],
  ];
  for (const [path, init, named] of cases) {
    const r = await server.api(path, init);
    const body = (await r.json()) as { errors: Array<{ status: string; detail: string; source?: Record<string, string> }> };
    assert.equal(r.status, 400, `${path} ${init?.body ?? ''}: ${JSON.stringify(body)}`);
    assert.equal(body.errors[0]!.status, '400');
    assert.ok(body.errors[0]!.detail.includes(named), `${body.errors[0]!.detail} names ${named}`);
    // A query parameter is named as one; a field of the search body by its JSON pointer, the cursor's too.
    const source = named.startsWith('/') ? { pointer: named } : { parameter: named };
    assert.deepEqual(body.errors[0]!.source, source, `${path} ${init?.body ?? ''}: ${JSON.stringify(body)}`);
  }
  // An empty query lists everything; so does an empty body.
  assert.equal((await server.api('/api/v2/security/findings?filter[query]=&page[limit]=1')).status, 200);
  assert.equal((await server.api('/api/v2/security/findings/search', { method: 'POST', body: '{}' })).status, 200);
});

test('the client reports a 400 for a search query that does not parse, and for a cursor it did not get, naming the body field', async () => {
  const api = findingsApi(server);
  await assert.rejects(
    api.listSecurityFindings({ filterQuery: '@severity:(critical' }),
    (err: unknown) => err instanceof client.ApiException && err.code === 400,
  );
  const sourceOf = (err: unknown) => ((err as client.ApiException<{ errors: Array<{ source?: unknown }> }>).body.errors[0] ?? {}).source;
  await assert.rejects(api.searchSecurityFindings({ body: { data: { attributes: { page: { cursor: 'not-a-cursor' } } } } }), (err: unknown) => {
    assert.ok(err instanceof client.ApiException && err.code === 400);
    assert.deepEqual(sourceOf(err), { pointer: '/data/attributes/page/cursor' });
    return true;
  });
  await assert.rejects(api.listSecurityFindings({ pageCursor: 'not-a-cursor' }), (err: unknown) => {
    assert.deepEqual(sourceOf(err), { parameter: 'page[cursor]' });
    return true;
  });
});

test('a search whose next page would not fit in a URL the server reads gives no links.next, and pages on by meta.page.after', async () => {
  // Seven negated tags of 500 two-byte characters: 7 KB of query, which percent-encodes to 21 KB.
  const query = Array.from({ length: 7 }, (_, i) => `-k${i}:${'é'.repeat(500)}`).join(' ');
  const search = async (cursor?: string) => {
    const r = await server.api('/api/v2/security/findings/search', {
      method: 'POST',
      body: JSON.stringify({ data: { attributes: { filter: query, page: { limit: 2, ...(cursor ? { cursor } : {}) } } } }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as { data: Array<{ id: string }>; links: { next?: string }; meta: { page: { after?: string } } };
  };
  const first = await search();
  assert.equal(first.data.length, 2);
  assert.ok(first.meta.page.after, 'there is a next page');
  assert.equal(first.links.next, undefined);
  const second = await search(first.meta.page.after);
  assert.equal(second.data.length, 2);
  assert.deepEqual(
    second.data.map((f) => f.id).filter((id) => first.data.some((f) => f.id === id)),
    [],
    'the second page follows the first',
  );
  // A short query's next link is given, and the server follows it.
  const short = (await (
    await server.api('/api/v2/security/findings/search', { method: 'POST', body: JSON.stringify({ data: { attributes: { page: { limit: 2 } } } }) })
  ).json()) as { links: { next?: string } };
  assert.ok(short.links.next);
  const next = new URL(short.links.next);
  assert.equal((await server.api(`${next.pathname}${next.search}`)).status, 200);
});

test('a snapshot_timestamp the server has not reached pages on with the same parameters; another instant beside the cursor is a 400', async () => {
  const ahead = Date.now() + 3_600_000;
  const list = async (cursor?: string, snapshot = ahead) =>
    server.api(
      `/api/v2/security/findings?page[limit]=2&snapshot_timestamp=${snapshot}${cursor ? `&page[cursor]=${encodeURIComponent(cursor)}` : ''}`,
    );
  const first = (await (await list()).json()) as { data: Array<{ id: string }>; meta: { snapshot_timestamp: number; page: { after?: string } } };
  assert.ok(first.meta.snapshot_timestamp < ahead, 'the first page reads the present');
  const r = await list(first.meta.page.after);
  assert.equal(r.status, 200, await r.clone().text());
  const second = (await r.json()) as { data: Array<{ id: string }>; meta: { snapshot_timestamp: number } };
  assert.equal(second.meta.snapshot_timestamp, first.meta.snapshot_timestamp);
  assert.deepEqual(
    second.data.filter((f) => first.data.some((g) => g.id === f.id)),
    [],
  );
  const other = await list(first.meta.page.after, ahead + 1);
  assert.equal(other.status, 400);
  assert.match(await other.text(), /belongs to snapshot/);
});
