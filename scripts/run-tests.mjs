// Runs every test file under test/ with node's own test runner (Node 20 has no glob for --test).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// --built-cli: the compiled command (dist/) is current, as `npm test` builds it first; the tests spawn it instead of
// the sources through tsx (test/helpers/processes.ts).
const builtCli = process.argv.includes('--built-cli');
const only = process.argv.slice(2).filter((a) => a !== '--built-cli');
const files = (only.length ? only.flatMap((p) => (statSync(p).isDirectory() ? find(p) : [p])) : find('test')).sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: {
    ...process.env,
    STEWARD_LOG_LEVEL: process.env.STEWARD_LOG_LEVEL ?? 'silent',
    ...(builtCli ? { STEWARD_TEST_BUILT_CLI: '1' } : {}),
  },
});
process.exit(result.status ?? 1);
