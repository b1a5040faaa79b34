import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onePerService } from '../../src/ingest/service-conflicts.js';
import { RecordError } from '../../src/posture/resource.js';
import { catalogService } from '../helpers/catalog-service.js';

test('a service read twice the same, from two files, is kept once, as first read', () => {
  const first = catalogService('checkout', 'payments', 'a/service.datadog.yaml');
  const again = catalogService('checkout', 'payments', 'b/service.datadog.yaml');
  assert.deepEqual(onePerService([first, catalogService('search', 'discovery'), again]), [first, catalogService('search', 'discovery')]);
});

test('two definitions of one service that differ abort the import, naming both files and the fields', () => {
  const first = catalogService('checkout', 'payments', 'a/service.datadog.yaml');
  const other = { ...catalogService('Checkout', 'storefront', 'b/service.datadog.yaml'), tags: ['tier:1'] };
  assert.throws(
    () => onePerService([first, other]),
    (err: unknown) =>
      err instanceof RecordError &&
      err.message ===
        'b/service.datadog.yaml: defines the service Checkout unlike a/service.datadog.yaml (they differ in name, tags, team): one import holds one definition of each service',
  );
});

test('with a reporter, the later of two differing definitions is reported and left out', () => {
  const first = catalogService('checkout', 'payments', 'a.yaml');
  const reported: RecordError[] = [];
  assert.deepEqual(
    onePerService([first, catalogService('checkout', 'storefront', 'b.yaml')], (error) => reported.push(error)),
    [first],
  );
  assert.deepEqual(
    reported.map((error) => error.place),
    ['b.yaml'],
  );
});

test('a system gives way to a service of its name, whichever is read first', () => {
  const system = { ...catalogService('payments', 'finance', 'systems.yaml'), kind: 'System' };
  const component = { ...catalogService('payments', 'payments', 'components.yaml'), kind: 'Component' };
  assert.deepEqual(onePerService([system, component]), [component]);
  assert.deepEqual(onePerService([component, system]), [component]);
});
