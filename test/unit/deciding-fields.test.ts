// The fields that decide each rule, derived from its expression, checked against its samples and rules/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Environment } from '@marcbachmann/cel-js';
import { loadRulePack, parseRuleText } from '../../src/posture/rule-pack.js';
import { decidingFields, missingFields } from '../../src/posture/rule-deciding-fields.js';
import { explainRule } from '../../src/posture/rule-evaluation.js';
import { DEFAULT_RULES_DIR } from '../../src/posture/rule-pack.js';
import { outcomesThatDiffer } from '../helpers/rule-probes.js';

const { rules, errors } = loadRulePack();
assert.deepEqual(errors, []);
const NONE: ReadonlySet<string> = new Set();
const env = new Environment({ enableOptionalTypes: true }).registerVariable('resource', 'map');
const fieldsOf = (expression: string) => decidingFields(env.parse(expression).ast);

test('deciding fields are the selections from resource, plain, optional, indexed or tested with has()', () => {
  assert.deepEqual(fieldsOf('resource.?a.?b.orValue("") == "x" || has(resource.c.d) && !(resource.e["f"] > 1)'), ['a.b', 'c.d', 'e.f']);
  // A comprehension's variable reads inside the list: the list decides.
  assert.deepEqual(fieldsOf('resource.?l.orValue([]).exists(s, s.?effect.orValue("") == "Allow" && s.x.y)'), ['l']);
  // A dynamic index ends the path.
  assert.deepEqual(fieldsOf('resource.m[resource.k] == 1'), ['k', 'm']);
  assert.deepEqual(fieldsOf('size(resource) > 0'), []);
});

test('a path is missing when a map on its way lacks the next key; null on the way or at its end is data', () => {
  const fields = ['a.b', 'c', 'd.e.f'];
  assert.deepEqual(missingFields({}, fields), fields);
  assert.deepEqual(missingFields({ a: {}, c: null, d: { e: null } }, fields), ['a.b']);
  assert.deepEqual(missingFields({ a: { b: null }, c: 1, d: 'text' }, fields), []);
  assert.deepEqual(missingFields({ a: [{ b: 1 }], c: [], d: { e: {} } }, fields), ['d.e.f']);
});

test('every rule reads only fields documented for its type in rules/README.md', () => {
  const readme = readFileSync(`${DEFAULT_RULES_DIR}README.md`, 'utf8');
  for (const rule of rules) {
    assert.ok(rule.fields.length > 0, rule.file);
    const start = readme.indexOf(`\n## ${rule.resource_type}\n`);
    assert.ok(start >= 0, `${rule.resource_type} has no section`);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    for (const field of rule.fields) {
      const last = field.split('.').at(-1)!;
      assert.ok(section.includes(last), `${rule.file}: ${field} is not in the ${rule.resource_type} section`);
    }
  }
});

test('every rule has a not-evaluated sample, each lacking a deciding field; every default has a sample that relies on it', () => {
  for (const rule of rules) {
    const tests = rule.tests!;
    assert.ok(tests.not_evaluated.length > 0, `${rule.file}: no not_evaluated sample`);
    for (const sample of tests.not_evaluated)
      assert.ok(missingFields(sample, rule.fields).length > 0, `${rule.file}: ${JSON.stringify(sample)} lacks no deciding field`);
    for (const field of Object.keys(rule.defaults)) {
      const relying = [...tests.pass, ...tests.fail].filter(
        (sample) =>
          missingFields(sample, [field]).length > 0 && explainRule(rule, sample, { now: tests.now, fillable: NONE }).evaluation === 'not_evaluated',
      );
      assert.ok(relying.length > 0, `${rule.file}: no pass or fail sample relies on the default of ${field}`);
    }
  }
});

test('a pass or fail sample that lacks a deciding field is decided by a default or regardless of that field', () => {
  for (const rule of rules) {
    const tests = rule.tests!;
    for (const sample of [...tests.pass, ...tests.fail, ...tests.not_evaluated]) {
      for (const fillable of ['any', NONE] as const) {
        assert.deepEqual(outcomesThatDiffer(rule, sample, fillable, tests.now), [], `${rule.file}: ${JSON.stringify(sample)}`);
      }
    }
  }
});

test('every rule has a sample with a null where a source can send one, and decides it without a runtime error', () => {
  const hasNull = (value: unknown): boolean =>
    value === null || (typeof value === 'object' && Object.values(value as Record<string, unknown>).some(hasNull));
  for (const rule of rules) {
    const tests = rule.tests!;
    const nulls = [...tests.pass, ...tests.fail].filter(hasNull);
    assert.ok(nulls.length > 0, `${rule.file}: no null sample`);
    for (const sample of nulls)
      assert.equal(explainRule(rule, sample, { now: tests.now }).error, undefined, `${rule.file}: ${JSON.stringify(sample)}`);
  }
});

test('three values: a rule decides on partial data only when the missing fields cannot change the outcome', () => {
  const rule = (expression: string) => {
    const text = `id: tst-thr-ee1\nname: t\nresource_type: aws_s3_bucket\nseverity: low\nvulnerability_type: misconfiguration\ntags: [framework:test]\nexpression: ${JSON.stringify(expression)}\nmessage: m\n`;
    const parsed = parseRuleText(text, 'inline.yaml');
    assert.ok('rule' in parsed, JSON.stringify(parsed));
    return parsed.rule;
  };
  const judge = (expression: string, configuration: Record<string, unknown>) => {
    const outcome = explainRule(rule(expression), configuration, { now: 0, fillable: NONE });
    return outcome.evaluation === 'not_evaluated' ? `not_evaluated ${outcome.missing_fields!.join(',')}` : outcome.evaluation;
  };
  const either = 'resource.a == true || resource.b == true';
  assert.equal(judge(either, { a: true }), 'pass');
  assert.equal(judge(either, { a: false }), 'not_evaluated b');
  assert.equal(judge(either, {}), 'not_evaluated a,b');
  const both = 'resource.a == true && resource.b == true';
  assert.equal(judge(both, { b: false }), 'fail');
  assert.equal(judge(both, { b: true }), 'not_evaluated a');
  assert.equal(judge('!(resource.a == true) && resource.b == true', { a: true }), 'fail');
  // A choice on a missing test: the test could also be an error, which the choice does not absorb.
  assert.equal(judge('resource.a == true ? resource.b == 1 : resource.b == 1', { b: 1 }), 'not_evaluated a');
  assert.equal(judge('resource.a == true ? resource.b == 1 : resource.b == 1', { a: false, b: 1 }), 'pass');
  assert.equal(judge('resource.a == true ? resource.b == 1 : resource.c == 1', { b: 1 }), 'not_evaluated a,c');
  // An error (millis of a non-time) is absorbed as CEL absorbs it: false && error is false, true || error is true.
  assert.equal(judge('millis(resource.a) > 0.0 && resource.b == true', { a: 'not a time' }), 'fail');
  assert.equal(judge('millis(resource.a) > 0.0 || resource.b == true', { a: 'not a time' }), 'not_evaluated b');
  // With every field present the whole expression decides, errors included.
  assert.equal(judge('millis(resource.a) > 0.0 || resource.b == true', { a: 'not a time', b: true }), 'pass');
});
