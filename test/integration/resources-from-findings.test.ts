// Resources known only from imported Datadog findings, or only from CloudTrail events, enter the inventory so that
// ownership answers for them; a resource a richer source described is never displaced. On Datadog's recorded answers
// and real CloudTrail records (test/fixtures/SOURCES.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase } from '../helpers/db.js';
import { runCli } from '../helpers/processes.js';
import { fixturePath } from '../helpers/fixtures.js';
import { parseDatadogFindings, type ImportedFinding } from '../../src/ingest/datadog-findings.js';
import { importDatadogFindings } from '../../src/findings/import-datadog-findings.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { importResourcesAtomically, fromArray } from '../../src/ingest/resource-batches.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import type { StoredResource } from '../../src/store/resources.js';

const recording = (name: string) => JSON.parse(readFileSync(fixturePath('datadog-recordings', `${name}.json`), 'utf8'));
const LISTED = parseDatadogFindings(recording('List-findings-returns-OK-response'), 'list.json');
const DETAILED = parseDatadogFindings(recording('Get-a-finding-returns-OK-response'), 'get.json');
const cloudtrail = (name: string) => readFileSync(fixturePath('cloudtrail', 'custodian', name), 'utf8');

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

const q = async <T>(sql: string, params: unknown[] = []) => (await s.server.db.query<T>(sql, params)).rows;

const importFindings = (findings: ImportedFinding[], orgId = s.orgId) =>
  withFindingWriteLease(s.server.db, orgId, 'org', (tx, now) => importDatadogFindings(tx, orgId, findings, now));

type Resource = Pick<
  StoredResource,
  'resource_id' | 'resource_type' | 'name' | 'account' | 'region' | 'tags' | 'configuration' | 'version' | 'source'
>;

const resource = async (id: string, orgId = s.orgId) =>
  (
    await q<Resource>(
      'SELECT resource_id, resource_type, name, account, region, tags, configuration, version, source FROM resources WHERE org_id = $1 AND resource_id = $2',
      [orgId, id],
    )
  )[0];

const versionCount = async (orgId: string) =>
  Number((await q<{ n: number }>('SELECT count(*)::int AS n FROM resource_versions WHERE org_id = $1', [orgId]))[0]!.n);

async function ownership(path: string, orgId?: { apiKey: string; appKey: string }) {
  const r = await s.api(`/api/v2/csm/ownership/${path}`, orgId ? { keys: orgId } : {});
  return { status: r.status, body: (await r.json()) as { data: { attributes: Record<string, any> } } };
}

