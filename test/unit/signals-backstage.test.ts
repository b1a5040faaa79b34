import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { ownerRefOf, parseBackstage, parseBackstageEntities, parseBackstageFiles } from '../../src/ingest/backstage.js';
import { RecordError } from '../../src/posture/resource.js';

function allFixtureFiles() {
  return ['acme', 'components', 'resources', 'systems'].flatMap((folder) =>
    readdirSync(fixturePath('backstage', folder))
      .sort()
      .map((name) => ({ text: readFileSync(fixturePath('backstage', folder, name), 'utf8'), source: `${folder}/${name}` })),
  );
}

const catalog = parseBackstageFiles(allFixtureFiles());
const team = (handle: string) => catalog.teams.find((t) => t.handle === handle);
const user = (handle: string) => catalog.users.find((u) => u.handle === handle);
const service = (name: string) => catalog.services.find((s) => s.name === name);

test("acme org: teams with their parents, from spec.parent and from a parent group's spec.children", () => {
  assert.deepEqual(catalog.teams.map((t) => t.handle).sort(), [
    'acme-corp',
    'backstage',
    'boxoffice',
    'infrastructure',
    'team-a',
    'team-b',
    'team-c',
    'team-d',
    'team-e',
  ]);
  assert.equal(team('acme-corp')?.parent, undefined);
  assert.equal(team('infrastructure')?.parent, 'acme-corp');
  assert.equal(team('backstage')?.parent, 'infrastructure');
  assert.equal(team('boxoffice')?.parent, 'infrastructure');
  assert.equal(team('team-a')?.parent, 'backstage');
  assert.equal(team('team-d')?.parent, 'boxoffice');
  assert.equal(team('team-e')?.parent, 'boxoffice');
  // Display names from spec.profile.displayName; team-a has none on purpose and keeps its handle.
  assert.equal(team('backstage')?.name, 'Backstage');
  assert.equal(team('team-b')?.name, 'Team B');
  assert.equal(team('team-a')?.name, 'team-a');
});

test('acme org: users, emails, display names and memberships', () => {
  assert.equal(catalog.users.length, 16); // 4 + 5 + 5 + 2, guest once
  assert.deepEqual(team('team-a')?.members, ['breanna.davison', 'guest', 'janelle.dawe', 'nigel.manning']);
  assert.deepEqual(team('team-b')?.members, ['amelia.park', 'colette.brock', 'jenny.doe', 'jonathon.page', 'justine.barrow']);
  assert.deepEqual(team('team-d')?.members, ['eva.macdowell', 'lucy.sheehan']);
  assert.deepEqual(team('infrastructure')?.members, []);
  assert.deepEqual(user('janelle.dawe'), {
    handle: 'janelle.dawe',
    email: 'janelle-dawe@example.com',
    display_name: 'Janelle Dawe',
    active: true,
    teams: ['team-a'],
  });
  assert.equal(user('breanna.davison')?.display_name, undefined);
  // `guest` is defined twice (namespaces default and development, the second with memberOf group:default/team-a): one user.
  assert.deepEqual(user('guest'), { handle: 'guest', email: 'guest@example.com', display_name: 'Guest User', active: true, teams: ['team-a'] });
});

test('catalog services: owners, systems, tags, kinds', () => {
  assert.equal(catalog.services.length, 16);
  const lookup = service('artist-lookup');
  assert.equal(lookup?.team, 'team-a');
  assert.deepEqual(lookup?.owner, { kind: 'team', handle: 'team-a' });
  assert.equal(lookup?.system, 'artist-engagement-portal');
  assert.deepEqual(lookup?.tags, ['java', 'data']);
  assert.equal(lookup?.kind, 'Component');
  assert.equal(lookup?.source, 'components/artist-lookup-component.yaml');
  assert.equal(lookup?.links.length, 7);
  // `owner: user:guest` is a user owner, no team.
  assert.deepEqual(service('playback-order')?.owner, { kind: 'user', handle: 'guest' });
  assert.equal(service('playback-order')?.team, undefined);
  assert.equal(service('playback-order')?.system, 'audio-playback');
  assert.equal(service('dream11-svc')?.team, 'sre');
  assert.equal(service('petstore')?.team, 'team-c');
  assert.equal(service('artists-db')?.kind, 'Resource');
  assert.equal(service('artists-db')?.team, 'team-a');
  assert.equal(service('audio-playback')?.kind, 'System');
  assert.equal(service('audio-playback')?.team, 'team-c');
  assert.deepEqual(service('artist-engagement-portal')?.tags, ['portal']);
  // The fixture's podcast System is owned by `user:team-b`: taken as written, a user reference.
  assert.deepEqual(service('podcast')?.owner, { kind: 'user', handle: 'team-b' });
});

