// Every command of the README works while `npm start` holds the embedded store: commands reach the store through the
// server's socket, with the same output and errors as when they open the store themselves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runBuiltCli, startServerProcess, type CliResult, type ServerProcess } from '../helpers/processes.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';
import { openDb } from '../../src/store/db.js';
import { findOrg } from '../../src/store/orgs.js';
import { markForInference, queueLength } from '../../src/store/ownership-queue.js';
import { openStoreThroughSocket } from '../../src/store/store-socket-client.js';
import { storeSocketPath } from '../../src/store/store-socket-protocol.js';
import { FAILURE_REASONS } from '../../src/ownership/use-cases/recompute.js';

const work = mkdtempSync(join(tmpdir(), 'steward-beside-'));
const served = join(work, 'served');
const alone = join(work, 'alone');
// The embedded store, whatever the environment of the test run says.
const envOf = (dataDir: string) => ({ STEWARD_DATA_DIR: dataDir, DATABASE_URL: '' });
let server: ServerProcess;
let keys: { api_key: string; app_key: string; api_key_id: string };

const PREFERENCES = join(work, 'preferences.csv');
const RESOURCES = join(work, 'resources.ndjson');
const BROKEN_STATE = join(work, 'broken.tfstate');

/** Each importer with a real file (or, for the two formats no fixture has, a small file of ours). */
const IMPORTS: string[][] = [
  ['terraform-state', fixturePath('terraform-state')],
  ['datadog-findings', fixturePath('datadog-recordings', 'List-findings-returns-OK-response-with-details.json')],
  ['cloudtrail', fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-s3.json')],
  ['backstage', fixturePath('backstage', 'acme')],
  ['service-definitions', fixturePath('service-definitions')],
  [
    'codeowners',
    fixturePath('codeowners', 'mojmp-environments.CODEOWNERS'),
    '--repo',
    'https://github.com/ministryofjustice/modernisation-platform-environments',
  ],
  ['preferences', PREFERENCES],
  ['resources', RESOURCES],
];

async function api(path: string, key = keys) {
  return fetch(`${server.url}${path}`, { headers: { 'DD-API-KEY': key.api_key, 'DD-APPLICATION-KEY': key.app_key } });
}

const ok = (r: CliResult) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);

before(async () => {
  writeFileSync(
    PREFERENCES,
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority\n1,tag_mapping,team,payments,payments,team,high,,,,,\n',
  );
  writeFileSync(
    RESOURCES,
    [bucketItem('arn:aws:s3:::beside-a'), bucketItem('arn:aws:s3:::beside-b', { tags: ['team:payments'] })].map((i) => JSON.stringify(i)).join('\n') +
      '\n',
  );
  writeFileSync(BROKEN_STATE, '{"version": 4, "resources": [');
  server = await startServerProcess(envOf(served));
  const created = await runBuiltCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], envOf(served));
  ok(created);
  keys = JSON.parse(created.stdout) as typeof keys;
  ok(await runBuiltCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], envOf(alone)));
});

after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('keys created beside the server are live at once; list and revoke work too', async () => {
  assert.equal((await api('/api/v2/posture_management/findings')).status, 200);
  const second = JSON.parse((await runBuiltCli(['keys', 'create', '--org', 'acme', '--user', 'bob', '--json'], envOf(served))).stdout) as typeof keys;
  assert.equal((await api('/api/v2/posture_management/findings', second)).status, 200);
  const listed = await runBuiltCli(['keys', 'list', '--org', 'acme', '--json'], envOf(served));
  ok(listed);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 4);
  ok(await runBuiltCli(['keys', 'revoke', second.api_key_id], envOf(served)));
  assert.equal((await api('/api/v2/posture_management/findings', second)).status, 403);
});

test('every importer runs beside the server with the output it gives alone, and the API sees the result at once', async () => {
  for (const [kind, ...args] of IMPORTS) {
    const beside = await runBuiltCli(['import', kind!, ...args, '--org', 'acme'], envOf(served));
    const byItself = await runBuiltCli(['import', kind!, ...args, '--org', 'acme'], envOf(alone));
    ok(beside);
    assert.equal(beside.stdout, byItself.stdout, `import ${kind}: the same summary either way`);
  }
  const listing = (await (await api('/api/v2/posture_management/findings?page[limit]=1')).json()) as {
    meta: { page: { total_filtered_count: number } };
  };
  assert.ok(listing.meta.page.total_filtered_count > 0, 'imported findings are served');
});

