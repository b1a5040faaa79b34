import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli } from '../helpers/processes.js';
import { createTestDatabase } from '../helpers/db.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

const item = bucketItem;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await s.server.db.query<{ n: number }>(sql, params)).rows[0]!.n);
}

test('POST resources upserts, evaluates every rule of the type and tags the findings', async () => {
  const id = 'arn:aws:s3:::posture-one';
  const r = await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [item(id)] }) });
  assert.equal(r.status, 200, await r.clone().text());
  const body = (await r.json()) as { data: { attributes: { created: number; findings_opened: number } } };
  assert.equal(body.data.attributes.created, 1);
  const rules = (await runCli(['rules', 'list', '--json'])).stdout;
  const s3Rules = (JSON.parse(rules) as Array<{ resource_type: string }>).filter((x) => x.resource_type === 'aws_s3_bucket').length;
  assert.equal(body.data.attributes.findings_opened, s3Rules);
  const states = (
    await s.server.db.query<{ finding_id: string; tags: string[]; evaluation: string; status: string; resource_discovery_date: number }>(
      `SELECT finding_id, tags, evaluation, status, resource_discovery_date FROM finding_states WHERE org_id = $1 AND resource_id = $2 AND valid_to = 9223372036854775807`,
      [s.orgId, id],
    )
  ).rows;
  assert.equal(states.length, s3Rules);
  for (const st of states) {
    assert.ok(
      st.tags.includes('env:prod') &&
        st.tags.includes('cloud_provider:aws') &&
        st.tags.includes('aws_account:123456789012') &&
        st.tags.includes('region:eu-west-1'),
    );
    assert.ok(
      st.tags.some((t) => t.startsWith('framework:')),
      'rule tags are carried',
    );
    assert.equal(st.resource_discovery_date, 1_700_000_000_000);
  }
  // The same content again writes nothing; the finding ids are stable.
  const again = (await (await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [item(id)] }) })).json()) as {
    data: { attributes: { unchanged: number; findings_opened: number } };
  };
  assert.equal(again.data.attributes.unchanged, 1);
  assert.equal(again.data.attributes.findings_opened, 0);
});

test('a new version flips evaluations with history; delete ends the findings and keeps their history', async () => {
  const id = 'arn:aws:s3:::posture-two';
  await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [item(id)] }) });
  const versioningFinding = async () =>
    (
      await s.server.db.query<{ finding_id: string; evaluation: string; valid_from: number; valid_to: string; evaluation_changed_at: number }>(
        `SELECT finding_id, evaluation, valid_from, valid_to::text, evaluation_changed_at FROM finding_states WHERE org_id = $1 AND resource_id = $2
         AND rule_name ILIKE '%versioning%' ORDER BY valid_from`,
        [s.orgId, id],
      )
    ).rows;
  const before = await versioningFinding();
  assert.equal(before.length, 1);
  assert.equal(before[0]!.evaluation, 'pass');
  const t1 = Date.now();
  await new Promise((r) => setTimeout(r, 5));
  const changed = item(id, { configuration: { name: 'posture-two', versioning: { status: 'Suspended' } }, observed_at: 1_700_000_100_000 });
  await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [changed] }) });
  const afterChange = await versioningFinding();
  assert.equal(afterChange.length, 2);
  assert.equal(afterChange[1]!.evaluation, 'fail');
  assert.equal(afterChange[1]!.evaluation_changed_at, 1_700_000_100_000);
  assert.equal(afterChange[1]!.finding_id, afterChange[0]!.finding_id, 'same finding, new state');
  // The state at t1 is still readable.
  const atT1 = await s.server.db.query<{ evaluation: string }>(
    `SELECT evaluation FROM finding_states WHERE org_id = $1 AND finding_id = $2 AND valid_from <= $3 AND valid_to > $3`,
    [s.orgId, afterChange[0]!.finding_id, t1],
  );
  assert.equal(atT1.rows[0]!.evaluation, 'pass');
  await s.api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: [item(id, { deleted: true })] }) });
  assert.equal(
    await count(`SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND resource_id = $2 AND valid_to = 9223372036854775807`, [
      s.orgId,
      id,
    ]),
    0,
  );
  assert.ok(
    (await count(`SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND resource_id = $2`, [s.orgId, id])) >= 2,
    'history stays',
  );
});

