// Exports of the listings (Accept: text/csv or application/x-ndjson): the whole listing at its instant, streamed in
// keyset pages of 1000, equal row by row to paging the JSON listing with the same filters and instant; pinned to that
// instant while writers change findings between its pages; CSV quoted and formula-safe; a bad request is the usual
// JSON:API error; a large export streams with bounded reads ahead of the client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BASE_TIME, makeState, seedStates } from './findings-seed.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { SEVERITIES } from '../../src/posture/resource.js';
import { insertFindingIdentities, writeStates } from '../../src/store/finding-states.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import type { Db, QueryOptions } from '../../src/store/db.js';

type Keys = { apiKey: string; appKey: string; orgId: string };
type Item = { id: string; attributes: Record<string, unknown> };
type Page = { data: Item[]; meta: { page: { cursor?: string; after?: string }; snapshot_timestamp: number } };

const FINDINGS = '/api/v2/posture_management/findings';
const SECURITY = '/api/v2/security/findings';
const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let db: Db;
let seeded: FindingState[];

/** Cells a spreadsheet would run as formulas, and cells that need quoting. */
const HOSTILE: Record<number, Partial<FindingState>> = {
  1: { resource_name: '=HYPERLINK("http://x","y")' },
  4: { rule_name: '+SUM(A1:A2), "quoted"' },
  7: { resource_name: '-2+3', tags: ['cloud_provider:aws', 'env:prod', 'team:payments', '@evil:tag'] },
  10: { resource_name: 'line one\nline two, "and a quote"' },
  13: {
    resource_name: '@cmd',
    muted: true,
    mute: { muted: true, reason: 'OTHER', description: '=1+1', start_date: BASE_TIME, uuid: 'u-1' } as never,
  },
  16: { muted: true, mute: { muted: true, reason: 'RISK_ACCEPTED', start_date: BASE_TIME, uuid: 'u-2' } as never },
};

before(async () => {
  server = await startTestServer();
  db = server.server.db;
  seeded = Array.from({ length: 2600 }, (_, i) => makeState(i, HOSTILE[i] ?? {}));
  await seedStates(db, server.orgId, seeded, Date.now() - 60_000);
});
after(async () => server?.stop());

/** Every item of a JSON listing, paged with its cursor (the pages' own size, not the export's). */
async function pagedJson(path: string, params: URLSearchParams, keys?: Keys): Promise<{ items: Item[]; at: number }> {
  const items: Item[] = [];
  let cursor: string | undefined;
  let at = 0;
  do {
    const q = new URLSearchParams(params);
    q.set('page[limit]', '700');
    if (cursor) q.set('page[cursor]', cursor);
    const r = await server.api(`${path}?${q}`, keys ? { keys } : {});
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as Page;
    items.push(...body.data);
    at = body.meta.snapshot_timestamp;
    cursor = body.meta.page.cursor ?? body.meta.page.after;
  } while (cursor);
  return { items, at };
}

async function exported(path: string, params: URLSearchParams, accept: string, keys?: Keys) {
  const r = await server.api(`${path}?${params}`, { headers: { Accept: accept }, ...(keys ? { keys } : {}) });
  assert.equal(r.status, 200, await r.clone().text());
  return { response: r, text: await r.text(), at: Number(r.headers.get('x-snapshot-timestamp')) };
}

const ndjsonItems = (text: string) => {
  assert.ok(text === '' || text.endsWith('\n'), 'every line ends');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Item);
};

/** What a spreadsheet-safe cell holds: a leading = + - @ (tab, CR) gets an apostrophe. */
const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const iso = (ms: unknown) => new Date(ms as number).toISOString();

/** The CSV row the legacy listing's item should become, written out here independently of the server's columns. */
function findingRow(item: Item): Record<string, string> {
  const a = item.attributes as {
    status: string;
    evaluation: string;
    vulnerability_type: string;
    rule: { id: string; name: string };
    resource_id: string;
    resource_type: string;
    resource: string;
    tags: string[];
    mute: { muted: boolean; reason?: string };
    evaluation_changed_at: number;
    resource_discovery_date: number;
  };
  return {
    id: safe(item.id),
    status: a.status,
    evaluation: a.evaluation,
    vulnerability_type: a.vulnerability_type,
    rule_id: safe(a.rule.id),
    rule_name: safe(a.rule.name),
    resource_id: safe(a.resource_id),
    resource_type: a.resource_type,
    resource: safe(a.resource),
    tags: safe(a.tags.join(',')),
    muted: String(a.mute.muted),
    mute_reason: a.mute.reason ?? '',
    evaluation_changed_at: iso(a.evaluation_changed_at),
    resource_discovery_date: iso(a.resource_discovery_date),
  };
}