test('one file alone: the Location document is skipped, memberships inside the file resolve', () => {
  const one = parseBackstage(readFileSync(fixturePath('backstage', 'acme', 'org.yaml'), 'utf8'), 'org.yaml');
  assert.deepEqual(
    one.teams.map((t) => t.handle),
    ['acme-corp'],
  );
  assert.equal(one.users.length, 0);
  assert.equal(one.services.length, 0);
});

test('owner references resolve to handles', () => {
  assert.deepEqual(ownerRefOf('group:default/team-a'), { kind: 'team', handle: 'team-a' });
  assert.deepEqual(ownerRefOf('group:team-a'), { kind: 'team', handle: 'team-a' });
  assert.deepEqual(ownerRefOf('user:guest'), { kind: 'user', handle: 'guest' });
  assert.deepEqual(ownerRefOf('user:default/guest'), { kind: 'user', handle: 'guest' });
  assert.deepEqual(ownerRefOf('team-a'), { kind: 'team', handle: 'team-a' });
});

test('entity names compare without case, as in Backstage: one User or Group however spelt, references in any case reach it', () => {
  const text = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: Payments }
spec: { type: team, members: [user:default/FRANK], children: [group:default/Checkout] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: checkout }
spec: { type: team }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: Frank }
spec: { profile: { email: frank@example.com }, memberOf: [group:default/payments] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: frank }
spec: { profile: { displayName: Frank Li }, memberOf: [CHECKOUT, group:default/Elsewhere] }
`;
  const { users, teams } = parseBackstage(text, 'case.yaml');
  assert.deepEqual(users, [
    { handle: 'Frank', email: 'frank@example.com', display_name: 'Frank Li', active: true, teams: ['Elsewhere', 'Payments', 'checkout'] },
  ]);
  assert.deepEqual(teams, [
    { handle: 'Payments', name: 'Payments', members: ['Frank'] },
    { handle: 'checkout', name: 'checkout', parent: 'Payments', members: ['Frank'] },
  ]);
});

test('memberships from both sides are merged without duplicates; children give parents; annotations give repositories', () => {
  const text = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform }
spec: { type: team, members: [user:default/ann, bob], children: [group:default/sre] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sre }
spec: { type: team }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ann }
spec: { memberOf: [platform, group:default/sre] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: {}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations:
    github.com/project-slug: acme/billing
    backstage.io/source-location: url:https://gitlab.com/acme/billing-infra/
spec: { owner: group:default/platform, system: system:default/payments }
`;
  const result = parseBackstage(text, 'inline.yaml');
  const platform = result.teams.find((t) => t.handle === 'platform');
  assert.deepEqual(platform?.members, ['ann', 'bob']);
  assert.equal(result.teams.find((t) => t.handle === 'sre')?.parent, 'platform');
  assert.deepEqual(result.teams.find((t) => t.handle === 'sre')?.members, ['ann']);
  assert.deepEqual(result.users.find((u) => u.handle === 'ann')?.teams, ['platform', 'sre']);
  assert.deepEqual(result.users.find((u) => u.handle === 'bob')?.teams, ['platform']);
  const billing = result.services[0];
  assert.equal(billing.team, 'platform');
  assert.equal(billing.system, 'payments');
  assert.deepEqual(billing.repositories, [
    { name: 'acme/billing', url: 'https://github.com/acme/billing', provider: 'github' },
    { url: 'https://gitlab.com/acme/billing-infra', provider: 'gitlab' },
  ]);
});

