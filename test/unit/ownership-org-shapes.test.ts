// The synthetic organization in several shapes: each generates deterministically, differs from the baseline the way
// its description says (measured on what was generated), keeps a consistent truth, and renders files the importers read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  generateSyntheticOrg,
  measureOrg,
  ORG_SHAPES,
  shapeSummary,
  SYNTHETIC_NOISE,
  type OrgMeasures,
  type OrgModel,
  type SyntheticOrg,
} from '../../bench/ownership/synthetic-org.js';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { parseBackstage } from '../../src/ingest/backstage.js';
import { parseServiceDefinitions } from '../../src/ingest/service-definitions.js';
import { recordsOf, toAuditEvent } from '../../src/ingest/cloudtrail.js';
import { parseCodeowners } from '../../src/ingest/codeowners.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { parseDirectoryDocument } from '../../src/ingest/directory-document.js';
import { parsePreferences } from '../../src/ingest/preferences-csv.js';
import { evidenceFor, indexModel } from '../../bench/ownership/evidence-from-model.js';

const digest = (org: SyntheticOrg) =>
  createHash('sha256').update(JSON.stringify(org.model)).update(JSON.stringify(org.files)).update(JSON.stringify(org.truth)).digest('hex');
// The baseline organization of 200 resources, seed 42, as generated before organization shapes existed.
const BASELINE_200_SEED_42 = 'd6f3f57779eaa8f403fac47ba95e9e7d7769f8a250d10e5913850131fc883850';

test('the registry names at least five shapes, each with a one-sentence description and shares that add up', () => {
  assert.ok(ORG_SHAPES.length >= 6, `${ORG_SHAPES.length} shapes`);
  assert.equal(new Set(ORG_SHAPES.map((s) => s.name)).size, ORG_SHAPES.length);
  assert.equal(ORG_SHAPES[0].name, 'baseline');
  assert.equal(ORG_SHAPES[0].noise, SYNTHETIC_NOISE);
  for (const s of ['sparse-tags', 'platform-built', 'high-churn', 'small-startup', 'noisy-catalog', 'untagged'])
    assert.ok(
      ORG_SHAPES.some((x) => x.name === s),
      s,
    );
  for (const shape of ORG_SHAPES) {
    assert.match(shape.description, /^[A-Z][^.!?]*\.$/, `${shape.name}: one sentence`);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(shape.noise.creator) - 1) < 1e-9, `${shape.name} creator shares`);
    assert.ok(Math.abs(sum(shape.noise.human_creator) - 1) < 1e-9, `${shape.name} human creator shares`);
  }
  // The reporter measured on 2,000 resources of 5 types, 13 teams and 57 people.
  assert.ok(
    ORG_SHAPES.some((s) => s.sizes.resources === 2_000 && s.sizes.resource_types.length === 5 && s.sizes.teams === 13 && s.sizes.people === 57),
  );
  assert.throws(() => generateSyntheticOrg({ shape: 'no-such-shape', resources: 10 }), /unknown organization shape "no-such-shape"/);
});

test('the baseline generates exactly what it generated before shapes, whichever way it is asked for', () => {
  assert.equal(digest(generateSyntheticOrg({ resources: 200, seed: 42 })), BASELINE_200_SEED_42);
  assert.equal(digest(generateSyntheticOrg({ resources: 200, seed: 42, shape: 'baseline' })), BASELINE_200_SEED_42);
  assert.equal(digest(generateSyntheticOrg({ resources: 200, seed: 42, shape: ORG_SHAPES[0] })), BASELINE_200_SEED_42);
  assert.notEqual(digest(generateSyntheticOrg({ resources: 200, seed: 43 })), BASELINE_200_SEED_42);
});

test('every shape generates the same organization for a seed and another for another seed', () => {
  for (const shape of ORG_SHAPES) {
    const a = generateSyntheticOrg({ shape: shape.name, resources: 300, seed: 5 });
    const b = generateSyntheticOrg({ shape: shape.name, resources: 300, seed: 5 });
    const c = generateSyntheticOrg({ shape: shape.name, resources: 300, seed: 6 });
    assert.equal(digest(a), digest(b), shape.name);
    assert.notDeepEqual(a.truth, c.truth, shape.name);
  }
});

