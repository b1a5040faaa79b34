import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli } from '../helpers/processes.js';
import { createTestDatabase } from '../helpers/db.js';
import { openDb } from '../../src/store/db.js';
import { fixturePath } from '../helpers/fixtures.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { catalogService } from '../helpers/catalog-service.js';
import type { ResourceRecord } from '../../src/posture/resource.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s?.stop());

const q = async <T>(sql: string, params: unknown[] = []) => (await s.server.db.query<T>(sql, params)).rows;

test('PUT directory writes users, teams and memberships; a user absent from a newer import becomes inactive', async () => {
  const doc = {
    source: 'hr',
    users: [
      { handle: 'jane', email: 'jane@example.com', name: 'Jane', teams: ['payments'] },
      { handle: 'omar', email: 'omar@example.com', teams: ['payments'] },
    ],
    teams: [{ handle: 'payments', name: 'Payments' }],
  };
  const r = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(doc) });
  assert.equal(r.status, 200, await r.clone().text());
  const members = await q<{ user_handle: string }>(
    'SELECT user_handle FROM team_members WHERE org_id = $1 AND team_handle = $2 ORDER BY user_handle',
    [s.orgId, 'payments'],
  );
  assert.deepEqual(
    members.map((m) => m.user_handle),
    ['jane', 'omar'],
  );
  const r2 = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify({ ...doc, users: [doc.users[0]] }) });
  assert.equal(r2.status, 200);
  const omar = await q<{ active: boolean; version: number }>('SELECT active, version FROM users WHERE org_id = $1 AND handle = $2', [
    s.orgId,
    'omar',
  ]);
  assert.equal(omar[0]!.active, false, 'kept, inactive');
  assert.equal(omar[0]!.version, 2, 'a new signal version');
  const versions = await q<{ version: number; payload: { active: boolean } }>(
    `SELECT version, payload FROM signal_versions WHERE org_id = $1 AND kind = 'directory_user' AND key = 'omar' ORDER BY version`,
    [s.orgId],
  );
  assert.deepEqual(
    versions.map((v) => v.payload.active),
    [true, false],
    'the evidence as it was stays readable',
  );
  const bad = await s.api('/api/v2/csm/directory', {
    method: 'PUT',
    body: JSON.stringify({ source: 'hr', users: [{ handle: 'x', email: 'not-an-email' }], teams: [] }),
  });
  assert.equal(bad.status, 400);
  const err = ((await bad.json()) as { errors: Array<{ source: { pointer: string } }> }).errors[0]!;
  assert.equal(err.source.pointer, '/users/0/email');
  assert.equal((await q('SELECT 1 FROM users WHERE org_id = $1 AND handle = $2', [s.orgId, 'x'])).length, 0);
  // Two handles one store key (without case) are one user listed twice: a 400 naming the second, not a store error.
  const twice = await s.api('/api/v2/csm/directory', {
    method: 'PUT',
    body: JSON.stringify({ source: 'hr', users: [{ handle: 'Dave' }, { handle: 'dave' }], teams: [] }),
  });
  assert.equal(twice.status, 400, await twice.clone().text());
  assert.equal(((await twice.json()) as { errors: Array<{ source: { pointer: string } }> }).errors[0]!.source.pointer, '/users/1/handle');
  assert.equal((await q('SELECT 1 FROM users WHERE org_id = $1 AND lower(handle) = $2', [s.orgId, 'dave'])).length, 0);
});

test('PUT directory says whom it made inactive: those it stopped listing and those it lists as inactive who were active', async () => {
  const put = async (doc: unknown) => {
    const r = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(doc) });
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { data: { attributes: { deactivated: string[] } } }).data.attributes.deactivated;
  };
  assert.deepEqual(await put({ source: 'people', users: [{ handle: 'dan' }, { handle: 'eve' }, { handle: 'fay' }] }), []);
  assert.deepEqual((await put({ source: 'people', users: [{ handle: 'Dan', active: false }, { handle: 'eve' }] })).sort(), ['Dan', 'fay']);
  // Already inactive: listed so again, nobody is made inactive.
  assert.deepEqual(await put({ source: 'people', users: [{ handle: 'dan', active: false }, { handle: 'eve' }] }), []);
});

