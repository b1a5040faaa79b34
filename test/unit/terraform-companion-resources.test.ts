// Terraform keeps a bucket's policy, public access block, ACL, encryption, versioning, logging and ownership controls,
// a user's login profile and MFA device, a volume's attachment, a function's permissions and URL, a key's policy in
// resources of their own: the import folds each into its parent's canonical configuration when both are in one state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { resourceContentHash } from '../../src/posture/content-hash.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';
import {
  AZURE_SAMPLE,
  AZURE_VM_SAMPLE,
  BUCKET,
  bucketState,
  COMPUTE_SAMPLE,
  GCP_SAMPLE,
  IAM_SAMPLE,
  resource,
  S3_COMPANIONS,
  stateOf,
} from './terraform-sample-states.js';

const NOW = 1_700_000_000_000;
type Configured = ResourceRecord & { configuration: any };

function byId(records: ResourceRecord[], id: string): Configured {
  const found = records.find((r) => r.resource_id === id);
  assert.ok(found, `no record ${id} among ${records.map((r) => r.resource_id).join(', ')}`);
  return found as Configured;
}

const read = (name: string) => JSON.parse(readFileSync(fixturePath('terraform-state', `${name}.tfstate`), 'utf8'));

test('a real state: the bucket policy of aws_s3_bucket_policy reaches the bucket whose own policy attribute is null', () => {
  const records = parseTerraformState(read('aws_s3_full'), 'aws_s3_full.tfstate', { now: NOW });
  for (const name of ['bucket-martin-test-drift', 'bucket-martin-test-drift2', 'bucket-martin-test-drift3']) {
    const bucket = byId(records, `arn:aws:s3:::${name}`);
    const [statement] = bucket.configuration.bucket_policy_statement;
    assert.equal(statement.statement_effect, 'Allow');
    assert.deepEqual(statement.policy_principal, { principal: '*' });
    assert.deepEqual(statement.statement_resource, [`arn:aws:s3:::${name}/*`]);
    // The bucket's own attributes: the canned ACL `private` (the owner's full control), versioning never enabled.
    assert.deepEqual(bucket.configuration.acl, { canned: 'private', grants: [{ grantee: { type: 'CanonicalUser' }, permission: 'FULL_CONTROL' }] });
    assert.deepEqual(bucket.configuration.versioning, { mfa_delete: 'Disabled' });
    // A Terraform state never holds what only S3 computes.
    assert.equal(bucket.configuration.policy_status, undefined);
  }
});

test('every S3 companion resource fills its canonical field on the bucket', () => {
  const records = parseTerraformState(bucketState(...S3_COMPANIONS), 'provider5.tfstate', { now: NOW });
  const bucket = byId(records, `arn:aws:s3:::${BUCKET}`);
  const c = bucket.configuration;
  assert.deepEqual(c.public_access_block_configuration, {
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: false,
  });
  assert.equal(c.bucket_policy_statement.length, 1);
  assert.equal(c.bucket_policy_statement[0].statement_effect, 'Deny');
  assert.deepEqual(c.bucket_policy_statement[0].condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.equal(c.bucket_policy_statement[0].bucket_arn, `arn:aws:s3:::${BUCKET}`);
  // A canned ACL stands for its grants: log-delivery-write is the owner's and S3's log delivery group's.
  assert.deepEqual(
    c.acl.grants.map((g: any) => `${g.grantee.uri ?? g.grantee.type}:${g.permission}`),
    ['CanonicalUser:FULL_CONTROL', 'http://acs.amazonaws.com/groups/s3/LogDelivery:WRITE', 'http://acs.amazonaws.com/groups/s3/LogDelivery:READ_ACP'],
  );
  assert.deepEqual(c.server_side_encryption_configuration, {
    rules: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'alias/logs' }, bucket_key_enabled: true }],
  });
  assert.deepEqual(c.versioning, { status: 'Enabled', mfa_delete: 'Disabled' });
  assert.deepEqual(c.logging, { target_bucket: 'access-logs-eu', target_prefix: 'logs-prod-eu/' });
  assert.deepEqual(c.ownership_controls, { rules: [{ object_ownership: 'BucketOwnerEnforced' }] });
  // The companions are the bucket's configuration, not resources of their own.
  assert.deepEqual(
    records.map((r) => r.resource_type),
    ['aws_s3_bucket'],
  );
});