// Every shape at its own default size, for three seeds: the sizes it states and its measured properties.
const SEEDS = [1, 2, 3];
const measured = new Map(
  ORG_SHAPES.map((shape) => [shape.name, SEEDS.map((seed) => measureOrg(generateSyntheticOrg({ shape, seed, modelOnly: true }).model))]),
);

test('every shape has the sizes it states', () => {
  for (const shape of ORG_SHAPES) {
    for (const m of measured.get(shape.name)!) {
      assert.deepEqual(
        [m.teams, m.people, m.services, m.resources, m.accounts, m.resource_types],
        [shape.sizes.teams, shape.sizes.people, shape.sizes.services, shape.sizes.resources, shape.sizes.accounts, shape.sizes.resource_types.length],
        shape.name,
      );
    }
  }
});

type Direction = [keyof OrgMeasures, 'above' | 'below', number?];
/** How each shape differs from the baseline, per its description; with a floor or ceiling where it names a figure. */
const DIRECTIONS: Record<string, Direction[]> = {
  'sparse-tags': [
    ['team_tagged', 'below', 0.15],
    ['owner_tagged', 'below', 0.05],
    ['stale_team_tags', 'above', 0.2],
    ['stale_owner_tags', 'above', 0.1],
  ],
  'platform-built': [
    ['automation_created', 'above', 0.65],
    ['platform_created_for_others', 'above', 0.2],
    ['team_tagged', 'below', 0.3],
  ],
  'high-churn': [
    ['inactive_people', 'above', 0.2],
    ['stale_catalog', 'above', 0.2],
    ['stale_codeowners', 'above', 0.2],
    ['stale_team_tags', 'above'],
  ],
  'small-startup': [
    ['team_tagged', 'above', 0.8],
    ['owner_tagged', 'above', 0.4],
    ['uncatalogued', 'above', 0.5],
  ],
  'noisy-catalog': [
    ['stale_catalog', 'above', 0.25],
    ['uncatalogued', 'above', 0.25],
  ],
  untagged: [
    ['team_tagged', 'below', 0],
    ['owner_tagged', 'below', 0],
  ],
};

test('each shape differs from the baseline in the direction its description says, measured on the generated organization', () => {
  const baseline = measured.get('baseline')!;
  for (const [name, directions] of Object.entries(DIRECTIONS)) {
    measured.get(name)!.forEach((m, i) => {
      for (const [key, way, bound] of directions) {
        const [value, base] = [m[key], baseline[i][key]];
        const label = `${name} seed ${SEEDS[i]}: ${key} ${value.toFixed(3)} vs baseline ${base.toFixed(3)}`;
        assert.ok(way === 'above' ? value > base : value < base, label);
        if (bound !== undefined) assert.ok(way === 'above' ? value >= bound : value <= bound, `${label}, bound ${bound}`);
      }
    });
  }
  // The axes a shape does not name stay near the baseline's: sparse tags leave the catalog alone, churn leaves tagging alone.
  assert.ok(Math.abs(measured.get('high-churn')![0].team_tagged - baseline[0].team_tagged) < 0.05);
  assert.equal(measured.get('sparse-tags')![0].uncatalogued, 0);
});

test('the measures count what the model holds', () => {
  const model: OrgModel = {
    ...generateSyntheticOrg({ shape: 'small-startup', resources: 0, seed: 1, modelOnly: true }).model,
    resources: [],
  };
  const resource = (tags: string[], team: string, events: OrgModel['resources'][number]['events'] = []) => ({
    arn: `arn:aws:sqs:us-east-1:111122223333:q-${model.resources.length}`,
    resource_type: 'aws_sqs_queue' as const,
    native_id: `q-${model.resources.length}`,
    name: `q-${model.resources.length}`,
    account: '111122223333',
    region: 'us-east-1',
    tags,
    observed_at: 0,
    events,
    truth: { team },
  });
  const platformPerson = model.users.find((u) => u.teams.includes('platform') && !u.teams.includes('payments'))!;
  model.resources.push(
    resource(['team:payments'], 'payments'),
    resource(['dd-team:checkout', `owner:${platformPerson.email}`], 'payments'),
    resource(['env:prod'], 'payments', [{ id: 'e1', time: '', action: 'create', form: 'sso', user: platformPerson.handle }]),
    resource([], 'payments', [{ id: 'e2', time: '', action: 'create', form: 'terraform' }]),
  );
  const m = measureOrg(model);
  assert.equal(m.team_tagged, 0.5);
  assert.equal(m.stale_team_tags, 0.5);
  assert.equal(m.owner_tagged, 0.25);
  assert.equal(m.stale_owner_tags, 1);
  assert.equal(m.automation_created, 0.25);
  assert.equal(m.platform_created_for_others, 0.25);
  model.users = model.users.map((u, i) => ({ ...u, active: i % 3 !== 0 }));
  assert.equal(measureOrg(model).inactive_people, model.users.filter((_, i) => i % 3 === 0).length / model.users.length);
});

