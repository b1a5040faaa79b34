import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRulePack, parseRuleText, type Rule } from '../../src/posture/rule-pack.js';
import { evaluateResource, evaluateRule, explainRule } from '../../src/posture/rule-evaluation.js';
import { fixturePath } from '../helpers/fixtures.js';

const { rules, errors } = loadRulePack();
assert.deepEqual(errors, []);
const bySlug = new Map(rules.map((r) => [basename(r.file, '.yaml'), r]));
const rule = (slug: string): Rule => {
  const found = bySlug.get(slug);
  assert.ok(found, `no rule file ${slug}.yaml`);
  return found;
};

test('every rule passes its passing samples, fails its failing samples and cannot judge its not-evaluated samples', () => {
  let checked = 0;
  for (const r of rules) {
    const now = r.tests?.now;
    // pass and fail samples: from a source that can fill every field, so the rule's defaults hold.
    for (const kind of ['pass', 'fail'] as const)
      for (const configuration of r.tests?.[kind] ?? []) {
        assert.deepEqual(
          explainRule(r, configuration, { now, fillable: 'any' }),
          { evaluation: kind },
          `${r.file}: ${JSON.stringify(configuration)}`,
        );
        checked++;
      }
    // not_evaluated samples: from a source that fills none of the fields they lack, so no default holds.
    for (const configuration of r.tests?.not_evaluated ?? []) {
      const outcome = explainRule(r, configuration, { now, fillable: new Set() });
      assert.equal(outcome.evaluation, 'not_evaluated', `${r.file}: ${JSON.stringify(configuration)}`);
      assert.ok(outcome.missing_fields!.length > 0);
      checked++;
    }
  }
  assert.ok(checked >= 3 * rules.length);
});

test('an empty configuration raises no runtime error in any rule: missing fields are handled', () => {
  for (const r of rules) assert.equal(explainRule(r, {}, { now: 0 }).error, undefined, r.file);
});

test('null fields raise no runtime error in rules that read lists', () => {
  const nulls = {
    bucket_policy_statement: null,
    ip_permissions: null,
    access_keys: null,
    attached_policies: null,
    network_interfaces: null,
    service_accounts: null,
    acl: null,
    policy_document: null,
  };
  for (const r of rules) assert.equal(explainRule(r, nulls, { now: 0 }).error, undefined, r.file);
});

function recordedS3Bucket(): Record<string, unknown> {
  const recording = JSON.parse(readFileSync(fixturePath('datadog-recordings', 'Get-a-finding-returns-OK-response.json'), 'utf8'));
  return recording[0].response.body.data.attributes.resource_configuration;
}

test('the recorded S3 bucket from Datadog evaluates without errors against every aws_s3_bucket rule', () => {
  const bucket = recordedS3Bucket();
  const s3Rules = rules.filter((r) => r.resource_type === 'aws_s3_bucket');
  assert.ok(s3Rules.length >= 10);
  const outcomes = evaluateResource(s3Rules, bucket);
  for (const o of outcomes) assert.equal(o.error, undefined, `${o.rule.file}: ${o.error}`);

  const evaluationOf = (slug: string) => outcomes.find((o) => o.rule === rule(slug))?.evaluation;
  // block_public_acls, block_public_policy and ignore_public_acls are off; restrict_public_buckets is on.
  assert.equal(evaluationOf('s3-bucket-public-access-block'), 'fail');
  assert.equal(evaluationOf('s3-bucket-blocks-public-acls'), 'fail');
  assert.equal(evaluationOf('s3-bucket-blocks-public-policies'), 'fail');
  // AES256 default encryption: encrypted, but not with KMS.
  assert.equal(evaluationOf('s3-bucket-default-encryption'), 'pass');
  assert.equal(evaluationOf('s3-bucket-kms-encryption'), 'fail');
  // Its only policy statement is a Deny with principal "*", and policy_status.is_public is false.
  assert.equal(evaluationOf('s3-bucket-policy-not-public'), 'pass');
  assert.equal(evaluationOf('s3-bucket-policy-no-public-write'), 'pass');
  // That Deny has an empty condition, so it does not deny plain HTTP.
  assert.equal(evaluationOf('s3-bucket-requires-tls'), 'fail');
  // The record has no versioning, logging or ACL data.
  assert.equal(evaluationOf('s3-bucket-versioning'), 'fail');
  assert.equal(evaluationOf('s3-bucket-access-logging'), 'fail');
  assert.equal(evaluationOf('s3-bucket-acl-not-public'), 'pass');
});

