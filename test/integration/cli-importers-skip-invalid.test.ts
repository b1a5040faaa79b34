// The built `steward import` binary on files mixing valid and invalid records: all or nothing by default, every valid
// record written with --skip-invalid (each skipped one reported with its file, record and field), exit 3 with --strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuiltCli } from '../helpers/processes.js';
import { useImportOrg } from './cli-importers-org.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';
import { PREFERENCE_COLUMNS } from '../../src/ingest/preferences-csv.js';

/** The hint after an import's first invalid record. */
const NOTHING_WRITTEN = 'steward: nothing was written; with --skip-invalid the valid records are written and each invalid one is reported\n';

const org = useImportOrg();

function write(name: string, text: string): string {
  const path = join(org.dir, name);
  writeFileSync(path, text);
  return path;
}

function ndjson(items: unknown[]): string {
  return items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n') + '\n';
}

/** The ids of the organization's resources, by a later listing. */
async function listedIds(...filters: string[]): Promise<string[]> {
  const listed = await runBuiltCli(['resources', 'list', '--org', 'acme', '--json', ...filters], org.env);
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id)
    .sort();
}

function importing(kind: string, file: string, ...flags: string[]) {
  const extra = kind === 'codeowners' ? ['--repo', 'https://github.com/acme/infra'] : [];
  return runBuiltCli(['import', kind, file, '--org', 'acme', ...extra, ...flags], org.env);
}

test('resources NDJSON: all or nothing by default; --skip-invalid writes the valid lines and reports each skipped line', async () => {
  const file = write(
    'mixed.ndjson',
    ndjson([
      bucketItem('arn:aws:s3:::skip-one'),
      bucketItem('arn:aws:s3:::skip-bad', { tags: ['no-colon'] }),
      '{"truncated',
      bucketItem('arn:aws:s3:::skip-two'),
    ]),
  );
  const strict = await importing('resources', file);
  assert.equal(strict.code, 1);
  assert.equal(strict.stderr, `steward: ${file} line 2, field attributes.tags[0]: "no-colon" is not a key:value tag\n${NOTHING_WRITTEN}`);
  assert.equal(strict.stdout, '');
  assert.deepEqual(await listedIds(), [], 'nothing is written');

  const skipping = await importing('resources', file, '--skip-invalid');
  assert.equal(skipping.code, 0, skipping.stderr);
  const lines = skipping.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, skipping.stderr);
  assert.equal(lines[0], `steward: skipped ${file} line 2, field attributes.tags[0]: "no-colon" is not a key:value tag`);
  assert.match(lines[1], new RegExp(`^steward: skipped ${file} line 3: not valid JSON`));
  const summary = JSON.parse(skipping.stdout) as { received: number; created: number; skipped: number };
  assert.deepEqual([summary.received, summary.created, summary.skipped], [2, 2, 2]);
  assert.deepEqual(await listedIds(), ['arn:aws:s3:::skip-one', 'arn:aws:s3:::skip-two']);
});

test('--skip-invalid --strict writes the valid records and exits 3 when anything was skipped, 0 when nothing was', async () => {
  const file = write(
    'strict.ndjson',
    ndjson([bucketItem('arn:aws:s3:::strict-one'), bucketItem('arn:aws:s3:::strict-bad', { cloud_provider: 'moon' })]),
  );
  const run = await importing('resources', file, '--skip-invalid', '--strict');
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, new RegExp(`^steward: skipped ${file} line 2, field attributes.cloud_provider: `));
  assert.equal((JSON.parse(run.stdout) as { skipped: number }).skipped, 1);
  assert.ok((await listedIds()).includes('arn:aws:s3:::strict-one'), 'the valid line is written');
  assert.ok(!(await listedIds()).includes('arn:aws:s3:::strict-bad'));

  const clean = write('clean.ndjson', ndjson([bucketItem('arn:aws:s3:::strict-two')]));
  const none = await importing('resources', clean, '--skip-invalid', '--strict');
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stderr, '');
  assert.equal((JSON.parse(none.stdout) as { skipped: number }).skipped, 0);
});

test('Terraform state: a bad resource aborts the state by default; with --skip-invalid the others are written', async () => {
  const state = JSON.parse(readFileSync(fixturePath('terraform-state', 'aws_s3_full.tfstate'), 'utf8')) as {
    resources: Array<Record<string, unknown>>;
  };
  state.resources[1].type = 5;
  const file = write('mixed.tfstate', JSON.stringify(state));
  const strict = await importing('terraform-state', file);
  assert.equal(strict.code, 1);
  assert.equal(strict.stderr, `steward: ${file} resources[1], field type: is required and must be a string\n${NOTHING_WRITTEN}`);
  assert.deepEqual(await listedIds('--source', 'import:terraform-state'), []);

  const skipping = await importing('terraform-state', file, '--skip-invalid');
  assert.equal(skipping.code, 0, skipping.stderr);
  assert.equal(skipping.stderr, `steward: skipped ${file} resources[1], field type: is required and must be a string\n`);
  const summary = JSON.parse(skipping.stdout) as { created: number; skipped: number };
  assert.equal(summary.skipped, 1);
  assert.ok(summary.created > 10, `${summary.created} created`);
  assert.equal((await listedIds('--source', 'import:terraform-state')).length, summary.created);
});

