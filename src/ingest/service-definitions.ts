// Datadog service definitions (`service.datadog.yaml`): schema v2, v2.1, v2.2 (`schema-version`) and v3 (`apiVersion: v3`),
// one or several `---` documents per file, each becoming one Service.
import { RecordError } from '../posture/resource.js';
import { isRecord } from '../json-values.js';
import { yamlDocuments } from './read-records.js';
import { backstageServiceOf, isBackstageDocument } from './backstage.js';
import { readEach, type OnInvalid } from './invalid-records.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import type { OwnerRef, Service, ServiceContact, ServiceLink, ServiceRepository } from '../ownership/signals.js';

const V2_VERSIONS = new Set(['v2', 'v2.1', 'v2.2']);
const V3_VERSIONS = new Set(['v3']);

class Reader {
  constructor(readonly place: string) {}

  string(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
    if (typeof value === 'number') return String(value);
    throw new RecordError(this.place, field, 'must be a string');
  }

  /**
   * A name (a service's, a team's, an owner's): a string, never a YAML number turned into one, since `007` reads as 7
   * and `0x1F` as 31, and the owner named would not be the one written.
   */
  name(value: unknown, field: string): string | undefined {
    if (typeof value === 'number') throw new RecordError(this.place, field, `must be a string: YAML reads it as the number ${value}; quote it`);
    return this.string(value, field);
  }

  required(value: unknown, field: string): string {
    return this.present(this.string(value, field), field);
  }

  requiredName(value: unknown, field: string): string {
    return this.present(this.name(value, field), field);
  }

  private present(text: string | undefined, field: string): string {
    if (text === undefined) throw new RecordError(this.place, field, 'is required');
    // Required fields are names: service names and owner handles are keys of the store's indexes.
    const unfit = textFieldReason(text, INPUT_LIMITS.nameBytes);
    if (unfit) throw new RecordError(this.place, field, unfit);
    return text;
  }

  list(value: unknown, field: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new RecordError(this.place, field, 'must be a list');
    return value;
  }

  strings(value: unknown, field: string): string[] {
    return this.list(value, field).map((item, i) => this.required(item, `${field}[${i}]`));
  }

  mapping(value: unknown, field: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) throw new RecordError(this.place, field, 'must be a mapping');
    return value;
  }

  contacts(value: unknown, field: string): ServiceContact[] {
    return this.list(value, field).map((item, i) => {
      const at = `${field}[${i}]`;
      const entry = this.mapping(item, at);
      const name = this.string(entry.name, `${at}.name`);
      return { type: this.required(entry.type, `${at}.type`), contact: this.required(entry.contact, `${at}.contact`), ...(name ? { name } : {}) };
    });
  }

  links(value: unknown, field: string, defaultType?: string): ServiceLink[] {
    return this.list(value, field).map((item, i) => {
      const at = `${field}[${i}]`;
      const entry = this.mapping(item, at);
      const name = this.string(entry.name, `${at}.name`);
      const type = this.string(entry.type, `${at}.type`) ?? defaultType;
      const provider = this.string(entry.provider, `${at}.provider`);
      return { url: this.required(entry.url, `${at}.url`), ...(name ? { name } : {}), ...(type ? { type } : {}), ...(provider ? { provider } : {}) };
    });
  }
}

function repositoryOf(link: ServiceLink): ServiceRepository {
  return { url: link.url, ...(link.name ? { name: link.name } : {}), ...(link.provider ? { provider: link.provider } : {}) };
}

function uniqueRepositories(repos: ServiceRepository[]): ServiceRepository[] {
  const seen = new Set<string>();
  return repos.filter((repo) => (seen.has(repo.url) ? false : (seen.add(repo.url), true)));
}

function setOptional(
  service: Service,
  read: Reader,
  values: Partial<Record<'application' | 'tier' | 'lifecycle' | 'type' | 'description' | 'system', unknown>>,
  prefix: string,
) {
  for (const [key, value] of Object.entries(values)) {
    const text = read.string(value, `${prefix}${key}`);
    if (text !== undefined) service[key as 'application'] = text;
  }
}

function fromV2(doc: Record<string, unknown>, version: string, read: Reader, source: string): Service {
  const name = read.requiredName(doc['dd-service'], 'dd-service');
  // `dd-team` is the older spelling some real files still use (DataDog/datadog-operator).
  const team = read.name(doc.team, 'team') ?? read.name(doc['dd-team'], 'dd-team');
  // v2 lists repositories under `repos` and documents under `docs`; v2.1+ puts both in `links` with a type.
  const repos = read.links(doc.repos, 'repos', 'repo');
  const links = [...read.links(doc.links, 'links'), ...read.links(doc.docs, 'docs', 'doc')];
  const service: Service = {
    name,
    additional_owners: [],
    contacts: read.contacts(doc.contacts, 'contacts'),
    repositories: uniqueRepositories([...repos, ...links.filter((link) => link.type === 'repo')].map(repositoryOf)),
    links: [...repos, ...links],
    tags: read.strings(doc.tags, 'tags'),
    schema_version: version,
    source,
    languages: read.strings(doc.languages, 'languages'),
    ci_pipeline_fingerprints: read.strings(doc['ci-pipeline-fingerprints'], 'ci-pipeline-fingerprints'),
  };
  if (team) {
    service.team = team;
    service.owner = { kind: 'team', handle: team };
  }
  setOptional(
    service,
    read,
    { application: doc.application, tier: doc.tier, lifecycle: doc.lifecycle, type: doc.type, description: doc.description },
    '',
  );
  const integrations = read.mapping(doc.integrations, 'integrations');
  if (Object.keys(integrations).length > 0) service.integrations = integrations;
  return service;
}

