// JSON kept as text inside a record (a Terraform policy, an AWS Config configuration string) is held to the input
// limits as the document is: a NUL or deep nesting inside it is a RecordError naming the record and field, never a
// stack overflow or a store error naming nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { parseAwsConfig } from '../../src/ingest/aws-config.js';
import { RecordError } from '../../src/posture/resource.js';

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const policyWith = (resource: string) =>
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":${resource}}]}`;

function bucketState(policy: string) {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  return {
    version: 4,
    resources: [
      { mode: 'managed', type: 'aws_s3_bucket_policy', name: 'p', provider, instances: [{ attributes: { bucket: 'b', id: 'b', policy } }] },
      { mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider, instances: [{ attributes: { bucket: 'b', id: 'b', arn: 'arn:aws:s3:::b' } }] },
    ],
  };
}

function refused(parse: () => unknown, message: RegExp) {
  assert.throws(parse, (error: unknown) => error instanceof RecordError && message.test(error.message));
}

test('terraform: a policy string holding a NUL or nesting past the limit names its resource and attribute', () => {
  const parse = (policy: string) => () => parseTerraformState(bucketState(policy), 'x.tfstate', { now: 1 });
  refused(
    parse(policyWith('"a\\u0000b"')),
    /^x\.tfstate resources\[0\], field instances\[0\]\.attributes\.policy: holds JSON that cannot be read at Statement\[0\]\.Resource: holds a NUL/,
  );
  refused(parse(policyWith(deep(5000))), /^x\.tfstate resources\[0\], field instances\[0\]\.attributes\.policy: .*nests deeper than 64 levels$/);
  assert.equal(parseTerraformState(bucketState(policyWith('"arn:aws:s3:::b/*"')), 'x.tfstate', { now: 1 }).length, 1, 'a sound policy is read');
});

test('aws-config: a configuration or supplementary string holding a lone surrogate or deep nesting names its item and field', () => {
  const item = { resourceType: 'AWS::S3::Bucket', resourceName: 'b', awsRegion: 'us-east-1', awsAccountId: '111122223333' };
  const parse = (extra: object) => () => parseAwsConfig([{ ...item, ...extra }], 'c.json', 1);
  refused(parse({ configuration: `{"name":"b","x":${deep(5000)}}` }), /^c\.json \[0\], field configuration: .*nests deeper than 64 levels$/);
  refused(
    parse({ supplementaryConfiguration: { BucketPolicy: '{"p":"\\ud800"}' } }),
    /^c\.json \[0\], field supplementaryConfiguration\.BucketPolicy: holds JSON that cannot be read at p: holds a lone UTF-16 surrogate/,
  );
  assert.equal(parseAwsConfig([{ ...item, configuration: '{"name":"b"}' }], 'c.json', 1).length, 1, 'a sound item is read');
});