test('PUT directory: a team named by two sources in two cases is one team, spelt as first written, with the members of both', async () => {
  const put = async (doc: unknown) => {
    const r = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(doc) });
    assert.equal(r.status, 200, await r.clone().text());
  };
  await put({ source: 'hr', users: [{ handle: 'ann', teams: ['Platform'] }], teams: [{ handle: 'Platform' }] });
  await put({ source: 'okta', users: [{ handle: 'bob', teams: ['platform'] }], teams: [{ handle: 'platform', name: 'Platform team' }] });
  await put({
    source: 'groups',
    users: [],
    teams: [
      { handle: 'platform', name: 'Platform team' },
      { handle: 'platform-web', parent: 'platform' },
    ],
  });
  const teams = await q<{ handle: string; name: string }>("SELECT handle, name FROM teams WHERE org_id = $1 AND lower(handle) = 'platform'", [
    s.orgId,
  ]);
  assert.deepEqual(teams, [{ handle: 'Platform', name: 'Platform team' }]);
  const members = await q<{ team_handle: string; user_handle: string }>(
    "SELECT DISTINCT team_handle, user_handle FROM team_members WHERE org_id = $1 AND lower(team_handle) = 'platform' ORDER BY user_handle",
    [s.orgId],
  );
  assert.deepEqual(members, [
    { team_handle: 'Platform', user_handle: 'ann' },
    { team_handle: 'Platform', user_handle: 'bob' },
  ]);
  const child = await q<{ parent: string }>("SELECT parent FROM teams WHERE org_id = $1 AND handle = 'platform-web'", [s.orgId]);
  assert.deepEqual(child, [{ parent: 'Platform' }]);
  type Listed = { data: { attributes: { users: Array<{ handle: string; teams: string[] }>; teams: Array<{ handle: string }> } } };
  const { attributes } = ((await (await s.api('/api/v2/csm/directory')).json()) as Listed).data;
  assert.deepEqual(
    attributes.teams.filter((t) => t.handle.toLowerCase() === 'platform').map((t) => t.handle),
    ['Platform'],
  );
  assert.deepEqual(
    attributes.users.filter((u) => u.handle === 'ann' || u.handle === 'bob').map((u) => u.teams),
    [['Platform'], ['Platform']],
  );
});

test('PUT directory with no users is not a full list of people: nobody becomes inactive and memberships stay', async () => {
  const doc = { source: 'okta', users: [{ handle: 'rita', teams: ['search'] }], teams: [{ handle: 'search' }] };
  assert.equal((await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify(doc) })).status, 200);
  const r = await s.api('/api/v2/csm/directory', { method: 'PUT', body: JSON.stringify({ source: 'okta', users: [], teams: [] }) });
  assert.equal(r.status, 200, await r.clone().text());
  const { attributes } = ((await r.json()) as { data: { attributes: { users: number; deactivated: string[] } } }).data;
  assert.deepEqual(attributes, { users: 0, teams: 0, deactivated: [] });
  const rita = await q<{ active: boolean }>('SELECT active FROM users WHERE org_id = $1 AND handle = $2', [s.orgId, 'rita']);
  assert.equal(rita[0]!.active, true);
  const members = await q('SELECT 1 FROM team_members WHERE org_id = $1 AND source = $2', [s.orgId, 'okta']);
  assert.equal(members.length, 1);
});

