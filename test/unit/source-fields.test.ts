// What each source can fill, checked against what the importers produce: every canonical field (rules/README.md) a
// record of a source carries is declared for that source and type, every declared field names a documented one and is
// carried by at least one real or sample record, and nothing a source cannot know (S3's policy_status, a credential
// report) is ever filled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fieldsSourceCanFill, fieldsSourceMayCarry } from '../../src/ingest/canonical/source-fields.js';
import { parseAwsConfig } from '../../src/ingest/aws-config.js';
import { findingResources, parseDatadogFindings } from '../../src/ingest/datadog-findings.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';
import { CONFIG_SAMPLE } from './source-fields-samples.js';
import { SAMPLE_STATES } from './terraform-sample-states.js';

const NOW = 1_700_000_000_000;
const TERRAFORM = 'import:terraform-state';
const CONFIG = 'import:aws-config';
const DATADOG = 'import:datadog-findings';

/** rules/README.md's field tables: resource type -> the documented paths (`a.{b, c}` expanded, `[]` dropped). */
function documentedFields(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let type: string | undefined;
  for (const line of readFileSync(new URL('../../rules/README.md', import.meta.url), 'utf8').split('\n')) {
    const heading = /^## ([a-z0-9_]+)$/.exec(line);
    if (heading) type = heading[1];
    const cell = /^\| (`[^|]+) \|/.exec(line);
    if (!type || !cell) continue;
    for (const [, name] of cell[1].matchAll(/`([^`]+)`/g)) {
      const braces = /^(.*)\{(.*)\}(.*)$/.exec(name);
      const names = braces ? braces[2].split(',').map((part) => `${braces[1]}${part.trim()}${braces[3]}`) : [name];
      out.set(type, [...(out.get(type) ?? []), ...names.map((n) => n.replaceAll('[]', ''))]);
    }
  }
  return out;
}
const DOCUMENTED = documentedFields();

/** Whether the configuration holds `path` (a present null counts), looking through lists at their elements. */
function carries(value: unknown, path: string[]): boolean {
  if (path.length === 0) return true;
  if (Array.isArray(value)) return value.some((element) => carries(element, path));
  if (value === null || typeof value !== 'object') return false;
  return Object.hasOwn(value, path[0]) && carries((value as Record<string, unknown>)[path[0]], path.slice(1));
}

interface Sourced {
  source: string;
  records: ResourceRecord[];
}

function terraformRecords(): ResourceRecord[] {
  const dir = fixturePath('terraform-state');
  const real = readdirSync(dir)
    .filter((f) => f.endsWith('.tfstate'))
    .flatMap((f) => parseTerraformState(JSON.parse(readFileSync(fixturePath('terraform-state', f), 'utf8')), f, { now: NOW }));
  return [...real, ...SAMPLE_STATES.flatMap(([file, doc]) => parseTerraformState(structuredClone(doc), file, { now: NOW }))];
}

function configRecords(): ResourceRecord[] {
  const real = ['event-config-rule-instance.json', 'event-config-rule-security-group.json'].flatMap((f) =>
    parseAwsConfig(JSON.parse(readFileSync(fixturePath('cloudtrail', 'custodian', f), 'utf8')), f, NOW),
  );
  return [...real, ...parseAwsConfig(CONFIG_SAMPLE, 'sample', NOW)];
}

function datadogRecords(): ResourceRecord[] {
  const dir = fixturePath('datadog-recordings');
  const findings = readdirSync(dir).flatMap((f) => parseDatadogFindings(JSON.parse(readFileSync(fixturePath('datadog-recordings', f), 'utf8')), f));
  return findingResources(findings).map((ref) => ref.record);
}

const SOURCES: Sourced[] = [
  { source: TERRAFORM, records: terraformRecords() },
  { source: CONFIG, records: configRecords() },
  { source: DATADOG, records: datadogRecords() },
];

test('rules/README.md documents the fields of every type the declarations name', () => {
  assert.ok((DOCUMENTED.get('aws_s3_bucket') ?? []).includes('public_access_block_configuration.block_public_acls'));
  assert.ok(
    (DOCUMENTED.get('aws_s3_bucket') ?? []).includes(
      'server_side_encryption_configuration.rules.apply_server_side_encryption_by_default.sse_algorithm',
    ),
  );
  assert.ok((DOCUMENTED.get('aws_lambda_function') ?? []).includes('vpc_config.subnet_ids'));
});

test('every documented field a record carries is declared for its source and type', () => {
  for (const { source, records } of SOURCES) {
    assert.ok(records.length > 0, source);
    for (const record of records) {
      const declared = fieldsSourceMayCarry(source, record.resource_type);
      if (declared === 'any') continue;
      for (const field of DOCUMENTED.get(record.resource_type) ?? []) {
        if (!carries(record.configuration, field.split('.'))) continue;
        assert.ok(declared.has(field), `${source} ${record.resource_type} ${record.resource_id} carries ${field}, not declared`);
      }
    }
  }
});

test('every declared field is documented and carried by at least one real or sample record of its source', () => {
  const unseen: string[] = [];
  for (const { source, records } of SOURCES) {
    for (const [type, documented] of DOCUMENTED) {
      const declared = fieldsSourceMayCarry(source, type);
      if (declared === 'any') continue;
      for (const field of declared) {
        const related = documented.some((d) => d === field || d.startsWith(`${field}.`) || field.startsWith(`${d}.`));
        assert.ok(related, `${source} declares ${type} ${field}, which rules/README.md does not document`);
        // Deeper than a documented field (a statement's `effect`, a grant's `grantee.id`): its documented parent is checked.
        if (!documented.includes(field)) continue;
        if (!records.some((r) => r.resource_type === type && carries(r.configuration, field.split('.')))) unseen.push(`${source} ${type} ${field}`);
      }
    }
  }
  assert.deepEqual(unseen, [], 'declared, but no record of the fixtures or samples carries them');
});

test('what only the cloud computes is never declared for a Terraform state, nor a credential report for AWS Config', () => {
  const terraformBucket = fieldsSourceMayCarry(TERRAFORM, 'aws_s3_bucket') as ReadonlySet<string>;
  assert.equal(terraformBucket.has('policy_status.is_public'), false);
  assert.equal(terraformBucket.has('policy_status'), false);
  const terraformUser = fieldsSourceMayCarry(TERRAFORM, 'aws_iam_user') as ReadonlySet<string>;
  for (const field of ['mfa_active', 'password_last_used', 'access_keys.last_used_date', 'create_date'])
    assert.equal(terraformUser.has(field), false, field);
  const configUser = fieldsSourceMayCarry(CONFIG, 'aws_iam_user') as ReadonlySet<string>;
  for (const field of ['password_enabled', 'mfa_active', 'mfa_devices', 'access_keys']) assert.equal(configUser.has(field), false, field);
  assert.equal((fieldsSourceMayCarry(CONFIG, 'aws_cloudtrail_trail') as ReadonlySet<string>).has('is_logging'), false);
});

test('a field a Terraform state holds only through a companion resource is unknown when absent, not unset', () => {
  const bucket = fieldsSourceCanFill(TERRAFORM, 'aws_s3_bucket') as ReadonlySet<string>;
  // The bucket's own attributes (read back from S3 by the provider) say these whenever the bucket is in the state.
  for (const field of [
    'bucket_policy_statement',
    'acl.grants',
    'versioning.status',
    'logging.target_bucket',
    'server_side_encryption_configuration.rules',
  ]) {
    assert.ok(bucket.has(field), field);
  }
  // A public access block or ownership controls may be declared in another state, or not in Terraform at all.
  for (const field of ['public_access_block_configuration.block_public_acls', 'ownership_controls.rules'])
    assert.equal(bucket.has(field), false, field);
  const user = fieldsSourceCanFill(TERRAFORM, 'aws_iam_user') as ReadonlySet<string>;
  for (const field of ['password_enabled', 'mfa_devices', 'access_keys', 'attached_policies', 'user_policy_list'])
    assert.equal(user.has(field), false, field);
  const may = fieldsSourceMayCarry(TERRAFORM, 'aws_iam_user') as ReadonlySet<string>;
  for (const field of ['password_enabled', 'mfa_devices', 'access_keys', 'attached_policies']) assert.ok(may.has(field), field);
});

test('AWS Config states a bucket public access block, policy, ACL, encryption, versioning and logging; a null stays a value', () => {
  const bucket = fieldsSourceCanFill(CONFIG, 'aws_s3_bucket') as ReadonlySet<string>;
  for (const field of ['public_access_block_configuration.block_public_acls', 'bucket_policy_statement', 'acl.grants', 'versioning.mfa_delete']) {
    assert.ok(bucket.has(field), field);
  }
  const [instance] = parseAwsConfig(
    JSON.parse(readFileSync(fixturePath('cloudtrail', 'custodian', 'event-config-rule-instance.json'), 'utf8')),
    'i.json',
    NOW,
  );
  assert.ok(Object.hasOwn(instance.configuration, 'public_ip_address'));
  assert.equal(instance.configuration.public_ip_address, null);
});

test('whole configurations fill anything; Datadog findings carry anything but state nothing; an unknown source knows nothing', () => {
  assert.equal(fieldsSourceCanFill('api', 'aws_s3_bucket'), 'any');
  assert.equal(fieldsSourceCanFill('import:resources', 'gcp_storage_bucket'), 'any');
  assert.equal(fieldsSourceMayCarry(DATADOG, 'aws_s3_bucket'), 'any');
  assert.equal((fieldsSourceCanFill(DATADOG, 'aws_s3_bucket') as ReadonlySet<string>).size, 0);
  for (const source of [null, undefined, '', 'import:cloudtrail', 'seed', 'import:something-new']) {
    const fields = fieldsSourceCanFill(source, 'aws_s3_bucket');
    assert.ok(fields !== 'any' && fields.size === 0, String(source));
  }
  // A type no mapping builds (Terraform's azurerm_kubernetes_cluster keeps Terraform's own attribute names).
  assert.equal((fieldsSourceCanFill(TERRAFORM, 'azure_kubernetes_cluster') as ReadonlySet<string>).size, 0);
  // An azurerm storage account's settings decide when present; absent, an older provider may not have recorded them.
  assert.equal((fieldsSourceCanFill(TERRAFORM, 'azure_storage_account') as ReadonlySet<string>).size, 0);
  assert.ok((fieldsSourceMayCarry(TERRAFORM, 'azure_storage_account') as ReadonlySet<string>).has('minimum_tls_version'));
});

test('the sets are closed under prefixes, and what a source fills is among what it may carry', () => {
  for (const source of [TERRAFORM, CONFIG]) {
    for (const type of DOCUMENTED.keys()) {
      const fills = fieldsSourceCanFill(source, type) as ReadonlySet<string>;
      const may = fieldsSourceMayCarry(source, type) as ReadonlySet<string>;
      for (const field of fills) assert.ok(may.has(field), `${source} ${type} ${field}`);
      for (const field of may) {
        const parts = field.split('.');
        for (let i = 1; i < parts.length; i++) assert.ok(may.has(parts.slice(0, i).join('.')), `${source} ${type} ${field}`);
      }
    }
  }
});
