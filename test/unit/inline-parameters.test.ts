// A statement written out as text for a script: each placeholder a literal of its value, nothing else touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineParameters, literalOf } from '../../src/store/inline-parameters.js';

test('each placeholder becomes its value as a quoted literal; an expression given for one replaces it', () => {
  assert.equal(
    inlineParameters('SELECT $1::text, $2, $3::int[], $10 FROM t WHERE b = $4 AND n IS $5', ['a', 7, [1, 2], true, null, 6, 7, 8, 9, 'ten']),
    "SELECT 'a'::text, '7', '{\"1\",\"2\"}'::int[], 'ten' FROM t WHERE b = 'true' AND n IS NULL",
  );
  assert.equal(inlineParameters('SELECT $1 <= $2', ['x', 5], { 2: "current_setting('s')::bigint" }), "SELECT 'x' <= (current_setting('s')::bigint)");
});

test('quotes and backslashes are escaped, in values and in array elements; quoted text of the statement is left alone', () => {
  assert.equal(literalOf("it's"), "'it''s'");
  assert.equal(literalOf('a\\b'), " E'a\\\\b'");
  assert.equal(literalOf(['x"y', 'p\\q', null]), ` E'{"x\\\\"y","p\\\\\\\\q",NULL}'`);
  assert.equal(inlineParameters("SELECT '$1', \"$2\", 'it''s $1', $1", ['v']), "SELECT '$1', \"$2\", 'it''s $1', 'v'");
});

test('a value no literal can hold, or a placeholder without a value, is refused', () => {
  assert.throws(() => literalOf(Number.NaN), /cannot write NaN/);
  assert.throws(() => literalOf(Infinity), /cannot write Infinity/);
  assert.throws(() => literalOf({ a: 1 }), /cannot write a object/);
  assert.throws(() => literalOf('a\u0000b'), /NUL/);
  assert.throws(() => literalOf(['ok', 'a\u0000b']), /NUL/);
  assert.throws(() => inlineParameters('SELECT $2', ['only one']), /no value for \$2/);
});