test('the legacy listing exports as CSV and NDJSON equal to its JSON pages, row by row, with the same filters', async () => {
  const params = new URLSearchParams([
    ['filter[evaluation]', 'fail'],
    ['filter[vulnerability_type]', 'misconfiguration'],
    ['page[limit]', '3'],
  ]);
  const ndjson = await exported(FINDINGS, params, NDJSON);
  assert.match(ndjson.response.headers.get('content-type') ?? '', /^application\/x-ndjson/);
  assert.match(ndjson.response.headers.get('content-disposition') ?? '', /^attachment; filename="findings-[0-9TZ-]+\.ndjson"$/);
  // page[limit] is not read: everything, at the export's instant, as the JSON pages give it at that instant.
  const paged = await pagedJson(
    FINDINGS,
    new URLSearchParams([...params].filter(([k]) => k !== 'page[limit]').concat([['snapshot_timestamp', String(ndjson.at)]])),
  );
  assert.ok(paged.items.length > 1000, `more than one export page: ${paged.items.length}`);
  const expected = seeded.filter((s) => s.evaluation === 'fail' && s.vulnerability_type === 'misconfiguration');
  assert.equal(paged.items.length, expected.length);
  assert.deepEqual(ndjsonItems(ndjson.text), paged.items);

  const csv = await exported(FINDINGS, params, CSV);
  assert.match(csv.response.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(csv.response.headers.get('content-disposition') ?? '', /^attachment; filename="findings-[0-9TZ-]+\.csv"$/);
  const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]!), Object.keys(findingRow(paged.items[0]!)));
  assert.deepEqual(rows, paged.items.map(findingRow));

  // The instant is kept: snapshot_timestamp exports as things stood then.
  const early = await exported(FINDINGS, new URLSearchParams([['snapshot_timestamp', '1000']]), NDJSON);
  assert.equal(early.at, 1000);
  assert.equal(early.text, '');
  const header = await exported(FINDINGS, new URLSearchParams([['snapshot_timestamp', '1000']]), CSV);
  assert.equal(header.text.split('\n')[0], Object.keys(findingRow(paged.items[0]!)).join(','));
  assert.equal(header.text.trim().split('\n').length, 1, 'an empty listing is its header row');
});

test('CSV quoting and formula cells: what a spreadsheet reads back is text', async () => {
  const csv = await exported(FINDINGS, new URLSearchParams(), CSV);
  const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, seeded.length);
  const byId = new Map(rows.map((r) => [r.id!, r]));
  const row = (i: number) => byId.get(seeded[i]!.finding_id)!;
  assert.equal(row(1).resource, `'=HYPERLINK("http://x","y")`);
  assert.equal(row(4).rule_name, `'+SUM(A1:A2), "quoted"`);
  assert.equal(row(7).resource, "'-2+3");
  assert.equal(row(7).tags, 'cloud_provider:aws,env:prod,team:payments,@evil:tag');
  assert.equal(row(10).resource, 'line one\nline two, "and a quote"');
  assert.equal(row(13).resource, "'@cmd");
  assert.equal(row(13).muted, 'true');
  // The findings listing's reason, as its JSON page gives it (Datadog's FindingMuteReason spells it ACCEPTED_RISK).
  assert.equal(row(16).mute_reason, 'ACCEPTED_RISK');
  assert.equal(row(2).muted, 'false');
  assert.equal(row(2).evaluation_changed_at, new Date(seeded[2]!.evaluation_changed_at).toISOString());
  // Quoting is the CSV standard's: the raw text doubles quotes inside a quoted field.
  assert.ok(csv.text.includes(`"'+SUM(A1:A2), ""quoted"""`));
});

