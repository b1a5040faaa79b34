import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';
import { loadConfig } from '../../src/config.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('the environment is read in src/config.ts alone', () => {
  const readers = sourceFiles(join(REPO_ROOT, 'src'))
    .filter((file) => !file.endsWith(join('src', 'config.ts')))
    .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
    .map((file) => file.slice(REPO_ROOT.length));
  assert.deepEqual(readers, []);
});

test('the README lists every variable the configuration reads', () => {
  const config = readFileSync(join(REPO_ROOT, 'src', 'config.ts'), 'utf8');
  const names = [...new Set([...config.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!))];
  assert.ok(names.length >= 10, names.join(', '));
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const missing = names.filter((name) => !readme.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('settings come from the environment given, with the documented defaults', () => {
  const defaults = loadConfig({});
  assert.deepEqual(
    [defaults.pgPoolSize, defaults.countCacheSize, defaults.weightsRefreshMs, defaults.bodyLimitBytes],
    [10, 2000, 60_000, 10 * 1024 * 1024],
  );
  const set = loadConfig({ STEWARD_PG_POOL: '3', STEWARD_COUNT_CACHE_SIZE: '0', STEWARD_WEIGHTS_REFRESH_MS: '5000', STEWARD_BODY_LIMIT: '1024' });
  assert.deepEqual([set.pgPoolSize, set.countCacheSize, set.weightsRefreshMs, set.bodyLimitBytes], [3, 0, 5000, 1024]);
});
