import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { RecordError, type ResourceRecord } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';

const NOW = 1_700_000_000_000;

function state(name: string, iac?: { repo: string; path: string }): ResourceRecord[] {
  const doc = JSON.parse(readFileSync(fixturePath('terraform-state', `${name}.tfstate`), 'utf8'));
  return parseTerraformState(doc, `${name}.tfstate`, { now: NOW, iac });
}

function byId(records: ResourceRecord[], id: string): ResourceRecord & { configuration: any } {
  const found = records.find((r) => r.resource_id === id);
  assert.ok(found, `no record ${id} among ${records.map((r) => r.resource_id).join(', ')}`);
  return found as ResourceRecord & { configuration: any };
}

test('all 97 real states parse, every record complete and typed', () => {
  const files = readdirSync(fixturePath('terraform-state')).filter((f) => f.endsWith('.tfstate'));
  assert.equal(files.length, 97);
  let total = 0;
  for (const file of files) {
    const records = state(file.replace(/\.tfstate$/, ''));
    for (const r of records) {
      assert.ok(r.resource_id, `${file}: empty id`);
      assert.match(r.resource_type, /^(aws|gcp|azure)_[a-z0-9_]+$/, file);
      assert.ok(
        r.tags.every((t) => /^[^:]+:/.test(t)),
        file,
      );
      assert.equal(r.observed_at, NOW);
      for (const secret of ['password', 'master_password']) assert.equal(r.configuration[secret], undefined, `${file} keeps ${secret}`);
    }
    total += records.length;
  }
  assert.ok(total > 150, `only ${total} records`);
});

test('S3 buckets: ARN ids, region from attributes, bucket policies folded in from aws_s3_bucket_policy', () => {
  const records = state('aws_s3_full');
  const bucket = byId(records, 'arn:aws:s3:::bucket-martin-test-drift');
  assert.equal(bucket.resource_type, 'aws_s3_bucket');
  assert.equal(bucket.name, 'bucket-martin-test-drift');
  assert.equal(bucket.region, 'eu-west-3');
  assert.equal(bucket.account, '');
  assert.equal(bucket.configuration.bucket_arn, 'arn:aws:s3:::bucket-martin-test-drift');
  assert.deepEqual(bucket.configuration.versioning, { mfa_delete: 'Disabled' });
  const statement = bucket.configuration.bucket_policy_statement[0];
  assert.equal(statement.statement_effect, 'Allow');
  assert.deepEqual(statement.policy_principal, { principal: '*' });
  assert.deepEqual(statement.statement_action, ['s3:GetObject']);
  assert.equal(records.filter((r) => r.resource_type === 'aws_s3_bucket').length, 3);
});

test('S3 server-side encryption takes the API shape', () => {
  const doc = {
    version: 4,
    resources: [
      {
        mode: 'managed',
        type: 'aws_s3_bucket',
        name: 'b',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            attributes: {
              bucket: 'enc',
              region: 'us-east-1',
              tags: { Team: 'Cake' },
              tags_all: { Team: 'Cake', Env: 'prod' },
              server_side_encryption_configuration: [
                {
                  rule: [
                    { apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms', kms_master_key_id: 'k' }], bucket_key_enabled: true },
                  ],
                },
              ],
              versioning: [{ enabled: true, mfa_delete: false }],
            },
          },
        ],
      },
      {
        mode: 'managed',
        type: 'aws_s3_bucket_public_access_block',
        name: 'p',
        provider: 'provider.aws',
        instances: [
          {
            attributes: {
              bucket: 'enc',
              id: 'enc',
              block_public_acls: true,
              block_public_policy: true,
              ignore_public_acls: false,
              restrict_public_buckets: false,
            },
          },
        ],
      },
    ],
  };
  const records = parseTerraformState(doc, 'inline', { now: NOW, iac: { repo: 'github.com/acme/infra', path: 'envs/prod' } });
  const bucket = byId(records, 'arn:aws:s3:::enc') as any;
  assert.deepEqual(bucket.configuration.server_side_encryption_configuration, {
    rules: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'k' }, bucket_key_enabled: true }],
  });
  assert.deepEqual(bucket.configuration.versioning, { status: 'Enabled', mfa_delete: 'Disabled' });
  assert.deepEqual(bucket.configuration.public_access_block_configuration, {
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: false,
    restrict_public_buckets: false,
  });
  assert.deepEqual(bucket.tags.sort(), ['env:prod', 'team:Cake']);
  assert.deepEqual(bucket.iac, { repo: 'github.com/acme/infra', path: 'envs/prod' });
});

test('the real aws_s3_bucket_public_access_block state, whose bucket is elsewhere, describes no resource', () => {
  // A public access block is part of its bucket's configuration, and this state does not hold the bucket.
  assert.deepEqual(state('aws_s3_bucket_public_access_block'), []);
});