// Each shape at a small size, with its files.
const orgs = ORG_SHAPES.map((shape) => ({ shape, org: generateSyntheticOrg({ shape, resources: 400, seed: 4 }) }));

test('the truth of every shape is consistent with its directory and catalog', () => {
  for (const { shape, org } of orgs) {
    const { model, truth } = org;
    const teams = new Set(model.teams.map((t) => t.handle));
    const users = new Map(model.users.map((u) => [u.handle, u]));
    const services = new Map(model.services.map((s) => [s.name, s]));
    const repos = new Set(model.repos.map((r) => r.name));
    const roots = new Set(model.tf_roots.map((r) => r.id));
    assert.deepEqual(Object.keys(truth).sort(), model.resources.map((r) => r.arn).sort(), `${shape.name}: one truth per resource`);
    assert.equal(new Set(model.resources.map((r) => r.arn)).size, model.resources.length, `${shape.name}: unique ARNs`);
    for (const t of model.teams)
      assert.ok(
        model.users.some((u) => u.active && u.teams.includes(t.handle)),
        `${shape.name}: ${t.handle} has someone`,
      );
    for (const s of model.services) assert.ok(teams.has(s.team) && teams.has(s.catalog_team), `${shape.name}: ${s.name}`);
    for (const r of model.resources) {
      const t = truth[r.arn];
      const where = `${shape.name} ${r.arn}`;
      assert.ok(teams.has(t.team), `${where}: team ${t.team}`);
      if (t.user !== undefined) {
        const u = users.get(t.user);
        assert.ok(u?.active && u.teams.includes(t.team), `${where}: user ${t.user} is an active member of ${t.team}`);
      }
      if (t.service !== undefined) assert.equal(services.get(t.service)?.team, t.team, `${where}: service ${t.service}`);
      for (const e of r.events) {
        if (e.user !== undefined) assert.ok(users.has(e.user), `${where}: event user ${e.user}`);
        if (e.repo !== undefined) assert.ok(repos.has(e.repo), `${where}: event repository ${e.repo}`);
      }
      if (r.tf_root !== undefined) assert.ok(roots.has(r.tf_root), `${where}: Terraform root ${r.tf_root}`);
    }
    assert.ok(
      Object.values(truth).some((t) => t.service === undefined),
      `${shape.name}: resources of no service`,
    );
  }
});