test('Datadog findings alone: each resource is recorded under the id the findings API reports, and its owner tags answer', async () => {
  const org = await s.newKeys('findings-only');
  const summary = await importFindings([...LISTED, ...DETAILED], org.orgId);
  assert.equal(summary.resources_created, 32, 'one record per resource of the 100 findings');

  // The id is the one the findings API reports for each finding, in the list and in the detail.
  const listed = await s.api('/api/v2/posture_management/findings?page[limit]=1000', { keys: org });
  const findings = ((await listed.json()) as { data: Array<{ id: string; attributes: { resource: string; resource_id: string } }> }).data;
  assert.equal(findings.length, 100);
  for (const f of findings) {
    assert.equal(f.attributes.resource_id, `arn:aws:s3:::${f.attributes.resource}`);
    assert.ok(await resource(f.attributes.resource_id, org.orgId), f.attributes.resource_id);
  }

  const demo = (await resource('arn:aws:s3:::dd-bucket-logs-demo', org.orgId))!;
  assert.equal(demo.source, 'import:datadog-findings');
  assert.equal(demo.version, 1);
  assert.equal(demo.account, LISTED.find((f) => f.resource === 'dd-bucket-logs-demo')!.account);
  assert.ok(demo.tags.includes('team:xuxu'));
  assert.ok(!demo.tags.some((t) => /^(framework|control|requirement|scored|security|scope|source|region|aws_account|cloud_provider):/.test(t)));
  // The detailed finding's configuration is its resource's.
  const detailed = (await resource('arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1', org.orgId))!;
  assert.deepEqual(detailed.configuration, DETAILED[0]!.resource_configuration);
  assert.equal(detailed.region, 'eu-north-1');

  // Queued for inference like any imported resource (the server's worker may have inferred some already).
  const queued = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT resource_id FROM ownership_queue WHERE org_id = $1
       UNION SELECT resource_id FROM ownership_inferences WHERE org_id = $1) queued_or_inferred`,
    [org.orgId],
  );
  assert.equal(queued[0]!.n, 32);

  const team = await ownership(`${encodeURIComponent('arn:aws:s3:::dd-bucket-logs-demo')}/team`, org);
  assert.equal(team.status, 200, JSON.stringify(team.body));
  assert.equal(team.body.data.attributes.primary_contact_ref, 'ref:handle/xuxu');
  assert.match(team.body.data.attributes.explanation, /team:xuxu/);

  const owner = await ownership(`${encodeURIComponent('arn:aws:s3:::dd-cspm-remote-state-bucket')}/team`, org);
  assert.equal(owner.status, 200, JSON.stringify(owner.body));
  assert.equal(owner.body.data.attributes.primary_contact_ref, 'ref:handle/cspm-pde-team');
  assert.match(owner.body.data.attributes.explanation, /owner:cspm-pde-team/);

  // The same answers again: nothing new, no new version.
  const versions = await versionCount(org.orgId);
  const again = await importFindings([...LISTED, ...DETAILED], org.orgId);
  assert.deepEqual(
    { created: again.resources_created, updated: again.resources_updated, opened: again.opened },
    { created: 0, updated: 0, opened: 0 },
  );
  // The list answer alone, after the detailed one, keeps the configuration the detail gave.
  const listOnly = await importFindings(LISTED, org.orgId);
  assert.equal(listOnly.resources_updated, 0);
  assert.equal(await versionCount(org.orgId), versions);
  assert.deepEqual((await resource('arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1', org.orgId))!.configuration, DETAILED[0]!.resource_configuration);
});

test('an import reports its progress: the findings written, then the resources they name, part by part', async () => {
  const org = await s.newKeys('findings-progress');
  // 2,400 findings on 2,400 resources: the resources are recorded in parts of 1,000.
  const many = Array.from({ length: 2400 }, (_, i) => {
    const f = LISTED[i % LISTED.length]!;
    return { ...f, finding_id: `${f.finding_id}-${i}`, resource: `${f.resource}-${i}` };
  });
  const heard: string[] = [];
  const summary = await withFindingWriteLease(s.server.db, org.orgId, 'org', (tx, now) =>
    importDatadogFindings(tx, org.orgId, many, now, (phase, done, total) => heard.push(`${phase} ${done}/${total}`)),
  );
  assert.equal(summary.resources_created, 2400);
  assert.deepEqual(heard, [
    'findings 0/2400',
    'findings 2400/2400',
    'resources 0/2400',
    'resources 1000/2400',
    'resources 2000/2400',
    'resources 2400/2400',
  ]);
});

test("a listing without details keeps a finding's message and resource configuration, in one import or the next", async () => {
  const finding = DETAILED[0]!;
  const listed = LISTED.find((f) => f.finding_id === finding.finding_id);
  assert.ok(listed && listed.message === undefined && listed.resource_configuration === undefined, 'the listing has the finding without details');
  assert.ok(finding.message && finding.resource_configuration, 'the detail has them');
  const stored = async (orgId: string) =>
    (
      await q<{ message: string | null; resource_configuration: unknown }>(
        'SELECT message, resource_configuration FROM findings WHERE org_id = $1 AND finding_id = $2',
        [orgId, finding.finding_id],
      )
    )[0];
  const inOne = await s.newKeys('details-in-one-import');
  await importFindings([...DETAILED, ...LISTED], inOne.orgId);
  assert.deepEqual(await stored(inOne.orgId), { message: finding.message, resource_configuration: finding.resource_configuration });
  const inTwo = await s.newKeys('details-in-two-imports');
  await importFindings(DETAILED, inTwo.orgId);
  await importFindings(LISTED, inTwo.orgId);
  assert.deepEqual(await stored(inTwo.orgId), { message: finding.message, resource_configuration: finding.resource_configuration });
  // A later detail still replaces them.
  await importFindings([{ ...finding, message: 'changed' }], inTwo.orgId);
  assert.equal((await stored(inTwo.orgId))!.message, 'changed');
});

test("a finding's changed tags make a new version of a resource the findings wrote", async () => {
  const org = await s.newKeys('findings-retagged');
  const demo = LISTED.filter((f) => f.resource === 'dd-bucket-logs-demo');
  await importFindings(demo, org.orgId);
  const retagged = demo.map((f) => ({ ...f, tags: f.tags.map((t) => (t === 'team:xuxu' ? 'team:logs' : t)) }));
  const summary = await importFindings(retagged, org.orgId);
  assert.equal(summary.resources_updated, 1);
  const after = (await resource('arn:aws:s3:::dd-bucket-logs-demo', org.orgId))!;
  assert.equal(after.version, 2);
  assert.ok(after.tags.includes('team:logs') && !after.tags.includes('team:xuxu'));
});

test('a resource imported from Terraform keeps its configuration and version; its Datadog findings stay open when Terraform writes again', async () => {
  const org = await s.newKeys('terraform-first');
  const records = parseTerraformState(
    JSON.parse(readFileSync(fixturePath('terraform-state', 'aws_s3_full.tfstate'), 'utf8')),
    'aws_s3_full.tfstate',
    {
      now: Date.now(),
    },
  );
  const write = (list = records) =>
    importResourcesAtomically(s.server.db, org.orgId, fromArray(list), builtInRuleEngine(), { source: 'import:terraform-state' });
  await write();
  const id = 'arn:aws:s3:::bucket-martin-test-drift';
  const before = (await resource(id, org.orgId))!;
  assert.equal(before.source, 'import:terraform-state');
  const versions = await versionCount(org.orgId);

  // Datadog's recorded findings of one bucket (the detailed one too), reported on this bucket instead.
  const onTerraformBucket = [...LISTED, ...DETAILED]
    .filter((f) => f.resource === 'dd-chaos-cloud-xuxu-eu-north-1')
    .map((f) => ({ ...f, resource: 'bucket-martin-test-drift', tags: [...f.tags, 'team:xuxu'] }));
  const summary = await importFindings(onTerraformBucket, org.orgId);
  assert.deepEqual({ created: summary.resources_created, updated: summary.resources_updated }, { created: 0, updated: 0 });
  const after = (await resource(id, org.orgId))!;
  assert.deepEqual(after, before, 'configuration, tags, version and source as Terraform wrote them');
  assert.equal(await versionCount(org.orgId), versions);
  const imported = await q<{ resource_id: string }>(`SELECT DISTINCT resource_id FROM findings WHERE org_id = $1 AND origin = 'imported'`, [
    org.orgId,
  ]);
  assert.deepEqual(
    imported.map((r) => r.resource_id),
    [id],
    'the findings report the Terraform record',
  );

  // A new Terraform version evaluates the rule pack again, and leaves Datadog's findings as Datadog reported them.
  const changed = records.map((r) => (r.resource_id === id ? { ...r, tags: [...r.tags, 'env:drift'] } : r));
  await write(changed);
  const open = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM finding_states s JOIN findings f USING (org_id, finding_id)
     WHERE s.org_id = $1 AND f.origin = 'imported' AND s.valid_to = 9223372036854775807`,
    [org.orgId],
  );
  assert.equal(open[0]!.n, new Set(onTerraformBucket.map((f) => f.finding_id)).size);
});

