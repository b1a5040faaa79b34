// The built `steward` binary's help and errors: --version, --help, unknown options, missing inputs, files of the wrong kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuiltCli, REPO_ROOT } from '../helpers/processes.js';
import { useImportOrg } from './cli-importers-org.js';
import { fixturePath } from '../helpers/fixtures.js';
import { inputFileError } from '../../src/cli/input-file-errors.js';

const org = useImportOrg();

const IMPORTERS = [
  'aws-config',
  'backstage',
  'cloudtrail',
  'codeowners',
  'datadog-findings',
  'preferences',
  'resources',
  'service-definitions',
  'terraform-state',
];

test('--version and -V print the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const run = await runBuiltCli([flag], org.env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  }
});

test('--help of steward lists the commands and --version; every importer documents --skip-invalid and --strict', async () => {
  const top = await runBuiltCli(['--help'], org.env);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /-V, --version/);
  assert.match(top.stdout, /import\s+Import resources/);
  const terraform = await runBuiltCli(['import', 'terraform-state', '--help'], org.env);
  assert.equal(terraform.code, 0);
  // Help wraps to the terminal's width: compare with the spaces folded.
  const text = terraform.stdout.replace(/\s+/g, ' ');
  assert.match(text, /Usage: steward import terraform-state \[options\] <files\.\.\.>/);
  assert.match(
    text,
    /--skip-invalid write every valid record, and report each invalid one \(file, record, field\) on stderr; without it the first invalid record aborts and nothing is written/,
  );
  assert.match(text, /--strict with --skip-invalid: exit with code 3 when anything was skipped/);
  for (const kind of IMPORTERS) {
    const help = await runBuiltCli(['import', kind, '--help'], org.env);
    assert.equal(help.code, 0, kind);
    assert.match(help.stdout, /--skip-invalid/, kind);
    assert.match(help.stdout, /--strict/, kind);
  }
});

test('an unknown option is reported as unknown (exit code 2) for every command, even among variadic file arguments', async () => {
  const state = fixturePath('terraform-state', 'aws_kms_key.tfstate');
  const calls = [
    ['import', 'terraform-state', '--org', 'acme', '--bogus', state],
    ['import', 'terraform-state', state, '--org', 'acme', '--bogus'],
    ['import', 'terraform-state', state, '--bogus', state, '--org', 'acme'],
    ...IMPORTERS.map((kind) => ['import', kind, '--org', 'acme', ...(kind === 'codeowners' ? ['--repo', 'r'] : []), '--bogus', state]),
    ['keys', 'create', '--org', 'acme', '--user', 'bob', '--bogus'],
    ['rules', 'list', '--bogus'],
    ['ownership', 'recompute', '--org', 'acme', '--bogus'],
    ['--bogus'],
  ];
  for (const args of calls) {
    const run = await runBuiltCli(args, org.env);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /^error: unknown option '--bogus'/, args.join(' '));
    assert.equal(run.stdout, '');
  }
});

test('a missing input file or folder is "No such file: PATH" with exit code 2, never a raw ENOENT', async () => {
  const missing = join(org.dir, 'nowhere', 'x.tfstate');
  for (const kind of IMPORTERS) {
    const extra = kind === 'codeowners' ? ['--repo', 'https://github.com/acme/infra'] : [];
    const run = await runBuiltCli(['import', kind, missing, '--org', 'acme', ...extra], org.env);
    assert.equal(run.code, 2, `${kind}: ${run.stderr}`);
    assert.equal(run.stderr, `steward: No such file: ${missing}\n`, kind);
  }
  // A folder among the files, and the first of several paths that is missing.
  const folder = join(org.dir, 'no-folder');
  const several = await runBuiltCli(['import', 'cloudtrail', fixturePath('cloudtrail', 'custodian'), folder, '--org', 'acme'], org.env);
  assert.equal(several.code, 2);
  assert.equal(several.stderr, `steward: No such file: ${folder}\n`);
  // A folder where one file goes.
  const notFile = await runBuiltCli(['import', 'codeowners', fixturePath('codeowners'), '--repo', 'r', '--org', 'acme'], org.env);
  assert.equal(notFile.code, 2);
  assert.equal(notFile.stderr, `steward: ${fixturePath('codeowners')} is a folder: this import reads one file\n`);
});