test('POST audit_events resolves principals and resources; a changed signal marks its resources for re-inference', async () => {
  const arn = 'arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0';
  await ingestResources(
    s.server.db,
    s.orgId,
    [
      {
        resource_id: arn,
        resource_type: 'aws_ec2_instance',
        name: 'i-1234567890abcdef0',
        cloud_provider: 'aws',
        account: '123456789012',
        region: 'us-east-1',
        tags: ['service:checkout'],
        configuration: {},
        observed_at: Date.now(),
      },
    ],
    builtInRuleEngine(),
    { source: 'test' },
  );
  await s.server.db.query('DELETE FROM ownership_queue WHERE org_id = $1', [s.orgId]);
  const record = JSON.parse(readFileSync(fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-run-instance-creator-assumed.json'), 'utf8'));
  const r = await s.api('/api/v2/csm/audit_events', { method: 'POST', body: JSON.stringify(record) });
  assert.equal(r.status, 202, await r.clone().text());
  const events = await q<{ principal_name: string; automation: boolean }>('SELECT principal_name, automation FROM audit_events WHERE org_id = $1', [
    s.orgId,
  ]);
  assert.ok(
    events.some((e) => e.principal_name === 'Radiant' && !e.automation),
    'the assumed role resolves to its session name',
  );
  const bad = await s.api('/api/v2/csm/audit_events', { method: 'POST', body: JSON.stringify({ Records: [{ eventName: 'RunInstances' }] }) });
  assert.equal(bad.status, 400);
  // An event named as something every object inherits is an event of no known kind, not a server error.
  for (const [eventSource, eventName] of [
    ['s3.amazonaws.com', '__proto__'],
    ['s3.amazonaws.com', 'hasOwnProperty'],
    ['iam.amazonaws.com', 'valueOf'],
    ['toString', 'toString'],
  ]) {
    const odd = { eventSource, eventName, eventTime: '2024-05-01T10:00:00Z', eventID: `odd-${eventSource}-${eventName}`, awsRegion: 'us-east-1' };
    const answer = await s.api('/api/v2/csm/audit_events', { method: 'POST', body: JSON.stringify({ Records: [odd] }) });
    assert.equal(answer.status, 202, `${eventSource} ${eventName}: ${await answer.clone().text()}`);
  }

  // A catalog change marks the resources tagged with that service.
  const { importServices } = await import('../../src/ownership/signal-imports.js');
  const importCheckout = (readFrom: string) =>
    s.server.db.transaction((tx) => importServices(tx, s.orgId, [catalogService('checkout', 'payments', readFrom)], 'test', Date.now()));
  assert.deepEqual((await importCheckout('catalog/service.datadog.yaml')).changed, ['checkout']);
  // The same file read by another path is the same service: no new version, nothing re-inferred.
  assert.deepEqual((await importCheckout('/srv/checkout/catalog/service.datadog.yaml')).changed, []);
  const queued = await q<{ resource_id: string }>('SELECT resource_id FROM ownership_queue WHERE org_id = $1', [s.orgId]);
  assert.ok(queued.some((x) => x.resource_id === arn));
  const service = await q<{ version: number }>(
    `SELECT max(version) AS version FROM signal_versions WHERE org_id = $1 AND kind = 'service' AND key = 'checkout'`,
    [s.orgId],
  );
  assert.equal(service[0]!.version, 1);
});

test('preferences: PUT validates all or nothing with row and column, GET answers the CSV in force', async () => {
  const header =
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';
  const good = `${header}\n1,tag_mapping,cost-center,cc-42,payments,team,high,,,,,1\n2,exclusion,,,,,,ci-bot,user,,,\n`;
  const put = await s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: good, headers: { 'content-type': 'text/csv' } });
  assert.equal(put.status, 200, await put.clone().text());
  const bad = `${header}\n1,tag_mapping,cost-center,cc-42,payments,squad,high,,,,,1\n2,tag_mapping,env,prod,<script>,team,high,,,,,\n`;
  const rejected = await s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: bad, headers: { 'content-type': 'text/csv' } });
  assert.equal(rejected.status, 400);
  const errors = ((await rejected.json()) as { errors: Array<{ source: { pointer: string } }> }).errors.map((e) => e.source.pointer);
  assert.ok(errors.includes('/rows/1/owner_type'), JSON.stringify(errors));
  assert.ok(errors.includes('/rows/2/owner'), JSON.stringify(errors));
  const current = await s.api('/api/v2/csm/ownership/settings/preferences');
  assert.equal(current.status, 200);
  assert.equal(await current.text(), good, 'the previous set stays in force');
});

