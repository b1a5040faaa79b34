import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAwsConfigItem } from '../../src/ingest/aws-config.js';
import { buildArn, partitionOf, s3BucketArn } from '../../src/ingest/canonical/arn.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';

const NOW = 1_700_000_000_000;

test('partitionOf: China and GovCloud regions have their own partitions', () => {
  assert.equal(partitionOf('us-east-1'), 'aws');
  assert.equal(partitionOf('eu-west-3'), 'aws');
  assert.equal(partitionOf('cn-north-1'), 'aws-cn');
  assert.equal(partitionOf('cn-northwest-1'), 'aws-cn');
  assert.equal(partitionOf('us-gov-west-1'), 'aws-us-gov');
  assert.equal(partitionOf('us-iso-east-1'), 'aws-iso');
  assert.equal(partitionOf('us-isob-east-1'), 'aws-iso-b');
  assert.equal(partitionOf(''), 'aws');
});

test('buildArn: the partition follows the region unless given', () => {
  assert.equal(buildArn({ service: 'ec2', region: 'cn-north-1', account: '1', resource: 'vpc/vpc-1' }), 'arn:aws-cn:ec2:cn-north-1:1:vpc/vpc-1');
  assert.equal(buildArn({ partition: 'aws-us-gov', service: 'iam', region: '', account: '1', resource: 'role/r' }), 'arn:aws-us-gov:iam::1:role/r');
  assert.equal(s3BucketArn('logs', 'aws-cn'), 'arn:aws-cn:s3:::logs');
});

/** A state with a bucket (with or without its `region` attribute), an instance and a security group in one region. */
function stateIn(region: string, partition: string, bucketRegion: boolean) {
  const resource = (type: string, attributes: Record<string, unknown>) => ({
    mode: 'managed',
    type,
    name: 'x',
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ attributes }],
  });
  return {
    version: 4,
    resources: [
      resource('aws_s3_bucket', { bucket: 'logs', id: 'logs', ...(bucketRegion ? { region } : {}) }),
      resource('aws_instance', { id: 'i-1', arn: `arn:${partition}:ec2:${region}:123456789012:instance/i-1`, availability_zone: `${region}a` }),
      resource('aws_security_group', { id: 'sg-1', owner_id: '123456789012', name: 'web', ingress: [], egress: [] }),
      resource('aws_vpc', { id: 'vpc-1', owner_id: '123456789012', region }),
    ],
  };
}

for (const [region, partition] of [
  ['us-gov-west-1', 'aws-us-gov'],
  ['cn-north-1', 'aws-cn'],
]) {
  for (const bucketRegion of [true, false]) {
    test(`Terraform in ${region}: ${partition} ARNs (bucket ${bucketRegion ? 'with' : 'without'} a region attribute)`, () => {
      const records = parseTerraformState(stateIn(region, partition, bucketRegion), 'gov.tfstate', { now: NOW });
      const ids = records.map((r) => r.resource_id);
      assert.ok(ids.includes(`arn:${partition}:s3:::logs`), ids.join(', '));
      assert.ok(ids.includes(`arn:${partition}:ec2:${region}:123456789012:instance/i-1`), ids.join(', '));
      const bucket = records.find((r) => r.resource_type === 'aws_s3_bucket')!;
      assert.equal(bucket.configuration.bucket_arn, `arn:${partition}:s3:::logs`);
      // The security group has no region attribute of its own in this state: none is invented, so no ARN either.
      assert.ok(ids.includes('sg-1'), ids.join(', '));
      assert.ok(ids.includes(`arn:${partition}:ec2:${region}:123456789012:vpc/vpc-1`), ids.join(', '));
    });
  }
  test(`Terraform security group in ${region}: ${partition} ARN`, () => {
    const doc = {
      version: 4,
      resources: [
        {
          mode: 'managed',
          type: 'aws_security_group',
          name: 'web',
          provider: 'provider.aws',
          instances: [{ attributes: { id: 'sg-1', owner_id: '123456789012', region, ingress: [], egress: [] } }],
        },
      ],
    };
    const [sg] = parseTerraformState(doc, 'sg.tfstate', { now: NOW });
    assert.equal(sg!.resource_id, `arn:${partition}:ec2:${region}:123456789012:security-group/sg-1`);
  });
  test(`AWS Config bucket item in ${region}: ${partition} ARN`, () => {
    const item = { resourceType: 'AWS::S3::Bucket', resourceName: 'logs', awsRegion: region, awsAccountId: '123456789012', configuration: {} };
    assert.equal(parseAwsConfigItem(item, 'item', NOW).resource_id, `arn:${partition}:s3:::logs`);
  });
}

test('a state that says nothing of its partition keeps the commercial one', () => {
  const doc = {
    version: 4,
    resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider: 'provider.aws', instances: [{ attributes: { bucket: 'logs' } }] }],
  };
  assert.equal(parseTerraformState(doc, 'b.tfstate', { now: NOW })[0]!.resource_id, 'arn:aws:s3:::logs');
});
