// The fields that decide each rule, derived from its expression, checked against its samples and rules/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Environment } from '@marcbachmann/cel-js';
import { loadRulePack } from '../../src/posture/rule-pack.js';
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
