import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { RecordError } from '../../src/posture/resource.js';

const NOW = 1_700_000_000_000;

function fieldOf(fn: () => unknown): { place: string; field?: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RecordError, String(error));
    return { place: error.place, field: error.field };
  }
  assert.fail('expected a RecordError');
}

test('a full item becomes a ResourceRecord unchanged', () => {
  const record = parseResourceItem(
    {
      type: 'cloud_resource',
      id: 'arn:aws:s3:::logs',
      attributes: {
        resource_type: 'aws_s3_bucket',
        name: 'logs-bucket',
        cloud_provider: 'aws',
        account: '123456789012',
        region: 'eu-west-1',
        tags: ['team:cake', 'env:prod:blue'],
        configuration: { versioning: { status: 'Enabled' } },
        observed_at: '2024-05-01T10:00:00Z',
        deleted: true,
      },
    },
    'line 3',
    NOW,
  );
  assert.deepEqual(record, {
    resource_id: 'arn:aws:s3:::logs',
    resource_type: 'aws_s3_bucket',
    name: 'logs-bucket',
    cloud_provider: 'aws',
    account: '123456789012',
    region: 'eu-west-1',
    tags: ['team:cake', 'env:prod:blue'],
    configuration: { versioning: { status: 'Enabled' } },
    observed_at: Date.parse('2024-05-01T10:00:00Z'),
    deleted: true,
  });
});

test('defaults: name from the id, no tags, empty configuration, observed now', () => {
  const record = parseResourceItem(
    { id: 'projects/p1/instances/web-1', attributes: { resource_type: 'gcp_compute_instance', cloud_provider: 'gcp' } },
    'data[0]',
    NOW,
  );
  assert.equal(record.name, 'web-1');
  assert.deepEqual(record.tags, []);
  assert.deepEqual(record.configuration, {});
  assert.equal(record.observed_at, NOW);
  assert.equal(record.account, '');
  assert.equal(record.deleted, undefined);
});

test('each bad field is named with the record place', () => {
  const base = { resource_type: 'aws_s3_bucket', cloud_provider: 'aws' };
  assert.deepEqual(
    fieldOf(() => parseResourceItem({ attributes: base }, 'line 12', NOW)),
    { place: 'line 12', field: 'id' },
  );
  assert.deepEqual(
    fieldOf(() => parseResourceItem({ id: 'x', attributes: { cloud_provider: 'aws' } }, 'line 1', NOW)),
    {
      place: 'line 1',
      field: 'attributes.resource_type',
    },
  );
  assert.deepEqual(
    fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, cloud_provider: 'oci' } }, 'data[3]', NOW)),
    {
      place: 'data[3]',
      field: 'attributes.cloud_provider',
    },
  );
  assert.deepEqual(
    fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, tags: ['team:cake', 'nocolon'] } }, 'line 2', NOW)),
    {
      place: 'line 2',
      field: 'attributes.tags[1]',
    },
  );
  assert.equal(fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, tags: [':v'] } }, 'l', NOW)).field, 'attributes.tags[0]');
  assert.equal(fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, configuration: [] } }, 'l', NOW)).field, 'attributes.configuration');
  assert.equal(
    fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, observed_at: 'yesterday' } }, 'l', NOW)).field,
    'attributes.observed_at',
  );
  for (const observed of ['2023-02-29T10:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:00:00+25:00']) {
    // Date.parse would read the first three as another day: not on the calendar, refused.
    assert.equal(
      fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, observed_at: observed } }, 'l', NOW)).field,
      'attributes.observed_at',
    );
  }
  assert.equal(
    parseResourceItem({ id: 'x', attributes: { ...base, observed_at: '2024-02-29T23:59:59.5+01:00' } }, 'l', NOW).observed_at,
    Date.UTC(2024, 1, 29, 22, 59, 59, 500),
  );
  assert.equal(fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, deleted: 'yes' } }, 'l', NOW)).field, 'attributes.deleted');
  assert.equal(fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, region: 3 } }, 'l', NOW)).field, 'attributes.region');
  assert.equal(fieldOf(() => parseResourceItem({ id: 'x', attributes: { ...base, resource_typo: 1 } }, 'l', NOW)).field, 'attributes.resource_typo');
  assert.equal(fieldOf(() => parseResourceItem({ type: 'finding', id: 'x', attributes: base }, 'l', NOW)).field, 'type');
  assert.equal(fieldOf(() => parseResourceItem('text', 'l', NOW)).field, undefined);
});