test('an import that fails beside the server fails with the same message and exit code, and writes nothing', async () => {
  const beside = await runBuiltCli(['import', 'terraform-state', BROKEN_STATE, '--org', 'acme'], envOf(served));
  const byItself = await runBuiltCli(['import', 'terraform-state', BROKEN_STATE, '--org', 'acme'], envOf(alone));
  assert.notEqual(beside.code, 0);
  assert.equal(beside.code, byItself.code);
  assert.equal(beside.stderr, byItself.stderr);
  const unknownOrg = await runBuiltCli(['keys', 'list', '--org', 'nobody'], envOf(served));
  assert.equal(unknownOrg.code, 2);
  assert.match(unknownOrg.stderr, /No organization named "nobody"/);
});

test('ownership recompute beside the server waits for its worker, then answers like it does alone', async () => {
  const beside = await runBuiltCli(['ownership', 'recompute', '--org', 'acme', '--all'], envOf(served));
  const byItself = await runBuiltCli(['ownership', 'recompute', '--org', 'acme', '--all'], envOf(alone));
  ok(beside);
  ok(byItself);
  const [b, a] = [beside, byItself].map((r) => JSON.parse(r.stdout) as { resources: number; failed: number });
  assert.ok(b!.resources > 0);
  assert.deepEqual(b, a);
  const answer = await api(`/api/v2/csm/ownership/${encodeURIComponent('arn:aws:s3:::beside-b')}/team`);
  assert.equal(answer.status, 200);
  const team = (await answer.json()) as { data: { attributes: { primary_contact_ref?: string } } };
  assert.equal(team.data.attributes.primary_contact_ref, 'ref:handle/payments', 'inferred from the imported tag');
});

/** Waits until the server's worker has inferred everything queued for acme. */
async function untilWorkerDrained() {
  const db = await openStoreThroughSocket(storeSocketPath(served));
  try {
    const org = (await findOrg(db, 'acme'))!;
    const deadline = Date.now() + 30_000;
    while ((await queueLength(db, org.org_id)) > 0) {
      assert.ok(Date.now() < deadline, 'the worker drains the queue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.close();
  }
}

test("recompute after imports the server's worker already inferred says nothing was waiting, and who inferred them", async () => {
  const file = join(work, 'later.ndjson');
  writeFileSync(file, JSON.stringify(bucketItem('arn:aws:s3:::beside-later', { tags: ['team:payments'] })) + '\n');
  ok(await runBuiltCli(['import', 'resources', file, '--org', 'acme'], envOf(served)));
  await untilWorkerDrained();
  const r = await runBuiltCli(['ownership', 'recompute', '--org', 'acme'], envOf(served));
  ok(r);
  const report = JSON.parse(r.stdout) as { resources: number; failed: number; answered: number };
  assert.equal(report.resources, 0);
  assert.ok(report.answered > 0);
  assert.match(
    r.stderr,
    new RegExp(
      `^Nothing was waiting to be inferred: ${report.answered} resources? ha(s|ve) a current answer ` +
        `\\(the running server, process ${server.child.pid}, infers what imports queue as they land\\)$`,
      'm',
    ),
  );
});

test('recompute groups its failures by reason, with examples and what to do', async () => {
  type Report = { failed: number; failures: Array<{ reason: string; resources: number; examples: string[]; action: string }> };
  const unknownOf = (r: Report) => r.failures.find((g) => g.reason === FAILURE_REASONS.unknownResource);
  const baseline = JSON.parse((await runBuiltCli(['ownership', 'recompute', '--org', 'acme'], envOf(served))).stdout) as Report;
  // Signals can name resources the inventory has never seen; those cannot be inferred yet.
  const db = await openStoreThroughSocket(storeSocketPath(served));
  try {
    const org = (await findOrg(db, 'acme'))!;
    await markForInference(db, org.org_id, ['arn:aws:s3:::0-never-imported-1', 'arn:aws:s3:::0-never-imported-2'], Date.now());
  } finally {
    await db.close();
  }
  const r = await runBuiltCli(['ownership', 'recompute', '--org', 'acme'], envOf(served));
  ok(r);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.failed, baseline.failed + 2);
  const group = unknownOf(report)!;
  assert.equal(group.resources, (unknownOf(baseline)?.resources ?? 0) + 2);
  assert.deepEqual(group.examples.slice(0, 2), ['arn:aws:s3:::0-never-imported-1', 'arn:aws:s3:::0-never-imported-2']);
  assert.match(group.action, /steward import/);
  assert.match(r.stderr, new RegExp(`^${group.resources} failed: The resource is known only by its id: no inventory record yet\\.$`, 'm'));
});

test('ownership review-queue beside the server prints what the API lists', async () => {
  const byApi = (await (await api('/api/v2/csm/ownership/review_queue?page[limit]=1000')).json()) as { data: unknown[] };
  assert.ok(byApi.data.length > 0);
  const r = await runBuiltCli(['ownership', 'review-queue', '--org', 'acme', '--json', '--limit', '1000'], envOf(served));
  ok(r);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
    byApi.data,
  );
});

