import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yamlFlowNestsDeeper } from '../../src/ingest/yaml-flow-depth.js';
import { yamlDocuments } from '../../src/ingest/read-records.js';
import { RecordError } from '../../src/posture/resource.js';

test('flow collections are counted as the lexer reads them: quoted text, plain text and comments are not collections', () => {
  assert.equal(yamlFlowNestsDeeper('a: [1, {b: [2]}]\n', 3), false);
  assert.equal(yamlFlowNestsDeeper('a: [1, {b: [2]}]\n', 2), true);
  assert.equal(yamlFlowNestsDeeper(`a: '${'['.repeat(100)}'\nb: c${'['.repeat(100)}\n# ${'{'.repeat(100)}\n`, 1), false);
});

test('a YAML text nesting flow collections deeper than 64 levels is refused, naming the file, before it is composed', () => {
  // 20,000 levels in 40 KB took the process down in the composer.
  const deep = `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
  assert.throws(
    () => yamlDocuments(deep, 'deep.yaml'),
    (err: unknown) => err instanceof RecordError && err.message === 'deep.yaml: nests deeper than 64 levels',
  );
  const fine = `a: ${'['.repeat(63)}1${']'.repeat(63)}\n`;
  assert.equal(yamlDocuments(fine, 'fine.yaml').length, 1);
});
