// The built `steward import` binary on input whose bytes are the problem: text after a CloudTrail log document, bytes
// that are not UTF-8, multi-byte characters across read chunks, a YAML alias bomb, a broken .gz, a byte order mark,
// pipes and link loops. Each is read whole or refused naming the file, and --skip-invalid skips only the bad file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runBuiltCli } from '../helpers/processes.js';
import { useImportOrg } from './cli-importers-org.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';
import { aliasBomb } from '../helpers/alias-bomb.js';

const org = useImportOrg();

const NOTHING_WRITTEN = 'steward: nothing was written; with --skip-invalid the valid records are written and each invalid one is reported\n';
const CLOUDTRAIL_LOG = fixturePath('cloudtrail', 'stratus-red-team', 'aws.credential-access.ec2-get-password-data.json');
const STATE = fixturePath('terraform-state', 'aws_kms_key.tfstate');

function write(name: string, content: string | Buffer): string {
  const path = join(org.dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function importing(kind: string, paths: string[], flags: string[] = []) {
  return runBuiltCli(['import', kind, ...paths, '--org', 'acme', ...flags], org.env);
}

/** The fixture log's records, as JSON texts. */
function logRecords(): string[] {
  return (JSON.parse(readFileSync(CLOUDTRAIL_LOG, 'utf8')) as unknown[]).map((record) => JSON.stringify(record));
}

async function listedIds(): Promise<string[]> {
  const listed = await runBuiltCli(['resources', 'list', '--org', 'acme', '--json'], org.env);
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

test('cloudtrail: text after the log document, a second Records key or a bad key beside it is refused, nothing written', async () => {
  const [r0, r1, r2, r3] = logRecords();
  const cases: Array<[string, string, RegExp]> = [
    ['concatenated.json', `{"Records":[${r0},${r1}]}\n{"Records":[${r2},${r3}]}`, /: not valid JSON: text after the document \(at position \d+\)$/],
    ['arrays.json', `[${r0}][${r1},${r2}]`, /: not valid JSON: text after the document \(at position \d+\)$/],
    ['duplicate.json', `{"Records":[], "Records":[${r0},${r1},${r2}]}`, /, field Records: a second "Records" key \(at position 24\)$/],
    ['trailing.json', `{"Records":[${r0}]} this is not json`, /: not valid JSON: text after the document/],
    ['beside.json', `{"Records":[${r0}], "x": nope, }`, /: not valid JSON/],
  ];
  for (const [name, text, reason] of cases) {
    const file = write(join('trail', name), text);
    const run = await importing('cloudtrail', [file]);
    assert.equal(run.code, 1, `${name}: ${run.stderr}`);
    const [first, hint] = run.stderr.split(/(?<=\n)/);
    assert.ok(first.startsWith(`steward: ${file}`), run.stderr);
    assert.match(first.trimEnd(), reason);
    assert.equal(hint, NOTHING_WRITTEN);
    assert.equal(run.stdout, '');
  }
});

test('cloudtrail: a record over 64 KiB keeps the multi-byte characters that straddle read chunks', async () => {
  const prefix = '{"eventVersion":"1.08","eventID":"big-1","eventTime":"2024-07-30T21:31:11Z","eventSource":"s3.amazonaws.com",';
  const name = `bucket-${'✓'.repeat(30)}`;
  const tail = `"eventName":"CreateBucket","awsRegion":"us-east-1","recipientAccountId":"111122223333","requestParameters":{"bucketName":"${name}"}}`;
  // Padding puts a ✓ (3 bytes) across the 64 KiB boundary of the first read.
  const before = Buffer.byteLength(prefix + '"pad":"",') + Buffer.byteLength(tail.slice(0, tail.indexOf('✓')));
  const pad = 'x'.repeat(65536 - 1 - before);
  const file = write('big-record.json', `${prefix}"pad":"${pad}",${tail}`);
  const run = await importing('cloudtrail', [file]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok((await listedIds()).includes(`arn:aws:s3:::${name}`), 'the bucket name is read intact');
});

test('bytes that are not UTF-8 are refused naming the file and line, for NDJSON, states and catalogs', async () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const ndjson = write(
    'latin1.ndjson',
    Buffer.concat([
      Buffer.from(JSON.stringify(bucketItem('arn:aws:s3:::ok-bucket')) + '\n'),
      latin1(JSON.stringify(bucketItem('arn:aws:s3:::café-bucket'))),
    ]),
  );
  const resources = await importing('resources', [ndjson]);
  assert.equal(resources.code, 1);
  assert.match(resources.stderr, new RegExp(`^steward: ${ndjson} line 2: not valid UTF-8 \\(at byte offset \\d+\\)\n`));

  const stateText = readFileSync(STATE, 'utf8');
  const state = write('latin1.tfstate', latin1(stateText.replace('"name": "', '"name": "baré')));
  const terraform = await importing('terraform-state', [state]);
  assert.equal(terraform.code, 1);
  const line = stateText.slice(0, stateText.indexOf('"name": "')).split('\n').length;
  assert.match(terraform.stderr, new RegExp(`^steward: ${state} line ${line}: not valid UTF-8`));

  const group = readFileSync(fixturePath('backstage', 'acme', 'team-a-group.yaml'), 'utf8');
  const catalog = write('latin1-catalog/team.yaml', latin1(group.replace('name: team-a', 'name: café-team')));
  const backstage = await importing('backstage', [catalog]);
  assert.equal(backstage.code, 1);
  assert.match(backstage.stderr, new RegExp(`^steward: ${catalog} line 4: not valid UTF-8 \\(at byte offset \\d+\\)\n`));
});

test('CODEOWNERS and preferences: bytes that are not UTF-8 are refused naming the file and line, and change nothing', async () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const repo = 'https://github.com/acme/latin1';
  const owners = await importing('codeowners', [write('latin1/good.CODEOWNERS', '/docs/ @acme/docs\n')], ['--repo', repo]);
  assert.equal(owners.code, 0, owners.stderr);
  const badOwners = write('latin1/CODEOWNERS', latin1('/docs/ @acme/docs\n/docs/café/ @acme/web\n'));
  const codeowners = await importing('codeowners', [badOwners], ['--repo', repo]);
  assert.equal(codeowners.code, 1);
  assert.equal(codeowners.stderr, `steward: ${badOwners} line 2: not valid UTF-8 (at byte offset 27)\n${NOTHING_WRITTEN}`);
  const again = await importing('codeowners', [write('latin1/good.CODEOWNERS', '/docs/ @acme/docs\n')], ['--repo', repo]);
  assert.equal((JSON.parse(again.stdout) as { changed: boolean }).changed, false, 'the rules are those of the good file');

  const header =
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority\n';
  const csv = write('latin1/preferences.csv', latin1(`${header}p1,prompt_text,,,,,,,,,Café owners,1\n`));
  const preferences = await importing('preferences', [csv]);
  assert.equal(preferences.code, 1);
  assert.match(preferences.stderr, new RegExp(`^steward: ${csv} line 2: not valid UTF-8 \\(at byte offset \\d+\\)\n`));

  const folder = await importing('preferences', [join(org.dir, 'latin1')]);
  assert.equal(folder.code, 2);
  assert.equal(folder.stderr, `steward: ${join(org.dir, 'latin1')} is a folder: this import reads one file\n`);
});

test('a YAML alias bomb names its file and document; --skip-invalid skips it and imports the good files', async () => {
  const bomb = write('bomb/a-bomb.yaml', aliasBomb());
  const good = write('bomb/team-b.yaml', readFileSync(fixturePath('backstage', 'acme', 'team-b-group.yaml')));
  for (const kind of ['backstage', 'service-definitions']) {
    const strict = await importing(kind, [bomb, good]);
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(strict.stderr, new RegExp(`^steward: ${bomb} document 1: not valid YAML: Excessive alias count`));
    const skipping = await importing(kind, [bomb, good], ['--skip-invalid']);
    assert.equal(skipping.code, 0, skipping.stderr);
    assert.match(skipping.stderr, new RegExp(`^steward: skipped ${bomb} document 1: not valid YAML: Excessive alias count[^\n]*\n$`));
    assert.equal((JSON.parse(skipping.stdout) as { files: number; skipped: number }).skipped, 1);
  }
  const teams = await importing('backstage', [good]);
  assert.equal(teams.code, 0, teams.stderr);
});

test('cloudtrail: a truncated or corrupt .gz names the file; --skip-invalid skips it and imports the others', async () => {
  const gzipped = gzipSync(readFileSync(CLOUDTRAIL_LOG));
  const truncated = write('gz/truncated.json.gz', gzipped.subarray(0, 3000));
  const corrupt = write('gz/corrupt.json.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not deflate at all, just bytes')]));
  const good = write('gz/good.json', readFileSync(CLOUDTRAIL_LOG));
  for (const [file, reason] of [
    [truncated, 'unexpected end of file'],
    [corrupt, ''],
  ]) {
    const run = await importing('cloudtrail', [file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^steward: ${file} line \\d+: cannot be read: ${reason}`));
  }
  const skipping = await importing('cloudtrail', [truncated, corrupt, good], ['--skip-invalid']);
  assert.equal(skipping.code, 0, skipping.stderr);
  const skipped = skipping.stderr.trimEnd().split('\n');
  assert.equal(skipped.length, 2, skipping.stderr);
  assert.ok(skipped[0].startsWith(`steward: skipped ${truncated} line `), skipping.stderr);
  assert.ok(skipped[1].startsWith(`steward: skipped ${corrupt} line 1: cannot be read: `), skipping.stderr);
  const summary = JSON.parse(skipping.stdout) as { events: number; skipped: number };
  assert.equal(summary.skipped, 2);
  assert.ok(summary.events >= logRecords().length, 'the good file is imported');
});

test('a leading byte order mark is accepted by the JSON importers', async () => {
  const bom = (text: string | Buffer) => Buffer.concat([Buffer.from('\uFEFF'), Buffer.from(text)]);
  const configItem = {
    resourceType: 'AWS::S3::Bucket',
    resourceId: 'bom-config-bucket',
    resourceName: 'bom-config-bucket',
    awsAccountId: '111122223333',
    awsRegion: 'us-east-2',
    configurationItemCaptureTime: '2024-01-02T03:04:05.000Z',
    configurationItemStatus: 'OK',
    configuration: { name: 'bom-config-bucket' },
  };
  const inputs: Array<[string, string]> = [
    ['terraform-state', write('bom/state.tfstate', bom(readFileSync(STATE)))],
    ['resources', write('bom/items.ndjson', bom(JSON.stringify(bucketItem('arn:aws:s3:::bom-bucket')) + '\n'))],
    ['datadog-findings', write('bom/findings.json', bom(readFileSync(fixturePath('datadog-recordings', 'List-findings-returns-OK-response.json'))))],
    ['aws-config', write('bom/config.json', bom(JSON.stringify({ configurationItems: [configItem] })))],
  ];
  for (const [kind, file] of inputs) {
    const run = await importing(kind, [file]);
    assert.equal(run.code, 0, `${kind}: ${run.stderr}`);
  }
  const ids = await listedIds();
  assert.ok(ids.includes('arn:aws:s3:::bom-bucket') && ids.includes('arn:aws:s3:::bom-config-bucket'), ids.join(' '));
});

/** A named pipe at `name`; `feed` writes `content` into it once a reader opens it. */
function fifo(name: string): { path: string; feed: (content: Buffer) => Promise<void> } {
  const path = join(org.dir, name);
  execFileSync('mkfifo', [path]);
  const feed = (content: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(path);
      stream.on('error', reject);
      stream.end(content, resolve);
    });
  return { path, feed };
}

test('pipes: a state (gzipped or not) is read from one; cloudtrail and resources, which read their input twice, refuse one by name', async () => {
  for (const content of [readFileSync(STATE), gzipSync(readFileSync(STATE))]) {
    const pipe = fifo(`state-${content[0]}.fifo`);
    const [run] = await Promise.all([importing('terraform-state', [pipe.path]), pipe.feed(content)]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { files: number }).files, 1);
  }
  for (const kind of ['cloudtrail', 'resources']) {
    const pipe = fifo(`${kind}.fifo`);
    const run = await importing(kind, [pipe.path]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(
      run.stderr,
      `steward: ${pipe.path} can be read only once (a pipe or device), and this import reads its input twice, to check every record before it writes: save it to a file and import that\n`,
    );
  }
});

test('a folder with a link to its parent is read once, each file once', async () => {
  const loop = join(org.dir, 'loop');
  mkdirSync(loop);
  copyFileSync(STATE, join(loop, 'state.tfstate'));
  symlinkSync('..', join(loop, 'up'));
  const run = await importing('terraform-state', [loop]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { files: number }).files, 1);
});

test("control characters a bad line quotes reach the terminal escaped, not as the file's escape sequences", async () => {
  const file = write('control.ndjson', `${JSON.stringify(bucketItem('arn:aws:s3:::control-ok'))}\n\u001b]0;title\u0007 not json\n`);
  for (const flags of [[], ['--skip-invalid']]) {
    const run = await importing('resources', [file], flags);
    assert.match(run.stderr, new RegExp(`^steward: (skipped )?${file} line 2: not valid JSON`), run.stderr);
    assert.ok(run.stderr.includes('\\u001b]0;title\\u0007'), run.stderr);
    assert.doesNotMatch(run.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no control character but line breaks');
  }
});
