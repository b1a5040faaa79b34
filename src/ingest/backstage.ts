// Backstage catalog YAML (catalog-info.yaml, org files): Users, Groups and owned entities -> directory and services.
// Relations are derived from both sides (User.memberOf and Group.members, Group.parent and Group.children),
// so a membership declared once in either place counts, and declared twice counts once.
// Namespaces are dropped: `group:default/team-a` and `group:other/team-a` are both the handle `team-a`;
// two entities with one handle merge (the fixture's `guest` in namespaces default and development is one user).
import { RecordError } from '../posture/resource.js';
import { isRecord } from '../json-values.js';
import { yamlDocuments } from './read-records.js';
import { onePerService } from './service-conflicts.js';
import { readEach, readRecord, type OnInvalid } from './invalid-records.js';
import type { DirectoryTeam, DirectoryUser, OwnerRef, Service, ServiceLink, ServiceRepository } from '../ownership/signals.js';
import { withoutTrailingSlashes } from '../trailing-slashes.js';

export interface BackstageCatalog {
  users: DirectoryUser[];
  teams: DirectoryTeam[];
  services: Service[];
}

/** One catalog entity as read, before relations are resolved. */
export interface BackstageEntity {
  apiVersion: string;
  kind: string;
  name: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  source: string;
  place: string;
}

/** Kinds that become catalog services: they carry an owner and can be matched from resource tags. */
const SERVICE_KINDS = new Set(['component', 'resource', 'system']);

interface EntityRef {
  kind?: string;
  namespace?: string;
  name: string;
}

/** `[kind:][namespace/]name`, as Backstage writes entity references. */
export function parseEntityRef(ref: string): EntityRef {
  const text = ref.trim();
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon).toLowerCase() : undefined;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const slash = rest.indexOf('/');
  return slash > 0 ? { kind, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) } : { kind, name: rest };
}

// Backstage's own rule for entity names: 1 to 63 characters, runs of letters and digits joined by one of - _ .
// Names become team and user handles and service names, which people read and pick from (a correction in the
// console): a name Backstage itself would refuse (a space, an invisible or look-alike character) is refused here too.
const ENTITY_NAME = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;
const ENTITY_NAME_MAX = 63;
const ENTITY_NAME_RULE = "must be 1 to 63 letters and digits, in runs joined by one of - _ . (Backstage's entity name rule)";

function entityName(name: string, place: string, field: string): string {
  if (name.length > ENTITY_NAME_MAX || !ENTITY_NAME.test(name)) throw new RecordError(place, field, ENTITY_NAME_RULE);
  return name;
}

/** A reference's entity name, checked as an entity's own name is. */
function refName(ref: string, place: string, field: string): string {
  return entityName(parseEntityRef(ref).name, place, field);
}

/** An owner reference to a handle; a bare name is a Group, as Backstage defaults `spec.owner`. */
export function ownerRefOf(ref: string): OwnerRef {
  const parsed = parseEntityRef(ref);
  return { kind: parsed.kind === 'user' ? 'user' : 'team', handle: parsed.name };
}

function optionalString(value: unknown, place: string, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RecordError(place, field, 'must be a string');
}

/**
 * A name (an entity's, an owner's, a parent's): a string, never a YAML number turned into one, since `007` reads as 7
 * and `0x1F` as 31, and the team named would not be the one written. Backstage itself refuses such names.
 */
function nameString(value: unknown, place: string, field: string): string | undefined {
  if (typeof value === 'number') throw new RecordError(place, field, `must be a string: YAML reads it as the number ${value}; quote it`);
  return optionalString(value, place, field);
}

function stringList(value: unknown, place: string, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordError(place, field, 'must be a list');
  return value.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') throw new RecordError(place, `${field}[${i}]`, 'must be a non-empty string');
    return item;
  });
}

/**
 * Reads every document of a catalog file; `source` names the file in errors and on services. With `onInvalid` a bad
 * document is handed over and left out; without, it aborts.
 */
export function parseBackstageEntities(text: string, source: string, onInvalid?: OnInvalid): BackstageEntity[] {
  return readEach(yamlDocuments(text, source, onInvalid), ({ value, place }) => entityOf(value, place, source), onInvalid);
}

/** `apiVersion: backstage.io/...`: anything else (a Kubernetes manifest, a Datadog service definition) is another kind. */
const BACKSTAGE_API_VERSION = /^backstage\.io\//;

/** Whether a parsed YAML document declares itself a Backstage entity. */
export function isBackstageDocument(value: unknown): boolean {
  return isRecord(value) && typeof value.apiVersion === 'string' && BACKSTAGE_API_VERSION.test(value.apiVersion);
}