test('the Security Findings listing exports in its sort, equal to its JSON pages', async () => {
  for (const sort of ['-@detection_changed_at', '@detection_changed_at']) {
    const params = new URLSearchParams([
      ['filter[query]', '@severity:(critical OR high OR medium OR low) env:prod'],
      ['sort', sort],
    ]);
    const ndjson = await exported(SECURITY, params, NDJSON);
    assert.match(ndjson.response.headers.get('content-disposition') ?? '', /filename="security-findings-[0-9TZ-]+\.ndjson"/);
    const paged = await pagedJson(SECURITY, params);
    assert.ok(paged.items.length > 1000, `more than one export page: ${paged.items.length}`);
    assert.deepEqual(ndjsonItems(ndjson.text), paged.items);

    const rows = parse((await exported(SECURITY, params, CSV)).text, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(
      rows.map((r) => r.id),
      paged.items.map((i) => i.id),
    );
    const first = paged.items[0]!.attributes as { attributes: Record<string, unknown>; tags: string[] };
    assert.deepEqual(
      { severity: rows[0]!.severity, status: rows[0]!.status, tags: rows[0]!.tags, detection_changed_at: rows[0]!.detection_changed_at },
      {
        severity: first.attributes.severity,
        status: first.attributes.status,
        tags: first.tags.join(','),
        detection_changed_at: iso(first.attributes.detection_changed_at),
      },
    );
  }
  // The search body exports the same way.
  const body = JSON.stringify({ data: { attributes: { filter: 'env:prod', sort: '@detection_changed_at' } } });
  const r = await server.api(`${SECURITY}/search`, { method: 'POST', body, headers: { Accept: NDJSON } });
  assert.equal(r.status, 200);
  const paged = await pagedJson(
    SECURITY,
    new URLSearchParams([
      ['filter[query]', 'env:prod'],
      ['sort', '@detection_changed_at'],
    ]),
  );
  assert.deepEqual(ndjsonItems(await r.text()), paged.items);
});

test('a bad request is a JSON:API 400 before any byte of an export; an unknown Accept answers the JSON page', async () => {
  for (const [path, accept] of [
    [`${FINDINGS}?filter[evaluation_changed_at]=>=soon`, CSV],
    [`${FINDINGS}?filter[status]=urgent`, NDJSON],
    [`${FINDINGS}?filter[unknown]=1`, CSV],
    [`${SECURITY}?filter[query]=%40severity%3A(critical`, CSV],
    ['/api/v2/csm/resources?filter[tags]=notatag', NDJSON],
  ] as const) {
    const r = await server.api(path, { headers: { Accept: accept } });
    assert.equal(r.status, 400, path);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(r.headers.get('content-disposition'), null);
    const body = (await r.json()) as { errors: Array<{ status: string; source?: { parameter?: string } }> };
    assert.equal(body.errors[0]!.status, '400');
    assert.ok(body.errors[0]!.source?.parameter?.startsWith('filter['), JSON.stringify(body));
  }
  // Without keys: the listing's 401, in JSON.
  const anonymous = await fetch(`${server.url}${FINDINGS}`, { headers: { Accept: CSV } });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('content-type') ?? '', /^application\/json/);

  for (const accept of [
    'text/html',
    'application/xml, text/plain',
    '*/*',
    'application/json, text/csv',
    'text/csv;q=0.5, application/json',
    'text/csv;q=0',
  ]) {
    const r = await server.api(`${FINDINGS}?page[limit]=2`, { headers: { Accept: accept } });
    assert.equal(r.status, 200, accept);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/, accept);
    assert.equal(((await r.json()) as Page).data.length, 2);
  }
  // The export wins when it ranks first.
  const preferred = await server.api(`${FINDINGS}?filter[status]=critical`, { headers: { Accept: 'application/json;q=0.9, text/csv' } });
  assert.match(preferred.headers.get('content-type') ?? '', /^text\/csv/);
  await preferred.text();
  // The beta envelope does not export: JSON.
  const beta = await server.api('/api/unstable/posture_management/findings?page[limit]=1', { headers: { Accept: CSV } });
  assert.match(beta.headers.get('content-type') ?? '', /^application\/json/);
  await beta.text();
});

