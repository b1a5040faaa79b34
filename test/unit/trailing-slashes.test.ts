import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutTrailingSlashes } from '../../src/trailing-slashes.js';

test('only the slashes a text ends with are dropped', () => {
  assert.equal(withoutTrailingSlashes('org/repo//'), 'org/repo');
  assert.equal(withoutTrailingSlashes('//a//b'), '//a//b');
  assert.equal(withoutTrailingSlashes('///'), '');
  assert.equal(withoutTrailingSlashes(''), '');
  assert.equal(withoutTrailingSlashes(`x${'/'.repeat(100_000)}y/`), `x${'/'.repeat(100_000)}y`);
});
