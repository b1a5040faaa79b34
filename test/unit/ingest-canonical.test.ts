import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSnakeCase, deepSnake, snakeCase } from '../../src/ingest/canonical/case.js';
import { parseArn } from '../../src/ingest/canonical/arn.js';
import { policyStatements } from '../../src/ingest/canonical/policy.js';
import { tagsFromList, tagsFromMap } from '../../src/ingest/canonical/tags.js';
import { terraformType } from '../../src/ingest/canonical/registry.js';

test('snake_case of API names, acronyms included', () => {
  assert.equal(snakeCase('ipPermissionsEgress'), 'ip_permissions_egress');
  assert.equal(snakeCase('SSEAlgorithm'), 'sse_algorithm');
  assert.equal(snakeCase('kmsMasterKeyID'), 'kms_master_key_id');
  assert.equal(snakeCase('PublicAccessBlockConfiguration'), 'public_access_block_configuration');
  assert.equal(configSnakeCase('dBInstanceIdentifier'), 'db_instance_identifier');
  assert.equal(configSnakeCase('multiAZ'), 'multi_az');
  assert.deepEqual(deepSnake({ aB: [{ cD: 1 }], e: null }), { a_b: [{ c_d: 1 }], e: null });
});

test('tags: lower-cased keys, values kept, later maps win', () => {
  assert.deepEqual(tagsFromMap({ Team: 'Cake', Env: 'prod' }, { team: 'Pie' }), ['team:Pie', 'env:prod']);
  assert.deepEqual(
    tagsFromList([
      { key: 'Name', value: 'web' },
      { Key: 'Owner', Value: 'ops' },
    ]),
    ['name:web', 'owner:ops'],
  );
  assert.deepEqual(tagsFromMap(null), []);
});

test('ARNs', () => {
  assert.deepEqual(parseArn('arn:aws:rds:us-east-1:123:db:orders'), {
    partition: 'aws',
    service: 'rds',
    region: 'us-east-1',
    account: '123',
    resource: 'db:orders',
  });
  assert.equal(parseArn('sg-123'), undefined);
});

test('policy statements flattened like Datadog bucket_policy_statement', () => {
  const [s] = policyStatements(
    '{"Id":"p","Statement":{"Sid":"a","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":["r"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}',
  );
  assert.equal(s.policy_id, 'p');
  assert.equal(s.statement_id, 1);
  assert.deepEqual(s.policy_principal, { principal_aws: ['arn:aws:iam::1:root'] });
  assert.deepEqual(s.statement_action, ['s3:*']);
  assert.equal(s.statement_has_condition, true);
  assert.deepEqual(policyStatements('not json'), []);
});

test('Terraform type names to Datadog names', () => {
  assert.equal(terraformType('aws_db_instance')?.resourceType, 'aws_rds_instance');
  assert.equal(terraformType('aws_instance')?.resourceType, 'aws_ec2_instance');
  assert.equal(terraformType('aws_cloudtrail')?.resourceType, 'aws_cloudtrail_trail');
  assert.equal(terraformType('aws_lb')?.resourceType, 'aws_elbv2_load_balancer');
  assert.equal(terraformType('aws_default_security_group')?.resourceType, 'aws_security_group');
  assert.equal(terraformType('aws_default_route_table')?.resourceType, 'aws_route_table');
  assert.equal(terraformType('aws_kinesis_stream')?.resourceType, 'aws_kinesis_stream');
  assert.deepEqual(terraformType('google_pubsub_topic'), { resourceType: 'gcp_pubsub_topic', provider: 'gcp' });
  assert.equal(terraformType('google_storage_bucket')?.resourceType, 'gcp_storage_bucket');
  assert.equal(terraformType('google_storage_bucket')?.mapping?.resourceType, 'gcp_storage_bucket');
  assert.equal(terraformType('random_id'), undefined);
});

test('a principal of {"AWS": "*"} reads as public, and documents take the rule pack snake_case names', async () => {
  const { canonicalPolicy } = await import('../../src/ingest/canonical/policy.js');
  const [s] = policyStatements({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:PutObject' }] });
  assert.equal((s.policy_principal as any).principal, '*');
  assert.deepEqual(
    canonicalPolicy(
      encodeURIComponent(
        '{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"CanonicalUser":"x"},"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}',
      ),
    ),
    {
      version: '2012-10-17',
      statement: { effect: 'Deny', not_principal: { canonical_user: 'x' }, condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    },
  );
});