test('security groups: ingress with cidr_blocks -> ip_permissions with ip_ranges[].cidr_ip', () => {
  const records = state('aws_vpc_security_group');
  const sg = byId(records, 'arn:aws:ec2:eu-west-3:047081014315:security-group/sg-0254c038e32f25530');
  assert.equal(sg.resource_type, 'aws_security_group');
  assert.equal(sg.name, 'foo');
  assert.equal(sg.account, '047081014315');
  assert.equal(sg.region, 'eu-west-3');
  assert.deepEqual(sg.tags, ['name:Foo SG']);
  assert.equal(sg.configuration.group_id, 'sg-0254c038e32f25530');
  assert.equal(sg.configuration.group_name, 'foo');
  assert.deepEqual(sg.configuration.ip_permissions, [
    { ip_protocol: '-1', ip_ranges: [{ cidr_ip: '0.0.0.0/0', description: 'Foo' }], ipv6_ranges: [], prefix_list_ids: [], user_id_group_pairs: [] },
  ]);
  assert.equal(sg.configuration.ip_permissions_egress[0].ip_ranges[0].cidr_ip, '0.0.0.0/0');
  assert.equal(sg.configuration.ingress, undefined);
});

test('aws_db_instance -> aws_rds_instance with the RDS API names and no password', () => {
  const [db] = state('aws_db_instance');
  assert.equal(db.resource_id, 'arn:aws:rds:eu-west-3:929327065333:db:terraform-20201015115018309600000001');
  assert.equal(db.resource_type, 'aws_rds_instance');
  assert.equal(db.name, 'terraform-20201015115018309600000001');
  assert.equal(db.account, '929327065333');
  const c = db.configuration as any;
  assert.equal(c.db_instance_identifier, 'terraform-20201015115018309600000001');
  assert.equal(c.publicly_accessible, false);
  assert.equal(c.storage_encrypted, false);
  assert.equal(c.db_instance_class, 'db.t2.micro');
  assert.equal(c.dbi_resource_id, 'db-PVD6KZ2WX76FJ7CJXVUNMEM2VQ');
  assert.equal(c.db_name, 'mydb');
  assert.equal(c.password, undefined);
});

test('aws_rds_cluster', () => {
  const [cluster] = state('aws_rds_cluster');
  assert.equal(cluster.resource_id, 'arn:aws:rds:us-east-1:533948124879:cluster:aurora-cluster-demo');
  assert.equal(cluster.resource_type, 'aws_rds_cluster');
  const c = cluster.configuration as any;
  assert.equal(c.db_cluster_identifier, 'aurora-cluster-demo');
  assert.equal(c.storage_encrypted, false);
  assert.equal(c.backup_retention_period, 5);
  assert.deepEqual(c.vpc_security_groups, [{ vpc_security_group_id: 'sg-49e38646', status: 'active' }]);
  assert.equal(c.master_password, undefined);
});

test('aws_instance -> aws_ec2_instance with metadata_options and region from the ARN', () => {
  const [instance] = state('aws_ec2_instance');
  assert.equal(instance.resource_id, 'arn:aws:ec2:eu-west-3:047081014315:instance/i-0d3650a23f4e45dc0');
  assert.equal(instance.resource_type, 'aws_ec2_instance');
  assert.equal(instance.region, 'eu-west-3');
  const c = instance.configuration as any;
  assert.equal(c.instance_id, 'i-0d3650a23f4e45dc0');
  assert.equal(c.metadata_options.http_tokens, 'optional');
  assert.equal(c.public_ip_address, '35.180.126.180');
  assert.deepEqual(c.monitoring, { state: 'disabled' });
  assert.deepEqual(c.security_groups, [{ group_id: 'sg-9e0204ff', group_name: 'default' }]);
  assert.equal(c.block_device_mappings[0].ebs.encrypted, false);
});

