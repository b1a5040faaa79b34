import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/processes.js';
import { ConfigError, loadConfig } from '../../src/config.js';

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
  const names = [...new Set([...config.matchAll(/env\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => (m[1] ?? m[2])!))];
  assert.ok(names.length >= 10, names.join(', '));
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const missing = names.filter((name) => !readme.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('settings come from the environment given, with the documented defaults', () => {
  const defaults = loadConfig({});
  assert.deepEqual(
    [
      defaults.pgPoolSize,
      defaults.countCacheSize,
      defaults.weightsRefreshMs,
      defaults.bodyLimitBytes,
      defaults.requestTimeoutMs,
      defaults.maxConnections,
    ],
    [10, 2000, 60_000, 10 * 1024 * 1024, 120_000, 10_000],
  );
  const set = loadConfig({
    STEWARD_PG_POOL: '3',
    STEWARD_COUNT_CACHE_SIZE: '0',
    STEWARD_WEIGHTS_REFRESH_MS: '5000',
    STEWARD_BODY_LIMIT: '1024',
    STEWARD_REQUEST_TIMEOUT_MS: '30000',
    STEWARD_MAX_CONNECTIONS: '64',
  });
  assert.deepEqual(
    [set.pgPoolSize, set.countCacheSize, set.weightsRefreshMs, set.bodyLimitBytes, set.requestTimeoutMs, set.maxConnections],
    [3, 0, 5000, 1024, 30_000, 64],
  );
});

test('STEWARD_PUBLIC_URL is an http(s) address that page links are built on, without its trailing slash', () => {
  assert.equal(loadConfig({}).publicUrl, undefined, "unset: each request's own scheme and Host");
  assert.equal(loadConfig({ STEWARD_PUBLIC_URL: 'https://steward.example.com/' }).publicUrl, 'https://steward.example.com');
  assert.equal(loadConfig({ STEWARD_PUBLIC_URL: 'https://example.com/steward//' }).publicUrl, 'https://example.com/steward');
  assert.equal(loadConfig({ STEWARD_PUBLIC_URL: 'http://10.0.0.5:8080' }).publicUrl, 'http://10.0.0.5:8080');
  for (const bad of ['steward.example.com', 'ftp://example.com', 'https://example.com/?a=1', 'https://example.com/#top', 'https://u:p@example.com']) {
    assert.throws(
      () => loadConfig({ STEWARD_PUBLIC_URL: bad }),
      (err: Error) => err instanceof ConfigError && err.message.startsWith(`STEWARD_PUBLIC_URL: "${bad}"`),
      bad,
    );
  }
});

test('a setting that cannot be used is refused by name, before anything starts', async () => {
  assert.throws(
    () => loadConfig({ STEWARD_PG_POOL: '1' }),
    (err: Error) => err instanceof ConfigError && /STEWARD_PG_POOL: "1"/.test(err.message),
  );
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT: "eighty" is not a whole number from 0 to 65535/);
  assert.throws(() => loadConfig({ STEWARD_COUNT_CACHE_SIZE: '-1' }), /STEWARD_COUNT_CACHE_SIZE/);
  assert.throws(() => loadConfig({ STEWARD_BODY_LIMIT: '1.5' }), /STEWARD_BODY_LIMIT/);
  assert.throws(() => loadConfig({ STEWARD_REQUEST_TIMEOUT_MS: '0' }), /STEWARD_REQUEST_TIMEOUT_MS: "0" is not a whole number from 1/);
  assert.throws(() => loadConfig({ STEWARD_MAX_CONNECTIONS: '0' }), /STEWARD_MAX_CONNECTIONS: "0" is not a whole number from 1/);
  assert.equal(loadConfig({ STEWARD_PG_POOL: '' }).pgPoolSize, 10, 'empty is unset');
  const empty = loadConfig({ HOST: '', STEWARD_DATA_DIR: '', STEWARD_LOG_LEVEL: '' });
  assert.deepEqual([empty.host, empty.dataDir, empty.logLevel], ['127.0.0.1', './data', 'info'], 'empty is unset, for text settings too');
  assert.equal(loadConfig({ STEWARD_LOG_LEVEL: 'debug' }).logLevel, 'debug');
  assert.throws(
    () => loadConfig({ STEWARD_LOG_LEVEL: 'verbose' }),
    (err: Error) =>
      err instanceof ConfigError && err.message === 'STEWARD_LOG_LEVEL: "verbose" is not one of trace, debug, info, warn, error, fatal, silent',
  );
  // A budget's family misspelt would leave the family it meant at its default, unnoticed; a window of 0 limits nothing.
  assert.deepEqual(loadConfig({ STEWARD_RATE_LIMITS: 'findings=5/10, ownership=7' }).rateLimits.findings, { limit: 5, periodSeconds: 10 });
  assert.deepEqual(loadConfig({ STEWARD_RATE_LIMITS: 'findings=5/10, ownership=7' }).rateLimits.ownership, { limit: 7, periodSeconds: 60 });
  for (const [spec, message] of [
    ['finding=5', /^STEWARD_RATE_LIMITS: "finding" is not an endpoint family \(findings, ownership, inventory, meta, unauthenticated, unmatched\)$/],
    ['findings=5/0', /^STEWARD_RATE_LIMITS: "findings=5\/0": a window is at least 1 second$/],
    ['findings=0', /^STEWARD_RATE_LIMITS: "findings=0": a limit is at least 1 request$/],
    ['findings=many', /^STEWARD_RATE_LIMITS: cannot read "findings=many"/],
    ['constructor=5', /^STEWARD_RATE_LIMITS: "constructor" is not an endpoint family/],
  ] as const) {
    assert.throws(
      () => loadConfig({ STEWARD_RATE_LIMITS: spec }),
      (err: Error) => err instanceof ConfigError && message.test(err.message),
      spec,
    );
  }
  // The commands say so and exit 2 (the user's mistake) instead of hanging or printing a stack trace.
  for (const command of ['serve', 'keys']) {
    const run = await runCli(command === 'serve' ? ['serve'] : ['keys', 'list', '--org', 'acme'], {
      STEWARD_PG_POOL: '1',
      STEWARD_DATA_DIR: 'memory://',
    });
    assert.equal(run.code, 2, `${command}: ${run.stderr}`);
    assert.match(run.stderr, /^steward: STEWARD_PG_POOL: "1" is not a whole number from 2 to 1000/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
  const misspelt = await runCli(['serve'], { STEWARD_RATE_LIMITS: 'finding=5', STEWARD_DATA_DIR: 'memory://' });
  assert.equal(misspelt.code, 2, misspelt.stderr);
  assert.match(misspelt.stderr, /^steward: STEWARD_RATE_LIMITS: "finding" is not an endpoint family/);
  assert.doesNotMatch(misspelt.stderr, /\n\s+at /);
});
