// The synthetic organization's files go through the product's real parsers and say what the model says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import { generateSyntheticOrg } from '../../bench/ownership/synthetic-org.js';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { parseBackstage } from '../../src/ingest/backstage.js';
import { parseServiceDefinitions } from '../../src/ingest/service-definitions.js';
import { recordsOf, toAuditEvent } from '../../src/ingest/cloudtrail.js';
import { parseCodeowners, ownersOf } from '../../src/ingest/codeowners.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { parseDirectoryDocument } from '../../src/ingest/directory-document.js';

const org = generateSyntheticOrg({ resources: 600, seed: 3 });
const { files, model, truth } = org;

test('resources NDJSON parses as cloud_resource items, one per truth entry', () => {
  const lines = files['resources.ndjson'].trim().split('\n');
  assert.equal(lines.length, 600);
  const records = lines.map((line, i) => parseResourceItem(JSON.parse(line), `line ${i + 1}`, 0));
  assert.deepEqual(records.map((r) => r.resource_id).sort(), Object.keys(truth).sort());
  assert.ok(records.every((r) => r.cloud_provider === 'aws'));
});

test('the Backstage catalog gives the teams, the users with emails and memberships, and the Backstage services', () => {
  const catalog = parseBackstage(files['catalog/backstage/catalog-info.yaml'], 'catalog-info.yaml');
  assert.equal(catalog.teams.length, model.teams.length);
  assert.equal(catalog.users.length, model.users.length);
  const someone = model.users[7];
  const parsed = catalog.users.find((u) => u.handle === someone.handle)!;
  assert.equal(parsed.email, someone.email);
  assert.deepEqual(parsed.teams, [...someone.teams].sort());
  const backstageServices = model.services.filter((s) => s.catalog === 'backstage');
  assert.equal(catalog.services.length, backstageServices.length);
  assert.equal(catalog.services.find((s) => s.name === backstageServices[0].name)?.team, backstageServices[0].catalog_team);
});

test('Datadog service definitions v2.2 name the catalog team', () => {
  const ddServices = model.services.filter((s) => s.catalog === 'datadog');
  for (const s of ddServices.slice(0, 20)) {
    const [parsed] = parseServiceDefinitions(files[`catalog/datadog/${s.name}/service.datadog.yaml`], s.name);
    assert.equal(parsed.name, s.name);
    assert.equal(parsed.team, s.catalog_team);
    assert.equal(parsed.schema_version, 'v2.2');
  }
});

test('CloudTrail files resolve to the principals the model used', () => {
  const byId = new Map(model.resources.flatMap((r) => r.events.map((e) => [e.id, e] as const)));
  const users = new Map(model.users.map((u) => [u.handle, u]));
  const forms = new Set<string>();
  let count = 0;
  for (const [path, text] of Object.entries(files).filter(([p]) => p.startsWith('cloudtrail/'))) {
    for (const record of recordsOf(JSON.parse(text), path)) {
      const event = toAuditEvent(record, path);
      const e = byId.get(event.event_id)!;
      forms.add(e.form);
      count++;
      if (e.form === 'sso') assert.equal(event.principal.name, users.get(e.user!)!.email);
      if (e.form === 'assumed_role' || e.form === 'iam_user') assert.equal(event.principal.name, e.user);
      if (e.form === 'sso' || e.form === 'assumed_role' || e.form === 'iam_user')
        assert.equal(event.principal.automation, false, JSON.stringify(event.principal));
      if (e.form === 'github_actions') {
        assert.equal(event.principal.automation, true);
        assert.equal(event.principal.repository, e.repo);
      }
      if (e.form === 'terraform' || e.form === 'shared_role') assert.equal(event.principal.automation, true, JSON.stringify(event.principal));
    }
  }
  assert.equal(count, byId.size);
  assert.deepEqual([...forms].sort(), ['assumed_role', 'github_actions', 'iam_user', 'shared_role', 'sso', 'terraform']);
});

test('CODEOWNERS of the Terraform monorepo give each team folder its owners (last match wins)', () => {
  const rules = parseCodeowners(files['repos/acme/infra-live/.github/CODEOWNERS']);
  const infra = model.repos.find((r) => r.name === 'acme/infra-live')!;
  const rule = infra.rules.find((r) => r.pattern === '/teams/payments/')!;
  const owners = ownersOf(rules, 'teams/payments/prod/main.tf').map((o) => o.ref);
  assert.deepEqual(owners, rule.owners);
});

test('Terraform states parse and carry the resources of their root', () => {
  const manifest = JSON.parse(files['manifest.json']);
  assert.ok(manifest.terraform.length > 0);
  const first = manifest.terraform[0];
  const records = parseTerraformState(JSON.parse(files[first.file]), first.file, { now: 0, iac: { repo: first.repo, path: first.path } });
  const expected = model.resources.filter((r) => r.tf_root === `${first.repo}//${first.path}`);
  assert.equal(records.length, expected.length);
});

test('the preferences CSV has the 12 columns and the model rows', () => {
  const rows = parseCsv(files['preferences.csv'], { columns: true }) as Record<string, string>[];
  assert.equal(Object.keys(rows[0]).length, 12);
  assert.equal(rows.length, model.preferences.length);
  assert.ok(rows.some((r) => r.preference_type === 'exclusion' && r.handle === 'devex' && r.exclusion_type === 'team'));
  assert.ok(rows.some((r) => r.preference_type === 'tag_mapping' && r.confidence === 'low'));
});

test('the HR people list is a directory document that marks the people who left', () => {
  const doc = parseDirectoryDocument(JSON.parse(files['directory/people.json']));
  assert.equal(doc.users.length, model.users.length);
  assert.equal(doc.teams.length, model.teams.length);
  const leavers = model.users
    .filter((u) => !u.active)
    .map((u) => u.handle)
    .sort();
  assert.ok(leavers.length > 0);
  assert.deepEqual(
    doc.users
      .filter((u) => !u.active)
      .map((u) => u.handle)
      .sort(),
    leavers,
  );
});
