// `steward resources list` and `steward resources show` after imports, on a data folder of their own (or a PostgreSQL
// database when DATABASE_URL is set).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';

let db: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
/** Before any import, and after the Terraform import (Unix ms). */
let beforeImports: number;
let afterTerraform: number;

type Item = { type: string; id: string; attributes: { resource_type: string; account: string; region: string; tags: string[]; source: string } };

const steward = (...args: string[]) => runCli(args, env);
async function ok(...args: string[]): Promise<string> {
  const r = await steward(...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Item);
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

before(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'steward-inventory-'));
  env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  await ok('keys', 'create', '--org', 'acme', '--user', 'alice', '--json');
  beforeImports = Date.now() - 1;
  await ok('import', 'terraform-state', fixturePath('terraform-state'), '--org', 'acme');
  afterTerraform = Date.now();
  const file = join(dir, 'buckets.ndjson');
  writeFileSync(
    file,
    [
      bucketItem('arn:aws:s3:::cli-one', { tags: ['env:prod', 'team:payments'] }),
      bucketItem('arn:aws:s3:::cli-two', { tags: ['env:prod'], region: 'us-east-1' }),
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
  // A process started after afterTerraform writes later than it.
  while (Date.now() <= afterTerraform) await new Promise((r) => setTimeout(r, 1));
  await ok('import', 'resources', file, '--org', 'acme');
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

test('resources list: one line per resource (id, type, account, region, source); --json is NDJSON of the API items', async () => {
  const human = lines(await ok('resources', 'list', '--org', 'acme'));
  const json = ndjson(await ok('resources', 'list', '--org', 'acme', '--json'));
  assert.equal(human.length, json.length);
  assert.ok(json.length > 150, `${json.length} resources`);
  assert.deepEqual(
    json.map((r) => r.id),
    json.map((r) => r.id).sort(),
    'in resource id order',
  );
  assert.equal(new Set(json.map((r) => r.id)).size, json.length);
  for (const [i, item] of json.entries()) {
    assert.equal(item.type, 'cloud_resource');
    const a = item.attributes;
    assert.equal(human[i], `${item.id}  ${a.resource_type}  ${a.account || '-'}  ${a.region || '-'}  ${a.source}`);
  }
  const sources = new Set(json.map((r) => r.attributes.source));
  assert.deepEqual([...sources].sort(), ['import:resources', 'import:terraform-state']);
  const summary = await steward('resources', 'list', '--org', 'acme', '--limit', '3');
  assert.equal(lines(summary.stdout).length, 3);
  assert.match(summary.stderr, new RegExp(`^3 of ${json.length} resources at \\d{4}-`));
  assert.deepEqual(lines(summary.stdout), human.slice(0, 3));
});

test('resources list filters: type, account, region, tags (ANDed), source, and a point in time', async () => {
  const list = async (...args: string[]) => ndjson(await ok('resources', 'list', '--org', 'acme', '--json', ...args));
  const all = await list();
  const expect = (pick: (r: Item) => boolean) => all.filter(pick).map((r) => r.id);
  const ids = (items: Item[]) => items.map((r) => r.id);

  assert.deepEqual(ids(await list('--source', 'import:resources')), ['arn:aws:s3:::cli-one', 'arn:aws:s3:::cli-two']);
  assert.deepEqual(
    ids(await list('--source', 'import:terraform-state')),
    expect((r) => r.attributes.source === 'import:terraform-state'),
  );
  const route53 = await list('--type', 'aws_route53_record');
  assert.ok(route53.length > 5);
  assert.deepEqual(
    ids(route53),
    expect((r) => r.attributes.resource_type === 'aws_route53_record'),
  );
  assert.deepEqual(
    ids(await list('--account', '047081014315')),
    expect((r) => r.attributes.account === '047081014315'),
  );
  assert.ok(expect((r) => r.attributes.account === '047081014315').length > 10);
  assert.deepEqual(
    ids(await list('--region', 'us-east-1')),
    expect((r) => r.attributes.region === 'us-east-1'),
  );
  assert.deepEqual(ids(await list('--tag', 'env:prod')), ['arn:aws:s3:::cli-one', 'arn:aws:s3:::cli-two']);
  assert.deepEqual(ids(await list('--tag', 'env:prod', '--tag', 'team:payments', '--region', 'eu-west-1')), ['arn:aws:s3:::cli-one']);
  // Points in time, in Unix ms and ISO 8601.
  assert.deepEqual(await list('--at', String(beforeImports)), []);
  const thenIds = ids(await list('--at', new Date(afterTerraform).toISOString()));
  assert.deepEqual(
    thenIds,
    expect((r) => r.attributes.source === 'import:terraform-state'),
  );
});

test('resources show prints the versions with where each came from; --json is the API body', async () => {
  const id = 'arn:aws:s3:::cli-one';
  const file = join(dir, 'update.ndjson');
  writeFileSync(
    file,
    JSON.stringify(bucketItem(id, { tags: ['env:dev'] })) + '\n' + JSON.stringify(bucketItem('arn:aws:s3:::cli-two', { deleted: true })) + '\n',
  );
  await ok('import', 'resources', file, '--org', 'acme');
  const shown = lines(await ok('resources', 'show', id, '--org', 'acme'));
  assert.equal(shown[0], `${id}  aws_s3_bucket  123456789012  eu-west-1`);
  assert.match(shown[1]!, /^v1 {2}\d{4}-\S+Z \.\. \d{4}-\S+Z {2}import:resources {2}-$/);
  assert.match(shown[2]!, /^v2 {2}\d{4}-\S+Z \.\. current {2}import:resources {2}-$/);
  assert.equal(shown.length, 3);
  const body = JSON.parse(await ok('resources', 'show', id, '--org', 'acme', '--json')) as {
    data: {
      id: string;
      attributes: { versions: Array<{ version: number; valid_from: number; valid_to: number | null; source: string; tags: string[] }> };
    };
  };
  const versions = body.data.attributes.versions;
  assert.deepEqual(
    versions.map((v) => [v.version, v.source, v.tags]),
    [
      [1, 'import:resources', ['env:prod', 'team:payments']],
      [2, 'import:resources', ['env:dev']],
    ],
  );
  assert.equal(versions[0]!.valid_to, versions[1]!.valid_from);
  // As it stood before the update; the deleted bucket is shown as a deletion, and gone from the listing.
  const then = JSON.parse(await ok('resources', 'show', id, '--org', 'acme', '--json', '--at', String(versions[1]!.valid_from - 1))) as typeof body;
  assert.deepEqual(
    then.data.attributes.versions.map((v) => [v.version, v.valid_to]),
    [[1, null]],
  );
  const gone = lines(await ok('resources', 'show', 'arn:aws:s3:::cli-two', '--org', 'acme'));
  assert.match(gone[0]!, /\(deleted\)$/);
  assert.match(gone[2]!, /^v2 .* deletion$/);
  const listed = ndjson(await ok('resources', 'list', '--org', 'acme', '--json', '--source', 'import:resources'));
  assert.deepEqual(
    listed.map((r) => [r.id, r.attributes.tags]),
    [[id, ['env:dev']]],
  );
});

test('resources commands: bad options and unknown names exit 2 with a message naming them', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['resources', 'list', '--org', 'acme', '--tag', 'nocolon'], /Invalid option --tag: "nocolon" is not a key:value tag/],
    [['resources', 'list', '--org', 'acme', '--type', 'AWS::S3::Bucket'], /Invalid option --type/],
    [['resources', 'list', '--org', 'acme', '--region', 'eu west'], /Invalid option --region/],
    [['resources', 'list', '--org', 'acme', '--at', 'yesterday'], /Invalid option --at: "yesterday"/],
    [['resources', 'list', '--org', 'acme', '--at', '999999999999999'], /Invalid option --at: must be between/],
    [['resources', 'list', '--org', 'acme', '--limit', '0'], /Invalid option --limit/],
    [['resources', 'list', '--org', 'nobody'], /No organization named "nobody"/],
    [['resources', 'show', 'arn:aws:s3:::none', '--org', 'acme'], /No resource arn:aws:s3:::none/],
    [['resources', 'show', 'arn:aws:s3:::cli-one', '--org', 'acme', '--at', String(beforeImports)], /No resource arn:aws:s3:::cli-one at/],
  ];
  for (const [args, message] of cases) {
    const r = await steward(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