function fromV3(doc: Record<string, unknown>, version: string, read: Reader, source: string): Service {
  const metadata = read.mapping(doc.metadata, 'metadata');
  const spec = read.mapping(doc.spec, 'spec');
  const datadog = read.mapping(doc.datadog, 'datadog');
  const name = read.requiredName(metadata.name, 'metadata.name');
  const owner = read.name(metadata.owner, 'metadata.owner');
  const additional: OwnerRef[] = read.list(metadata.additionalOwners, 'metadata.additionalOwners').map((item, i) => {
    const at = `metadata.additionalOwners[${i}]`;
    const entry = read.mapping(item, at);
    // v3 additional owners are teams unless typed otherwise.
    const type = read.string(entry.type, `${at}.type`);
    return { kind: type === 'user' ? 'user' : 'team', handle: read.requiredName(entry.name, `${at}.name`) };
  });
  const links = read.links(metadata.links, 'metadata.links');
  const codeLocations = read.list(datadog.codeLocations, 'datadog.codeLocations').map((item, i) => {
    const at = `datadog.codeLocations[${i}]`;
    const url = read.required(read.mapping(item, at).repositoryURL, `${at}.repositoryURL`);
    return { url: url.replace(/\.git$/, ''), ...(/github\.com/i.test(url) ? { provider: 'github' } : {}) };
  });
  const pipelines = read.mapping(datadog.pipelines, 'datadog.pipelines');
  const kind = read.required(doc.kind, 'kind');
  const service: Service = {
    name,
    additional_owners: additional,
    contacts: read.contacts(metadata.contacts, 'metadata.contacts'),
    repositories: uniqueRepositories([...links.filter((link) => link.type === 'repo').map(repositoryOf), ...codeLocations]),
    links,
    tags: read.strings(metadata.tags, 'metadata.tags'),
    schema_version: version,
    source,
    kind,
    languages: read.strings(spec.languages, 'spec.languages'),
    ci_pipeline_fingerprints: read.strings(pipelines.fingerprints, 'datadog.pipelines.fingerprints'),
  };
  if (owner) {
    service.team = owner;
    service.owner = { kind: 'team', handle: owner };
  }
  setOptional(service, read, { application: spec.application, tier: spec.tier, lifecycle: spec.lifecycle, type: spec.type }, 'spec.');
  setOptional(service, read, { description: metadata.description }, 'metadata.');
  // A v3 entity belongs to a system through `spec.componentOf` (`system:name`).
  const componentOf = read.strings(spec.componentOf, 'spec.componentOf').find((ref) => ref.startsWith('system:'));
  if (componentOf) service.system = componentOf.slice('system:'.length);
  const integrations = read.mapping(doc.integrations, 'integrations');
  if (Object.keys(integrations).length > 0) service.integrations = integrations;
  return service;
}

/**
 * Every service of one `service.datadog.yaml`; `source` names the file in errors and on services. With `onInvalid` a
 * bad document is handed over and left out; without, it aborts.
 */
export function parseServiceDefinitions(text: string, source: string, onInvalid?: OnInvalid): Service[] {
  return readEach(yamlDocuments(text, source, onInvalid), ({ value, place }) => serviceOf(value, place, source), onInvalid);
}

/**
 * Every service of a file mixing Datadog service definitions and Backstage entities: each document is read by the parser
 * its own `apiVersion` calls for, so a file holding both kinds is read whole.
 */
export function parseCatalogFile(text: string, source: string, onInvalid?: OnInvalid): Service[] {
  return readEach(
    yamlDocuments(text, source, onInvalid),
    ({ value, place }) => (isBackstageDocument(value) ? backstageServiceOf(value, place, source) : serviceOf(value, place, source)),
    onInvalid,
  );
}

function serviceOf(doc: unknown, place: string, source: string): Service {
  if (!isRecord(doc)) throw new RecordError(place, undefined, 'a service definition must be a mapping');
  const read = new Reader(place);
  if (doc.apiVersion !== undefined) {
    const version = read.required(doc.apiVersion, 'apiVersion');
    if (!V3_VERSIONS.has(version)) throw new RecordError(place, 'apiVersion', `unknown version ${JSON.stringify(version)}: expected v3`);
    return fromV3(doc, version, read, source);
  }
  const version = read.string(doc['schema-version'], 'schema-version');
  if (version === undefined) throw new RecordError(place, 'schema-version', 'is required (or apiVersion: v3)');
  if (!V2_VERSIONS.has(version))
    throw new RecordError(place, 'schema-version', `unknown version ${JSON.stringify(version)}: expected v2, v2.1 or v2.2`);
  return fromV2(doc, version, read, source);
}
