import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListQuery } from '../../src/findings/list-query.js';
import { canonicalFilter, validateFilter, type FilterNode } from '../../src/findings/filter-tree.js';
import { decodeCursor, encodeCursor } from '../../src/findings/cursor-codec.js';
import { buildCountQuery, buildPageQuery, compileFilter, likePattern, Params } from '../../src/store/findings-query.js';
import { parseMuteRequest } from '../../src/findings/mute-request.js';
import { muteAt, privateIpAddresses } from '../../src/findings/serializers.js';
import { InvalidInput, Unprocessable } from '../../src/errors.js';

const q = (s: string) => parseListQuery(new URLSearchParams(s));

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
    ['page[limit]=1001', 'page[limit]'],
    ['filter[muted]=TRUE', 'filter[muted]'],
    ['filter[evaluation_changed_at]=>', 'filter[evaluation_changed_at]'],
    ['snapshot_timestamp=99999999999999999', 'snapshot_timestamp'],
  ]) {
    assert.throws(() => q(s!), (e: InvalidInput) => e instanceof InvalidInput && e.source?.parameter === parameter, s);
  }
});

test('the filter tree is validated and has an order-free canonical form', () => {
  assert.throws(() => validateFilter({ op: 'eq', field: 'password' as never, value: 'x' }), InvalidInput);
  assert.throws(() => validateFilter({ op: 'compare', field: 'evaluation_changed_at', comparison: '; DROP' as never, value: 1 }), InvalidInput);
  assert.equal(canonicalFilter(q('filter[status]=low&filter[evaluation]=pass').filter), canonicalFilter(q('filter[evaluation]=pass&filter[status]=low').filter));
  assert.notEqual(canonicalFilter(q('filter[status]=low').filter), canonicalFilter(q('filter[status]=high').filter));
});

test('compiled SQL carries user values only as parameters', () => {
  const evil = "x'; DROP TABLE findings; --";
  const filter = q(`filter[rule_name]=${encodeURIComponent(evil)}*&filter[tags]=${encodeURIComponent(evil)}&filter[@resource_id]=-${encodeURIComponent(evil)}`).filter;
  for (const { sql, params } of [buildPageQuery('org', { filter, at: 5, limit: 10, after: { severityRank: 1, findingId: evil } }), buildCountQuery('org', filter, 5)]) {
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(params.some((p) => typeof p === 'string' && p.includes('DROP')));
    assert.equal((sql.match(/\$\d+/g) ?? []).reduce((m, p) => Math.max(m, Number(p.slice(1))), 0), params.length);
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
  assert.deepEqual(decodeCursor('secret', 'org-1', filter, c, 'page[cursor]'), { afterId: 'abc', afterStatus: 'low', snapshot: 42, total: 7 });
  const reject = (fn: () => unknown) => assert.throws(fn, (e: InvalidInput) => e.source?.parameter === 'cursor');
  reject(() => decodeCursor('secret', 'org-2', filter, c, 'cursor'));
  reject(() => decodeCursor('other-secret', 'org-1', filter, c, 'cursor'));
  reject(() => decodeCursor('secret', 'org-1', q('filter[status]=high').filter, c, 'cursor'));
  const body = JSON.parse(Buffer.from(c, 'base64').toString());
  reject(() => decodeCursor('secret', 'org-1', filter, Buffer.from(JSON.stringify({ ...body, after: 'abd' })).toString('base64'), 'cursor'));
  // The count a cursor carries is signed too: an edited total is a forged cursor.
  reject(() => decodeCursor('secret', 'org-1', filter, Buffer.from(JSON.stringify({ ...body, total: 8 })).toString('base64'), 'cursor'));
  reject(() => decodeCursor('secret', 'org-1', filter, 'bm90IGpzb24=', 'cursor'));
  reject(() => decodeCursor('secret', 'org-1', filter, '%%%', 'cursor'));
});

test('mute bodies: structure 400, values 422, expiry in the future', () => {
  const body = (mute: Record<string, unknown>, ids = ['f1', 'f1', 'f2']) => ({
    data: { type: 'mute', attributes: { mute }, relationships: { findings: { data: ids.map((id) => ({ id, type: 'findings' })) } } },
  });
  assert.deepEqual(parseMuteRequest(body({ is_muted: true, reason: 'PENDING_FIX', description: 'later', expire_at: 2000 }), 1000), {
    muted: true, reason: 'PENDING_FIX', description: 'later', expireAt: 2000, findingIds: ['f1', 'f2'],
  });
  assert.throws(() => parseMuteRequest(body({ is_muted: true, reason: 'OTHER', expire_at: 1000 }), 1000), Unprocessable);
  assert.throws(() => parseMuteRequest(body({ is_muted: 'yes', reason: 'OTHER' }), 1000), Unprocessable);
  assert.throws(() => parseMuteRequest({ data: [] }, 1000), (e: InvalidInput) => e instanceof InvalidInput && e.source?.pointer === '/data');
  assert.equal(parseMuteRequest(body({ is_muted: false, reason: 'OTHER', expire_at: 5 }), 1000).expireAt, undefined);
});

test('a mute reads as ended from its expiry on; private IPs are found in configurations', () => {
  const row = { muted: true, mute: { muted: true, reason: 'OTHER', uuid: 'u', expiration_date: 100 }, mute_expires_at: 100 };
  assert.deepEqual(muteAt(row, 99), { muted: true, reason: 'OTHER', uuid: 'u', expiration_date: 100 });
  assert.deepEqual(muteAt(row, 100), { muted: false });
  assert.deepEqual(privateIpAddresses({ network_interfaces: [{ private_ip_address: '10.0.0.1', private_ip_addresses: ['10.0.0.2'] }], public_ip: '1.2.3.4' }), ['10.0.0.1', '10.0.0.2']);
});
