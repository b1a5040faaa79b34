// Assembles the engine's input for resources from the store. I/O lives here so that the engine stays pure.
import type { OwnerType } from './owner-type.js';
import type { Queryable } from '../store/db.js';
import type { StoredResource } from '../store/resources.js';
import { auditEventsOfResources, type ResourceAuditRow } from '../store/audit-events.js';
import { servicesByName, allServiceNames, type ServiceRow } from '../store/catalog.js';
import { codeownersOf, normalizeRepo, type CodeownersRow } from '../store/codeowners.js';
import { usersByHandleOrEmail, teamVersions, ownerPopulation, type DirectoryUserRow } from '../store/directory.js';
import { currentPreferences } from '../store/preferences.js';
import { rejectedOwnersOf } from '../store/ownership-inferences.js';
import { matchingRules } from '../ingest/codeowners.js';
import type { PreferenceSet } from './signals.js';
import {
  DEFAULT_ENGINE_SETTINGS,
  type AuditPiece,
  type CatalogPiece,
  type CodeownersPiece,
  type MappingPiece,
  type ResourceEvidence,
} from './evidence.js';

const iso = (ms: number | null | undefined) => new Date(ms ?? 0).toISOString();

/** What every resource of an organization shares: loaded once per batch. */
export interface OrgContext {
  preferences?: { version: number; created_at: number; set: PreferenceSet };
  teamHandles: string[];
  teams: Array<{ handle: string; version: number; observed_at: number }>;
  serviceNames: string[];
  population: Record<OwnerType, number>;
}

export async function loadOrgContext(db: Queryable, orgId: string): Promise<OrgContext> {
  const prefs = await currentPreferences(db, orgId);
  const teamRows = await teamVersions(db, orgId);
  const teams = teamRows.map((r) => r.handle);
  const counts = await ownerPopulation(db, orgId);
  const serviceNames = await allServiceNames(db, orgId);
  return {
    preferences: prefs && { version: prefs.version, created_at: prefs.created_at, set: prefs.preferences },
    teamHandles: teams,
    teams: teamRows,
    serviceNames,
    population: { team: Math.max(teams.length, 1), user: Math.max(counts.users, 1), service: Math.max(counts.services, 1) },
  };
}

function tagValues(tags: string[], keys: string[]): Array<{ key: string; value: string; tag: string }> {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return tags
    .map((tag) => {
      const i = tag.indexOf(':');
      return { key: tag.slice(0, i).toLowerCase(), value: tag.slice(i + 1), tag };
    })
    .filter((t) => wanted.has(t.key) && t.value);
}

/** The evidence of one resource (see loadEvidenceBatch). */
export async function loadEvidence(db: Queryable, orgId: string, resource: StoredResource, org: OrgContext): Promise<ResourceEvidence> {
  return (await loadEvidenceBatch(db, orgId, [resource], org)).get(resource.resource_id)!;
}

/** What a batch of resources needs from the store, read with one query per kind of signal (never one per resource). */
interface BatchSignals {
  services: Map<string, ServiceRow>;
  events: Map<string, ResourceAuditRow[]>;
  codeowners: Map<string, CodeownersRow>;
  users: DirectoryUserRow[];
  rejected: Map<string, Array<{ owner_type: OwnerType; handle: string }>>;
}

const isHuman = (e: ResourceAuditRow) => !e.payload.principal.automation && !!e.payload.principal.name;

/** The engine's input for each resource of a batch. */
export async function loadEvidenceBatch(db: Queryable, orgId: string, resources: StoredResource[], org: OrgContext): Promise<Map<string, ResourceEvidence>> {
  const settings = DEFAULT_ENGINE_SETTINGS;
  const ids = resources.map((r) => r.resource_id);
  const serviceNames = resources.flatMap((r) => tagValues(r.tags, settings.service_tag_keys).map((t) => t.value));
  const events = await auditEventsOfResources(db, orgId, ids);
  const repos = new Set<string>();
  for (const r of resources) if (r.iac_repo) repos.add(normalizeRepo(r.iac_repo));
  for (const list of events.values()) for (const e of list) if (e.payload.principal.repository) repos.add(normalizeRepo(e.payload.principal.repository));
  const signals: BatchSignals = {
    services: new Map((await servicesByName(db, orgId, serviceNames)).map((s) => [s.name, s])),
    events,
    codeowners: new Map((await codeownersOf(db, orgId, [...repos])).map((c) => [c.repo, c])),
    users: [],
    rejected: await rejectedOwnersOf(db, orgId, ids),
  };
  const partial = resources.map((r) => assembleWithoutUsers(r, org, signals));
  signals.users = await usersByHandleOrEmail(db, orgId, partial.flatMap((p) => [...p.userNames]));
  return new Map(partial.map((p) => [p.evidence.resource.resource_id, withUsers(p, org, signals)]));
}

interface PartialEvidence {
  evidence: ResourceEvidence;
  events: ResourceAuditRow[];
  userNames: Set<string>;
}

