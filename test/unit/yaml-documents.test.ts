import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readYamlDocuments, YamlLimitError, yamlNestsDeeper } from '../../src/yaml-documents.js';
import { INPUT_LIMITS } from '../../src/input-limits.js';
import { yamlDocuments } from '../../src/ingest/read-records.js';
import { parseRuleText } from '../../src/posture/rule-pack.js';
import { RecordError } from '../../src/posture/resource.js';

/** `levels` block mappings, each indented under the last. */
function blockMappings(levels: number): string {
  let text = '';
  for (let i = 0; i < levels; i++) text += `${' '.repeat(i)}a:\n`;
  return `${text}${' '.repeat(levels)}b\n`;
}

test('block and flow collections count as levels, the outermost as level 1; quoted text, plain text and comments do not', () => {
  assert.equal(yamlNestsDeeper('a: [1, {b: [2]}]\n', 4), false);
  assert.equal(yamlNestsDeeper('a: [1, {b: [2]}]\n', 3), true);
  assert.equal(yamlNestsDeeper('a:\n  b:\n    - c\n', 3), false);
  assert.equal(yamlNestsDeeper('a:\n  b:\n    - c\n', 2), true);
  assert.equal(yamlNestsDeeper('- - - a\n', 2), true);
  assert.equal(yamlNestsDeeper('? [[a]]\n: b\n', 2), true, 'a key nests too');
  assert.equal(yamlNestsDeeper('a: 1\n---\nb:\n  c: [d]\n', 2), true, 'every document is read');
  assert.equal(yamlNestsDeeper(`a: '${'['.repeat(100)}'\nb: c${'['.repeat(100)}\n# ${'{'.repeat(100)}\n`, 1), false);
});

test('a YAML text nesting deeper than 64 levels is refused, naming the file and document, before it is composed', () => {
  const refused = (err: unknown) => err instanceof RecordError && err.message === 'deep.yaml document 1: nests deeper than 64 levels';
  // 20,000 flow levels in 40 KB took the process down in the composer; 3,000 block levels overflowed its stack.
  assert.throws(() => yamlDocuments(`a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, 'deep.yaml'), refused);
  assert.throws(() => yamlDocuments(blockMappings(3000), 'deep.yaml'), refused);
  assert.throws(() => yamlDocuments(blockMappings(65), 'deep.yaml'), refused);
  assert.equal(yamlDocuments(blockMappings(64), 'fine.yaml').length, 1);
  assert.equal(yamlDocuments(`a: ${'['.repeat(63)}1${']'.repeat(63)}\n`, 'fine.yaml').length, 1);
});

test('a rule file nesting deeper than 64 levels is reported as a YAML error on its first line', () => {
  assert.deepEqual(parseRuleText(blockMappings(3000), 'deep.yaml'), {
    error: { line: 1, message: 'YAML error: nests deeper than 64 levels' },
  });
});

test('a collection as a mapping key is read as its text without a warning on the process (the service logs JSON there)', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    assert.deepEqual(yamlDocuments('? [a, b]\n: c\n', 'key.yaml'), [{ value: { '[ a, b ]': 'c' }, place: 'key.yaml document 1' }]);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

test('a syntax error names its document, line and column', () => {
  assert.throws(
    () => yamlDocuments('x: 1\n---\na: b\n  c: d\n', 'bad.yaml'),
    (err: unknown) =>
      err instanceof RecordError &&
      err.message === 'bad.yaml document 2: not valid YAML: Nested mappings are not allowed in compact mappings at line 3, column 4',
  );
});

test('tokens are counted as the lexer hands them over: too many in one document, or in the text, stop the reading there', () => {
  const limits = { depth: 64, documentTokens: 50, textTokens: 120 };
  const read = (text: string) => [...readYamlDocuments(text, limits)].map((doc) => doc.toJS() as unknown);
  const list = (items: number) => '- a\n'.repeat(items);
  assert.equal(read(list(9)).length, 1);
  assert.throws(
    () => read(`x: 1\n---\n${list(20)}`),
    (err: unknown) => err instanceof YamlLimitError && err.document === 2 && err.reason === 'holds more than 50 YAML tokens in one document',
  );
  assert.equal(read(Array(2).fill(list(8)).join('---\n')).length, 2, 'each document counts its own tokens');
  assert.throws(
    () => read(Array(6).fill(list(8)).join('---\n')),
    (err: unknown) => err instanceof YamlLimitError && err.document === undefined && err.reason === 'holds more than 120 YAML tokens',
  );
});

test('a YAML input of more tokens than a document holds is refused naming its document, before it is composed', () => {
  // Four million `- a` lines took gigabytes to compose; a document of that many tokens is now refused as it is read.
  const items = Math.ceil(INPUT_LIMITS.yamlDocumentTokens / 4) + 1;
  assert.throws(
    () => yamlDocuments(`name: x\n---\nitems:\n${'- a\n'.repeat(items)}`, 'huge.yaml'),
    (err: unknown) =>
      err instanceof RecordError &&
      err.message === `huge.yaml document 2: holds more than ${INPUT_LIMITS.yamlDocumentTokens} YAML tokens in one document`,
  );
});