test('a resource the findings wrote takes the next version from Terraform', async () => {
  const org = await s.newKeys('findings-first');
  const onTerraformBucket = LISTED.filter((f) => f.resource === 'datadog-threat-intelligence').map((f) => ({
    ...f,
    resource: 'bucket-martin-test-drift2',
  }));
  await importFindings(onTerraformBucket, org.orgId);
  const id = 'arn:aws:s3:::bucket-martin-test-drift2';
  assert.equal((await resource(id, org.orgId))!.source, 'import:datadog-findings');
  const records = parseTerraformState(
    JSON.parse(readFileSync(fixturePath('terraform-state', 'aws_s3_full.tfstate'), 'utf8')),
    'aws_s3_full.tfstate',
    {
      now: Date.now(),
    },
  );
  await importResourcesAtomically(s.server.db, org.orgId, fromArray(records), builtInRuleEngine(), { source: 'import:terraform-state' });
  const after = (await resource(id, org.orgId))!;
  assert.equal(after.version, 2);
  assert.equal(after.source, 'import:terraform-state');
  // The findings import that follows changes nothing of it.
  const again = await importFindings(onTerraformBucket, org.orgId);
  assert.equal(again.resources_updated, 0);
  assert.equal((await resource(id, org.orgId))!.version, 2);
});

