// Turns one resource's evidence into votes: each a signal kind naming one owner with a reliability.
import type { OwnerType } from './owner-type.js';
import type {
  EngineSettings,
  EvidenceVersion,
  ResourceEvidence,
  SignalKind,
  DirectoryUserPiece,
  EvidenceMeta,
} from './evidence.js';
import { reliabilityOf, type SignalWeights } from './calibration.js';

export interface VoteDetail {
  tag?: string;
  service?: string;
  catalog_source?: string;
  mapping_id?: string;
  stated?: string;
  principal?: string;
  role?: string;
  repository?: string;
  path?: string;
  via_user?: string;
  written_as?: string;
  inactive_user?: string;
  name?: string;
}

export interface Vote {
  owner_type: OwnerType;
  handle: string;
  kind: SignalKind;
  reliability: number;
  evidence: EvidenceVersion;
  detail: VoteDetail;
}

export interface CandidateSet {
  votes: Vote[];
  /** Votes set aside, with why (excluded, rejected, overridden by a direct tag). */
  dropped: { vote: Vote; reason: string }[];
}

const lower = (s: string) => s.toLowerCase();

function splitTag(tag: string): [string, string] {
  const i = tag.indexOf(':');
  return i < 0 ? [lower(tag), ''] : [lower(tag.slice(0, i)), tag.slice(i + 1)];
}

function ref(piece: EvidenceMeta, id: string): EvidenceVersion {
  return { source: piece.source, id, version: piece.version };
}

/** A CODEOWNERS owner as written: `@org/team`, `@user` or an email. */
function parseCodeowner(raw: string): { type: 'team' | 'user'; handle: string; email?: string } {
  if (raw.startsWith('@') && raw.includes('/')) return { type: 'team', handle: raw.slice(raw.indexOf('/') + 1) };
  if (raw.startsWith('@')) return { type: 'user', handle: raw.slice(1) };
  return { type: 'user', handle: raw, email: raw };
}

