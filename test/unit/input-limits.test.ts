import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INPUT_LIMITS,
  ProblemList,
  fieldOfPath,
  findFieldProblem,
  findJsonProblem,
  instantReason,
  jsonOpensMoreThan,
  jsonPointer,
  omittedProblemsText,
  textFieldReason,
  unsafeTextReason,
} from '../../src/input-limits.js';
import { InvalidInput } from '../../src/errors.js';
import { parseJsonText } from '../../src/ingest/read-records.js';
import { RecordError } from '../../src/posture/resource.js';
import { validatePreferences } from '../../src/ingest/preferences-csv.js';
import { PreferencesRejected } from '../../src/ownership/signal-imports.js';

test('unsafe text: NUL and lone surrogates of either half; paired surrogates (emoji) are fine', () => {
  assert.match(unsafeTextReason('a\u0000b')!, /NUL/);
  assert.match(unsafeTextReason('\ud800')!, /surrogate/);
  assert.match(unsafeTextReason('x\udc00')!, /surrogate/);
  assert.match(unsafeTextReason('\ud83d\ud83d')!, /surrogate/);
  assert.equal(unsafeTextReason('team:🍰 é'), undefined);
  assert.equal(unsafeTextReason(''), undefined);
});

test('text fields are measured in UTF-8 bytes', () => {
  assert.equal(textFieldReason('x'.repeat(1024), 1024), undefined);
  assert.match(textFieldReason('x'.repeat(1025), 1024)!, /1025 bytes long: at most 1024/);
  assert.match(textFieldReason('é'.repeat(600), 1024)!, /1200 bytes/);
  assert.match(textFieldReason('é\u0000', 1024)!, /NUL/);
});

test('instants: 0 to the end of year 9999, integers only', () => {
  assert.equal(instantReason(0), undefined);
  assert.equal(instantReason(INPUT_LIMITS.maxTimestampMs), undefined);
  assert.equal(new Date(INPUT_LIMITS.maxTimestampMs).toISOString(), '9999-12-31T23:59:59.999Z');
  for (const bad of [-1, INPUT_LIMITS.maxTimestampMs + 1, 1e30, 1.5, Number.NaN, Infinity]) assert.ok(instantReason(bad), String(bad));
});

test('findJsonProblem names the first bad string, key or level as a path; depth counts the root as 1', () => {
  assert.equal(findJsonProblem({ a: [1, 'x', { b: null, c: true }] }), undefined);
  assert.deepEqual(findJsonProblem({ a: [1, 'x\u0000'] }), { path: ['a', 1], reason: unsafeTextReason('\u0000') });
  assert.deepEqual(findJsonProblem({ ok: 1, 'k\ud800': 1 })?.path, ['k\ud800']);
  assert.match(findJsonProblem({ 'k\u0000': 1 })!.reason, /^its key/);
  // 1e400 in JSON text, .inf and .nan in YAML: numbers a store of JSON cannot keep (they would become null).
  assert.deepEqual(findJsonProblem(JSON.parse('{"a":{"n":[0, 1e400]}}'))?.path, ['a', 'n', 1]);
  assert.match(findJsonProblem({ n: -Infinity })!.reason, /beyond what can be kept/);
  assert.deepEqual(findJsonProblem({ n: NaN })?.path, ['n']);
  assert.equal(findJsonProblem({ n: 1.7976931348623157e308, m: -5e-324 }), undefined);
  const deep = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  assert.equal(findJsonProblem(deep(3), 3), undefined);
  assert.deepEqual(findJsonProblem(deep(4), 3), { path: [0, 0, 0], reason: 'nests deeper than 3 levels' });
  // Far past the limit, the walk stops at it: no stack overflow.
  assert.equal(findJsonProblem(deep(100_000))!.path.length, INPUT_LIMITS.jsonDepth);
});

test('paths become JSON pointers (RFC 6901) and import field names', () => {
  assert.equal(jsonPointer([]), '/');
  assert.equal(jsonPointer(['data', 0, 'a/b', 'c~d']), '/data/0/a~1b/c~0d');
  assert.equal(fieldOfPath(['attributes', 'tags', 3]), 'attributes.tags[3]');
  assert.equal(fieldOfPath([2, 'x']), '[2].x');
  assert.equal(fieldOfPath([]), undefined);
  assert.deepEqual(
    findFieldProblem([
      ['id', 'ok', 10],
      ['name', 'x'.repeat(11), 10],
    ]),
    { field: 'name', reason: 'is 11 bytes long: at most 10' },
  );
  assert.deepEqual(findFieldProblem([['id', 'ok', 10]], { a: ['\u0000'] }, 'configuration'), {
    field: 'configuration.a[0]',
    reason: unsafeTextReason('\u0000'),
  });
  assert.deepEqual(findFieldProblem([['id', 'ok', 10]], ['\u0000'], 'list'), { field: 'list[0]', reason: unsafeTextReason('\u0000') });
});