test('a batch with one bad item is rejected whole, naming the item and field', async () => {
  const beforeCount = await count('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [s.orgId]);
  const bad = await s.api('/api/v2/csm/resources', {
    method: 'POST',
    body: JSON.stringify({ data: [item('arn:aws:s3:::ok-one'), item('arn:aws:s3:::bad-one', { cloud_provider: 'oracle' })] }),
  });
  assert.equal(bad.status, 400);
  const err = ((await bad.json()) as { errors: Array<{ source: { pointer: string }; detail: string }> }).errors[0]!;
  assert.equal(err.source.pointer, '/data/1/attributes/cloud_provider');
  assert.equal(await count('SELECT count(*)::int AS n FROM resources WHERE org_id = $1', [s.orgId]), beforeCount);
  const tooMany = await s.api('/api/v2/csm/resources', {
    method: 'POST',
    body: JSON.stringify({ data: Array.from({ length: 1001 }, (_, i) => item(`arn:aws:s3:::b${i}`)) }),
  });
  assert.equal(tooMany.status, 400);
});

test('CLI imports: Terraform states with their root module, AWS Config events, NDJSON all-or-nothing', async () => {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'steward-import-'));
  const env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  try {
    assert.equal((await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], env)).code, 0);
    const tf = await runCli(
      [
        'import',
        'terraform-state',
        fixturePath('terraform-state'),
        '--org',
        'acme',
        '--repo',
        'https://github.com/acme/infra',
        '--path',
        'terraform/prod',
      ],
      env,
    );
    assert.equal(tf.code, 0, tf.stderr);
    const tfSummary = JSON.parse(tf.stdout) as { files: number; created: number; findings_opened: number };
    assert.equal(tfSummary.files, 97);
    assert.ok(tfSummary.created > 150 && tfSummary.findings_opened > 50);
    const cfg = await runCli(['import', 'aws-config', fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-s3.json'), '--org', 'acme'], env);
    // That file is a CloudTrail event, not a Config item: a clear error, not a crash.
    assert.notEqual(cfg.code, 0);
    assert.match(cfg.stderr, /event-cloud-trail-s3\.json/);
    const cfgOk = await runCli(
      [
        'import',
        'aws-config',
        fixturePath('cloudtrail', 'custodian', 'event-config-rule-instance.json'),
        fixturePath('cloudtrail', 'custodian', 'event-config-rule-security-group.json'),
        '--org',
        'acme',
      ],
      env,
    );
    assert.equal(cfgOk.code, 0, cfgOk.stderr);
    assert.equal((JSON.parse(cfgOk.stdout) as { created: number }).created, 2);
    const good = join(dir, 'good.ndjson');
    writeFileSync(good, [item('arn:aws:s3:::nd-one'), item('arn:aws:s3:::nd-two')].map((x) => JSON.stringify(x)).join('\n') + '\n');
    const ok = await runCli(['import', 'resources', good, '--org', 'acme'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { created: number }).created, 2);
    const badFile = join(dir, 'bad.ndjson');
    writeFileSync(
      badFile,
      [JSON.stringify(item('arn:aws:s3:::nd-three')), JSON.stringify(item('arn:aws:s3:::nd-four', { tags: ['no-colon'] })), '{"truncated'].join('\n'),
    );
    const bad = await runCli(['import', 'resources', badFile, '--org', 'acme'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /line 2.*tags/);
    const listed = await runCli(['import', 'resources', good, '--org', 'acme'], env);
    assert.equal((JSON.parse(listed.stdout) as { unchanged: number; created: number }).unchanged, 2, 'nd-three was not written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});
