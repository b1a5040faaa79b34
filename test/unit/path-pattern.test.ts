import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePathPattern, PathPatternError } from '../../src/ingest/path-pattern.js';
import { ownersOf, parseCodeowners } from '../../src/ingest/codeowners.js';
import { RecordError } from '../../src/posture/resource.js';

/** [pattern, path, whether the pattern matches the whole path] */
const CASES: [string, string, boolean][] = [
  // Without a slash: any depth. With one: anchored at the root.
  ['main.tf', 'main.tf', true],
  ['main.tf', 'modules/vpc/main.tf', true],
  ['main.tf', 'modules/vpc/main.tfvars', false],
  ['/main.tf', 'main.tf', true],
  ['/main.tf', 'modules/main.tf', false],
  ['modules/vpc', 'modules/vpc', true],
  ['modules/vpc', 'infra/modules/vpc', false],
  // `*` and `?` stay within a segment.
  ['*.tf', 'a/b/c.tf', true],
  ['/*.tf', 'a/c.tf', false],
  ['/a/*/c', 'a/b/c', true],
  ['/a/*/c', 'a/b/x/c', false],
  ['/a/?/c', 'a/b/c', true],
  ['/a/?/c', 'a/bb/c', false],
  ['/a?c', 'a/c', false],
  // `**` as a whole segment crosses folders; elsewhere it is a `*`.
  ['**/c', 'c', true],
  ['**/c', 'a/b/c', true],
  ['/a/**/c', 'a/c', true],
  ['/a/**/c', 'a/x/y/c', true],
  ['/a/**', 'a/x/y', true],
  ['/a/b**', 'a/bxy', true],
  ['/a/b**', 'a/bx/y', false],
  // Classes, negated either way, and escapes.
  ['/[ab].tf', 'b.tf', true],
  ['/[ab].tf', 'c.tf', false],
  ['/[!ab].tf', 'c.tf', true],
  ['/[^ab].tf', 'a.tf', false],
  ['/[a-c]x', 'bx', true],
  ['/\\*.tf', '*.tf', true],
  ['/\\*.tf', 'a.tf', false],
  ['/a.b', 'axb', false],
  // An empty pattern (`/`) matches everything.
  ['/', 'any/path', true],
];

test('a path pattern matches as gitignore and CODEOWNERS do', () => {
  for (const [pattern, path, expected] of CASES) {
    assert.equal(compilePathPattern(pattern).matches(path), expected, `${pattern} against ${path}`);
  }
});

test('a path pattern matches a folder the path lies in, not the path itself', () => {
  const pattern = compilePathPattern('/terraform/environments/*');
  assert.equal(pattern.matchesFolderOf('terraform/environments/apex/main.tf'), true);
  assert.equal(pattern.matchesFolderOf('terraform/environments/apex'), false);
  assert.equal(pattern.matchesFolderOf('terraform/modules/vpc/main.tf'), false);
  assert.equal(compilePathPattern('vpc').matchesFolderOf('modules/vpc/main.tf'), true);
  assert.equal(compilePathPattern('vpc').matchesFolderOf('modules/vpc-peering/main.tf'), false);
});

test('a malformed path pattern is an error naming what is wrong', () => {
  assert.throws(
    () => compilePathPattern('/a\\'),
    (e: unknown) => e instanceof PathPatternError && /lone backslash/.test(e.message),
  );
  assert.throws(
    () => compilePathPattern('/a[bc'),
    (e: unknown) => e instanceof PathPatternError && /unbalanced \[/.test(e.message),
  );
  assert.throws(
    () => parseCodeowners('/a[bc @org/team\n'),
    (e: unknown) => e instanceof RecordError && e.field === 'pattern' && /line 1/.test(e.message),
  );
});

// A backtracking regular expression took exponential time here: 4.7 s with six `a*`s against a 60-character folder
// name, about 40 s with seven, hours with thirty. A test's timeout cannot stop a synchronous call, so the first call is
// timed against a bound a hundred times what the automaton needs under load.
test('a pattern made to backtrack matches in time linear in the path', () => {
  const started = performance.now();
  assert.equal(compilePathPattern(`*${'a*'.repeat(7)}b`).matches('a'.repeat(60)), false);
  const ms = performance.now() - started;
  assert.ok(ms < 2_000, `took ${Math.round(ms)} ms`);

  const hostile = `*${'a*'.repeat(30)}b`;
  const folder = 'a'.repeat(5_000);
  assert.equal(compilePathPattern(hostile).matches(folder), false);
  assert.equal(compilePathPattern(hostile).matches(`${folder}b`), true);
  const rules = parseCodeowners(`* @org/platform\n${hostile} @org/intruder\n`);
  assert.deepEqual(
    ownersOf(rules, `modules/${folder}/main.tf`).map((o) => o.ref),
    ['@org/platform'],
  );
  assert.deepEqual(
    ownersOf(rules, `modules/${folder}b/main.tf`).map((o) => o.ref),
    ['@org/intruder'],
  );
});

test('a pattern matches the same once what it remembers is full', () => {
  const pattern = compilePathPattern('/src/**/*.ts');
  // Every character a different one: more steps than the pattern keeps.
  const names = Array.from({ length: 6_000 }, (_, i) => String.fromCharCode(0x4e00 + i));
  for (const name of names) assert.equal(pattern.matches(`src/${name}/${name}.ts`), true, name);
  for (const name of names) assert.equal(pattern.matches(`src/${name}/${name}.tsx`), false, name);
  for (const name of names) assert.equal(pattern.matches(`lib/${name}.ts`), false, name);
});