test('a document without a name is a RecordError naming the document and field', () => {
  const text =
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: a }\n---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {}\n';
  assert.throws(
    () => parseBackstage(text, 'bad.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'bad.yaml document 2' && error.field === 'metadata.name',
  );
  assert.throws(
    () => parseBackstage('kind: User\nmetadata: { name: [x\n', 'broken.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'broken.yaml document 1',
  );
});

test('a document that is not a Backstage entity (another apiVersion, or none) is a RecordError naming the document and apiVersion', () => {
  const manifest =
    'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: a }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n';
  assert.throws(
    () => parseBackstage(manifest, 'k8s.yaml'),
    (error: unknown) =>
      error instanceof RecordError &&
      error.place === 'k8s.yaml document 2' &&
      error.field === 'apiVersion' &&
      /apps\/v1: this Deployment is not a Backstage entity/.test(error.message),
  );
  assert.throws(
    () => parseBackstage('kind: User\nmetadata: { name: ann }\n', 'bare.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'bare.yaml document 1' && error.field === 'apiVersion',
  );
  const skipped: RecordError[] = [];
  const entities = parseBackstageEntities(manifest, 'k8s.yaml', (error) => skipped.push(error));
  assert.deepEqual(
    entities.map((e) => e.name),
    ['a'],
  );
  assert.equal(skipped.length, 1);
});

test('a name Backstage itself refuses is a RecordError naming the field: handles people read and pick stay plain', () => {
  const entity = (kind: string, name: string, spec = '{}') =>
    `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata: { name: ${JSON.stringify(name)} }\nspec: ${spec}\n`;
  for (const name of ['pay\u200bments', '\u202edetcejer', 'platform team', 'a--b', '-lead', 'trail.', 'x'.repeat(64), 'sign`in']) {
    assert.throws(
      () => parseBackstage(entity('Group', name), 'names.yaml'),
      (error: unknown) => error instanceof RecordError && error.field === 'metadata.name' && /entity name rule/.test(error.message),
      JSON.stringify(name),
    );
  }
  // The references a catalog makes name entities too.
  for (const [kind, spec, field] of [
    ['User', '{ memberOf: ["group:default/pay\\u200bments"] }', 'spec.memberOf'],
    ['Group', '{ members: ["an n"] }', 'spec.members'],
    ['Group', '{ parent: "top team" }', 'spec.parent'],
    ['Group', '{ children: ["kid\\u202e"] }', 'spec.children'],
    ['Component', '{ owner: "group:pay ments", type: service }', 'spec.owner'],
    ['Component', '{ owner: payments, system: "core system", type: service }', 'spec.system'],
  ] as const) {
    assert.throws(
      () => parseBackstage(entity(kind, 'fine-name', spec), 'refs.yaml'),
      (error: unknown) => error instanceof RecordError && error.field === field,
      `${kind} ${spec}`,
    );
  }
  const ok = parseBackstage(entity('Group', 'Team_A.1-x', '{ members: ["user:default/ann.lee"] }'), 'ok.yaml');
  assert.deepEqual(
    ok.teams.map((t) => [t.handle, t.members]),
    [['Team_A.1-x', ['ann.lee']]],
  );
  assert.equal(parseBackstage(entity('Group', 'x'.repeat(63)), 'long.yaml').teams.length, 1);
});

test('an entity or owner name YAML reads as a number is refused, not read as another name', () => {
  for (const [doc, field] of [
    ['kind: Group\nmetadata: { name: 007 }\nspec: { type: team }', 'metadata.name'],
    ['kind: Component\nmetadata: { name: api }\nspec: { type: service, owner: 0x1F }', 'spec.owner'],
    ['kind: Group\nmetadata: { name: sre }\nspec: { type: team, parent: 12 }', 'spec.parent'],
  ] as const) {
    assert.throws(
      () => parseBackstage(`apiVersion: backstage.io/v1alpha1\n${doc}\n`, 'n.yaml'),
      (error: unknown) => error instanceof RecordError && error.field === field && /YAML reads it as the number/.test(error.reason),
      field,
    );
  }
});

test('one service per name: a System gives way to a Component of its name; two Components of one name that differ are refused', () => {
  const entity = (kind: string, owner: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata: { name: payments }\nspec: { type: service, owner: group:${owner}, lifecycle: production }\n`;
  const named = parseBackstageFiles([
    { text: entity('System', 'finance'), source: 'systems.yaml' },
    { text: entity('Component', 'payments-team'), source: 'components.yaml' },
  ]);
  assert.deepEqual(
    named.services.map((s) => [s.kind, s.team]),
    [['Component', 'payments-team']],
  );
  assert.throws(
    () =>
      parseBackstageFiles([
        { text: entity('Component', 'payments-team'), source: 'a.yaml' },
        { text: entity('Component', 'finance'), source: 'b.yaml' },
      ]),
    (err: unknown) => err instanceof RecordError && err.place === 'b.yaml' && /unlike a\.yaml \(they differ in owner, team\)/.test(err.reason),
  );
});