test('resources list and show beside the server read what the server serves', async () => {
  const listed = await runBuiltCli(['resources', 'list', '--org', 'acme', '--tag', 'team:payments', '--json'], envOf(served));
  ok(listed);
  const ids = listed.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: string }).id);
  assert.ok(ids.includes('arn:aws:s3:::beside-b'));
  const listedByApi = (await (await api('/api/v2/csm/resources?filter[tags]=team:payments')).json()) as { data: Array<{ id: string }> };
  assert.deepEqual(
    ids,
    listedByApi.data.map((r) => r.id),
  );
  const shown = await runBuiltCli(['resources', 'show', 'arn:aws:s3:::beside-b', '--org', 'acme', '--json'], envOf(served));
  ok(shown);
  assert.equal((JSON.parse(shown.stdout) as { data: { id: string } }).data.id, 'arn:aws:s3:::beside-b');
});

test('rules coverage beside the server reads what the API serves', async () => {
  const byApi = (await (await api('/api/v2/csm/rules/coverage')).json()) as { meta: { snapshot_timestamp: number } };
  const r = await runBuiltCli(['rules', 'coverage', '--org', 'acme', '--json', '--at', String(byApi.meta.snapshot_timestamp)], envOf(served));
  ok(r);
  assert.deepEqual(JSON.parse(r.stdout), byApi);
});

test('migrate, rules list and rules reevaluate work beside the server', async () => {
  const migrated = await runBuiltCli(['migrate'], envOf(served));
  ok(migrated);
  const reevaluated = await runBuiltCli(['rules', 'reevaluate', '--org', 'acme'], envOf(served));
  ok(reevaluated);
  const summary = JSON.parse(reevaluated.stdout) as { resources: number; findings_opened: number; findings_closed: number };
  assert.ok(summary.resources > 0);
  assert.deepEqual([summary.findings_opened, summary.findings_closed], [0, 0], 'the inventory was judged by these rules already');
  const rules = await runBuiltCli(['rules', 'list', '--json'], envOf(served));
  ok(rules);
  assert.ok((JSON.parse(rules.stdout) as unknown[]).length > 10);
});

test('the store socket is its owner’s only, and a second server on the folder is refused', async () => {
  assert.equal(statSync(storeSocketPath(served)).mode & 0o777, 0o600);
  const second = await runBuiltCli(['serve'], { ...envOf(served), PORT: '0' });
  assert.notEqual(second.code, 0);
  assert.match(second.stderr, /in use by process/);
});

test('a command killed mid-import leaves the server serving and nothing half-written', async () => {
  // A state of many resources, so the import is still writing when it is killed.
  const big = join(work, 'big.tfstate');
  const resources = Array.from({ length: 3000 }, (_, i) => ({
    mode: 'managed',
    type: 'aws_s3_bucket',
    name: `b${i}`,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ attributes: { id: `killed-${i}`, bucket: `killed-${i}`, arn: `arn:aws:s3:::killed-${i}`, tags: {} } }],
  }));
  writeFileSync(big, JSON.stringify({ version: 4, terraform_version: '1.5.0', serial: 1, lineage: 'x', outputs: {}, resources }));
  const child = spawn(process.execPath, ['dist/cli/main.js', 'import', 'terraform-state', big, '--org', 'acme'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...envOf(served) },
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Killed as soon as it has said nothing yet: wherever it stands, the import is all or nothing.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGKILL');
  await exited;
  const r = await runBuiltCli(['keys', 'list', '--org', 'acme'], envOf(served));
  ok(r);
  const db = await openStoreThroughSocket(storeSocketPath(served));
  try {
    const org = (await findOrg(db, 'acme'))!;
    const n = (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resources WHERE org_id = $1 AND resource_id LIKE 'arn:aws:s3:::killed-%'`, [
        org.org_id,
      ])
    ).rows[0]!.n;
    assert.ok(n === 0 || n === 3000, `all or nothing, found ${n}`);
  } finally {
    await db.close();
  }
  assert.equal((await api('/api/v2/posture_management/findings')).status, 200);
});

test('once the server stops, commands open the store themselves', async () => {
  await server.stop();
  const listed = await runBuiltCli(['keys', 'list', '--org', 'acme', '--json'], envOf(served));
  ok(listed);
  const db = await openDb({ dataDir: served });
  await db.close();
});
