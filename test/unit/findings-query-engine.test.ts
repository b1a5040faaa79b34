import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_QUERY, parseListQuery } from '../../src/findings/list-query.js';
import { canonicalFilter, validateFilter, type FilterNode } from '../../src/findings/filter-tree.js';
import { decodeCursor, encodeCursor } from '../../src/findings/cursor-codec.js';
import { buildCountQuery, buildPageQuery, compileFilter, likePattern, Params } from '../../src/store/findings-query.js';
import { MUTE_BODY, parseMuteRequest, type MuteBody } from '../../src/findings/mute-request.js';
import { typeboxValidatorCompiler } from '../../src/server/validation.js';
import { muteAt, privateIpAddresses } from '../../src/findings/serializers.js';
import { InvalidInput, Unprocessable } from '../../src/errors.js';

const q = (s: string) => parseListQuery(new URLSearchParams(s));

type Checked = { value?: unknown; error?: Array<{ instancePath: string; message: string; params: { status: number } }> };
const validator = (schema: typeof LIST_QUERY | typeof MUTE_BODY, httpPart: string) =>
  typeboxValidatorCompiler({ schema, httpPart, method: 'GET', url: '/test' }) as (data: unknown) => Checked;

test('parses every parameter into one filter tree', () => {
  const r = q(
    'page[limit]=7&snapshot_timestamp=123&filter[tags]=a:b&filter[tag]=c:d&filter[evaluation_changed_at]=>=5&filter[discovery_timestamp]=<9' +
      '&filter[muted]=true&filter[rule_id]=r1&filter[rule_name]=-Foo*&filter[resource_type]=-aws*&filter[@resource_id]=arn:*' +
      '&filter[evaluation]=fail&filter[status]=high&filter[vulnerability_type]=misconfiguration&filter[vulnerability_type]=attack_path&detailed_findings=true',
  );
  assert.equal(r.limit, 7);
  assert.equal(r.snapshotTimestamp, 123);
  assert.equal(r.detailed, true);
  assert.deepEqual(r.filter, {
    op: 'and',
    nodes: [
      { op: 'compare', field: 'evaluation_changed_at', comparison: '>=', value: 5 },
      { op: 'compare', field: 'resource_discovery_date', comparison: '<', value: 9 },
      { op: 'muted', value: true },
      { op: 'eq', field: 'rule_id', value: 'r1' },
      { op: 'not', node: { op: 'wildcard', field: 'rule_name', pattern: 'Foo*' } },
      { op: 'not', node: { op: 'wildcard', field: 'resource_type', pattern: 'aws*' } },
      { op: 'wildcard', field: 'resource_id', pattern: 'arn:*' },
      { op: 'eq', field: 'evaluation', value: 'fail' },
      { op: 'eq', field: 'status', value: 'high' },
      { op: 'tags_all', tags: ['a:b', 'c:d'] },
      { op: 'in', field: 'vulnerability_type', values: ['misconfiguration', 'attack_path'] },
    ],
  });
  assert.equal(q('').limit, 100);
});

test('errors name the parameter', () => {
  for (const [s, parameter] of [
    ['x=1', 'x'],
    ['filter[status]=low&filter[status]=low', 'filter[status]'],
    ['page[cursor]=a&cursor=b', 'cursor'],
    ['filter[evaluation_changed_at]=>', 'filter[evaluation_changed_at]'],
    ['snapshot_timestamp=99999999999999999', 'snapshot_timestamp'],
  ]) {
    assert.throws(
      () => q(s!),
      (e: InvalidInput) => e instanceof InvalidInput && e.source?.parameter === parameter,
      s,
    );
  }
});

test('the listing schema judges names, repetition, ranges and allowed values, naming the parameter', () => {
  const check = validator(LIST_QUERY, 'querystring');
  for (const [query, parameter, detail] of [
    [{ x: '1' }, 'x', 'is not a parameter of this endpoint'],
    [{ 'a/b': '1' }, 'a~1b', 'is not a parameter of this endpoint'],
    [{ 'page[limit]': '1001' }, 'page[limit]', 'must be between 1 and 1000'],
    [{ 'page[limit]': '2.5' }, 'page[limit]', '"2.5" is not a non-negative integer'],
    [{ 'filter[muted]': 'TRUE' }, 'filter[muted]', '"TRUE" is not true or false'],
    [{ 'filter[status]': ['low', 'info'] }, 'filter[status]', 'is given more than once'],
    [{ 'filter[evaluation]': 'maybe' }, 'filter[evaluation]', '"maybe" is not one of pass, fail'],
    [{ 'filter[vulnerability_type]': ['misconfiguration', 'bug'] }, 'filter[vulnerability_type]', '"bug" is not one of'],
    [{ 'filter[evaluation_changed_at]>': ['1', '2'] }, 'filter[evaluation_changed_at]>', 'is given more than once'],
  ] as const) {
    const violation = check(Object.assign(Object.create(null), query)).error?.[0];
    // The error mapper names the parameter by the pointer's first segment.
    assert.equal(violation?.instancePath.split('/')[1], parameter, JSON.stringify(query));
    assert.ok(violation.message.startsWith(detail), violation.message);
  }
  const ok = check({ 'page[limit]': '7', 'filter[tags]': 'a:b', 'filter[discovery_timestamp]<': '5', detailed_findings: 'true' });
  assert.deepEqual({ ...(ok.value as object) }, { 'page[limit]': 7, 'filter[tags]': ['a:b'], detailed_findings: true });
});

