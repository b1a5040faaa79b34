import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownEntry } from '../../src/own-entry.js';
import { resourcesOfCall } from '../../src/ingest/cloudtrail-resources.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { awsConfigType } from '../../src/ingest/canonical/registry.js';
import { canonicalPolicy } from '../../src/ingest/canonical/policy.js';
import { aclFromTerraform } from '../../src/ingest/canonical/aws-s3-bucket.js';
import { sourceLabel } from '../../src/ownership/signal-kinds/kind.js';

// Names every object inherits: an input naming one must read as any other unknown name.
const INHERITED = ['__proto__', 'constructor', 'hasOwnProperty', '__defineGetter__', 'valueOf', 'toString', 'isPrototypeOf'];

test('ownEntry finds what the record holds, never what it inherits', () => {
  const record: Record<string, number> = { a: 1 };
  assert.equal(ownEntry(record, 'a'), 1);
  for (const name of INHERITED) assert.equal(ownEntry(record, name), undefined, name);
});

test('a CloudTrail call whose source or event name is an inherited name changes no resource, and does not throw', () => {
  const scope = { account: '123456789012', region: 'us-east-1' };
  for (const name of INHERITED) {
    for (const source of ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', name]) {
      const record = { eventSource: source, eventName: name, requestParameters: { bucketName: 'b' }, responseElements: {} };
      assert.deepEqual(resourcesOfCall(record, scope), [], `${source} ${name}`);
    }
  }
});

test('a Terraform state whose resource type is an inherited name is read as a type of no cloud provider', () => {
  const state = {
    version: 4,
    resources: INHERITED.map((type) => ({ mode: 'managed', type, name: 'x', instances: [{ attributes: { id: 'i' } }] })),
  };
  assert.deepEqual(parseTerraformState(state, 'odd.tfstate', { now: 0 }), []);
});

test('outside names that are inherited names map as unknown names do', () => {
  assert.deepEqual(awsConfigType('AWS::constructor::Thing'), { resourceType: 'aws_constructor_thing' });
  assert.deepEqual(canonicalPolicy({ Statement: [{ Effect: 'Allow', constructor: 'x', valueOf: 'y' }] }), {
    statement: [{ effect: 'Allow', constructor: 'x', valueof: 'y' }],
  });
  assert.deepEqual(aclFromTerraform('constructor', []), { canned: 'constructor', grants: [] });
  for (const name of INHERITED) assert.equal(sourceLabel(name), name);
});