// Backstage requires apiVersion too; without the check a Deployment named `web` was read as an entity.
function backstageApiVersion(value: Record<string, unknown>, place: string): string {
  const apiVersion = optionalString(value.apiVersion, place, 'apiVersion');
  if (!apiVersion) throw new RecordError(place, 'apiVersion', 'is required: backstage.io/v1alpha1 or another backstage.io/ version');
  if (BACKSTAGE_API_VERSION.test(apiVersion)) return apiVersion;
  const kind = typeof value.kind === 'string' ? ` ${value.kind}` : '';
  throw new RecordError(place, 'apiVersion', `is ${apiVersion}: this${kind} is not a Backstage entity, whose apiVersion is backstage.io/...`);
}

function entityOf(value: unknown, place: string, source: string): BackstageEntity {
  if (!isRecord(value)) throw new RecordError(place, undefined, 'an entity must be a mapping');
  const apiVersion = backstageApiVersion(value, place);
  const kind = optionalString(value.kind, place, 'kind');
  if (!kind) throw new RecordError(place, 'kind', 'is required');
  const metadata = value.metadata ?? {};
  if (!isRecord(metadata)) throw new RecordError(place, 'metadata', 'must be a mapping');
  const name = nameString(metadata.name, place, 'metadata.name');
  if (!name) throw new RecordError(place, 'metadata.name', 'is required');
  entityName(name, place, 'metadata.name');
  const spec = value.spec ?? {};
  if (!isRecord(spec)) throw new RecordError(place, 'spec', 'must be a mapping');
  return { apiVersion, kind, name, metadata, spec, source, place };
}

/** Catalog annotations that name the source repository. */
function repositoriesOf(annotations: Record<string, unknown>): ServiceRepository[] {
  const repos: ServiceRepository[] = [];
  const slug = (key: string, host: string, provider: string) => {
    const value = annotations[key];
    if (typeof value === 'string' && value.trim() !== '') repos.push({ name: value.trim(), url: `https://${host}/${value.trim()}`, provider });
  };
  slug('github.com/project-slug', 'github.com', 'github');
  slug('gitlab.com/project-slug', 'gitlab.com', 'gitlab');
  const location = annotations['backstage.io/source-location'];
  if (typeof location === 'string' && location.trim() !== '') {
    // `url:https://github.com/org/repo/tree/main/` -> the URL; other location types (file:) are not repositories.
    const match = /^url:(.+)$/.exec(location.trim());
    if (match) {
      const url = withoutTrailingSlashes(match[1]);
      const host = /^https?:\/\/([^/]+)/.exec(url)?.[1]?.toLowerCase();
      const provider = host?.includes('github')
        ? 'github'
        : host?.includes('gitlab')
          ? 'gitlab'
          : host?.includes('bitbucket')
            ? 'bitbucket'
            : undefined;
      if (!repos.some((repo) => url.startsWith(repo.url))) repos.push({ url, ...(provider ? { provider } : {}) });
    }
  }
  return repos;
}

function linksOf(value: unknown, place: string): ServiceLink[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordError(place, 'metadata.links', 'must be a list');
  return value.map((link, i) => {
    const field = `metadata.links[${i}]`;
    if (!isRecord(link)) throw new RecordError(place, field, 'must be a mapping');
    const url = optionalString(link.url, place, `${field}.url`);
    if (!url) throw new RecordError(place, `${field}.url`, 'is required');
    const name = optionalString(link.title, place, `${field}.title`);
    const type = optionalString(link.type, place, `${field}.type`);
    return { url, ...(name ? { name } : {}), ...(type ? { type } : {}) };
  });
}