test('an unreadable input is "Permission denied: PATH" with exit code 2', async (t) => {
  // The mapping of the system's errors, whatever user runs the tests.
  const failure = (code: string, path?: string) => Object.assign(new Error(`${code}: x`), { code, syscall: 'open', ...(path ? { path } : {}) });
  assert.equal(inputFileError(failure('EACCES', '/x/state.tfstate'))?.message, 'Permission denied: /x/state.tfstate');
  assert.equal(inputFileError(failure('ENOENT', '/x/state.tfstate'))?.message, 'No such file: /x/state.tfstate');
  assert.equal(inputFileError(failure('EMFILE', '/x/state.tfstate')), undefined, 'other failures keep their own message');
  assert.equal(inputFileError(failure('EACCES')), undefined, 'an error that names no path is not an input');
  if (process.getuid?.() === 0) return t.skip('root reads a file of mode 000');
  const file = join(org.dir, 'unreadable.tfstate');
  writeFileSync(file, readFileSync(fixturePath('terraform-state', 'aws_kms_key.tfstate')));
  chmodSync(file, 0o000);
  const run = await runBuiltCli(['import', 'terraform-state', file, '--org', 'acme'], org.env);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr, `steward: Permission denied: ${file}\n`);
});

test("each importer given another format's fixture names that format and the command that reads it", async () => {
  const cloudtrail = fixturePath('cloudtrail', 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json');
  const state = fixturePath('terraform-state', 'aws_s3_full.tfstate');
  const recording = fixturePath('datadog-recordings', 'Get-a-finding-returns-OK-response.json');
  const definition = fixturePath('service-definitions', 'datadog-agent.service.datadog.yaml');
  const catalog = fixturePath('backstage', 'acme', 'org.yaml');
  const codeowners = fixturePath('codeowners', 'mojmp-environments.CODEOWNERS');
  const cases: Array<[kind: string, file: string, expected: string]> = [
    ['terraform-state', cloudtrail, 'looks like a CloudTrail log file, not a Terraform state: use `steward import cloudtrail`'],
    ['cloudtrail', state, 'looks like a Terraform state, not a CloudTrail log file: use `steward import terraform-state`'],
    ['aws-config', recording, 'looks like a Datadog findings answer, not an AWS Config file: use `steward import datadog-findings`'],
    ['datadog-findings', state, 'looks like a Terraform state, not a Datadog findings answer: use `steward import terraform-state`'],
    ['backstage', definition, 'looks like a Datadog service definition, not a Backstage catalog file: use `steward import service-definitions`'],
    ['service-definitions', codeowners, 'looks like a CODEOWNERS file, not a Datadog service definition: use `steward import codeowners`'],
    ['codeowners', catalog, 'looks like a Backstage catalog file, not a CODEOWNERS file: use `steward import backstage`'],
    ['preferences', codeowners, 'looks like a CODEOWNERS file, not an ownership preferences CSV: use `steward import codeowners`'],
    ['resources', cloudtrail, 'looks like a CloudTrail log file, not a resources NDJSON file: use `steward import cloudtrail`'],
  ];
  for (const [kind, file, expected] of cases) {
    const extra = kind === 'codeowners' ? ['--repo', 'https://github.com/acme/infra'] : [];
    const run = await runBuiltCli(['import', kind, file, '--org', 'acme', ...extra], org.env);
    assert.equal(run.code, 2, `${kind}: ${run.stderr}`);
    assert.equal(run.stderr, `steward: ${file} ${expected}\n`, kind);
    assert.equal(run.stdout, '');
  }
  // Found in a folder of the right kind too; with --skip-invalid the file is skipped and named the same way.
  const skipped = await runBuiltCli(['import', 'terraform-state', cloudtrail, state, '--org', 'acme', '--skip-invalid'], org.env);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(
    skipped.stderr,
    `steward: skipped ${cloudtrail}: looks like a CloudTrail log file, not a Terraform state: use \`steward import cloudtrail\`\n`,
  );
  const summary = JSON.parse(skipped.stdout) as { files: number; created: number; skipped: number };
  assert.equal(summary.files, 2);
  assert.equal(summary.skipped, 1);
  assert.ok(summary.created > 0, 'the state of the right kind is written');
});
