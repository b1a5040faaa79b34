import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffValues, flatten } from '../../web/src/config-diff.js';
import { countsByResource, ownerQuery, queryValue, trendInstants, trendWindow, TREND_RANGES } from '../../web/src/owner-view.js';
import type { Finding } from '../../web/src/types.js';

test('a configuration diff lists each leaf added, removed or changed, in path order', () => {
  assert.deepEqual(
    [...flatten({ a: { b: [1, { c: null }] }, e: {}, f: [] }).entries()],
    [
      ['a.b[0]', 1],
      ['a.b[1].c', null],
      ['e', {}],
      ['f', []],
    ],
  );
  assert.deepEqual(diffValues({ a: 1, b: { c: 'x' }, d: [1, 2] }, { a: '1', b: { c: 'x' }, d: [1], e: true }), [
    { path: 'a', kind: 'changed', before: 1, after: '1' },
    { path: 'd[1]', kind: 'removed', before: 2 },
    { path: 'e', kind: 'added', after: true },
  ]);
  assert.deepEqual(diffValues({ x: [1] }, { x: [1] }), []);
  assert.deepEqual(diffValues(undefined, 3), [{ path: '$', kind: 'changed', before: undefined, after: 3 }]);
});

test("the owner facet quotes what is not a plain word; the trend's instants end at the window's end", () => {
  assert.equal(ownerQuery('team', 'payments', '@status:open'), '@owner.team:payments @status:open');
  assert.equal(queryValue('a b"c'), '"a b\\"c"');
  assert.equal(ownerQuery('service', 'checkout-api'), '@owner.service:checkout-api');
  assert.deepEqual(trendInstants(0, 800, 4), [200, 400, 600, 800]);
  const now = 10 * TREND_RANGES['90d'];
  assert.deepEqual(trendWindow(new URLSearchParams('range=1d'), now), { start: now - TREND_RANGES['1d'], end: now, range: '1d' });
  assert.deepEqual(trendWindow(new URLSearchParams('range=bogus'), now).range, '7d');
  assert.deepEqual(trendWindow(new URLSearchParams('from=5&to=9'), now), { start: 5, end: 9, range: 'custom' });
  assert.equal(trendWindow(new URLSearchParams('from=9&to=5'), now).range, '7d');
});

test('open findings are counted per resource and severity', () => {
  const f = (resource_id: string, status: Finding['attributes']['status']): Finding => ({
    id: '',
    type: 'finding',
    attributes: { evaluation: 'fail', resource_id, status },
  });
  const counts = countsByResource([f('r1', 'high'), f('r1', 'high'), f('r2', 'low')]);
  assert.equal(counts.get('r1')!.high, 2);
  assert.equal(counts.get('r2')!.low, 1);
  assert.equal(counts.get('r2')!.critical, 0);
});