test('every other importer: the first bad record aborts by default, --skip-invalid reports it and writes the rest', async () => {
  const configItem = (id: string) => ({
    resourceType: 'AWS::S3::Bucket',
    resourceId: id,
    resourceName: id,
    awsAccountId: '123456789012',
    awsRegion: 'eu-west-1',
    configuration: {},
    configurationItemCaptureTime: '2024-01-01T00:00:00Z',
  });
  const recording = JSON.parse(readFileSync(fixturePath('datadog-recordings', 'List-findings-returns-OK-response.json'), 'utf8')) as Array<{
    response: { body: { data: Array<{ attributes: Record<string, unknown> }> } };
  }>;
  const findings = recording[0].response.body.data.length;
  recording[0].response.body.data[1].attributes.evaluation = 'maybe';
  const trail = JSON.parse(
    readFileSync(fixturePath('cloudtrail', 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json'), 'utf8'),
  ) as Array<Record<string, unknown>>;
  delete trail[1].eventTime;
  const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;

  // `aborted`: the default's message when it is not the problem's (preferences list every bad row at once).
  const cases: Array<{ kind: string; file: string; problem: string; aborted?: string; written: (summary: Record<string, number>) => void }> = [
    {
      kind: 'aws-config',
      file: write(
        'config.json',
        JSON.stringify({ configurationItems: [configItem('config-good'), { ...configItem('config-bad'), resourceType: 'S3' }] }),
      ),
      problem: 'configurationItems[1], field resourceType: "S3" is not an AWS::Service::Type name',
      written: (s) => assert.equal(s.created, 1),
    },
    {
      kind: 'datadog-findings',
      file: write('findings.json', JSON.stringify(recording)),
      problem: '[0].response.body data[1], field attributes.evaluation: "maybe" is not one of pass, fail',
      written: (s) => assert.equal(s.received, findings - 1),
    },
    {
      kind: 'cloudtrail',
      file: write('trail.json', JSON.stringify(trail)),
      problem: 'Records[1], field eventTime: is required: the time orders who last changed a resource',
      written: (s) => assert.equal(s.events, trail.length - 1),
    },
    {
      kind: 'codeowners',
      file: write('CODEOWNERS', '* @acme/platform\n/terraform/ not-an-owner\n/docs/ @acme/docs\n'),
      problem: 'line 2, field owner: "not-an-owner" is neither @user, @org/team nor an email address',
      written: (s) => assert.equal(s.rules, 2),
    },
    {
      kind: 'preferences',
      file: write(
        'prefs.csv',
        `${PREFERENCE_COLUMNS.join(',')}\nm1,tag_mapping,env,,platform,team,high,,,,,\nm2,tag_mapping,env,,web,team,maybe,,,,,\n`,
      ),
      problem: 'row 2 (line 3), field confidence: must be one of high, medium, low',
      aborted: ': rejected, the previous preferences stay in force:\n  row 2 (line 3), column confidence: must be one of high, medium, low',
      written: (s) => assert.equal(s.rows, 1),
    },
    {
      kind: 'backstage',
      file: write('catalog.yaml', `${group('team-good')}---\napiVersion: backstage.io/v1alpha1\nmetadata:\n  name: kindless\n`),
      problem: 'document 2, field kind: is required',
      written: (s) => assert.equal(s.teams, 1),
    },
    {
      kind: 'service-definitions',
      file: write('service.datadog.yaml', 'schema-version: v2\ndd-service: svc-good\nteam: platform\n---\nschema-version: v9\ndd-service: svc-bad\n'),
      problem: 'document 2, field schema-version: unknown version "v9": expected v2, v2.1 or v2.2',
      written: (s) => assert.equal(s.services, 1),
    },
  ];
  for (const { kind, file, problem, aborted, written } of cases) {
    const strict = await importing(kind, file);
    assert.equal(strict.code, 1, `${kind}: ${strict.stderr}`);
    assert.equal(strict.stderr, `steward: ${file}${aborted ?? ` ${problem}`}\n${NOTHING_WRITTEN}`, kind);
    assert.equal(strict.stdout, '', kind);
    const skipping = await importing(kind, file, '--skip-invalid');
    assert.equal(skipping.code, 0, `${kind}: ${skipping.stderr}`);
    assert.equal(skipping.stderr, `steward: skipped ${file} ${problem}\n`, kind);
    const summary = JSON.parse(skipping.stdout) as Record<string, number>;
    assert.equal(summary.skipped, 1, kind);
    written(summary);
  }
  assert.ok(
    (await listedIds('--source', 'import:aws-config')).some((id) => id.endsWith(':config-good')),
    'the valid Config item is listed',
  );
});

test('codeowners --skip-invalid: a file skipped whole, or of bad lines only, leaves the repository its rules', async () => {
  const good = await importing('codeowners', write('keep.CODEOWNERS', '* @acme/platform\n/docs/ @acme/docs\n'));
  assert.equal(good.code, 0, good.stderr);
  const catalog = fixturePath('backstage', 'acme', 'team-a-group.yaml');
  const badLines = write('bad-lines.CODEOWNERS', '/terraform/ not-an-owner\n');
  for (const file of [catalog, badLines]) {
    const skipping = await importing('codeowners', file, '--skip-invalid');
    assert.equal(skipping.code, 0, skipping.stderr);
    assert.match(skipping.stderr, /\nsteward: no valid rule: the repository's CODEOWNERS stay as they were\n$/);
    assert.equal((JSON.parse(skipping.stdout) as { rules: number }).rules, 0);
  }
  // Without --skip-invalid, a file of no rule (empty, comments only) is refused: it would take every owner away.
  for (const [name, text] of [
    ['empty.CODEOWNERS', ''],
    ['comments.CODEOWNERS', '# owners moved to the catalog\n\n'],
  ]) {
    const empty = await importing('codeowners', write(name, text));
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /^steward: no CODEOWNERS rule in .*: the repository's CODEOWNERS stay as they were\n/);
  }
  const again = await importing('codeowners', write('keep.CODEOWNERS', '* @acme/platform\n/docs/ @acme/docs\n'));
  assert.equal((JSON.parse(again.stdout) as { changed: boolean }).changed, false, 'the rules are still those of the good file');
});

test('service-definitions: two files defining one service differently abort the import; --skip-invalid keeps the first read', async () => {
  const first = write('first.service.datadog.yaml', 'schema-version: v2\ndd-service: svc-twice\nteam: platform\n');
  const second = write('second.service.datadog.yaml', 'schema-version: v2\ndd-service: svc-twice\nteam: storefront\n');
  const conflict = `${second}: defines the service svc-twice unlike ${first} (they differ in owner, team): one import holds one definition of each service`;
  const strict = await runBuiltCli(['import', 'service-definitions', first, second, '--org', 'acme'], org.env);
  assert.equal(strict.code, 1, strict.stderr);
  assert.equal(strict.stderr, `steward: ${conflict}\n${NOTHING_WRITTEN}`);
  const skipping = await runBuiltCli(['import', 'service-definitions', first, second, '--org', 'acme', '--skip-invalid'], org.env);
  assert.equal(skipping.code, 0, skipping.stderr);
  assert.equal(skipping.stderr, `steward: skipped ${conflict}\n`);
  assert.deepEqual(JSON.parse(skipping.stdout), { files: 2, services: 1, changed: 1, skipped: 1 });
  const firstAgain = await runBuiltCli(['import', 'service-definitions', first, '--org', 'acme'], org.env);
  assert.equal((JSON.parse(firstAgain.stdout) as { changed: number }).changed, 0, 'the first definition is the one written');
  const sameTwice = await runBuiltCli(
    ['import', 'service-definitions', first, write('copy.service.datadog.yaml', readFileSync(first, 'utf8')), '--org', 'acme'],
    org.env,
  );
  assert.equal(sameTwice.code, 0, sameTwice.stderr);
  assert.deepEqual(JSON.parse(sameTwice.stdout), { files: 2, services: 1, changed: 0 });
});

test('cloudtrail: the summary counts each resource the events name once, across the batches a large log is written in', async () => {
  const records = Array.from({ length: 4500 }, (_, i) => ({
    eventVersion: '1.08',
    eventID: `batch-count-${i}`,
    eventTime: new Date(Date.UTC(2024, 4, 1, 0, 0, i)).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketTagging',
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/ann', userName: 'ann', accountId: '123456789012' },
    requestParameters: { bucketName: `batch-count-bucket-${i % 3}` },
  }));
  const file = write('batches.json', JSON.stringify({ Records: records }));
  for (const run of ['first', 'again']) {
    const imported = await runBuiltCli(['import', 'cloudtrail', file, '--org', 'acme'], org.env);
    assert.equal(imported.code, 0, imported.stderr);
    const summary = JSON.parse(imported.stdout) as { events: number; resources: number };
    assert.deepEqual([summary.events, summary.resources], [4500, 3], run);
  }
});