test('the filter tree is validated and has an order-free canonical form', () => {
  assert.throws(() => validateFilter({ op: 'eq', field: 'password' as never, value: 'x' }), InvalidInput);
  assert.throws(() => validateFilter({ op: 'compare', field: 'evaluation_changed_at', comparison: '; DROP' as never, value: 1 }), InvalidInput);
  assert.equal(
    canonicalFilter(q('filter[status]=low&filter[evaluation]=pass').filter),
    canonicalFilter(q('filter[evaluation]=pass&filter[status]=low').filter),
  );
  assert.notEqual(canonicalFilter(q('filter[status]=low').filter), canonicalFilter(q('filter[status]=high').filter));
});

test('compiled SQL carries user values only as parameters', () => {
  const evil = "x'; DROP TABLE findings; --";
  const filter = q(
    `filter[rule_name]=${encodeURIComponent(evil)}*&filter[tags]=${encodeURIComponent(evil)}&filter[@resource_id]=-${encodeURIComponent(evil)}`,
  ).filter;
  for (const { sql, params } of [
    buildPageQuery('org', { filter, at: 5, limit: 10, after: { severityRank: 1, findingId: evil } }),
    buildCountQuery('org', filter, 5),
  ]) {
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(params.some((p) => typeof p === 'string' && p.includes('DROP')));
    assert.equal(
      (sql.match(/\$\d+/g) ?? []).reduce((m, p) => Math.max(m, Number(p.slice(1))), 0),
      params.length,
    );
  }
});

test('wildcards: only * is special', () => {
  assert.equal(likePattern('a_b%c\\d*'), 'a\\_b\\%c\\\\d%');
  const p = new Params();
  assert.equal(compileFilter({ op: 'muted', value: false }, p, '$9'), '(NOT (muted AND (mute_expires_at IS NULL OR mute_expires_at > $9)))');
  assert.equal(compileFilter({ op: 'eq', field: 'status', value: 'medium' }, p, '$9'), '(severity_rank = $1::smallint)');
  assert.deepEqual(p.values, [2]);
});

test('cursors: round trip; tampering, other orgs, other filters and junk are rejected', () => {
  const filter: FilterNode = q('filter[status]=low').filter;
  const c = encodeCursor('secret', 'org-1', filter, { afterId: 'abc', afterStatus: 'low', snapshot: 42, total: 7 });
  assert.deepEqual(JSON.parse(Buffer.from(c, 'base64').toString()).values, ['low']);
  assert.deepEqual(decodeCursor('secret', 'org-1', filter, c, { parameter: 'page[cursor]' }), {
    afterId: 'abc',
    afterStatus: 'low',
    snapshot: 42,
    total: 7,
  });
  const CURSOR = { parameter: 'cursor' };
  const reject = (fn: () => unknown) => assert.throws(fn, (e: InvalidInput) => e.source?.parameter === 'cursor');
  reject(() => decodeCursor('secret', 'org-2', filter, c, CURSOR));
  reject(() => decodeCursor('other-secret', 'org-1', filter, c, CURSOR));
  reject(() => decodeCursor('secret', 'org-1', q('filter[status]=high').filter, c, CURSOR));
  const body = JSON.parse(Buffer.from(c, 'base64').toString());
  reject(() => decodeCursor('secret', 'org-1', filter, Buffer.from(JSON.stringify({ ...body, after: 'abd' })).toString('base64'), CURSOR));
  // The count a cursor carries is signed too: an edited total is a forged cursor.
  reject(() => decodeCursor('secret', 'org-1', filter, Buffer.from(JSON.stringify({ ...body, total: 8 })).toString('base64'), CURSOR));
  reject(() => decodeCursor('secret', 'org-1', filter, 'bm90IGpzb24=', CURSOR));
  reject(() => decodeCursor('secret', 'org-1', filter, '%%%', CURSOR));
});