test("turning the recorded bucket's public access block fully on makes those rules pass", () => {
  const bucket = recordedS3Bucket();
  const fixed = {
    ...bucket,
    public_access_block_configuration: {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
  };
  for (const slug of ['s3-bucket-public-access-block', 's3-bucket-blocks-public-acls', 's3-bucket-blocks-public-policies']) {
    assert.equal(evaluateRule(rule(slug), bucket), 'fail', slug);
    assert.equal(evaluateRule(rule(slug), fixed), 'pass', slug);
  }
});

test('the recorded bucket made public by an unconditioned Allow to "*" fails the policy rules', () => {
  const bucket = recordedS3Bucket();
  const statements = bucket.bucket_policy_statement as Array<Record<string, unknown>>;
  const opened = {
    ...bucket,
    bucket_policy_statement: [{ ...statements[0], statement_effect: 'Allow', statement_has_condition: false, statement_action: ['s3:PutObject'] }],
  };
  assert.equal(evaluateRule(rule('s3-bucket-policy-not-public'), opened), 'fail');
  assert.equal(evaluateRule(rule('s3-bucket-policy-no-public-write'), opened), 'fail');
});

const inline = (expression: string): Rule => {
  const text = `id: tst-rul-e01\nname: t\nresource_type: aws_s3_bucket\nseverity: low\nvulnerability_type: misconfiguration\ntags: [framework:test]\nexpression: ${JSON.stringify(expression)}\nmessage: m\n`;
  const parsed = parseRuleText(text, 'inline.yaml');
  assert.ok('rule' in parsed, JSON.stringify(parsed));
  return parsed.rule;
};

test('a runtime error is a fail, and explainRule says why', () => {
  const r = inline('resource.versioning.status == "Enabled"');
  assert.equal(evaluateRule(r, { versioning: { status: 'Enabled' } }), 'pass');
  // versioning is null: the selection of status errors. (Without versioning at all the rule could not judge.)
  const outcome = explainRule(r, { versioning: null });
  assert.equal(outcome.evaluation, 'fail');
  assert.match(outcome.error ?? '', /versioning|status|null/);
  assert.deepEqual(explainRule(r, {}), { evaluation: 'not_evaluated', missing_fields: ['versioning.status'] });
  // A type mismatch on unexpected data: a string where a number was expected.
  const typed = explainRule(inline('resource.backup_retention_period >= 7'), { backup_retention_period: 'seven' });
  assert.equal(typed.evaluation, 'fail');
  assert.match(typed.error ?? '', /overload/);
});

test('a non-boolean result is a fail', () => {
  const r = inline('resource.flag');
  assert.deepEqual(explainRule(r, { flag: true }), { evaluation: 'pass' });
  const outcome = explainRule(r, { flag: 'true' });
  assert.equal(outcome.evaluation, 'fail');
  assert.match(outcome.error ?? '', /not a boolean/);
});

test('the helpers: as_list accepts one value or a list, millis reads ISO strings and Unix milliseconds', () => {
  const anyStar = inline('"*" in as_list(resource.action)');
  assert.equal(evaluateRule(anyStar, { action: '*' }), 'pass');
  assert.equal(evaluateRule(anyStar, { action: ['s3:GetObject', '*'] }), 'pass');
  assert.equal(evaluateRule(anyStar, { action: null }), 'fail');
  const recent = inline('now - millis(resource.created) < 86400000.0');
  const now = Date.parse('2025-01-02T00:00:00Z');
  assert.equal(evaluateRule(recent, { created: '2025-01-01T12:00:00Z' }, { now }), 'pass');
  assert.equal(evaluateRule(recent, { created: now - 2 * 86400000 }, { now }), 'fail');
  assert.match(explainRule(recent, { created: 'yesterday' }, { now }).error ?? '', /not a time/);
});

test('rules that read ages answer according to the evaluation instant', () => {
  const rotation = rule('iam-user-access-keys-rotated');
  const user = { access_keys: [{ status: 'Active', create_date: '2024-12-01T00:00:00Z' }] };
  assert.equal(evaluateRule(rotation, user, { now: Date.parse('2025-01-01T00:00:00Z') }), 'pass');
  assert.equal(evaluateRule(rotation, user, { now: Date.parse('2025-06-01T00:00:00Z') }), 'fail');
});

test('evaluateResource answers once per rule, in the order given', () => {
  const s3Rules = rules.filter((r) => r.resource_type === 'aws_s3_bucket');
  const outcomes = evaluateResource(s3Rules, { versioning: { status: 'Enabled' } });
  assert.deepEqual(
    outcomes.map((o) => o.rule.id),
    s3Rules.map((r) => r.id),
  );
  assert.equal(outcomes.find((o) => o.rule === rule('s3-bucket-versioning'))?.evaluation, 'pass');
  assert.equal(outcomes.find((o) => o.rule === rule('s3-bucket-mfa-delete'))?.evaluation, 'fail');
});

test('security group rules see ports inside ranges and IPv6 world ranges', () => {
  const ssh = rule('security-group-no-public-ssh');
  const world = (from: number, to: number) => ({
    ip_permissions: [{ ip_protocol: 'tcp', from_port: from, to_port: to, ip_ranges: [{ cidr_ip: '0.0.0.0/0' }] }],
  });
  assert.equal(evaluateRule(ssh, world(20, 25)), 'fail');
  assert.equal(evaluateRule(ssh, world(23, 25)), 'pass');
  assert.equal(
    evaluateRule(ssh, { ip_permissions: [{ ip_protocol: 'udp', from_port: 22, to_port: 22, ip_ranges: [{ cidr_ip: '0.0.0.0/0' }] }] }),
    'pass',
  );
  assert.equal(
    evaluateRule(ssh, { ip_permissions: [{ ip_protocol: '6', from_port: 22, to_port: 22, ipv6_ranges: [{ cidr_ipv6: '::/0' }] }] }),
    'fail',
  );
});