function serviceOf(entity: BackstageEntity): Service {
  const { metadata, spec, place } = entity;
  const ownerText = nameString(spec.owner, place, 'spec.owner');
  const owner = ownerText ? ownerRefOf(ownerText) : undefined;
  if (owner) entityName(owner.handle, place, 'spec.owner');
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const systemText = optionalString(spec.system, place, 'spec.system');
  const service: Service = {
    name: entity.name,
    additional_owners: [],
    contacts: [],
    repositories: repositoriesOf(annotations),
    links: linksOf(metadata.links, place),
    tags: stringList(metadata.tags, place, 'metadata.tags'),
    schema_version: entity.apiVersion,
    source: entity.source,
    kind: entity.kind,
    languages: [],
    ci_pipeline_fingerprints: [],
  };
  if (owner) service.owner = owner;
  if (owner?.kind === 'team') service.team = owner.handle;
  if (systemText) service.system = refName(systemText, place, 'spec.system');
  const lifecycle = optionalString(spec.lifecycle, place, 'spec.lifecycle');
  if (lifecycle) service.lifecycle = lifecycle;
  const type = optionalString(spec.type, place, 'spec.type');
  if (type) service.type = type;
  const description = optionalString(metadata.description, place, 'metadata.description');
  if (description) service.description = description;
  return service;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * Resolves relations over all entities given (of one file or many), so references across files connect. With
 * `onInvalid` an entity with a bad field is handed over and left out (every field is read before any is used).
 */
export function catalogFromEntities(entities: BackstageEntity[], onInvalid?: OnInvalid): BackstageCatalog {
  // Keyed by lower-case name: Backstage compares entity names without case, so `Frank` and `frank` are one User (the
  // first spelling read names it), and a reference in either case reaches it.
  const users = new Map<string, { user: DirectoryUser; teams: Set<string> }>();
  const teams = new Map<string, { team: DirectoryTeam; members: Set<string> }>();
  const key = (name: string) => name.toLowerCase();
  const childParents: [child: string, parent: string][] = [];
  const services: Service[] = [];

  const addEntity = (entity: BackstageEntity) => {
    const kind = entity.kind.toLowerCase();
    const { spec, place } = entity;
    const profile = isRecord(spec.profile) ? spec.profile : {};
    if (kind === 'user') {
      const email = optionalString(profile.email, place, 'spec.profile.email');
      const displayName = optionalString(profile.displayName, place, 'spec.profile.displayName');
      const memberOf = stringList(spec.memberOf, place, 'spec.memberOf');
      const entry = users.get(key(entity.name)) ?? { user: { handle: entity.name, active: true, teams: [] }, teams: new Set<string>() };
      if (email && !entry.user.email) entry.user.email = email;
      if (displayName && !entry.user.display_name) entry.user.display_name = displayName.trim();
      for (const ref of memberOf) entry.teams.add(refName(ref, place, 'spec.memberOf'));
      users.set(key(entity.name), entry);
    } else if (kind === 'group') {
      const displayName =
        optionalString(profile.displayName, place, 'spec.profile.displayName') ?? optionalString(entity.metadata.title, place, 'metadata.title');
      const parent = nameString(spec.parent, place, 'spec.parent');
      const members = stringList(spec.members, place, 'spec.members');
      const children = stringList(spec.children, place, 'spec.children');
      const entry = teams.get(key(entity.name)) ?? { team: { handle: entity.name, name: entity.name, members: [] }, members: new Set<string>() };
      if (displayName && entry.team.name === entry.team.handle) entry.team.name = displayName.trim();
      if (parent && !entry.team.parent) entry.team.parent = refName(parent, place, 'spec.parent');
      for (const ref of members) entry.members.add(refName(ref, place, 'spec.members'));
      for (const ref of children) childParents.push([refName(ref, place, 'spec.children'), entry.team.handle]);
      teams.set(key(entity.name), entry);
    } else if (SERVICE_KINDS.has(kind)) {
      services.push(serviceOf(entity));
    }
  };
  for (const entity of entities) readRecord(() => addEntity(entity), onInvalid);

  // A child's own `spec.parent` wins over a parent's `spec.children` when the two disagree.
  for (const [child, parent] of childParents) {
    const entry = teams.get(key(child));
    if (entry && !entry.team.parent) entry.team.parent = parent;
  }
  // A parent named in another case is the team as its entity spells it.
  for (const { team } of teams.values()) if (team.parent) team.parent = teams.get(key(team.parent))?.team.handle ?? team.parent;
  // References as their entities spell them; one to no entity as it was written.
  const userHandle = (ref: string) => users.get(key(ref))?.user.handle ?? ref;
  const teamHandle = (ref: string) => teams.get(key(ref))?.team.handle ?? ref;
  // Memberships from both sides: a user's memberOf and a group's members.
  for (const { team, members } of teams.values()) {
    for (const member of members) users.get(key(member))?.teams.add(team.handle);
  }
  for (const { user, teams: memberOf } of users.values()) {
    for (const ref of memberOf) teams.get(key(ref))?.members.add(user.handle);
  }

  return {
    users: [...users.values()].map(({ user, teams: memberOf }) => ({ ...user, teams: sortedUnique([...memberOf].map(teamHandle)) })),
    teams: [...teams.values()].map(({ team, members }) => ({ ...team, members: sortedUnique([...members].map(userHandle)) })),
    services: onePerService(services, onInvalid),
  };
}

/**
 * The service one Backstage document describes (a Component, Resource or System), or undefined for other kinds; for
 * readers of services alone, which need no relations between entities.
 */
export function backstageServiceOf(value: unknown, place: string, source: string): Service | undefined {
  const entity = entityOf(value, place, source);
  return SERVICE_KINDS.has(entity.kind.toLowerCase()) ? serviceOf(entity) : undefined;
}

/** One catalog file (several `---` documents). */
export function parseBackstage(text: string, source: string): BackstageCatalog {
  return catalogFromEntities(parseBackstageEntities(text, source));
}

/** Several catalog files read as one catalog, so a User in one file joins a Group defined in another. */
export function parseBackstageFiles(files: { text: string; source: string }[], onInvalid?: OnInvalid): BackstageCatalog {
  return catalogFromEntities(
    files.flatMap((file) => parseBackstageEntities(file.text, file.source, onInvalid)),
    onInvalid,
  );
}
