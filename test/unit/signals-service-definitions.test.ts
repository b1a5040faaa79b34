import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { parseCatalogFile, parseServiceDefinitions } from '../../src/ingest/service-definitions.js';
import { RecordError } from '../../src/posture/resource.js';

function parseFixture(name: string) {
  return parseServiceDefinitions(readFileSync(fixturePath('service-definitions', name), 'utf8'), name);
}

test('v2 with repos and docs (FigureTechnologies/event-stream)', () => {
  const [service, ...rest] = parseFixture('event-stream.service.datadog.yaml');
  assert.equal(rest.length, 0);
  assert.equal(service.name, 'event-stream');
  assert.equal(service.team, 'backend-markets-rd');
  assert.equal(service.schema_version, 'v2');
  assert.deepEqual(service.contacts, [{ type: 'slack', contact: 'https://figure-group.slack.com/archives/C024YJBBBU0' }]);
  assert.deepEqual(service.repositories, [{ name: 'GitHub Repo', url: 'https://github.com/FigureTechnologies/event-stream', provider: 'github' }]);
  assert.ok(service.links.some((link) => link.type === 'doc' && link.url.includes('/teams/backend-markets-rd/')));
});

test('v2 with dd-team, repo links, tags and integrations (DataDog/datadog-operator)', () => {
  const [service] = parseFixture('DataDog-datadog-operator.service.datadog.yaml');
  assert.equal(service.name, 'datadog-operator');
  assert.equal(service.team, 'agent-onboarding');
  assert.deepEqual(service.tags, ['app:datadog-operator', 'service:datadog-operator', 'team:agent-onboarding']);
  assert.deepEqual(
    service.contacts.map((c) => c.type),
    ['slack', 'email'],
  );
  assert.equal(service.contacts[1].contact, 'team-agentonboarding@datadoghq.com');
  assert.deepEqual(
    service.repositories.map((r) => r.url),
    [
      'https://github.com/DataDog/datadog-operator',
      'https://github.com/DataDog/k8s-datadog-agent-ops',
      'https://github.com/DataDog/k8s-resources/tree/master/k8s/datadog-operator',
      'https://github.com/DataDog/images/tree/master/datadog-operator',
    ],
  );
  assert.equal(service.links.length, 6);
  assert.deepEqual(service.integrations, { pagerduty: 'https://datadog.pagerduty.com/service-directory/PBVS1V3' });
});

test('v2.2 with application, tier, type, languages; two documents (DataDog/sdlc-gitops-sample-stack)', () => {
  const services = parseFixture('DataDog-sdlc-gitops-sample-stack.service.datadog.yaml');
  assert.deepEqual(
    services.map((s) => s.name),
    ['pass-api', 'pass-summary-api'],
  );
  for (const service of services) {
    assert.equal(service.schema_version, 'v2.2');
    assert.equal(service.team, 'datadog-demo-team');
    assert.equal(service.application, 'demo-app');
    assert.equal(service.tier, '1');
    assert.equal(service.type, 'web');
    assert.deepEqual(service.repositories, [{ name: 'Source', url: 'https://github.com/DataDog/sdlc-gitops-sample-stack', provider: 'github' }]);
  }
  assert.deepEqual(services[0].languages, ['go']);
  assert.deepEqual(services[1].languages, ['java']);
});

test('v2.1 and v3 documents in one file (DataDog/datadog-agent)', () => {
  const services = parseFixture('datadog-agent.service.datadog.yaml');
  assert.deepEqual(
    services.map((s) => [s.name, s.team, s.schema_version]),
    [
      ['datadog-agent-nightly', 'agent-delivery', 'v2.1'],
      ['datadog-cluster-agent', 'container-platform', 'v2.1'],
      ['datadog-agent-cluster-worker', 'container-platform', 'v2.1'],
      ['datadog-agent-ci', 'agent-supply-chain', 'v3'],
    ],
  );
  const ci = services[3];
  assert.equal(ci.kind, 'service');
  assert.deepEqual(ci.additional_owners, [
    { kind: 'team', handle: 'agent-devx' },
    { kind: 'team', handle: 'agent-build' },
  ]);
  assert.deepEqual(ci.contacts[0], { type: 'slack', contact: 'https://dd.enterprise.slack.com/archives/C06PBHLD4DQ', name: 'agent-devx-help' });
  assert.deepEqual(ci.repositories, [{ name: 'datadog-agent', url: 'https://github.com/DataDog/datadog-agent', provider: 'github' }]);
  assert.deepEqual(ci.languages, ['python', 'go']);
  assert.equal(ci.tier, '0');
  assert.equal(ci.ci_pipeline_fingerprints.length, 10);
  assert.equal(ci.ci_pipeline_fingerprints[0], 'AzxEDI9zLZwM');
  // The nightly service's tags name another team than its `team` field: the field is the owner, tags stay tags.
  assert.ok(services[0].tags.includes('team:container-integrations'));
});