test('a public canned ACL, and explicit grants, both reach acl.grants', () => {
  const publicRead = parseTerraformState(
    bucketState(resource('aws_s3_bucket_acl', 'a', { bucket: BUCKET, id: BUCKET, acl: 'public-read', access_control_policy: [] })),
    's',
    { now: NOW },
  );
  const uris = byId(publicRead, `arn:aws:s3:::${BUCKET}`).configuration.acl.grants.map((g: any) => g.grantee.uri);
  assert.ok(uris.includes('http://acs.amazonaws.com/groups/global/AllUsers'));

  const explicit = parseTerraformState(
    bucketState(
      resource('aws_s3_bucket_acl', 'a', {
        bucket: BUCKET,
        id: BUCKET,
        acl: null,
        access_control_policy: [
          {
            grant: [
              { grantee: [{ id: '', type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }], permission: 'READ' },
              { grantee: [{ id: 'abc123', type: 'CanonicalUser', uri: '' }], permission: 'FULL_CONTROL' },
            ],
            owner: [{ id: 'abc123', display_name: '' }],
          },
        ],
      }),
    ),
    's',
    { now: NOW },
  );
  assert.deepEqual(byId(explicit, `arn:aws:s3:::${BUCKET}`).configuration.acl, {
    grants: [
      { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, permission: 'READ' },
      { grantee: { id: 'abc123', type: 'CanonicalUser' }, permission: 'FULL_CONTROL' },
    ],
  });
});

test('a companion whose parent is not in the state is left out: no partial parent, no record of its own', () => {
  // Real states holding only companions: a public access block, policy attachments, inline policies, access keys of
  // buckets, users and roles declared elsewhere.
  for (const name of [
    'aws_s3_bucket_public_access_block',
    'aws_iam_user_policy_attachment',
    'aws_iam_role_policy_attachment',
    'aws_iam_user_policy_multiple',
    'aws_iam_access_key_multiple',
  ]) {
    assert.deepEqual(parseTerraformState(read(name), name, { now: NOW }), [], name);
  }
  assert.deepEqual(parseTerraformState(stateOf(...S3_COMPANIONS), 's', { now: NOW }), []);
});

