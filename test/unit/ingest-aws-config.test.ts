import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAwsConfig } from '../../src/ingest/aws-config.js';
import { RecordError } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';
import { CONFIG_SAMPLE } from './source-fields-samples.js';

const NOW = 1_700_000_000_000;
const event = (name: string) => JSON.parse(readFileSync(fixturePath('cloudtrail', 'custodian', name), 'utf8'));

test('the security group of a real Config rule event, with the EC2 API ip_ranges', () => {
  const [sg] = parseAwsConfig(event('event-config-rule-security-group.json'), 'sg.json', NOW);
  assert.equal(sg.resource_id, 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-e2fb6999');
  assert.equal(sg.resource_type, 'aws_security_group');
  assert.equal(sg.name, 'sg_open_ssh');
  assert.equal(sg.account, '123456789012');
  assert.equal(sg.region, 'eu-west-1');
  assert.equal(sg.observed_at, Date.parse('2017-11-27T14:26:11.300Z'));
  assert.equal(sg.deleted, undefined);
  const config = sg.configuration as any;
  assert.equal(config.group_id, 'sg-e2fb6999');
  assert.deepEqual(config.ip_permissions[0].ip_ranges, [{ cidr_ip: '0.0.0.0/0' }]);
  assert.equal(config.ip_permissions[0].from_port, 22);
  assert.equal(config.ip_permissions[0].ip_protocol, 'tcp');
  assert.equal(config.ip_permissions[0].ipv4_ranges, undefined);
  assert.equal(config.ip_permissions_egress[0].ip_protocol, '-1');
});

test('the instance of a real Config rule event, camelCase deep to snake_case', () => {
  const [instance] = parseAwsConfig(event('event-config-rule-instance.json'), 'i.json', NOW);
  assert.equal(instance.resource_id, 'arn:aws:ec2:us-east-1:644160558196:instance/i-094bc87c84d56c589');
  assert.equal(instance.resource_type, 'aws_ec2_instance');
  assert.equal(instance.name, 'i-094bc87c84d56c589');
  assert.deepEqual(instance.tags, ['name:redrum-redrum']);
  const config = instance.configuration as any;
  assert.equal(config.instance_type, 't2.medium');
  assert.deepEqual(config.state, { code: 80, name: 'stopped' });
  assert.equal(config.block_device_mappings[1].ebs.volume_id, 'vol-aac9e978');
  assert.equal(config.network_interfaces[0].private_ip_addresses[0].private_ip_address, '172.31.52.252');
});

const bucketItem = {
  resourceType: 'AWS::S3::Bucket',
  resourceId: 'my-logs',
  resourceName: 'my-logs',
  awsAccountId: '111122223333',
  awsRegion: 'us-east-2',
  configurationItemCaptureTime: '2024-01-02T03:04:05.000Z',
  configurationItemStatus: 'OK',
  tags: { Team: 'cake' },
  configuration: { name: 'my-logs', creationDate: '2020-01-01T00:00:00.000Z', owner: { id: 'abc' } },
  supplementaryConfiguration: {
    PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false },
    ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: 'k1' } }] },
    BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: false },
    BucketLoggingConfiguration: { destinationBucketName: 'audit', logFilePrefix: 'logs/' },
    BucketPolicy: { policyText: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-logs/*"}]}' },
  },
};

test('an S3 item in a list: ARN built, supplementary configuration renamed to the S3 API names', () => {
  const [bucket] = parseAwsConfig({ configurationItems: [bucketItem] }, 'items.json', NOW);
  assert.equal(bucket.resource_id, 'arn:aws:s3:::my-logs');
  assert.equal(bucket.resource_type, 'aws_s3_bucket');
  assert.deepEqual(bucket.tags, ['team:cake']);
  const config = bucket.configuration as any;
  assert.equal(config.bucket_arn, 'arn:aws:s3:::my-logs');
  assert.deepEqual(config.public_access_block_configuration, {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: false,
    restrict_public_buckets: false,
  });
  assert.equal(config.server_side_encryption_configuration.rules[0].apply_server_side_encryption_by_default.sse_algorithm, 'aws:kms');
  assert.equal(config.server_side_encryption_configuration.rules[0].apply_server_side_encryption_by_default.kms_master_key_id, 'k1');
  assert.deepEqual(config.versioning, { status: 'Enabled', mfa_delete: 'Disabled' });
  assert.deepEqual(config.logging, { target_bucket: 'audit', target_prefix: 'logs/' });
  assert.equal(config.bucket_policy_statement[0].policy_principal.principal, '*');
  assert.deepEqual(config.bucket_policy_statement[0].statement_action, ['s3:GetObject']);
  assert.equal(config.bucket_versioning_configuration, undefined);
});

test('Config acronym casing (dBInstanceIdentifier) and deleted items', () => {
  const [db] = parseAwsConfig(
    [
      {
        resourceType: 'AWS::RDS::DBInstance',
        ARN: 'arn:aws:rds:us-east-1:111122223333:db:orders',
        resourceName: 'orders',
        configurationItemStatus: 'ResourceDeleted',
        configuration: { dBInstanceIdentifier: 'orders', storageEncrypted: false, iAMDatabaseAuthenticationEnabled: true, multiAZ: false },
      },
    ],
    'db.json',
    NOW,
  );
  assert.equal(db.resource_type, 'aws_rds_instance');
  assert.equal(db.account, '111122223333');
  assert.equal(db.region, 'us-east-1');
  assert.equal(db.deleted, true);
  assert.equal(db.observed_at, NOW);
  assert.deepEqual(db.configuration, {
    db_instance_identifier: 'orders',
    storage_encrypted: false,
    iam_database_authentication_enabled: true,
    multi_az: false,
  });
});

test('resource type names: mapped and generic', () => {
  const type = (resourceType: string) => parseAwsConfig([{ resourceType, ARN: 'arn:aws:x:us-east-1:1:y/z' }], 's', NOW)[0].resource_type;
  assert.equal(type('AWS::CloudTrail::Trail'), 'aws_cloudtrail_trail');
  assert.equal(type('AWS::EC2::Volume'), 'aws_ebs_volume');
  assert.equal(type('AWS::IAM::Role'), 'aws_iam_role');
  assert.equal(type('AWS::ElasticLoadBalancingV2::LoadBalancer'), 'aws_elbv2_load_balancer');
  assert.equal(type('AWS::EC2::NetworkInterface'), 'aws_ec2_network_interface');
});

test('an IAM role item: URL-encoded policy documents become objects', () => {
  const trust = encodeURIComponent('{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}');
  const [role] = parseAwsConfig(
    [{ resourceType: 'AWS::IAM::Role', ARN: 'arn:aws:iam::1:role/app', configuration: { roleName: 'app', assumeRolePolicyDocument: trust } }],
    's',
    NOW,
  );
  assert.equal((role.configuration as any).assume_role_policy_document.statement[0].principal.service, 'ec2.amazonaws.com');
  assert.equal(role.region, '');
});

test('broken items name the place and field', () => {
  assert.throws(
    () => parseAwsConfig({ configurationItems: [bucketItem, { ARN: 'arn:aws:s3:::x' }] }, 'items.json', NOW),
    (error: unknown) => error instanceof RecordError && error.place === 'items.json configurationItems[1]' && error.field === 'resourceType',
  );
  assert.throws(
    () => parseAwsConfig({ invokingEvent: '{"configurationItem":', ruleParameters: '{}' }, 'ev.json', NOW),
    (error: unknown) => error instanceof RecordError && error.field === 'invokingEvent',
  );
  assert.throws(
    () => parseAwsConfig({ invokingEvent: '{"messageType":"ScheduledNotification"}' }, 'ev.json', NOW),
    (error: unknown) => error instanceof RecordError && /ScheduledNotification/.test(error.reason),
  );
  assert.throws(
    () => parseAwsConfig([{ ...bucketItem, configurationItemCaptureTime: 'soon' }], 's', NOW),
    (error: unknown) => error instanceof RecordError && error.field === 'configurationItemCaptureTime',
  );
  assert.throws(
    () => parseAwsConfig([{ resourceType: 'S3 bucket', ARN: 'arn:aws:s3:::x' }], 's', NOW),
    (error: unknown) => error instanceof RecordError && error.field === 'resourceType',
  );
});

test('S3 supplementary configuration reaches every canonical field: an ACL group by its URI, Off versioning as no status', () => {
  const [bucket] = parseAwsConfig([CONFIG_SAMPLE[0]], 's', NOW);
  const config = bucket.configuration as any;
  assert.deepEqual(config.acl.grants, [
    { grantee: { id: 'abc', type: 'CanonicalUser' }, permission: 'FULL_CONTROL' },
    { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'READ' },
  ]);
  assert.deepEqual(config.public_access_block_configuration, {
    block_public_acls: false,
    ignore_public_acls: false,
    block_public_policy: true,
    restrict_public_buckets: true,
  });
  assert.deepEqual(config.bucket_policy_statement[0].condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.equal(config.server_side_encryption_configuration.rules[0].apply_server_side_encryption_by_default.sse_algorithm, 'AES256');
  assert.deepEqual(config.logging, { target_bucket: 'access-logs', target_prefix: 'site-assets/' });
  assert.deepEqual(config.versioning, { status: 'Suspended', mfa_delete: 'Disabled' });
  const off = parseAwsConfig(
    [{ ...CONFIG_SAMPLE[0], supplementaryConfiguration: { BucketVersioningConfiguration: { status: 'Off', isMfaDeleteEnabled: null } } }],
    's',
    NOW,
  )[0].configuration as any;
  assert.deepEqual(off.versioning, { mfa_delete: 'Disabled' });
  // No BucketPolicy text: no statements (Config lists the policy, so its absence means none).
  assert.equal(off.bucket_policy_statement, undefined);
});

test('a Lambda function keeps its resource-based policy in the rule pack convention; a DynamoDB table its point-in-time recovery', () => {
  const records = parseAwsConfig(CONFIG_SAMPLE, 's', NOW);
  const fn = records.find((r) => r.resource_type === 'aws_lambda_function')!.configuration as any;
  assert.deepEqual(fn.policy.statement[0].principal, { service: 's3.amazonaws.com' });
  assert.deepEqual(fn.policy.statement[0].condition, { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } });
  const table = records.find((r) => r.resource_type === 'aws_dynamodb_table')!.configuration as any;
  assert.equal(table.continuous_backups_description.point_in_time_recovery_description.point_in_time_recovery_status, 'ENABLED');
  const instance = records.find((r) => r.resource_type === 'aws_ec2_instance')!.configuration as any;
  assert.equal(instance.public_ip_address, null);
  assert.ok(Object.hasOwn(instance, 'public_ip_address'));
});
