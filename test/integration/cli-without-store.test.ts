// A command that reads (or changes only what a store holds), run where there is no embedded store, says which folder
// it looked in and how to name the right one, exits 2, and creates nothing: run from another folder, ./data would
// otherwise become a new, empty store.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli } from '../helpers/processes.js';
import { fixturePath } from '../helpers/fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'steward-no-store-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The commands that must find a store: each reads, or changes what an organization already has. */
const NEED_A_STORE: string[][] = [
  ['keys', 'list', '--org', 'acme'],
  ['keys', 'revoke', '00000000-0000-0000-0000-000000000000'],
  ['resources', 'list', '--org', 'acme'],
  ['resources', 'show', 'arn:aws:s3:::one', '--org', 'acme'],
  ['rules', 'coverage', '--org', 'acme'],
  ['rules', 'coverage', '--org', 'acme', '--rule', 'qnq-37b-9fs', '--resources'],
  ['rules', 'reevaluate', '--org', 'acme'],
  ['ownership', 'recompute', '--org', 'acme'],
  ['ownership', 'review-queue', '--org', 'acme'],
  // An import writes into an organization, which only a store that exists holds.
  ['import', 'terraform-state', fixturePath('terraform-state', 'aws_api_gateway_account.tfstate'), '--org', 'acme'],
  ['import', 'cloudtrail', fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-create-bucket.json'), '--org', 'acme'],
  ['import', 'backstage', fixturePath('backstage', 'acme'), '--org', 'acme'],
  ['import', 'service-definitions', fixturePath('service-definitions', 'DataDog-datadog-operator.service.datadog.yaml'), '--org', 'acme'],
  ['import', 'codeowners', fixturePath('codeowners', 'mojmp-environments.CODEOWNERS'), '--repo', 'github.com/acme/envs', '--org', 'acme'],
];

function assertRefused(r: { code: number | null; stdout: string; stderr: string }, folder: string, why: string, command: string[]) {
  const name = command.join(' ');
  assert.equal(r.code, 2, `${name}: ${r.stderr}`);
  assert.equal(r.stdout, '', name);
  assert.match(r.stderr, new RegExp(`^steward: No store: the data folder ${folder} ${why}\\.`), name);
  assert.match(r.stderr, /STEWARD_DATA_DIR/, name);
  assert.match(r.stderr, /run this from the folder where the service keeps its data/, name);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
}

test('with STEWARD_DATA_DIR naming a missing folder, every reading command exits 2 and the folder stays missing', async () => {
  const missing = join(work, 'missing');
  const results = await Promise.all(NEED_A_STORE.map((command) => runCli(command, { STEWARD_DATA_DIR: missing, DATABASE_URL: '' })));
  results.forEach((r, i) => assertRefused(r, missing, 'does not exist', NEED_A_STORE[i]!));
  assert.equal(existsSync(missing), false);
});

test('a folder that exists but holds no store is left empty', async () => {
  const empty = join(work, 'empty');
  mkdirSync(empty);
  const command = ['rules', 'coverage', '--org', 'acme'];
  assertRefused(await runCli(command, { STEWARD_DATA_DIR: empty, DATABASE_URL: '' }), empty, 'holds no store', command);
  assert.deepEqual(readdirSync(empty), []);
});

test('run from another folder without STEWARD_DATA_DIR, a reading command creates no ./data there', () => {
  const elsewhere = join(work, 'elsewhere');
  mkdirSync(elsewhere);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' };
  delete env.STEWARD_DATA_DIR;
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  const r = spawnSync(process.execPath, ['--import', tsx, join(REPO_ROOT, 'src/cli/main.ts'), 'rules', 'coverage', '--org', 'acme'], {
    cwd: elsewhere,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assertRefused({ code: r.status, stdout: r.stdout, stderr: r.stderr }, join(elsewhere, 'data'), 'does not exist', ['rules', 'coverage']);
  assert.deepEqual(readdirSync(elsewhere), []);
});

test('the commands that set a store up still create it', async () => {
  const fresh = join(work, 'fresh');
  const created = await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], { STEWARD_DATA_DIR: fresh, DATABASE_URL: '' });
  assert.equal(created.code, 0, created.stderr);
  const listed = await runCli(['keys', 'list', '--org', 'acme', '--json'], { STEWARD_DATA_DIR: fresh, DATABASE_URL: '' });
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 2);
  const migrated = await runCli(['migrate'], { STEWARD_DATA_DIR: join(work, 'migrated'), DATABASE_URL: '' });
  assert.equal(migrated.code, 0, migrated.stderr);
});