test('IAM users: login profile, virtual MFA device, policy attachments (also aws_iam_policy_attachment), inline policies', () => {
  const records = parseTerraformState(stateOf(...IAM_SAMPLE), 's', { now: NOW });
  const alice = byId(records, 'arn:aws:iam::111122223333:user/alice').configuration;
  assert.equal(alice.password_enabled, true);
  assert.deepEqual(alice.mfa_devices, [{ serial_number: 'arn:aws:iam::111122223333:mfa/alice', enable_date: '2024-02-03T04:05:06Z' }]);
  const bob = byId(records, 'arn:aws:iam::111122223333:user/bob').configuration;
  // Nothing in the state says whether bob has a console password: unknown, not false.
  assert.equal(bob.password_enabled, undefined);
  assert.deepEqual(bob.attached_policies, [{ policy_name: 'AdministratorAccess', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
  const role = byId(records, 'arn:aws:iam::111122223333:role/deploy').configuration;
  assert.deepEqual(
    role.attached_policies.map((p: any) => p.policy_name),
    ['ReadOnlyAccess', 'AdministratorAccess'],
  );
  assert.deepEqual(role.role_last_used, { last_used_date: '2024-05-06T07:08:09Z', region: 'eu-west-1' });
  assert.deepEqual(role.role_policy_list, []);
  // Only the parents are records; no secret of a companion (MFA seed, encrypted password, key secret) is kept.
  assert.deepEqual(records.map((r) => r.resource_type).sort(), ['aws_iam_role', 'aws_iam_user', 'aws_iam_user']);
  assert.doesNotMatch(JSON.stringify(records), /SEEDSEED|iVBORw0KGgo|wcBMA|never-kept/);
});

test('a role of an older provider (no managed_policy_arns, inline_policy or role_last_used) claims none of them', () => {
  const role = parseTerraformState(read('aws_iam_role_multiple'), 's', { now: NOW }).find((r) => r.resource_type === 'aws_iam_role') as Configured;
  assert.ok(role);
  for (const field of ['attached_policies', 'role_policy_list', 'role_last_used']) assert.equal(role.configuration[field], undefined, field);
  assert.equal(role.configuration.create_date, '2020-11-04T10:09:37Z');
});

test('EBS volume attachments, Lambda permissions and function URLs, KMS key policies, VPC security group rules', () => {
  const records = parseTerraformState(stateOf(...COMPUTE_SAMPLE), 's', { now: NOW });
  const volume = byId(records, 'arn:aws:ec2:eu-west-1:111122223333:volume/vol-1').configuration;
  assert.equal(volume.state, 'in-use');
  assert.deepEqual(volume.attachments, [{ instance_id: 'i-1', device: '/dev/sdh', state: 'attached' }]);

  const fn = byId(records, 'arn:aws:lambda:eu-west-1:111122223333:function:api').configuration;
  assert.deepEqual(fn.policy.statement, [
    {
      sid: 'AllowAnyone',
      effect: 'Allow',
      principal: '*',
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:eu-west-1:111122223333:function:api',
    },
    {
      sid: 'AllowS3',
      effect: 'Allow',
      principal: { service: 's3.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:eu-west-1:111122223333:function:api',
      condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' }, StringEquals: { 'AWS:SourceAccount': '111122223333' } },
    },
  ]);
  assert.deepEqual(fn.function_url_config, { auth_type: 'NONE', function_url: 'https://abc.lambda-url.eu-west-1.on.aws/' });

  const key = byId(records, 'arn:aws:kms:eu-west-1:111122223333:key/k-1').configuration;
  assert.deepEqual(key.key_policy.statement, [{ effect: 'Allow', principal: { aws: '*' }, action: 'kms:*', resource: '*' }]);

  const group = byId(records, 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1').configuration;
  assert.deepEqual(group.ip_permissions, [
    {
      ip_protocol: 'tcp',
      from_port: 22,
      to_port: 22,
      ip_ranges: [{ cidr_ip: '0.0.0.0/0' }],
      ipv6_ranges: [],
      prefix_list_ids: [],
      user_id_group_pairs: [],
    },
  ]);
  assert.deepEqual(group.ip_permissions_egress, [
    { ip_protocol: '-1', ip_ranges: [{ cidr_ip: '0.0.0.0/0' }], ipv6_ranges: [], prefix_list_ids: [], user_id_group_pairs: [] },
  ]);
});

test('the import is deterministic: every real state gives the same records and content hashes twice', () => {
  const files = readdirSync(fixturePath('terraform-state')).filter((f) => f.endsWith('.tfstate'));
  for (const file of files) {
    const doc = JSON.parse(readFileSync(fixturePath('terraform-state', file), 'utf8'));
    const hashes = () => parseTerraformState(structuredClone(doc), file, { now: NOW }).map(resourceContentHash);
    assert.deepEqual(hashes(), hashes(), file);
  }
  const merged = bucketState(...S3_COMPANIONS);
  const once = parseTerraformState(structuredClone(merged), 's', { now: NOW }).map(resourceContentHash);
  assert.deepEqual(parseTerraformState(structuredClone(merged), 's', { now: NOW }).map(resourceContentHash), once);
});

test('Google provider: a bucket and an instance take the API shapes, and the bucket its IAM members and bindings', () => {
  const records = parseTerraformState(stateOf(...GCP_SAMPLE), 'gcp.tfstate', { now: NOW });
  assert.deepEqual(records.map((r) => r.resource_type).sort(), ['gcp_compute_instance', 'gcp_storage_bucket']);
  const bucket = byId(records, 'acme-site');
  assert.equal(bucket.cloud_provider, 'gcp');
  const c = bucket.configuration;
  assert.deepEqual(c.iam_configuration, { uniform_bucket_level_access: { enabled: true }, public_access_prevention: 'inherited' });
  assert.deepEqual(c.versioning, { enabled: true });
  assert.deepEqual(c.logging, { log_bucket: 'acme-logs' });
  assert.deepEqual(c.iam_policy, {
    bindings: [
      { role: 'roles/storage.objectViewer', members: ['allUsers'] },
      { role: 'roles/storage.admin', members: ['group:web-admins@acme.example'] },
    ],
  });
  assert.equal(c.uniform_bucket_level_access, undefined);

  const instance = byId(records, 'projects/acme-prod/zones/europe-west1-b/instances/web-1').configuration;
  assert.deepEqual(instance.network_interfaces[0].access_configs, [{ type: 'ONE_TO_ONE_NAT', nat_ip: '34.76.1.2', network_tier: 'PREMIUM' }]);
  assert.deepEqual(instance.service_accounts, [
    { email: '123456789-compute@developer.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/cloud-platform'] },
  ]);
  assert.deepEqual(instance.metadata, {
    items: [
      { key: 'enable-oslogin', value: 'TRUE' },
      { key: 'block-project-ssh-keys', value: 'true' },
    ],
  });
  assert.deepEqual(instance.shielded_instance_config, { enable_secure_boot: false, enable_vtpm: true, enable_integrity_monitoring: true });
  assert.equal(instance.can_ip_forward, false);
  assert.equal(instance.zone, 'europe-west1-b');
});

test('a whole-bucket IAM policy replaces the bindings; a member of a role already bound joins that binding', () => {
  const records = parseTerraformState(
    stateOf(
      GCP_SAMPLE[0],
      resource('google_storage_bucket_iam_policy', 'all', {
        id: 'b/acme-site',
        bucket: 'b/acme-site',
        policy_data: '{"bindings":[{"members":["allAuthenticatedUsers"],"role":"roles/storage.objectViewer"}]}',
      }),
      resource('google_storage_bucket_iam_member', 'one', {
        bucket: 'b/acme-site',
        role: 'roles/storage.objectViewer',
        member: 'user:a@acme.example',
      }),
    ),
    's',
    { now: NOW },
  );
  assert.deepEqual(byId(records, 'acme-site').configuration.iam_policy, {
    bindings: [{ members: ['allAuthenticatedUsers', 'user:a@acme.example'], role: 'roles/storage.objectViewer' }],
  });
});

test('azurerm: a storage account takes the SDK names, and its separate network rules replace the block', () => {
  const id = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmedata';
  const alone = parseTerraformState(stateOf(AZURE_SAMPLE[0]), 's', { now: NOW });
  assert.deepEqual(byId(alone, id).configuration.network_rule_set, {
    default_action: 'Allow',
    bypass: 'AzureServices',
    ip_rules: [],
    virtual_network_rules: [],
  });
  const records = parseTerraformState(stateOf(...AZURE_SAMPLE), 's', { now: NOW });
  assert.deepEqual(
    records.map((r) => r.resource_type),
    ['azure_storage_account'],
  );
  const account = byId(records, id);
  assert.equal(account.cloud_provider, 'azure');
  const c = account.configuration;
  assert.equal(c.enable_https_traffic_only, true);
  assert.equal(c.minimum_tls_version, 'TLS1_2');
  assert.equal(c.allow_blob_public_access, false);
  assert.equal(c.allow_shared_key_access, true);
  assert.deepEqual(c.encryption, { require_infrastructure_encryption: false });
  assert.equal(c.network_rule_set.default_action, 'Deny');
  assert.deepEqual(c.network_rule_set.ip_rules, [{ ip_address_or_range: '203.0.113.0/24', action: 'Allow' }]);
  assert.doesNotMatch(JSON.stringify(records), /never-kept/);
  // azurerm 4's name for secure transfer.
  const v4 = parseTerraformState(
    stateOf(resource('azurerm_storage_account', 'x', { id, name: 'acmedata', https_traffic_only_enabled: false })),
    's',
    {
      now: NOW,
    },
  );
  assert.equal(byId(v4, id).configuration.enable_https_traffic_only, false);
});

test('azurerm virtual machines (Linux, Windows, legacy) are azure_virtual_machine in the Compute API names', () => {
  const records = parseTerraformState(stateOf(...AZURE_VM_SAMPLE), 's', { now: NOW });
  assert.deepEqual(
    records.map((r) => r.resource_type),
    ['azure_virtual_machine', 'azure_virtual_machine', 'azure_virtual_machine'],
  );
  const [linux, windows, legacy] = records.map((r) => r.configuration as any);
  assert.deepEqual(linux.os_profile.linux_configuration, { disable_password_authentication: false });
  assert.deepEqual(linux.storage_profile.os_disk.managed_disk, { storage_account_type: 'Premium_LRS', disk_encryption_set: { id: 'des-1' } });
  assert.deepEqual(linux.security_profile, { encryption_at_host: true, uefi_settings: { secure_boot_enabled: true, v_tpm_enabled: true } });
  assert.equal(windows.os_profile.linux_configuration, undefined);
  assert.deepEqual(windows.storage_profile.os_disk.managed_disk, { storage_account_type: 'Standard_LRS' });
  assert.deepEqual(legacy.os_profile.linux_configuration, { disable_password_authentication: true });
  assert.equal(legacy.storage_profile.os_disk.managed_disk, undefined);
  assert.deepEqual(legacy.storage_profile.os_disk.vhd, { uri: 'https://acmevhds.blob.core.windows.net/vhds/old-1.vhd' });
  assert.equal(legacy.security_profile, undefined);
  assert.doesNotMatch(JSON.stringify(records), /never-kept/);
});