test('the resource inventory exports in resource id order at its instant, equal to its JSON pages', async () => {
  const other = await server.newKeys('export-inventory-org');
  const items = Array.from({ length: 1150 }, (_, i) => ({
    id: `arn:aws:s3:::export-bucket-${String(i).padStart(5, '0')}`,
    attributes: {
      resource_type: 'aws_s3_bucket',
      cloud_provider: 'aws',
      name: i === 3 ? '=cmd|calc' : `export-bucket-${i}`,
      account: '123456789012',
      region: i % 2 ? 'us-east-1' : 'eu-west-1',
      tags: [`team:${i % 3 ? 'a' : 'b'}`, 'env:prod'],
      configuration: {},
    },
  }));
  for (let i = 0; i < items.length; i += 1000) {
    const r = await server.api('/api/v2/csm/resources', { method: 'POST', keys: other, body: JSON.stringify({ data: items.slice(i, i + 1000) }) });
    assert.equal(r.status, 200, await r.clone().text());
  }
  const params = new URLSearchParams([['filter[tags]', 'env:prod']]);
  const ndjson = await exported('/api/v2/csm/resources', params, NDJSON, other);
  assert.match(ndjson.response.headers.get('content-disposition') ?? '', /filename="resources-[0-9TZ-]+\.ndjson"/);
  const paged = await pagedJson('/api/v2/csm/resources', new URLSearchParams([...params, ['snapshot_timestamp', String(ndjson.at)]]), other);
  assert.equal(paged.items.length, 1150);
  assert.deepEqual(ndjsonItems(ndjson.text), paged.items);
  const rows = parse((await exported('/api/v2/csm/resources', params, CSV, other)).text, { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(
    rows.map((r) => r.id),
    paged.items.map((i) => i.id),
  );
  assert.equal(rows[3]!.name, "'=cmd|calc");
  assert.equal(rows[3]!.tags, 'team:b,env:prod');
  assert.equal(rows[0]!.version, '1');
});

/** Runs `hook` before every page query of the findings listing (its keyset query) that the server sends. */
function beforeEachPageQuery(hook: () => Promise<void>): () => void {
  const original = { query: db.query.bind(db), queryScript: db.queryScript?.bind(db) };
  let inside = false;
  // A page's statement, with its parameters or (a first page's, in a script with its instant) written out.
  const isPage = (sql: string) => /FROM finding_states WHERE org_id = (\$1|'[^']+') AND valid_to = /.test(sql) && sql.includes('UNION ALL');
  const before = async (sql: string) => {
    if (inside || !isPage(sql)) return;
    inside = true;
    try {
      await hook();
    } finally {
      inside = false;
    }
  };
  db.query = (async (sql: string, params?: unknown[], options?: QueryOptions) => (
    await before(sql),
    original.query(sql, params, options)
  )) as Db['query'];
  if (original.queryScript) db.queryScript = async (sql: string) => (await before(sql), original.queryScript!(sql));
  return () => {
    db.query = original.query as Db['query'];
    if (original.queryScript) db.queryScript = original.queryScript;
  };
}

test('an export keeps its instant while writers change findings between its pages (snapshot_timestamp, or now)', async () => {
  const keys = await server.newKeys('export-writers-org');
  const states = Array.from({ length: 3200 }, (_, i) => makeState(i));
  await seedStates(db, keys.orgId, states, Date.now() - 60_000);
  await sleep(5);
  const instant = Date.now() - 1;
  let round = 0;
  /** A writer round: findings' severity (the sort key) and evaluation change, new findings appear. */
  const write = () =>
    withFindingWriteLease(db, keys.orgId, 'org', async (tx, now) => {
      round++;
      const fresh = Array.from({ length: 10 }, (_, i) =>
        makeState(90_000 + round * 100 + i, { finding_id: `a-new-${round}-${i}`, status: 'critical' }),
      );
      await insertFindingIdentities(
        tx,
        keys.orgId,
        fresh.map((s) => ({ finding_id: s.finding_id, resource_id: s.resource_id, rule_id: s.rule_id, origin: 'rule' as const })),
      );
      const changed = [
        ...new Map(Array.from({ length: 40 }, (_, i) => states[(round * 131 + i * 77) % states.length]!).map((s) => [s.finding_id, s])).values(),
      ].map((s) => ({
        ...s,
        status: SEVERITIES[(SEVERITIES.indexOf(s.status as never) + 1) % SEVERITIES.length]!,
        evaluation: (s.evaluation === 'pass' ? 'fail' : 'pass') as 'pass' | 'fail',
      }));
      await writeStates(
        tx,
        keys.orgId,
        changed.map((s) => s.finding_id),
        [...fresh, ...changed],
        now,
        'export-writer',
      );
    });

  for (const withSnapshot of [true, false]) {
    const params = new URLSearchParams([['filter[tags]', 'env:prod']]);
    if (withSnapshot) params.set('snapshot_timestamp', String(instant));
    const writesBefore = round;
    const restore = beforeEachPageQuery(write);
    let result: Awaited<ReturnType<typeof exported>>;
    try {
      result = await exported(FINDINGS, params, NDJSON, keys);
    } finally {
      restore();
    }
    assert.ok(round - writesBefore >= 2, `writers ran between the export's pages: ${round - writesBefore}`);
    if (withSnapshot) assert.equal(result.at, instant);
    const paged = await pagedJson(
      FINDINGS,
      new URLSearchParams([
        ['filter[tags]', 'env:prod'],
        ['snapshot_timestamp', String(result.at)],
      ]),
      keys,
    );
    assert.deepEqual(ndjsonItems(result.text), paged.items);
    if (withSnapshot) {
      // And that instant is the seeded one, before every write.
      assert.deepEqual(
        paged.items.map((i) => i.id),
        states
          .filter((s) => s.tags.includes('env:prod'))
          .sort((a, b) => SEVERITIES.indexOf(a.status as never) - SEVERITIES.indexOf(b.status as never) || (a.finding_id < b.finding_id ? -1 : 1))
          .map((s) => s.finding_id),
      );
    }
  }
  // The writes are there now: an export of now holds them.
  const now = await exported(FINDINGS, new URLSearchParams([['filter[tags]', 'env:prod']]), NDJSON, keys);
  assert.ok(ndjsonItems(now.text).some((i) => i.id.startsWith('a-new-')));
});

/**
 * The most a loopback connection can hold between a server that writes and a client that has stopped reading: the
 * kernel's largest send and receive buffers (Linux autotunes up to them; 4 MB and 32 MB on some machines), or 8 MB
 * where they cannot be read.
 */
function socketBufferBytes(): number {
  const largest = (name: string) => Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]);
  try {
    return largest('tcp_rmem') + largest('tcp_wmem');
  } catch {
    return 8 * 1024 * 1024;
  }
}

