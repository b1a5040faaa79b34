import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlace, placePath, routeOf } from '../../web/src/router.js';
import { findingsViewFrom, findingsViewParams } from '../../web/src/findings-url.js';
import { EMPTY_FILTERS } from '../../web/src/findings-query.js';

test('an address names its page, the thing it is about and its parameters', () => {
  assert.equal(parsePlace('/').route, 'findings');
  assert.equal(parsePlace('/findings/').route, 'findings');
  assert.equal(parsePlace('/review', '?owner_type=team').params.get('owner_type'), 'team');
  assert.equal(routeOf('/settings/'), 'settings');
  assert.equal(routeOf('/nowhere'), 'findings');
  const arn = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0a1b';
  const resource = parsePlace(placePath('resource', arn));
  assert.deepEqual([resource.route, resource.id], ['resource', arn]);
  assert.deepEqual([parsePlace('/teams/payments').route, parsePlace('/teams/payments').id], ['team', 'payments']);
  assert.deepEqual([parsePlace('/services/checkout').route, parsePlace('/services/checkout').id], ['service', 'checkout']);
  // An item page without its item, or with a malformed escape, is not one.
  assert.equal(parsePlace('/teams/').route, 'owners', 'the index of teams and services');
  assert.equal(parsePlace('/services').route, 'findings');
  assert.equal(parsePlace('/resources/%E0%A4%A').route, 'findings');
});

test('an address is built from a place; empty parameters are left out and the rest survive the round trip', () => {
  const path = placePath('findings', undefined, { 'filter[status]': 'critical', at: '1700000000000', cursor: undefined, finding: 'a b/c' });
  assert.equal(path, '/?filter%5Bstatus%5D=critical&at=1700000000000&finding=a+b%2Fc');
  const place = parsePlace(path.slice(0, path.indexOf('?')), path.slice(path.indexOf('?')));
  assert.equal(place.params.get('finding'), 'a b/c');
  assert.equal(placePath('review', undefined, new URLSearchParams({ owner_type: 'team' })), '/review?owner_type=team');
  assert.equal(placePath('overview'), '/overview');
});

test('a findings view survives its address: filters, query, point in time, cursor, open finding; failing by default', () => {
  assert.equal(findingsViewFrom(new URLSearchParams()).filters.evaluation, 'fail');
  assert.equal(findingsViewParams(findingsViewFrom(new URLSearchParams())).toString(), '');
  assert.equal(findingsViewFrom(new URLSearchParams('filter[evaluation]=any')).filters.evaluation, '');
  const view = {
    query: '',
    filters: { ...EMPTY_FILTERS, status: 'critical' as const, evaluation: '' as const, tags: ['team:a', 'env:prod'], ruleName: '*public*' },
    snapshot: 1_700_000_000_000,
    cursor: 'abc',
    finding: 'f/1',
  };
  const params = findingsViewParams(view);
  assert.equal(params.get('filter[evaluation]'), 'any');
  assert.deepEqual(findingsViewFrom(params), view);
  assert.equal(findingsViewFrom(new URLSearchParams('filter[status]=bogus&at=x')).filters.status, '');
  assert.equal(findingsViewFrom(new URLSearchParams('at=x')).snapshot, undefined);
  assert.equal(findingsViewFrom(new URLSearchParams('q=%40severity%3Ahigh')).query, '@severity:high');
});