test('ProblemList keeps the first problems and counts the rest', () => {
  const list = new ProblemList<number>(3);
  for (let i = 0; i < 10; i++) list.add(i);
  assert.deepEqual(list.items, [0, 1, 2]);
  assert.equal(list.omitted, 7);
  assert.equal(list.total, 10);
  assert.equal(omittedProblemsText(1), '... and 1 more error not listed');
});

test('DomainError.setProblems lists at most 100 problems and a closing one with the count', () => {
  const problems = Array.from({ length: 150 }, (_, i) => ({ detail: `p${i}`, source: { pointer: `/rows/${i}` } }));
  const err = new InvalidInput('p0').setProblems(problems, 25);
  assert.equal(err.problems!.length, INPUT_LIMITS.reportedProblems + 1);
  assert.deepEqual(err.problems!.at(-1), { detail: '... and 75 more errors not listed', source: { pointer: '/' } });
  assert.equal(new InvalidInput('x').setProblems(problems.slice(0, 2)).problems!.length, 2);
});

test('a preferences CSV of many bad rows keeps 100 problems in memory and counts the others', () => {
  const header =
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';
  const csv = [header, ...Array.from({ length: 5000 }, (_, i) => `p${i},tag_mapping,,,,,,,,,,`)].join('\n');
  const result = validatePreferences(csv);
  assert.equal(result.preferences, undefined);
  assert.equal(result.errors.length, 100);
  // Each row misses tag_key, owner, owner_type and confidence.
  assert.equal(result.omitted, 5000 * 4 - 100);
  const rejected = new PreferencesRejected(result.errors, result.omitted);
  assert.equal(rejected.problems!.length, 101);
  assert.match(rejected.problems!.at(-1)!.detail, /and 19900 more errors/);
});

test('YAML importers: a NUL anywhere and names past the index limit name the document and field', async () => {
  const { parseServiceDefinitions } = await import('../../src/ingest/service-definitions.js');
  const { parseBackstage } = await import('../../src/ingest/backstage.js');
  const { RecordError } = await import('../../src/posture/resource.js');
  const fails = (fn: () => unknown, field: string, reason: RegExp) =>
    assert.throws(fn, (err: unknown) => err instanceof RecordError && err.field === field && reason.test(err.reason) && /document 1/.test(err.place));
  fails(() => parseServiceDefinitions('schema-version: v2.2\ndd-service: "pay\\0ments"\n', 'service.datadog.yaml'), 'dd-service', /NUL/);
  fails(
    () => parseServiceDefinitions(`schema-version: v2.2\ndd-service: ${'s'.repeat(2000)}\n`, 'service.datadog.yaml'),
    'dd-service',
    /at most 1024/,
  );
  fails(
    () => parseBackstage(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${'g'.repeat(3000)}\nspec:\n  type: team\n`, 'org.yaml'),
    'metadata.name',
    // Backstage's own name rule (at most 63 characters) refuses it before the index limit would.
    /entity name rule/,
  );
  fails(
    () =>
      parseBackstage(
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\n  description: "a\\0"\nspec:\n  type: team\n',
        'org.yaml',
      ),
    'metadata.description',
    /NUL/,
  );
});

test('objects and arrays of a JSON text are counted outside its strings, escaped quotes and all', () => {
  assert.equal(jsonOpensMoreThan('[{}, {"a": [1]}]', 4), false);
  assert.equal(jsonOpensMoreThan('[{}, {"a": [1]}]', 3), true);
  assert.equal(jsonOpensMoreThan('["[[[[", "{{\\"{{", {"k\\"[": "]"}]', 2), false, 'brackets in strings are text');
  assert.equal(jsonOpensMoreThan('["\\\\", [[]]]', 3), false, 'an escaped backslash ends before the quote');
  assert.equal(jsonOpensMoreThan('["\\\\", [[]]]', 2), true);
});

test('a JSON text opening more objects and arrays than the limit is refused before it is parsed', () => {
  const many = `[${'[],'.repeat(INPUT_LIMITS.jsonContainers)}[]]`;
  assert.throws(
    () => parseJsonText(many, 'config.json'),
    (err: unknown) => err instanceof RecordError && err.message === `config.json: holds more than ${INPUT_LIMITS.jsonContainers} objects and arrays`,
  );
  assert.equal((parseJsonText(`[${'[],'.repeat(1000)}[]]`, 'small.json') as unknown[]).length, 1001);
});