test('v3 without an owner keeps its team tag as a tag only (DataDog/shopist-code-security-demo)', () => {
  const [service] = parseFixture('DataDog-shopist-code-security-demo.service.datadog.yaml');
  assert.equal(service.name, 'shopist-code-security-demo');
  assert.equal(service.schema_version, 'v3');
  assert.equal(service.team, undefined);
  assert.deepEqual(service.tags, ['env:demo', 'team:security']);
  assert.equal(service.lifecycle, 'development');
  assert.deepEqual(service.repositories, [{ url: 'https://github.com/datadog/shopist-code-security-demo', provider: 'github' }]);
});

test('unknown schema versions name the document and the field', () => {
  const v2 = 'schema-version: v2\ndd-service: a\n---\nschema-version: v1\ndd-service: b\n';
  assert.throws(
    () => parseServiceDefinitions(v2, 'x.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'x.yaml document 2' && error.field === 'schema-version',
  );
  assert.throws(
    () => parseServiceDefinitions('apiVersion: v4\nkind: service\nmetadata: { name: a }\n', 'y.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'y.yaml document 1' && error.field === 'apiVersion',
  );
  assert.throws(
    () => parseServiceDefinitions('dd-service: a\n', 'z.yaml'),
    (error: unknown) => error instanceof RecordError && error.field === 'schema-version',
  );
});

test('missing names and malformed contacts are RecordErrors naming the field', () => {
  assert.throws(
    () => parseServiceDefinitions('schema-version: v2.1\nteam: a\n', 'n.yaml'),
    (error: unknown) => error instanceof RecordError && error.field === 'dd-service',
  );
  assert.throws(
    () => parseServiceDefinitions('schema-version: v2\ndd-service: a\ncontacts:\n  - type: email\n', 'c.yaml'),
    (error: unknown) => error instanceof RecordError && error.field === 'contacts[0].contact',
  );
  assert.throws(
    () => parseServiceDefinitions('apiVersion: v3\nkind: service\nmetadata: { owner: t }\n', 'm.yaml'),
    (error: unknown) => error instanceof RecordError && error.field === 'metadata.name',
  );
});

test('a file of a service definition and a Backstage entity: each document is read by the parser its content calls for', () => {
  const definition = readFileSync(fixturePath('service-definitions', 'event-stream.service.datadog.yaml'), 'utf8');
  const entity = readFileSync(fixturePath('backstage', 'components', 'petstore-component.yaml'), 'utf8');
  const services = parseCatalogFile(`${definition}\n---\n${entity}`, 'mixed.yaml');
  assert.deepEqual(
    services.map((s) => [s.name, s.schema_version, s.team]),
    [
      ['event-stream', 'v2', 'backend-markets-rd'],
      ['petstore', 'backstage.io/v1alpha1', 'team-c'],
    ],
  );
  // Backstage first, then a definition; a Backstage Group holds no service and is passed over.
  const reversed = parseCatalogFile(
    `${entity}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: g }\n---\n${definition}`,
    'r.yaml',
  );
  assert.deepEqual(
    reversed.map((s) => s.name),
    ['petstore', 'event-stream'],
  );
  // A bad definition next to an entity still names its own document and field.
  assert.throws(
    () => parseCatalogFile(`${entity}\n---\nschema-version: v1\ndd-service: b\n`, 'bad.yaml'),
    (error: unknown) => error instanceof RecordError && error.place === 'bad.yaml document 2' && error.field === 'schema-version',
  );
});

test('a name YAML reads as a number is refused, not stored as another name (007 would be the team 7)', () => {
  const refused = (text: string, field: string) =>
    assert.throws(
      () => parseServiceDefinitions(text, 'n.yaml'),
      (error: unknown) => error instanceof RecordError && error.field === field && /YAML reads it as the number/.test(error.reason),
      field,
    );
  refused('schema-version: v2\ndd-service: svc-oct\nteam: 007\n', 'team');
  refused('schema-version: v2\ndd-service: svc-oct\ndd-team: 0x1F\n', 'dd-team');
  refused('schema-version: v2\ndd-service: 42\n', 'dd-service');
  // Quoted, a name is the text written; other fields still take numbers as text (a tier of 1).
  const [quoted] = parseServiceDefinitions("schema-version: v2.2\ndd-service: svc-oct\nteam: '007'\ntier: 1\n", 'q.yaml');
  assert.equal(quoted!.team, '007');
  assert.equal(quoted!.tier, '1');
});