test('aws_ebs_volume, aws_cloudtrail, aws_kms_key, aws_lambda_function', () => {
  const [volume] = state('aws_ec2_ebs_volume');
  assert.equal(volume.resource_id, 'arn:aws:ec2:eu-west-3:047081014315:volume/vol-01ddc91d3d9d1318b');
  assert.equal(volume.resource_type, 'aws_ebs_volume');
  assert.equal(volume.configuration.encrypted, false);
  assert.equal(volume.configuration.volume_type, 'gp2');
  assert.deepEqual(volume.tags, ['name:HelloWorld']);

  const [trail] = state('aws_cloudtrail');
  assert.equal(trail.resource_type, 'aws_cloudtrail_trail');
  assert.equal(trail.resource_id, 'arn:aws:cloudtrail:eu-west-2:526954929923:trail/testtrailtrail');
  assert.equal(trail.configuration.log_file_validation_enabled, false);
  assert.equal(trail.configuration.is_multi_region_trail, false);
  assert.equal(trail.configuration.is_logging, true);

  const keys = state('aws_kms_key');
  const key = byId(keys, 'arn:aws:kms:eu-west-3:047081014315:key/8ee21d91-c000-428c-8032-235aac55da36');
  assert.equal(key.configuration.key_rotation_enabled, false);
  assert.equal(key.configuration.key_spec, 'RSA_2048');
  assert.equal(key.configuration.key_state, 'Enabled');
  assert.equal(key.configuration.key_policy.statement[0].sid, 'Enable IAM User Permissions');
  assert.deepEqual(key.configuration.key_policy.statement[0].principal, { aws: 'arn:aws:iam::047081014315:root' });
  assert.equal(key.configuration.key_manager, 'CUSTOMER');

  const fn = byId(state('aws_lambda_function'), 'arn:aws:lambda:eu-west-3:047081014315:function:bar');
  assert.equal(fn.resource_type, 'aws_lambda_function');
  assert.equal(fn.name, 'bar');
  assert.equal(fn.configuration.function_name, 'bar');
  assert.equal(fn.configuration.runtime, 'nodejs12.x');
  assert.deepEqual(fn.configuration.tracing_config, { mode: 'PassThrough' });
});

test('IAM roles, users and policies: index keys give one record each, policy documents parsed', () => {
  const roles = state('aws_iam_role_multiple');
  assert.equal(roles.length, 3);
  const role = byId(roles, 'arn:aws:iam::929327065333:role/test/test_role_0');
  assert.equal(role.resource_type, 'aws_iam_role');
  assert.equal(role.region, '');
  assert.equal(role.configuration.role_name, 'test_role_0');
  assert.equal(role.configuration.role_id, 'AROA5QYBVVD24YSTJXHHO');
  assert.deepEqual(role.configuration.assume_role_policy_document.statement[0], {
    sid: '',
    effect: 'Allow',
    principal: { service: 'ec2.amazonaws.com' },
    action: 'sts:AssumeRole',
  });
  assert.deepEqual(role.tags, ['foo:bar0']);

  const users = state('aws_iam_user_multiple');
  assert.deepEqual(users.map((u) => u.name).sort(), ['test-driftctl-0', 'test-driftctl-1', 'test-driftctl-2']);
  assert.equal(byId(users, 'arn:aws:iam::929327065333:user/test/test-driftctl-0').configuration.user_name, 'test-driftctl-0');

  const policy = byId(state('aws_iam_policy_multiple'), 'arn:aws:iam::929327065333:policy/policy-0');
  assert.equal(policy.configuration.policy_name, 'policy-0');
  assert.deepEqual(policy.configuration.policy_document.statement, [{ sid: 'EC2Admin', effect: 'Allow', action: 'ec2:*', resource: '*' }]);
});

test('aws_dynamodb_table, aws_ecr_repository, aws_sqs_queue', () => {
  const table = byId(state('aws_dynamodb_table'), 'arn:aws:dynamodb:us-east-1:526954929923:table/GameScores');
  assert.equal(table.configuration.table_name, 'GameScores');
  assert.deepEqual(table.configuration.continuous_backups_description, {
    point_in_time_recovery_description: { point_in_time_recovery_status: 'DISABLED' },
  });
  assert.deepEqual(table.configuration.key_schema, [
    { attribute_name: 'UserId', key_type: 'HASH' },
    { attribute_name: 'GameTitle', key_type: 'RANGE' },
  ]);
  assert.deepEqual(table.tags.sort(), ['environment:production', 'name:dynamodb-table-1']);

  const [repo] = state('aws_ecr_repository');
  assert.equal(repo.resource_id, 'arn:aws:ecr:eu-west-3:726421854799:repository/bar');
  assert.deepEqual(repo.configuration.image_scanning_configuration, { scan_on_push: true });
  assert.equal(repo.configuration.image_tag_mutability, 'MUTABLE');
  assert.deepEqual(repo.configuration.encryption_configuration, { encryption_type: 'AES256' });

  const queue = byId(state('aws_sqs_queue'), 'arn:aws:sqs:eu-west-3:047081014315:bar.fifo');
  assert.equal(queue.name, 'bar.fifo');
  assert.equal(queue.configuration.queue_url, 'https://sqs.eu-west-3.amazonaws.com/047081014315/bar.fifo');
  assert.equal(queue.configuration.fifo_queue, true);
  assert.equal(queue.configuration.message_retention_period, 345600);
});