function assembleWithoutUsers(resource: StoredResource, org: OrgContext, signals: BatchSignals): PartialEvidence {
  const settings = DEFAULT_ENGINE_SETTINGS;
  const evidence: ResourceEvidence = {
    resource: {
      source: 'resource',
      version: resource.version,
      observed_at: iso(resource.observed_at),
      resource_id: resource.resource_id,
      resource_type: resource.resource_type,
      name: resource.name,
      tags: resource.tags,
      account: resource.account,
    },
    naming: { teams: org.teamHandles, services: org.serviceNames },
  };

  if (org.preferences) {
    const p = org.preferences;
    const meta = { source: 'preferences', version: p.version, observed_at: iso(p.created_at) };
    const lowered = resource.tags.map((t) => t.toLowerCase());
    evidence.mappings = p.set.tag_mappings
      .filter((m) => lowered.some((t) => (m.tag_value ? t === `${m.tag_key}:${m.tag_value}`.toLowerCase() : t.startsWith(`${m.tag_key.toLowerCase()}:`))))
      .map((m): MappingPiece => ({ ...meta, id: m.id, tag_key: m.tag_key, tag_value: m.tag_value ?? '', owner: m.owner, owner_type: m.owner_type, confidence: m.confidence }));
    evidence.exclusions = p.set.exclusions.map((e) => ({
      ...meta,
      id: e.id,
      handle: e.handle,
      ...(e.exclusion_type ? { owner_type: e.exclusion_type } : {}),
      ...(e.exclusion_resource_type ? { resource_type: e.exclusion_resource_type } : {}),
    }));
  }

  const serviceTags = tagValues(resource.tags, settings.service_tag_keys);
  const services = [...new Set(serviceTags.map((t) => t.value.toLowerCase()))].flatMap((n) => (signals.services.has(n) ? [signals.services.get(n)!] : []));
  if (services.length > 0) {
    evidence.catalog = services.map(
      (s): CatalogPiece => ({
        source: s.source || 'service_catalog',
        version: s.version,
        observed_at: iso(s.observed_at),
        service: s.name,
        team: s.team,
        matched_tag: serviceTags.find((t) => t.value.toLowerCase() === s.name)?.tag,
      }),
    );
  }

  const events = signals.events.get(resource.resource_id) ?? [];
  const userNames = new Set<string>();
  for (const t of tagValues(resource.tags, settings.owner_tag_keys)) userNames.add(t.value);
  for (const e of events) if (isHuman(e)) userNames.add(e.payload.principal.name);

  const pieces: CodeownersPiece[] = [];
  const iacRepo = resource.iac_repo ? normalizeRepo(resource.iac_repo) : undefined;
  const ciRepos = new Set(events.flatMap((e) => (e.payload.principal.repository ? [normalizeRepo(e.payload.principal.repository)] : [])));
  for (const repo of [...new Set([...(iacRepo ? [iacRepo] : []), ...ciRepos])].sort()) {
    const c = signals.codeowners.get(repo);
    if (!c) continue;
    const meta = { source: 'codeowners', version: c.version, observed_at: iso(c.observed_at), repository: c.repo };
    if (repo === iacRepo) {
      const path = resource.iac_path ?? '';
      const rules = matchingRules(c.rules, path, { directory: true });
      if (rules.length > 0) pieces.push({ ...meta, id: `${c.repo}:${path}`, origin: 'iac', path, pattern: rules.map((r) => r.pattern).join(' '), owners: rules.flatMap((r) => r.owners.map((o) => o.ref)) });
    }
    if (ciRepos.has(repo)) {
      // The pipeline's repository as a whole: its default (root) owners.
      const rules = matchingRules(c.rules, '', { directory: true });
      if (rules.length > 0) pieces.push({ ...meta, id: `${c.repo}:/`, origin: 'ci', path: '/', pattern: rules.map((r) => r.pattern).join(' '), owners: rules.flatMap((r) => r.owners.map((o) => o.ref)) });
    }
  }
  if (pieces.length > 0) evidence.codeowners = pieces;
  for (const p of pieces) for (const o of p.owners) if (!o.includes('/')) userNames.add(o.replace(/^@/, ''));
  const rejected = signals.rejected.get(resource.resource_id);
  if (rejected?.length) evidence.rejected = rejected;
  return { evidence, events, userNames };
}

function withUsers({ evidence, events, userNames }: PartialEvidence, org: OrgContext, signals: BatchSignals): ResourceEvidence {
  const wanted = new Set([...userNames].map((n) => n.toLowerCase()));
  const users = signals.users.filter((u) => wanted.has(u.handle.toLowerCase()) || (u.email && wanted.has(u.email.toLowerCase())));
  const userOf = (name: string): DirectoryUserRow | undefined => {
    const n = name.toLowerCase();
    return users.find((u) => u.handle.toLowerCase() === n || u.email?.toLowerCase() === n);
  };
  if (events.length > 0) {
    evidence.audit = events.map((e): AuditPiece => {
      const user = userOf(e.payload.principal.name);
      return {
        source: 'cloudtrail',
        version: 1,
        observed_at: iso(e.observed_at),
        id: e.event_id,
        action: e.action === 'created' ? 'create' : 'modify',
        event_time: iso(e.event_time),
        principal: {
          kind: e.payload.principal.kind,
          name: e.payload.principal.name,
          ...(e.payload.principal.role ? { role: e.payload.principal.role } : {}),
          automation: e.payload.principal.automation,
          ...(e.payload.principal.automation_reason ? { automation_reason: e.payload.principal.automation_reason } : {}),
          ...(e.payload.principal.repository ? { repository: e.payload.principal.repository } : {}),
        },
        ...(user ? { user: user.handle } : {}),
      };
    });
  }
  evidence.directory = {
    users: users.map((u) => ({
      source: 'directory',
      version: u.version,
      observed_at: iso(u.observed_at),
      handle: u.handle,
      ...(u.email ? { email: u.email } : {}),
      active: u.active,
      teams: u.teams,
    })),
    // Every team is a candidate name; listing them all in the evidence is affordable for a directory of modest size.
    teams: org.teams.length <= 200 ? org.teams.map((t) => ({ source: 'directory', version: t.version, observed_at: iso(t.observed_at), handle: t.handle })) : [],
    population: org.population,
  };
  return evidence;
}