test('the files of every shape go through the importers’ parsers and say what the model says', () => {
  for (const { shape, org } of orgs) {
    const { files, model } = org;
    const at = (what: string) => `${shape.name}: ${what}`;
    const lines = files['resources.ndjson'].trim().split('\n');
    assert.equal(lines.map((line, i) => parseResourceItem(JSON.parse(line), `line ${i + 1}`, 0)).length, model.resources.length, at('resources'));

    const catalog = parseBackstage(files['catalog/backstage/catalog-info.yaml'], 'catalog-info.yaml');
    assert.equal(catalog.teams.length, model.teams.length, at('teams'));
    assert.equal(catalog.users.length, model.users.length, at('users'));
    const listed = (where: string) => model.services.filter((s) => s.catalog === where);
    assert.deepEqual(
      catalog.services.map((s) => [s.name, s.team]).sort(),
      listed('backstage')
        .map((s) => [s.name, s.catalog_team])
        .sort(),
      at('Backstage components'),
    );
    const definitions = Object.entries(files).filter(([p]) => p.startsWith('catalog/datadog/'));
    assert.deepEqual(
      definitions.flatMap(([p, text]) => parseServiceDefinitions(text, p).map((s) => [s.name, s.team])).sort(),
      listed('datadog')
        .map((s) => [s.name, s.catalog_team])
        .sort(),
      at('service definitions'),
    );

    const events = new Map(model.resources.flatMap((r) => r.events.map((e) => [e.id, e] as const)));
    let records = 0;
    for (const [path, text] of Object.entries(files).filter(([p]) => p.startsWith('cloudtrail/'))) {
      for (const record of recordsOf(JSON.parse(text), path)) {
        const event = toAuditEvent(record, path);
        const e = events.get(event.event_id)!;
        records++;
        assert.equal(event.principal.automation, !e.user, at(`automation of ${e.form}`));
        if (e.form === 'github_actions') assert.equal(event.principal.repository, e.repo, at('pipeline repository'));
      }
    }
    assert.equal(records, events.size, at('CloudTrail records'));

    for (const repo of model.repos) {
      const rules = parseCodeowners(files[`repos/${repo.name}/.github/CODEOWNERS`]);
      assert.deepEqual(
        rules.map((r) => r.owners.map((o) => o.ref)),
        repo.rules.map((r) => r.owners),
        at(`CODEOWNERS of ${repo.name}`),
      );
    }

    const manifest = JSON.parse(files['manifest.json']) as { terraform: { file: string; repo: string; path: string }[] };
    const lineages = new Set<string>();
    for (const t of manifest.terraform) {
      const doc = JSON.parse(files[t.file]);
      lineages.add(doc.lineage);
      const parsed = parseTerraformState(doc, t.file, { now: 0, iac: { repo: t.repo, path: t.path } });
      assert.deepEqual(
        parsed.map((r) => r.resource_id).sort(),
        model.resources
          .filter((r) => r.tf_root === `${t.repo}//${t.path}`)
          .map((r) => r.arn)
          .sort(),
        at(`state ${t.file}`),
      );
    }
    assert.equal(lineages.size, manifest.terraform.length, at('one lineage per state'));
    assert.equal(
      manifest.terraform.length,
      new Set(model.resources.flatMap((r) => (r.tf_root ? [r.tf_root] : []))).size,
      at('a state per root in use'),
    );

    const prefs = parsePreferences(files['preferences.csv']);
    assert.equal(prefs.tag_mappings.length + prefs.exclusions.length + prefs.prompt_texts.length, model.preferences.length, at('preferences'));
    assert.equal((parseCsv(files['preferences.csv'], { columns: true }) as unknown[]).length, model.preferences.length);
    const people = parseDirectoryDocument(JSON.parse(files['directory/people.json']));
    assert.deepEqual(
      people.users
        .filter((u) => !u.active)
        .map((u) => u.handle)
        .sort(),
      model.users
        .filter((u) => !u.active)
        .map((u) => u.handle)
        .sort(),
      at('leavers'),
    );
  }
});

test('a service with no catalog entry gives the in-memory engine no catalog evidence and no known name, as after the importers', () => {
  const { model } = orgs.find((o) => o.shape.name === 'small-startup')!.org;
  const index = indexModel(model);
  const missing = new Set(model.services.filter((s) => s.catalog === 'none').map((s) => s.name));
  assert.ok(missing.size > 0);
  const tagged = model.resources.filter((r) => r.tags.some((t) => missing.has(t.slice(t.indexOf(':') + 1))));
  assert.ok(tagged.length > 0);
  for (const r of tagged) {
    const evidence = evidenceFor(index, r);
    assert.ok(evidence.catalog!.every((c) => !missing.has(c.service)));
    assert.ok(evidence.naming!.services!.every((name) => !missing.has(name)));
    assert.equal(evidence.directory!.population!.service, model.services.length - missing.size);
  }
});

test('a shape summary gives the benchmark the description and the generated figures', () => {
  const { shape, org } = orgs.find((o) => o.shape.name === 'sparse-tags')!;
  const summary = shapeSummary(shape, org.model);
  const m = measureOrg(org.model);
  assert.ok(summary.startsWith('`sparse-tags` (13 teams, 57 people, 40 services, 400 resources of 5 types in 3 accounts): '), summary);
  assert.ok(summary.includes(shape.description), summary);
  assert.ok(summary.includes(`team tags on ${(100 * m.team_tagged).toFixed(1)}% of resources`), summary);
});