test('preferences: the same text again saves no version and re-infers nothing; new text of the same set saves one and re-infers nothing', async () => {
  const header =
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';
  const first = `${header}\n1,tag_mapping,team-tag,tt-1,payments,team,high,,,,,1\n`;
  type Saved = { data: { id: string; attributes: { version: number; rows: number; changed: boolean } } };
  const put = async (csv: string) => {
    const answer = await s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(answer.status, 200, await answer.clone().text());
    return ((await answer.json()) as Saved).data;
  };
  const queued = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM ownership_queue WHERE org_id = $1', [s.orgId]))[0]!.n;
  const resource = {
    resource_id: 'arn:aws:s3:::preferences-bucket',
    resource_type: 'aws_s3_bucket',
    name: 'preferences-bucket',
    cloud_provider: 'aws',
    account: '123456789012',
    region: 'us-east-1',
    tags: ['team-tag:tt-1'],
    configuration: {},
    observed_at: Date.now(),
  } satisfies ResourceRecord;
  await ingestResources(s.server.db, s.orgId, [resource], builtInRuleEngine(), { source: 'test' });
  const live = (await q<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1 AND deleted_at IS NULL', [s.orgId]))[0]!.n;

  const saved = await put(first);
  assert.equal(saved.attributes.changed, true);
  await s.server.db.query('DELETE FROM ownership_queue WHERE org_id = $1', [s.orgId]);
  const again = await put(first);
  assert.deepEqual(again, { ...saved, attributes: { ...saved.attributes, changed: false } });
  assert.equal(await queued(), 0, 'the same set marks nothing');

  const reworded = await put(first.replace('\n', '\r\n'));
  assert.deepEqual(reworded.attributes, { version: saved.attributes.version + 1, rows: 1, changed: false });
  assert.equal(await queued(), 0, 'the same set in other text marks nothing');
  assert.equal(
    await (await s.api('/api/v2/csm/ownership/settings/preferences')).text(),
    first.replace('\n', '\r\n'),
    'the text in force is the last sent',
  );

  const other = await put(first.replace('tt-1', 'tt-2'));
  assert.deepEqual(other.attributes, { version: saved.attributes.version + 2, rows: 1, changed: true });
  assert.equal(await queued(), live, 'a changed set marks every resource');
});

test('CLI backstage: a Kubernetes manifest, an empty file or folder, or Groups alone never deactivate the users or drop memberships', async () => {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'steward-backstage-'));
  const env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  const directory = async () => {
    const store = await openDb({ databaseUrl: db.url, dataDir: env.STEWARD_DATA_DIR });
    try {
      const count = async (sql: string) => (await store.query<{ n: number }>(sql)).rows[0]!.n;
      return {
        active: await count("SELECT count(*)::int AS n FROM users WHERE active AND source = 'backstage'"),
        memberships: await count('SELECT count(*)::int AS n FROM team_members'),
      };
    } finally {
      await store.close();
    }
  };
  const backstage = (...args: string[]) => runCli(['import', 'backstage', ...args, '--org', 'acme'], env);
  try {
    await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], env);
    const full = await backstage(fixturePath('backstage', 'acme'));
    assert.equal(full.code, 0, full.stderr);
    const before = await directory();
    assert.equal(before.active, 16);

    const manifest = join(dir, 'deployment.yaml');
    writeFileSync(manifest, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    const rejected = await backstage(manifest);
    assert.equal(rejected.code, 1);
    assert.match(
      rejected.stderr,
      /deployment\.yaml document 1, field apiVersion: is apps\/v1: this Deployment is not a Backstage entity, whose apiVersion is backstage\.io\/\.\.\./,
    );
    const skipped = await backstage(manifest, '--skip-invalid');
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /skipped .*deployment\.yaml document 1, field apiVersion/);
    assert.deepEqual(JSON.parse(skipped.stdout), { files: 1, users: 0, deactivated: [], teams: 0, services: 0, skipped: 1 });

    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '# nothing yet\n');
    const emptyFolder = join(dir, 'catalog');
    mkdirSync(emptyFolder);
    for (const input of [empty, emptyFolder]) {
      const run = await backstage(input);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr, `steward: no Backstage entities in ${input}: nothing was changed\n`);
      // The service definitions importer says the same of such an input, instead of importing nothing with success.
      const definitions = await runCli(['import', 'service-definitions', input, '--org', 'acme'], env);
      assert.equal(definitions.code, 2, definitions.stderr);
      assert.equal(definitions.stderr, `steward: no service definitions in ${input}: nothing was changed\n`);
    }

    const groups = join(dir, 'groups.yaml');
    writeFileSync(groups, 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: search }\nspec: { type: team, members: [guest] }\n');
    const groupsOnly = await backstage(groups);
    assert.equal(groupsOnly.code, 0, groupsOnly.stderr);
    assert.deepEqual(JSON.parse(groupsOnly.stdout), { files: 1, users: 0, deactivated: [], teams: 1, services: 0 });
    assert.deepEqual(await directory(), { active: 16, memberships: before.memberships + 1 }, 'memberships are added to, not replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test('CLI: Backstage, service definitions, CloudTrail (folder, gzip, streamed) and CODEOWNERS on the real fixtures; broken input writes nothing', async () => {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'steward-signals-'));
  const env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  try {
    await runCli(['keys', 'create', '--org', 'acme', '--user', 'alice', '--json'], env);
    const bs = await runCli(['import', 'backstage', fixturePath('backstage', 'acme'), '--org', 'acme'], env);
    assert.equal(bs.code, 0, bs.stderr);
    const bsSummary = JSON.parse(bs.stdout) as { users: number; teams: number };
    assert.ok(bsSummary.users >= 5 && bsSummary.teams >= 5);
    const sd = await runCli(
      ['import', 'service-definitions', fixturePath('service-definitions'), fixturePath('backstage', 'components'), '--org', 'acme'],
      env,
    );
    assert.equal(sd.code, 0, sd.stderr);
    assert.ok((JSON.parse(sd.stdout) as { services: number }).services >= 15);

    const gz = join(dir, 'trail.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixturePath('cloudtrail', 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json'))));
    const ct = await runCli(
      [
        'import',
        'cloudtrail',
        fixturePath('cloudtrail', 'stratus-red-team'),
        gz,
        fixturePath('cloudtrail', 'custodian', 'event-cloud-trail-run-instance-creator.json'),
        '--org',
        'acme',
      ],
      env,
    );
    assert.equal(ct.code, 0, ct.stderr);
    assert.ok((JSON.parse(ct.stdout) as { events: number }).events > 100);

    const truncated = join(dir, 'truncated.json');
    writeFileSync(
      truncated,
      readFileSync(fixturePath('cloudtrail', 'stratus-red-team', 'aws.persistence.iam-create-admin-user.json'), 'utf8').slice(0, 700),
    );
    const broken = await runCli(['import', 'cloudtrail', truncated, '--org', 'acme'], env);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /truncated\.json/);

    const co = await runCli(
      [
        'import',
        'codeowners',
        fixturePath('codeowners', 'mojmp-environments.CODEOWNERS'),
        '--repo',
        'https://github.com/ministryofjustice/modernisation-platform-environments',
        '--org',
        'acme',
      ],
      env,
    );
    assert.equal(co.code, 0, co.stderr);
    const badOwners = join(dir, 'CODEOWNERS');
    writeFileSync(badOwners, '* @acme/platform\n/terraform/ not-an-owner\n');
    const badCo = await runCli(['import', 'codeowners', badOwners, '--repo', 'acme/other', '--org', 'acme'], env);
    assert.notEqual(badCo.code, 0);
    assert.match(badCo.stderr, /line 2/);

    const prefs = join(dir, 'prefs.csv');
    writeFileSync(
      prefs,
      'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority\n1,tag_mapping,env,,platform,team,maybe,,,,,\n',
    );
    const badPrefs = await runCli(['import', 'preferences', prefs, '--org', 'acme'], env);
    assert.notEqual(badPrefs.code, 0);
    assert.match(badPrefs.stderr, /row 1.*column confidence/);

    const rec = await runCli(['ownership', 'recompute', '--org', 'acme', '--all'], env);
    assert.equal(rec.code, 0, rec.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test('a signal version is never observed before the one it follows: a writer that waited its turn keeps the order', async () => {
  const { orgId } = await s.newKeys('signal-clock-org');
  const header =
    'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';
  const csv = (value: string) => `${header}\n1,tag_mapping,team-tag,${value},payments,team,high,,,,,1\n`;
  const { importPreferences } = await import('../../src/ownership/signal-imports.js');
  // The second writer read its clock first, then waited for the first.
  const later = Date.now() + 60_000;
  await s.server.db.transaction((tx) => importPreferences(tx, orgId, csv('a'), null, later));
  await s.server.db.transaction((tx) => importPreferences(tx, orgId, csv('b'), null, later - 500));
  const saved = await q<{ version: number; created_at: number }>(
    'SELECT version, created_at FROM ownership_preferences WHERE org_id = $1 ORDER BY version',
    [orgId],
  );
  assert.deepEqual(
    saved.map((r) => Number(r.created_at)),
    [later, later],
  );
  const observed = await q<{ observed_at: number }>(
    "SELECT observed_at FROM signal_versions WHERE org_id = $1 AND kind = 'preferences' ORDER BY version",
    [orgId],
  );
  assert.deepEqual(
    observed.map((r) => Number(r.observed_at)),
    [later, later],
  );
});