test('data sources are skipped; the default resources take their plain type', () => {
  const records = state('aws_sqs_queue_policy');
  assert.ok(records.every((r) => r.resource_type !== 'aws_iam_policy_document'));
  const acl = state('aws_default_network_acl');
  assert.equal(acl[0].resource_type, 'aws_network_acl');
});

test('IAM attachments, inline policies and access keys fold into their user when in one state', () => {
  const users = JSON.parse(readFileSync(fixturePath('terraform-state', 'aws_iam_user_multiple.tfstate'), 'utf8'));
  const child = (type: string, attributes: object) => ({ mode: 'managed', type, name: 'c', provider: 'provider.aws', instances: [{ attributes }] });
  users.resources.push(
    child('aws_iam_access_key', {
      id: 'AKIAEXAMPLE',
      user: 'test-driftctl-0',
      status: 'Active',
      create_date: '2020-11-13T17:22:55Z',
      secret: 's3cr3t',
    }),
    child('aws_iam_user_policy_attachment', { id: 'a1', user: 'test-driftctl-0', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    child('aws_iam_user_policy', {
      id: 'test-driftctl-1:inline',
      user: 'test-driftctl-1',
      name: 'inline',
      policy: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    }),
  );
  const records = parseTerraformState(users, 'merged', { now: NOW });
  const user0 = byId(records, 'arn:aws:iam::929327065333:user/test/test-driftctl-0');
  assert.deepEqual(user0.configuration.access_keys, [{ access_key_id: 'AKIAEXAMPLE', status: 'Active', create_date: '2020-11-13T17:22:55Z' }]);
  assert.deepEqual(user0.configuration.attached_policies, [
    { policy_name: 'AdministratorAccess', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  ]);
  const user1 = byId(records, 'arn:aws:iam::929327065333:user/test/test-driftctl-1');
  assert.deepEqual(user1.configuration.user_policy_list, [
    { policy_name: 'inline', policy_document: { statement: [{ effect: 'Allow', action: '*', resource: '*' }] } },
  ]);
  assert.equal(records.filter((r) => r.resource_type === 'aws_iam_access_key').length, 0);
  assert.doesNotMatch(JSON.stringify(records), /s3cr3t/);
});

test('security group rules are folded into their group when both are in one state', () => {
  // The two real states share sg-0254c038e32f25530: one holds the group, the other its separate rules.
  const read = (name: string) => JSON.parse(readFileSync(fixturePath('terraform-state', `${name}.tfstate`), 'utf8'));
  const groups = read('aws_vpc_security_group');
  const rules = read('aws_vpc_security_group_rule');
  const merged = { ...groups, resources: [...groups.resources, ...rules.resources] };
  const records = parseTerraformState(merged, 'merged', { now: NOW });
  const sg = byId(records, 'arn:aws:ec2:eu-west-3:047081014315:security-group/sg-0254c038e32f25530');
  const ingressCidrs = sg.configuration.ip_permissions.flatMap((p: any) => p.ip_ranges.map((r: any) => r.cidr_ip));
  assert.ok(ingressCidrs.includes('1.2.0.0/16') && ingressCidrs.includes('5.6.7.0/24'), JSON.stringify(ingressCidrs));
  const prefixLists = sg.configuration.ip_permissions.flatMap((p: any) => p.prefix_list_ids.map((x: any) => x.prefix_list_id));
  assert.deepEqual(prefixLists, ['pl-abb451c2']);
  assert.ok(sg.configuration.ip_permissions_egress.length > 1);
  // The rules are the group's configuration, not resources of their own.
  assert.equal(records.filter((r) => r.resource_type === 'aws_security_group_rule').length, 0);
});

test('an unsupported version or a broken resource is a RecordError naming the field', () => {
  assert.throws(
    () => parseTerraformState({ version: 3, resources: [] }, 'old.tfstate', { now: NOW }),
    (error: unknown) => error instanceof RecordError && error.place === 'old.tfstate' && error.field === 'version',
  );
  assert.throws(
    () => parseTerraformState({ version: 4 }, 's', { now: NOW }),
    (error: unknown) => error instanceof RecordError && error.field === 'resources',
  );
  assert.throws(
    () => parseTerraformState({ version: 4, resources: [{ mode: 'managed', type: 'aws_vpc', name: 'x', instances: [{}] }] }, 's', { now: NOW }),
    (error: unknown) => error instanceof RecordError && error.place === 's resources[0]' && error.field === 'instances[0].attributes',
  );
  assert.throws(
    () => parseTerraformState({ version: 4, resources: [{ mode: 'imported', type: 'aws_vpc', name: 'x', instances: [] }] }, 's', { now: NOW }),
    (error: unknown) => error instanceof RecordError && error.field === 'mode',
  );
});