test('a large export streams: many chunks, and the server reads ahead of a paused client only what the socket holds', async (t) => {
  const keys = await server.newKeys('export-large-org');
  const count = 100_000;
  const pages = count / 1000;
  const states = Array.from({ length: count }, (_, i) => makeState(i));
  await seedStates(db, keys.orgId, states, Date.now() - 60_000);
  let pageQueries = 0;
  const restore = beforeEachPageQuery(async () => {
    pageQueries++;
  });
  try {
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    const r = await server.api(FINDINGS, { headers: { Accept: NDJSON }, keys });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    let chunks = 0;
    let bytes = 0;
    let lines = 0;
    const take = (chunk: Uint8Array) => {
      chunks++;
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
    };
    const first = await reader.read();
    take(first.value!);
    // The client stops reading: the server stops querying once the socket's buffers are full.
    await sleep(600);
    const aheadWhilePaused = pageQueries;
    for (let next = await reader.read(); !next.done; next = await reader.read()) take(next.value);
    clearInterval(sampler);
    assert.equal(lines, count);
    assert.ok(pageQueries >= pages, `one query per page: ${pageQueries}`);
    assert.ok(chunks > 20, `chunks: ${chunks}`);
    // How much the kernel may hold decides how far ahead the server can write; a server that ignored the paused client
    // would read every page. The export is larger than the buffers, so the bound says something.
    const heldPages = Math.ceil(socketBufferBytes() / (bytes / pages)) + 3;
    assert.ok(heldPages < pages, `the export (${pages} pages) outgrows the socket buffers (${heldPages} pages)`);
    assert.ok(aheadWhilePaused <= heldPages, `pages read while the client paused: ${aheadWhilePaused}, the socket holds ${heldPages}`);
    // Informative only (the test's own client shares the heap, and collection is lazy): the bound is the pages above.
    t.diagnostic(
      `${chunks} chunks, ${Math.round(bytes / 1e6)} MB; ${aheadWhilePaused} pages read while paused; heap peak +${Math.round((peak - baseline) / 1e6)} MB`,
    );
  } finally {
    restore();
  }
});

test('the OpenAPI document gives the exporting listings their three response content types', async () => {
  const doc = (await (await fetch(`${server.url}/api/v2/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  };
  for (const [path, method] of [
    [FINDINGS, 'get'],
    [SECURITY, 'get'],
    [`${SECURITY}/search`, 'post'],
    ['/api/v2/csm/resources', 'get'],
  ] as const) {
    const content = doc.paths[path]?.[method]?.responses['200']?.content ?? {};
    assert.deepEqual(Object.keys(content).sort(), ['application/json', 'application/x-ndjson', 'text/csv'], `${method} ${path}`);
  }
});