test('CloudTrail alone: the created instance is recorded minimally and its creator is a candidate user owner', async () => {
  const org = await s.newKeys('cloudtrail-only');
  const post = (name: string) =>
    s.api('/api/v2/csm/audit_events', { method: 'POST', body: cloudtrail(name), keys: org }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data: { attributes: { resources_created: number } } },
    }));
  const created = await post('event-cloud-trail-run-instance-creator.json');
  assert.equal(created.status, 202);
  assert.equal(created.body.data.attributes.resources_created, 1);
  const id = 'arn:aws:ec2:us-east-1:644160558196:instance/i-0f7c711dc84bedda0';
  const record = (await resource(id, org.orgId))!;
  assert.deepEqual(
    { ...record, version: Number(record.version) },
    {
      resource_id: id,
      resource_type: 'aws_ec2_instance',
      name: 'i-0f7c711dc84bedda0',
      account: '644160558196',
      region: 'us-east-1',
      tags: [],
      configuration: {},
      version: 1,
      source: 'import:cloudtrail',
    },
  );
  const user = await ownership(`${encodeURIComponent(id)}/user`, org);
  assert.equal(user.status, 200, JSON.stringify(user.body));
  assert.equal(user.body.data.attributes.primary_contact_ref, 'ref:handle/c7nbot');
  assert.match(user.body.data.attributes.explanation, /created this resource/);

  // Another event on the same instance: the record stays as it is.
  const versions = await versionCount(org.orgId);
  const more = await post('event-cloud-trail-run-instance-creator-assumed.json');
  assert.equal(more.body.data.attributes.resources_created, 0);
  assert.equal(await versionCount(org.orgId), versions);

  // A bucket CloudTrail created, then reported on by Datadog: the finding's version is richer.
  assert.equal((await post('event-cloud-trail-create-bucket.json')).body.data.attributes.resources_created, 1);
  const bucket = 'arn:aws:s3:::custodian-create-bucket-v4';
  assert.equal((await resource(bucket, org.orgId))!.region, 'us-west-2', "a bucket's region is its creating call's");
  const reported = LISTED.filter((f) => f.resource === 'dd-bucket-logs-demo').map((f) => ({ ...f, resource: 'custodian-create-bucket-v4' }));
  assert.equal((await importFindings(reported, org.orgId)).resources_updated, 1);
  const richer = (await resource(bucket, org.orgId))!;
  assert.equal(richer.version, 2);
  assert.equal(richer.source, 'import:datadog-findings');
  assert.ok(richer.tags.includes('team:xuxu'));
  // ... and CloudTrail never writes over it.
  await post('event-cloud-trail-create-bucket.json');
  assert.equal((await resource(bucket, org.orgId))!.version, 2);
});

