// The importers of whole documents show a reading and a writing bar on a terminal, and nothing when stderr is not one.
// The terminal is a pseudo-terminal from util-linux `script`; without it those cases are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fixturePath } from '../helpers/fixtures.js';

let database: TestDatabase;
let dir = '';
let env: NodeJS.ProcessEnv = {};
before(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'steward-import-progress-'));
  env = { DATABASE_URL: database.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  const keys = await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice'], env);
  assert.equal(keys.code, 0, keys.stderr);
});
after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

/** Each import, its input, and the writing bars it shows: label and unit. */
const IMPORTS: Array<[kind: string, file: string, writing: Array<[label: string, unit: string]>]> = [
  ['terraform-state', fixturePath('terraform-state', 'aws_s3_full.tfstate'), [['writing', 'resources']]],
  ['aws-config', fixturePath('cloudtrail', 'custodian', 'event-config-rule-instance.json'), [['writing', 'resources']]],
  // The findings' states, then the resources they name (most of a large import's time), each with its bar.
  [
    'datadog-findings',
    fixturePath('datadog-recordings', 'List-findings-returns-OK-response.json'),
    [
      ['writing findings', 'findings'],
      ['writing resources', 'resources'],
    ],
  ],
];

const hasScript = spawnSync('script', ['--version']).status === 0;

/** What the command shows on a terminal: stdout and stderr, both on the pseudo-terminal `script` gives it. */
function onTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) =>
    execFile('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, ...env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
}

for (const [kind, file, writing] of IMPORTS) {
  const bars = writing.map(([label, unit]) => `${label} (${unit})`).join(', ');
  test(`${kind}: a reading bar in bytes and writing bars (${bars}) on a terminal`, { skip: !hasScript && 'no `script` here' }, async () => {
    const shown = await onTerminal(['import', kind, file, '--org', 'acme']);
    assert.match(shown, /reading \[[^\]]*\] 100% \| \d+\/\d+ bytes/);
    for (const [label, unit] of writing) assert.match(shown, new RegExp(`${label} \\[[^\\]]*\\] 100% \\| (\\d+)/\\1 ${unit}`));
    assert.match(shown, /"files":1/);
  });

  test(`${kind}: nothing on stderr when it is not a terminal`, async () => {
    const run = await runCli(['import', kind, file, '--org', 'acme'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
  });
}