/** True when `handle` appears in `name` bounded by separators or the ends. */
export function nameContains(name: string, handle: string): boolean {
  const n = lower(name);
  const h = lower(handle);
  if (!h) return false;
  let from = 0;
  for (;;) {
    const at = n.indexOf(h, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : n[at - 1];
    const after = at + h.length >= n.length ? '' : n[at + h.length];
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

export function collectVotes(evidence: ResourceEvidence, settings: EngineSettings, weights: SignalWeights): CandidateSet {
  const r = (kind: SignalKind) => reliabilityOf(weights, kind);
  const users = [...(evidence.directory?.users ?? [])].sort((a, b) => a.handle.localeCompare(b.handle));
  const byKey = new Map<string, DirectoryUserPiece>();
  for (const u of users) {
    byKey.set(lower(u.handle), u);
    if (u.email) byKey.set(lower(u.email), u);
  }
  const teams = new Set((evidence.directory?.teams ?? []).map((t) => lower(t.handle)));
  const votes: Vote[] = [];
  const resource = evidence.resource;
  const resourceRef = ref(resource, resource.resource_id);

  /** A user vote, weakened if they left, and the team votes their membership implies. */
  const addUser = (name: string, kind: SignalKind, teamKind: SignalKind, reliability: number, teamReliability: number, evidenceRef: EvidenceVersion, detail: VoteDetail) => {
    const user = byKey.get(lower(name));
    const handle = user ? user.handle : name;
    const factor = user && !user.active ? settings.inactive_user_factor : 1;
    const inactive = user && !user.active ? { inactive_user: handle } : {};
    votes.push({ owner_type: 'user', handle, kind, reliability: reliability * factor, evidence: evidenceRef, detail: { ...detail, ...inactive } });
    for (const team of [...(user?.teams ?? [])].sort()) {
      votes.push({
        owner_type: 'team',
        handle: team,
        kind: teamKind,
        reliability: teamReliability * factor,
        evidence: evidenceRef,
        detail: { ...detail, via_user: handle, ...inactive },
      });
    }
  };

  const teamKeys = new Set(settings.team_tag_keys.map(lower));
  const ownerKeys = new Set(settings.owner_tag_keys.map(lower));
  const serviceKeys = new Set(settings.service_tag_keys.map(lower));
  for (const tag of [...resource.tags].sort()) {
    const [key, value] = splitTag(tag);
    if (!value) continue;
    if (teamKeys.has(key)) {
      votes.push({ owner_type: 'team', handle: value, kind: 'owner_tag', reliability: r('owner_tag'), evidence: resourceRef, detail: { tag } });
    } else if (ownerKeys.has(key)) {
      // `owner` may hold a user (email or handle) or a team.
      if (byKey.has(lower(value)) || (value.includes('@') && !teams.has(lower(value)))) {
        addUser(value, 'owner_tag', 'owner_tag_membership', r('owner_tag'), r('owner_tag_membership'), resourceRef, { tag });
      } else {
        votes.push({ owner_type: 'team', handle: value, kind: 'owner_tag', reliability: r('owner_tag'), evidence: resourceRef, detail: { tag } });
      }
    } else if (serviceKeys.has(key)) {
      votes.push({ owner_type: 'service', handle: value, kind: 'owner_tag', reliability: r('owner_tag'), evidence: resourceRef, detail: { tag } });
    }
  }

  for (const m of [...(evidence.mappings ?? [])].sort((a, b) => a.id.localeCompare(b.id))) {
    const kind = `mapping_${m.confidence}` as SignalKind;
    const detail = { mapping_id: m.id, tag: m.tag_value ? `${m.tag_key}:${m.tag_value}` : `${m.tag_key}:*`, stated: m.confidence };
    if (m.owner_type === 'user') addUser(m.owner, kind, kind, r(kind), r(kind) * r('owner_tag_membership'), ref(m, m.id), detail);
    else votes.push({ owner_type: m.owner_type, handle: m.owner, kind, reliability: r(kind), evidence: ref(m, m.id), detail });
  }

  for (const c of [...(evidence.catalog ?? [])].sort((a, b) => a.service.localeCompare(b.service))) {
    if (!c.team) continue;
    votes.push({
      owner_type: 'team',
      handle: c.team,
      kind: 'catalog',
      reliability: r('catalog'),
      evidence: ref(c, c.service),
      detail: { service: c.service, catalog_source: c.source, tag: c.matched_tag },
    });
  }

  const codeowners = [...(evidence.codeowners ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const addCodeowners = (origin: 'ci' | 'iac', principal?: string) => {
    const kind: SignalKind = origin === 'ci' ? 'ci_codeowners' : 'iac_codeowners';
    for (const piece of codeowners.filter((p) => p.origin === origin)) {
      const detail: VoteDetail = { repository: piece.repository, path: piece.path, principal };
      for (const raw of [...piece.owners].sort()) {
        const owner = parseCodeowner(raw);
        if (owner.type === 'team') {
          votes.push({ owner_type: 'team', handle: owner.handle, kind, reliability: r(kind), evidence: ref(piece, piece.id), detail: { ...detail, written_as: raw } });
        } else {
          addUser(owner.handle, kind, kind, r(kind), r(kind) * r('owner_tag_membership'), ref(piece, piece.id), { ...detail, written_as: raw });
        }
      }
    }
  };

  let followedAutomation = false;
  for (const event of [...(evidence.audit ?? [])].sort((a, b) => a.event_time.localeCompare(b.event_time) || a.id.localeCompare(b.id))) {
    const p = event.principal;
    const evRef = ref(event, event.id);
    if (p.automation) {
      // Automation is never an owner: follow it to the team behind it.
      followedAutomation = true;
      for (const tag of [...(p.role_tags ?? [])].sort()) {
        const [key, value] = splitTag(tag);
        if (value && (teamKeys.has(key) || ownerKeys.has(key)) && !value.includes('@')) {
          votes.push({ owner_type: 'team', handle: value, kind: 'role_tag', reliability: r('role_tag'), evidence: evRef, detail: { tag, role: p.role, principal: p.name } });
        }
      }
      continue;
    }
    const kind: SignalKind = event.action === 'create' ? 'creator' : 'modifier';
    const teamKind: SignalKind = event.action === 'create' ? 'creator_membership' : 'modifier_membership';
    addUser(event.user ?? p.name, kind, teamKind, r(kind), r(teamKind), evRef, { principal: p.name, role: p.role });
  }
  // CI CODEOWNERS are gathered for automation principals; without one they would have no anchor.
  if (followedAutomation || codeowners.some((c) => c.origin === 'ci')) addCodeowners('ci');
  addCodeowners('iac');

  for (const team of [...new Set(evidence.naming?.teams ?? [])].sort()) {
    if (nameContains(resource.name, team)) {
      votes.push({ owner_type: 'team', handle: team, kind: 'naming', reliability: r('naming'), evidence: resourceRef, detail: { name: resource.name } });
    }
  }
  for (const service of [...new Set(evidence.naming?.services ?? [])].sort()) {
    if (nameContains(resource.name, service)) {
      votes.push({ owner_type: 'service', handle: service, kind: 'naming', reliability: r('naming'), evidence: resourceRef, detail: { name: resource.name } });
    }
  }

  return applyRules(votes, evidence);
}

/** Exclusions and rejections always hold; a mapping never overrides a direct owner tag. */
function applyRules(votes: Vote[], evidence: ResourceEvidence): CandidateSet {
  const dropped: CandidateSet['dropped'] = [];
  const exclusions = evidence.exclusions ?? [];
  const rejected = evidence.rejected ?? [];
  const directTagged = new Map<OwnerType, Set<string>>();
  for (const v of votes) {
    if (v.kind === 'owner_tag') {
      if (!directTagged.has(v.owner_type)) directTagged.set(v.owner_type, new Set());
      directTagged.get(v.owner_type)!.add(lower(v.handle));
    }
  }
  const kept: Vote[] = [];
  for (const v of votes) {
    const h = lower(v.handle);
    const exclusion = exclusions.find(
      (e) =>
        lower(e.handle) === h &&
        (!e.owner_type || e.owner_type === v.owner_type) &&
        (!e.resource_type || lower(e.resource_type) === lower(evidence.resource.resource_type)),
    );
    if (exclusion) {
      dropped.push({ vote: v, reason: `excluded by preference ${exclusion.id}` });
      continue;
    }
    if (rejected.some((x) => x.owner_type === v.owner_type && lower(x.handle) === h)) {
      dropped.push({ vote: v, reason: 'rejected for this resource' });
      continue;
    }
    const tagged = directTagged.get(v.owner_type);
    if (v.kind.startsWith('mapping_') && tagged && !tagged.has(h)) {
      dropped.push({ vote: v, reason: 'a direct owner tag takes precedence over preference mappings' });
      continue;
    }
    kept.push(v);
  }
  return { votes: kept, dropped };
}
