// One stored finding in Datadog's Security Findings schema, and the page query's detection-change order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { securityFinding, securityFindingStatus } from '../../src/findings/security-finding-schema.js';
import { buildPageQuery, type FindingRow } from '../../src/store/findings-query.js';
import { ALL } from '../../src/findings/filter-tree.js';

function row(overrides: Partial<FindingRow> = {}): FindingRow {
  return {
    finding_id: 'f-1',
    resource_id: 'arn:aws:iam::123456789012:user/legacy-admin',
    resource_name: 'legacy-admin',
    resource_type: 'aws_iam_user',
    rule_id: 'iam-inactive',
    rule_name: 'IAM user inactive with access keys',
    vulnerability_type: 'identity_risk',
    status: 'high',
    evaluation: 'fail',
    evaluation_changed_at: 1_700_000_000_000,
    resource_discovery_date: 1_600_000_000_000,
    tags: ['aws_account:123456789012', 'cloud_provider:aws', 'region:us-east-1', 'team:identity'],
    muted: false,
    mute: null,
    mute_expires_at: null,
    severity_rank: 1,
    valid_from: 1_700_000_000_000,
    changed_by: null,
    ...overrides,
  };
}

test('an identity risk finding fills the schema from the state, its detail and when it was first seen', () => {
  const out = securityFinding(row(), {
    at: 1_800_000_000_000,
    firstSeenAt: 1_650_000_000_000,
    detail: { finding_id: 'f-1', origin: 'rule', message: 'Remove the keys', resource_configuration: { user_name: 'legacy-admin' } },
  });
  assert.equal(out.id, 'f-1');
  assert.equal(out.type, 'finding');
  assert.equal(out.attributes.timestamp, 1_700_000_000_000);
  assert.deepEqual(out.attributes.tags, row().tags);
  assert.deepEqual(out.attributes.attributes, {
    finding_id: 'f-1',
    finding_type: 'identity_risk',
    status: 'open',
    severity: 'high',
    base_severity: 'high',
    compliance: { evaluation: 'fail' },
    detection_changed_at: 1_700_000_000_000,
    first_seen_at: 1_650_000_000_000,
    resource_id: 'arn:aws:iam::123456789012:user/legacy-admin',
    resource_name: 'legacy-admin',
    resource_type: 'aws_iam_user',
    rule: { id: 'iam-inactive', name: 'IAM user inactive with access keys', type: 'cloud_configuration' },
    cloud_resource: {
      key: 'arn:aws:iam::123456789012:user/legacy-admin',
      display_name: 'legacy-admin',
      cloud_provider: 'AWS',
      account: { account_id: '123456789012' },
      configuration: { user_name: 'legacy-admin' },
    },
    workflow: { mute: { is_muted: false, is_muted_by_rule: false } },
    metadata: { schema_version: '2' },
    description: 'Remove the keys',
  });
});

test('status: muted while a mute holds, then open or resolved by the evaluation', () => {
  const mute = { muted: true, reason: 'ACCEPTED_RISK', start_date: 10, expiration_date: 100, uuid: 'u-1', actor_handle: 'alice' };
  const muted = row({ muted: true, mute, mute_expires_at: 100, evaluation: 'pass' });
  assert.equal(securityFindingStatus(muted, 50), 'muted');
  assert.deepEqual(securityFinding(muted, { at: 50 }).attributes.attributes.workflow, {
    mute: { is_muted: true, is_muted_by_rule: false, reason: 'ACCEPTED_RISK', muted_at: 10, expire_at: 100, muted_by: { id: 'u-1', name: 'alice' } },
  });
  // At its expiry the mute no longer holds.
  assert.equal(securityFindingStatus(muted, 100), 'resolved');
  assert.deepEqual(securityFinding(muted, { at: 100 }).attributes.attributes.workflow, { mute: { is_muted: false, is_muted_by_rule: false } });
  assert.equal(securityFindingStatus(row(), 50), 'open');
});

test('a GCP finding names its project; an attack path has no posture rule type; no detail, no description', () => {
  const a = securityFinding(row({ vulnerability_type: 'attack_path', tags: ['cloud_provider:gcp', 'project_id:my-project'] }), { at: 1 }).attributes
    .attributes as Record<string, unknown>;
  assert.deepEqual(a.cloud_resource, {
    key: row().resource_id,
    display_name: 'legacy-admin',
    cloud_provider: 'GCP',
    account: { account_id: 'my-project' },
  });
  assert.deepEqual(a.rule, { id: 'iam-inactive', name: 'IAM user inactive with access keys' });
  assert.equal('description' in a, false);
  assert.equal('first_seen_at' in a, false);
});

test('the detection-change order pages by (evaluation_changed_at, finding_id) either way; values travel as parameters', () => {
  const desc = buildPageQuery('org', {
    filter: ALL,
    at: 5,
    limit: 10,
    order: { by: 'changed_at', descending: true, after: { changedAt: 42, findingId: "x' OR 1=1" } },
  });
  assert.match(desc.sql, /\(evaluation_changed_at, finding_id\) < \(\$3::bigint, \$4::text\)/);
  assert.match(desc.sql, /ORDER BY evaluation_changed_at DESC, finding_id DESC LIMIT \$5\)? *$/);
  assert.deepEqual(desc.params, ['org', 5, 42, "x' OR 1=1", 10]);
  assert.ok(!desc.sql.includes('OR 1=1'));
  const asc = buildPageQuery('org', {
    filter: ALL,
    at: 5,
    limit: 10,
    order: { by: 'changed_at', descending: false, after: { changedAt: 42, findingId: 'f' } },
  });
  assert.match(asc.sql, /\(evaluation_changed_at, finding_id\) > \(\$3::bigint, \$4::text\)/);
  assert.match(asc.sql, /ORDER BY evaluation_changed_at ASC, finding_id ASC/);
  // The legacy order is what it was: severity, then id.
  const legacy = buildPageQuery('org', { filter: ALL, at: 5, limit: 10, after: { severityRank: 1, findingId: 'f' } });
  assert.match(legacy.sql, /\(severity_rank, finding_id\) > \(\$3::smallint, \$4::text\)/);
  assert.match(legacy.sql, /ORDER BY severity_rank, finding_id LIMIT \$5$/);
});
