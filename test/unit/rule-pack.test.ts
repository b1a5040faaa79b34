import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_RULES_DIR, loadRulePack, parseRuleText, rulesByType } from '../../src/posture/rule-pack.js';

const pack = loadRulePack();

test('the built-in pack loads from the package rules/ folder with no errors', () => {
  assert.ok(DEFAULT_RULES_DIR.replace(/\/$/, '').endsWith('/rules'));
  assert.deepEqual(pack.errors, []);
  assert.ok(pack.rules.length >= 45, `${pack.rules.length} rules`);
});

test('the pack covers at least 14 resource types across aws, gcp and azure', () => {
  const types = rulesByType(pack.rules);
  assert.ok(types.size >= 14, `${types.size} types`);
  const providers = new Set([...types.keys()].map((t) => t.split('_')[0]));
  assert.deepEqual([...providers].sort(), ['aws', 'azure', 'gcp']);
  for (const required of [
    'aws_s3_bucket',
    'aws_security_group',
    'aws_iam_user',
    'aws_iam_role',
    'aws_iam_policy',
    'aws_rds_instance',
    'aws_ec2_instance',
    'aws_ebs_volume',
    'aws_cloudtrail_trail',
    'aws_kms_key',
    'aws_lambda_function',
    'gcp_storage_bucket',
    'gcp_compute_instance',
    'azure_storage_account',
    'azure_virtual_machine',
  ])
    assert.ok(types.has(required), `no rule for ${required}`);
  // Every rule sits in the folder of its provider.
  for (const rule of pack.rules) assert.equal(basename(join(rule.file, '..')), rule.resource_type.split('_')[0], rule.file);
});

test('rule ids are unique and in the three-by-three format', () => {
  const ids = pack.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$/);
});

test('every message has Description, Rationale and Remediation sections, in that order', () => {
  for (const rule of pack.rules) {
    const at = ['## Description', '## Rationale', '## Remediation'].map((h) => rule.message.indexOf(`${h}\n`));
    assert.ok(
      at.every((i) => i >= 0),
      `${rule.file}: missing a section`,
    );
    assert.ok(at[0] < at[1] && at[1] < at[2], `${rule.file}: sections out of order`);
  }
});

test('every rule has a framework tag, and every tag is key:value', () => {
  for (const rule of pack.rules) {
    assert.ok(
      rule.tags.some((t) => t.startsWith('framework:')),
      `${rule.file}: no framework tag`,
    );
    for (const tag of rule.tags) assert.match(tag, /^(framework|control|requirement):\S+$/, rule.file);
  }
});

test('every rule carries at least one passing and one failing sample configuration', () => {
  for (const rule of pack.rules) {
    assert.ok((rule.tests?.pass.length ?? 0) >= 1, `${rule.file}: no passing sample`);
    assert.ok((rule.tests?.fail.length ?? 0) >= 1, `${rule.file}: no failing sample`);
  }
});

test('rulesByType groups every rule under its resource type', () => {
  const groups = rulesByType(pack.rules);
  let total = 0;
  for (const [type, rules] of groups) {
    total += rules.length;
    for (const r of rules) assert.equal(r.resource_type, type);
  }
  assert.equal(total, pack.rules.length);
});

const GOOD = (id: string, expression = 'resource.?encrypted.orValue(false) == true') => `id: ${id}
name: Volume is encrypted
resource_type: aws_ebs_volume
severity: medium
vulnerability_type: misconfiguration
tags:
  - framework:test
expression: ${JSON.stringify(expression)}
message: |
  ## Description
  d
  ## Rationale
  r
  ## Remediation
  x
`;

