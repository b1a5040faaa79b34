import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountCache } from '../../src/findings/count-cache.js';

test('the count cache keeps the most recently used entries and keeps nothing at capacity 0', () => {
  const cache = new CountCache(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // a is now the most recent
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined, 'the least recently used went first');
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  const off = new CountCache(0);
  off.set('a', 1);
  assert.equal(off.get('a'), undefined);
});
