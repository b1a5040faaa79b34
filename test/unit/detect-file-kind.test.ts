import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectFileKind, kindOfText, type FileKind } from '../../src/ingest/detect-file-kind.js';
import { PREFERENCE_COLUMNS } from '../../src/ingest/preferences-csv.js';
import { FIXTURES_DIR, fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-detect-'));

function filesUnder(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** What each fixture folder holds (test/fixtures/SOURCES.md); Cloud Custodian's two Config rule events are AWS Config. */
function expectedKind(file: string): FileKind | undefined {
  const path = relative(FIXTURES_DIR, file);
  if (path.startsWith('cloudtrail/custodian/event-config-rule-')) return 'aws-config';
  const folder = path.split('/')[0];
  const kinds: Record<string, FileKind> = {
    'terraform-state': 'terraform-state',
    cloudtrail: 'cloudtrail',
    'datadog-recordings': 'datadog-findings',
    backstage: 'backstage',
    'service-definitions': 'service-definitions',
    codeowners: 'codeowners',
  };
  return kinds[folder];
}

test('every fixture of a format Steward imports is recognised as that format', () => {
  const judged = filesUnder(FIXTURES_DIR).filter((file) => expectedKind(file) !== undefined);
  assert.ok(judged.length > 180, `${judged.length} fixtures`);
  const wrong = judged.filter((file) => detectFileKind(file) !== expectedKind(file)).map((file) => `${file}: ${detectFileKind(file)}`);
  assert.deepEqual(wrong, []);
  const kinds = new Set(judged.map(expectedKind));
  assert.deepEqual([...kinds].sort(), [
    'aws-config',
    'backstage',
    'cloudtrail',
    'codeowners',
    'datadog-findings',
    'service-definitions',
    'terraform-state',
  ]);
});

test('files of no format Steward imports are no kind', () => {
  for (const file of [...filesUnder(fixturePath('mojmp-environments')), fixturePath('SOURCES.md'), fixturePath('SOURCES.tsv')]) {
    assert.equal(detectFileKind(file), undefined, file);
  }
  assert.equal(kindOfText(''), undefined);
  assert.equal(kindOfText('just some words\nand more'), undefined);
  assert.equal(kindOfText('{"hello": "world"}'), undefined);
  assert.equal(detectFileKind(join(dir, 'missing.json')), undefined, 'a file that cannot be read is no kind');
});

test('the preferences CSV by its header, resources NDJSON by its first line (the formats with no upstream fixture)', () => {
  const csv = join(dir, 'prefs.csv');
  writeFileSync(csv, `${PREFERENCE_COLUMNS.join(',')}\nm1,tag_mapping,env,,platform,team,high,,,,,\n`);
  assert.equal(detectFileKind(csv), 'preferences');
  const ndjson = join(dir, 'resources.ndjson');
  writeFileSync(ndjson, [bucketItem('arn:aws:s3:::one'), bucketItem('arn:aws:s3:::two')].map((item) => JSON.stringify(item)).join('\n') + '\n');
  assert.equal(detectFileKind(ndjson), 'resources');
  // One item alone is one JSON document, still a resource.
  assert.equal(kindOfText(JSON.stringify(bucketItem('arn:aws:s3:::one'))), 'resources');
});

test('a gzip file is judged by what it holds', () => {
  const gz = join(dir, 'trail.json.gz');
  writeFileSync(gz, gzipSync(readFileSync(fixturePath('cloudtrail', 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json'))));
  assert.equal(detectFileKind(gz), 'cloudtrail');
  const state = join(dir, 'state.tfstate.gz');
  writeFileSync(state, gzipSync(readFileSync(fixturePath('terraform-state', 'aws_s3_full.tfstate'))));
  assert.equal(detectFileKind(state), 'terraform-state');
});

test('a document too large to read whole is judged by its first keys', () => {
  const head = (kind: string, file: string) => readFileSync(fixturePath(kind, file), 'utf8').slice(0, 1500);
  assert.equal(kindOfText(head('terraform-state', 'aws_s3_full.tfstate'), false), 'terraform-state');
  assert.equal(kindOfText(head('cloudtrail', 'stratus-red-team/aws.persistence.iam-create-admin-user.json'), false), 'cloudtrail');
  assert.equal(kindOfText(head('cloudtrail', 'custodian/event-config-rule-instance.json'), false), 'aws-config');
  assert.equal(kindOfText(head('datadog-recordings', 'List-findings-returns-OK-response.json'), false), 'datadog-findings');
  assert.equal(kindOfText('{"Records": [{"eventVersion": "1.08", "userIdentity": {"type": "IAMUser", "principalId": "AID', false), 'cloudtrail');
  assert.equal(
    kindOfText('{"fileVersion": "1.0", "configSnapshotId": "x", "configurationItems": [{"configurationItemVersion": "1.3", "conf', false),
    'aws-config',
  );
  assert.equal(kindOfText(head('backstage', 'acme/org.yaml').slice(0, 200), false), 'backstage');
});

test('CODEOWNERS: patterns and owners, GitLab sections, a first rule without owners', () => {
  assert.equal(kindOfText('# owners\n*\n/docs/ @acme/docs\n'), 'codeowners');
  assert.equal(kindOfText('[Database] @acme/dba\nmigrations/ @alice bob@example.com\n'), 'codeowners');
  assert.equal(kindOfText('name: value\nother: thing\n'), undefined);
});