test('a broken rule folder reports each bad file with its line and still loads the good rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-rules-'));
  try {
    mkdirSync(join(dir, 'aws'));
    writeFileSync(join(dir, 'aws', 'a-good.yaml'), GOOD('aaa-bbb-ccc'));
    // Line 4 has an unterminated flow sequence.
    writeFileSync(
      join(dir, 'aws', 'b-bad-yaml.yaml'),
      'id: bad-yam-l01\nname: x\nresource_type: aws_ebs_volume\ntags: [framework:x\nseverity: low\n',
    );
    // The expression key is on line 8 of GOOD; `==` without a right operand is a syntax error.
    writeFileSync(join(dir, 'aws', 'c-cel-syntax.yaml'), GOOD('cel-err-001', 'resource.encrypted =='));
    writeFileSync(join(dir, 'aws', 'd-missing-severity.yaml'), GOOD('mis-sin-g01').replace('severity: medium\n', ''));
    writeFileSync(join(dir, 'aws', 'e-unknown-severity.yaml'), GOOD('sev-eri-ty1').replace('severity: medium', 'severity: urgent'));
    writeFileSync(join(dir, 'aws', 'f-duplicate.yaml'), GOOD('aaa-bbb-ccc'));
    writeFileSync(join(dir, 'aws', 'g-unknown-variable.yaml'), GOOD('unk-var-001', 'config.encrypted == true'));
    writeFileSync(join(dir, 'aws', 'h-not-bool.yaml'), GOOD('not-boo-l01', '"yes"'));
    writeFileSync(join(dir, 'aws', 'i-good.yaml'), GOOD('ddd-eee-fff'));
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');

    const { rules, errors } = loadRulePack(dir);
    assert.deepEqual(
      rules.map((r) => r.id),
      ['aaa-bbb-ccc', 'ddd-eee-fff'],
    );
    assert.equal(rules[0].file, join(dir, 'aws', 'a-good.yaml'));

    const byFile = new Map(errors.map((e) => [basename(e.file), e]));
    assert.equal(errors.length, 7);
    const expect = (file: string, line: number, pattern: RegExp) => {
      const e = byFile.get(file);
      assert.ok(e, `no error for ${file}`);
      assert.equal(e.file, join(dir, 'aws', file));
      assert.equal(e.line, line, `${file}: ${e.message}`);
      assert.match(e.message, pattern);
    };
    expect('b-bad-yaml.yaml', 5, /^YAML error/);
    expect('c-cel-syntax.yaml', 8, /^CEL syntax error/);
    expect('d-missing-severity.yaml', 1, /missing field severity/);
    expect('e-unknown-severity.yaml', 4, /unknown severity urgent/);
    expect('f-duplicate.yaml', 1, /duplicate rule id aaa-bbb-ccc .*a-good\.yaml/);
    expect('g-unknown-variable.yaml', 8, /CEL type error: Unknown variable: config/);
    expect('h-not-bool.yaml', 8, /must return bool, not string/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a YAML error names the line of the problem', () => {
  const parsed = parseRuleText('id: abc-def-ghi\nname: x\nname: y\n', 'x.yaml');
  assert.ok('error' in parsed);
  assert.equal(parsed.error.line, 3);
  assert.match(parsed.error.message, /YAML error: Map keys must be unique/);
});

test('field errors name the line of the offending field', () => {
  const cases: Array<[string, number, RegExp]> = [
    [GOOD('ABC-def-ghi'), 1, /^id ABC-def-ghi is not/],
    [GOOD('abc-def-ghi').replace('resource_type: aws_ebs_volume', 'resource_type: ebs'), 3, /^resource_type ebs/],
    [GOOD('abc-def-ghi').replace('vulnerability_type: misconfiguration', 'vulnerability_type: attack_path'), 5, /unknown vulnerability_type/],
    [GOOD('abc-def-ghi').replace('  - framework:test', '  - just-a-word'), 6, /is not key:value/],
    [GOOD('abc-def-ghi').replace('name: Volume is encrypted', 'name: ""'), 2, /name must be a non-empty string/],
    [GOOD('abc-def-ghi') + 'severty: low\n', 16, /unknown field severty/],
    [GOOD('abc-def-ghi') + 'tests:\n  pass: {}\n', 16, /tests.pass and tests.fail must be lists/],
    [GOOD('abc-def-ghi') + 'tests:\n  not_evaluated: [1]\n', 16, /so must tests.not_evaluated/],
    [GOOD('abc-def-ghi') + 'defaults:\n  encrypted_at: false\n', 16, /defaults.encrypted_at is not a field the expression reads \(encrypted\)/],
    [GOOD('abc-def-ghi') + 'defaults: [encrypted]\n', 16, /defaults must be a mapping/],
  ];
  for (const [text, line, pattern] of cases) {
    const parsed = parseRuleText(text, 'x.yaml');
    assert.ok('error' in parsed, `expected an error matching ${pattern}`);
    assert.equal(parsed.error.line, line, parsed.error.message);
    assert.match(parsed.error.message, pattern);
  }
});

test('a rule states its deciding fields (from the expression) and its defaults', () => {
  const parsed = parseRuleText(GOOD('abc-def-ghi') + 'defaults:\n  # an unencrypted volume says so\n  encrypted: false\n', 'x.yaml');
  assert.ok('rule' in parsed, JSON.stringify(parsed));
  assert.deepEqual(parsed.rule.fields, ['encrypted']);
  assert.deepEqual(parsed.rule.defaults, { encrypted: false });
  const plain = parseRuleText(GOOD('abc-def-ghi'), 'x.yaml');
  assert.ok('rule' in plain);
  assert.deepEqual(plain.rule.defaults, {});
});

test('a missing rule folder is an error, not an exception', () => {
  const { rules, errors } = loadRulePack(join(tmpdir(), 'steward-no-such-folder-' + process.pid));
  assert.equal(rules.length, 0);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /cannot read rule folder/);
});