test('mute bodies: structure 400, values 422 (the schema says which), expiry in the future', () => {
  const check = validator(MUTE_BODY, 'body');
  const judge = (b: unknown, now: number) => {
    const r = check(b);
    return r.error ? { status: r.error[0]!.params.status, pointer: r.error[0]!.instancePath || '/' } : parseMuteRequest(r.value as MuteBody, now);
  };
  const body = (mute: Record<string, unknown>, ids: unknown[] = ['f1', 'f1', 'f2']) => ({
    data: { type: 'mute', attributes: { mute }, relationships: { findings: { data: ids.map((id) => ({ id, type: 'findings' })) } } },
  });
  assert.deepEqual(judge(body({ is_muted: true, reason: 'PENDING_FIX', description: 'later', expire_at: 2000 }), 1000), {
    muted: true,
    reason: 'PENDING_FIX',
    description: 'later',
    expireAt: 2000,
    findingIds: ['f1', 'f2'],
  });
  assert.throws(() => judge(body({ is_muted: true, reason: 'OTHER', expire_at: 1000 }), 1000), Unprocessable);
  assert.deepEqual(judge(body({ is_muted: 'yes', reason: 'OTHER' }), 1000), { status: 422, pointer: '/data/attributes/mute/is_muted' });
  assert.deepEqual(judge(body({ is_muted: true }), 1000), { status: 422, pointer: '/data/attributes/mute/reason' });
  assert.deepEqual(judge(body({ is_muted: true, reason: 'OTHER', expire_at: '5' }), 1000), {
    status: 422,
    pointer: '/data/attributes/mute/expire_at',
  });
  // Structure first: a body wrong in both ways is a 400.
  assert.deepEqual(judge(body({ is_muted: 'yes', reason: 'OTHER' }, []), 1000), { status: 400, pointer: '/data/relationships/findings/data' });
  assert.deepEqual(judge(body({ is_muted: true, reason: 'OTHER' }, [5]), 1000), { status: 400, pointer: '/data/relationships/findings/data/0/id' });
  assert.deepEqual(judge({ data: [] }, 1000), { status: 400, pointer: '/data' });
  assert.deepEqual(judge('mute', 1000), { status: 400, pointer: '/' });
  assert.equal((judge(body({ is_muted: false, reason: 'OTHER', expire_at: 5 }), 1000) as { expireAt?: number }).expireAt, undefined);
  // A reason belongs to a direction, as Datadog's do: an unmuting reason does not mute, nor the other way.
  for (const [muted, reason] of [
    [true, 'NO_PENDING_FIX'],
    [true, 'HUMAN_ERROR'],
    [false, 'RISK_ACCEPTED'],
    [false, 'PENDING_FIX'],
  ] as const) {
    assert.throws(
      () => judge(body({ is_muted: muted, reason }), 1000),
      (e: Unprocessable) => e instanceof Unprocessable && e.source?.pointer === '/data/attributes/mute/reason' && /takes one of/.test(e.message),
      `${muted} ${reason}`,
    );
  }
  assert.equal((judge(body({ is_muted: false, reason: 'NO_LONGER_ACCEPTED_RISK' }), 1000) as { muted: boolean }).muted, false);
  // Datadog's limit on the findings of one request: 100.
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
  assert.equal((judge(body({ is_muted: true, reason: 'OTHER' }, ids(100)), 1000) as { findingIds: string[] }).findingIds.length, 100);
  assert.deepEqual(judge(body({ is_muted: true, reason: 'OTHER' }, ids(101)), 1000), { status: 400, pointer: '/data/relationships/findings/data' });
  // Datadog's limit on the description: 280 characters.
  assert.equal(
    (judge(body({ is_muted: true, reason: 'OTHER', description: 'd'.repeat(280) }), 1000) as { description: string }).description.length,
    280,
  );
  assert.deepEqual(judge(body({ is_muted: true, reason: 'OTHER', description: 'd'.repeat(281) }), 1000), {
    status: 422,
    pointer: '/data/attributes/mute/description',
  });
  assert.throws(
    () => parseMuteRequest(body({ is_muted: true, reason: 'OTHER' }, ['bad\u0000id']) as MuteBody, 1000),
    (e: InvalidInput) => e instanceof InvalidInput && e.source?.pointer === '/data/relationships/findings/data/0/id',
  );
});

test('a mute reads as ended from its expiry on; private IPs are found in configurations', () => {
  const row = { muted: true, mute: { muted: true, reason: 'OTHER', uuid: 'u', expiration_date: 100 }, mute_expires_at: 100 };
  assert.deepEqual(muteAt(row, 99), { muted: true, reason: 'OTHER', uuid: 'u', expiration_date: 100 });
  assert.deepEqual(muteAt(row, 100), { muted: false });
  assert.deepEqual(
    privateIpAddresses({ network_interfaces: [{ private_ip_address: '10.0.0.1', private_ip_addresses: ['10.0.0.2'] }], public_ip: '1.2.3.4' }),
    ['10.0.0.1', '10.0.0.2'],
  );
});
