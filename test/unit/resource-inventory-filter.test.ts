import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterValueReason, inventoryFilterHash, inventoryFilterProblem } from '../../src/posture/resource-inventory.js';
import { buildInventoryPageQuery } from '../../src/store/resource-listing.js';

test('filter values: formats and lengths the route and the command line both judge', () => {
  assert.equal(filterValueReason('resource_type', 'aws_s3_bucket'), undefined);
  assert.match(filterValueReason('resource_type', 'AWS::S3::Bucket')!, /is not of the form/);
  assert.equal(filterValueReason('tags', 'team:payments'), undefined);
  assert.equal(filterValueReason('tags', 'url:https://x'), undefined, 'a value may hold colons');
  assert.match(filterValueReason('tags', 'payments')!, /"payments" is not a key:value tag/);
  assert.match(filterValueReason('tags', ':payments')!, /key:value/);
  assert.equal(filterValueReason('source', 'import:terraform-state'), undefined);
  assert.equal(filterValueReason('source', 'api'), undefined);
  assert.match(filterValueReason('source', 'import terraform')!, /is not of the form/);
  assert.equal(filterValueReason('account', '123456789012'), undefined);
  assert.match(filterValueReason('account', '')!, /is not of the form/);
  assert.match(filterValueReason('region', 'r'.repeat(257))!, /is 257 bytes long: at most 256/);
  assert.match(filterValueReason('region', 'eu\u0000')!, /NUL/);

  assert.equal(inventoryFilterProblem({ tags: ['env:prod'], region: 'eu-west-1' }), undefined);
  assert.deepEqual(inventoryFilterProblem({ tags: ['env:prod', 'oops'] }), { field: 'tags', reason: '"oops" is not a key:value tag' });
  assert.equal(inventoryFilterProblem({ tags: [], source: 'bad source' })!.field, 'source');
});

test('a cursor hash names the filters, whatever the order or repetition of tags', () => {
  const a = inventoryFilterHash({ tags: ['env:prod', 'team:a'], region: 'eu-west-1' });
  assert.equal(inventoryFilterHash({ region: 'eu-west-1', tags: ['team:a', 'env:prod', 'team:a'] }), a);
  assert.notEqual(inventoryFilterHash({ tags: ['env:prod', 'team:a'] }), a);
  assert.notEqual(inventoryFilterHash({ tags: ['env:prod', 'team:a'], account: 'eu-west-1' }), a);
});

test('the page query carries every value as a parameter', () => {
  const hostile = "x' OR 1=1 --";
  const { sql, params } = buildInventoryPageQuery('org', {
    filter: { resource_type: hostile, account: hostile, region: hostile, source: hostile, tags: [hostile] },
    at: 5,
    after: hostile,
    limit: 3,
  });
  assert.ok(!sql.includes(hostile));
  assert.deepEqual(params, ['org', 5, hostile, hostile, hostile, hostile, [hostile], hostile, 3]);
  assert.match(sql, /NOT deleted/);
});