test('CLI: findings and CloudTrail imports create their resources once; importing again creates and changes nothing', async () => {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'steward-referenced-'));
  const env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  const run = async (args: string[]) => {
    const r = await runCli([...args, '--org', 'acme'], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const findingFiles = [
    fixturePath('datadog-recordings', 'List-findings-returns-OK-response.json'),
    fixturePath('datadog-recordings', 'Get-a-finding-returns-OK-response.json'),
  ];
  const trails = [
    fixturePath('cloudtrail', 'stratus-red-team'),
    fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-run-instance-creator.json'),
  ];
  try {
    await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], env);
    // On PostgreSQL two imports of overlapping answers run at once (PGlite's data folder serves one process at a time).
    const imports = [() => run(['import', 'datadog-findings', ...findingFiles]), () => run(['import', 'datadog-findings', findingFiles[0]!])];
    const [both, listOnly] = process.env.DATABASE_URL ? await Promise.all(imports.map((i) => i())) : [await imports[0]!(), await imports[1]!()];
    assert.equal(both.resources_created! + listOnly.resources_created!, 32, JSON.stringify({ both, listOnly }));
    const again = await run(['import', 'datadog-findings', ...findingFiles]);
    assert.deepEqual([again.resources_created, again.resources_updated, again.opened], [0, 0, 0]);

    const trail = await run(['import', 'cloudtrail', ...trails]);
    assert.ok(trail.resources_created! >= 10, JSON.stringify(trail));
    assert.ok(trail.events_new! > 0 && trail.events_new! <= trail.events!, JSON.stringify(trail));
    const trailAgain = await run(['import', 'cloudtrail', ...trails]);
    assert.equal(trailAgain.resources_created, 0);
    // The same records again: read, and none of them new.
    assert.deepEqual([trailAgain.events, trailAgain.events_new], [trail.events, 0]);
    const recompute = await runCli(['ownership', 'recompute', '--org', 'acme', '--all'], env);
    assert.equal(recompute.code, 0, recompute.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test(
  'concurrent imports on PostgreSQL: overlapping findings and CloudTrail events at once neither fail nor duplicate',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL: PGlite runs one transaction at a time' },
  async () => {
    const org = await s.newKeys('racing-imports');
    const bucketEvents = cloudtrail('event-cloud-trail-create-bucket.json');
    const reported = LISTED.filter((f) => f.resource === 'dd-bucket-logs-demo').map((f) => ({ ...f, resource: 'custodian-create-bucket-v4' }));
    const post = (name: string) => s.api('/api/v2/csm/audit_events', { method: 'POST', body: cloudtrail(name), keys: org }).then((r) => r.status);
    const outcomes = await Promise.all([
      importFindings([...LISTED, ...DETAILED], org.orgId),
      importFindings(LISTED, org.orgId),
      importFindings(reported, org.orgId),
      importFindings(reported, org.orgId),
      s.api('/api/v2/csm/audit_events', { method: 'POST', body: bucketEvents, keys: org }).then((r) => r.status),
      s.api('/api/v2/csm/audit_events', { method: 'POST', body: bucketEvents, keys: org }).then((r) => r.status),
      post('event-cloud-trail-run-instance-creator.json'),
      post('event-cloud-trail-run-instance-creator-assumed.json'),
    ]);
    assert.deepEqual(outcomes.slice(4), [202, 202, 202, 202]);
    const resources = await q<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [org.orgId]);
    assert.equal(resources[0]!.n, 34, '32 buckets of the findings, the CloudTrail bucket, the instance');
    // Versions run 1..n with one open version each.
    const versions = await q<{ resource_id: string; versions: number[]; open: number; current: number }>(
      `SELECT v.resource_id, array_agg(v.version ORDER BY v.version) AS versions, count(*) FILTER (WHERE v.valid_to = 9223372036854775807)::int AS open,
         max(r.version) AS current
       FROM resource_versions v JOIN resources r USING (org_id, resource_id) WHERE v.org_id = $1 GROUP BY v.resource_id`,
      [org.orgId],
    );
    assert.equal(versions.length, 34);
    for (const v of versions) {
      assert.deepEqual(
        v.versions,
        Array.from({ length: v.versions.length }, (_, i) => i + 1),
        v.resource_id,
      );
      assert.equal(v.open, 1, v.resource_id);
      assert.equal(Number(v.current), v.versions.length, v.resource_id);
    }
    // Whichever came first, the bucket ends as the findings say it.
    const bucket = (await resource('arn:aws:s3:::custodian-create-bucket-v4', org.orgId))!;
    assert.equal(bucket.source, 'import:datadog-findings');
    assert.ok(bucket.tags.includes('team:xuxu'));
  },
);
