// Builds the engine's ResourceEvidence straight from the synthetic model, standing in for the
// service layer (store + importers) until that is wired. Principals are resolved the way the
// CloudTrail parser does: SSO sessions carry the email, assumed roles the session name, IAM users
// their user name; GitHub Actions and Terraform are automation.
import type { AuditPiece, CodeownersPiece, DirectoryUserPiece, ResourceEvidence } from '../../src/ownership/evidence.js';
import type { OrgModel, SynthEvent, SynthResource, SynthUser } from './synthetic-org.js';

export interface ModelIndex {
  model: OrgModel;
  users: Map<string, SynthUser>;
  usersByEmail: Map<string, SynthUser>;
  services: Map<string, OrgModel['services'][number]>;
  repos: Map<string, OrgModel['repos'][number]>;
  roles: Map<string, OrgModel['shared_roles'][number]>;
  teamHandles: string[];
  serviceNames: string[];
}

export function indexModel(model: OrgModel): ModelIndex {
  // A service with no catalog entry is unknown to the product, as after the importers: no catalog evidence, no name.
  const catalogued = model.services.filter((s) => s.catalog !== 'none');
  return {
    model,
    users: new Map(model.users.map((u) => [u.handle, u])),
    usersByEmail: new Map(model.users.map((u) => [u.email, u])),
    services: new Map(catalogued.map((s) => [s.name, s])),
    repos: new Map(model.repos.map((r) => [r.name, r])),
    roles: new Map(model.shared_roles.map((r) => [r.role, r])),
    teamHandles: model.teams.map((t) => t.handle),
    serviceNames: catalogued.map((s) => s.name),
  };
}

const SERVICE_KEYS = new Set(['service', 'application', 'component']);

/** The CODEOWNERS rule that applies to `path` (last matching pattern wins). */
function codeownersFor(repo: OrgModel['repos'][number], path: string): { pattern: string; owners: string[] } | undefined {
  let found: { pattern: string; owners: string[] } | undefined;
  for (const rule of repo.rules) {
    if (rule.pattern === '*' || `/${path}/`.startsWith(rule.pattern)) found = rule;
  }
  return found;
}

export function evidenceFor(index: ModelIndex, r: SynthResource): ResourceEvidence {
  const { model } = index;
  const at = model.observed_at;
  const involved = new Set<string>();
  const tags = r.tags;

  const mappings = model.preferences
    .filter((p) => p.preference_type === 'tag_mapping')
    .filter((p) => tags.some((t) => t.toLowerCase() === `${p.tag_key}:${p.tag_value}`.toLowerCase()))
    .map((p) => ({
      source: 'preferences',
      version: 1,
      observed_at: at,
      id: p.id,
      tag_key: p.tag_key!,
      tag_value: p.tag_value ?? '',
      owner: p.owner!,
      owner_type: p.owner_type!,
      confidence: p.confidence!,
    }));
  const exclusions = model.preferences
    .filter((p) => p.preference_type === 'exclusion')
    .map((p) => ({
      source: 'preferences',
      version: 1,
      observed_at: at,
      id: p.id,
      handle: p.handle!,
      ...(p.exclusion_type ? { owner_type: p.exclusion_type } : {}),
      ...(p.exclusion_resource_type ? { resource_type: p.exclusion_resource_type } : {}),
    }));

  const catalog = tags
    .map((t) => t.split(':'))
    .filter(([k, v]) => SERVICE_KEYS.has(k) && index.services.has(v))
    .map(([k, v]) => {
      const s = index.services.get(v)!;
      return {
        source: s.catalog === 'datadog' ? 'datadog_service_catalog' : 'backstage',
        version: s.catalog_version,
        observed_at: at,
        service: s.name,
        team: s.catalog_team,
        matched_tag: `${k}:${v}`,
      };
    });

  for (const t of tags) if (t.startsWith('owner:')) involved.add(t.slice(6));
  const audit: AuditPiece[] = [];
  const codeowners: CodeownersPiece[] = [];
  for (const e of r.events) {
    audit.push(auditPiece(index, e, at));
    if (e.user) involved.add(e.user);
    if (e.form === 'github_actions' && e.repo) {
      const repo = index.repos.get(e.repo);
      const rule = repo && codeownersFor(repo, '');
      if (repo && rule)
        codeowners.push({
          source: 'codeowners',
          version: repo.sha,
          observed_at: at,
          id: `${repo.name}:.github/CODEOWNERS`,
          origin: 'ci',
          repository: repo.name,
          path: '/',
          pattern: rule.pattern,
          owners: rule.owners,
        });
    }
  }
  if (r.tf_root) {
    const root = model.tf_roots.find((x) => x.id === r.tf_root)!;
    const repo = index.repos.get(root.repo)!;
    const rule = codeownersFor(repo, root.path);
    if (rule) {
      codeowners.push({
        source: 'codeowners',
        version: repo.sha,
        observed_at: at,
        id: `${repo.name}:.github/CODEOWNERS#${rule.pattern}`,
        origin: 'iac',
        repository: repo.name,
        path: root.path,
        pattern: rule.pattern,
        owners: rule.owners,
      });
      for (const o of rule.owners) if (!o.startsWith('@')) involved.add(o);
    }
  }

  const users: DirectoryUserPiece[] = [];
  for (const key of [...involved].sort()) {
    const u = index.users.get(key) ?? index.usersByEmail.get(key);
    if (u && !users.some((x) => x.handle === u.handle)) {
      users.push({ source: 'backstage', version: 1, observed_at: at, handle: u.handle, email: u.email, active: u.active, teams: u.teams });
    }
  }

  return {
    resource: {
      source: 'resource',
      version: r.observed_at,
      observed_at: at,
      resource_id: r.arn,
      resource_type: r.resource_type,
      name: r.name,
      tags,
      account: r.account,
    },
    mappings,
    exclusions,
    catalog,
    audit,
    codeowners,
    directory: {
      users,
      teams: index.teamHandles.map((handle) => ({ source: 'backstage', version: 1, observed_at: at, handle })),
      population: { team: model.teams.length, user: model.users.length, service: index.serviceNames.length },
    },
    naming: { teams: index.teamHandles, services: index.serviceNames },
  };
}

function auditPiece(index: ModelIndex, e: SynthEvent, at: string): AuditPiece {
  const base = { source: 'cloudtrail', version: e.id, observed_at: at, id: e.id, action: e.action, event_time: e.time };
  switch (e.form) {
    case 'sso': {
      const u = index.users.get(e.user!)!;
      return { ...base, principal: { kind: 'sso_user', name: u.email, role: e.role, automation: false }, user: u.handle };
    }
    case 'assumed_role':
      return { ...base, principal: { kind: 'assumed_role', name: e.user!, role: e.role, automation: false }, user: e.user };
    case 'iam_user':
      return { ...base, principal: { kind: 'iam_user', name: e.user!, automation: false }, user: e.user };
    case 'github_actions':
      return {
        ...base,
        principal: {
          kind: 'assumed_role',
          name: e.session!,
          role: e.role,
          automation: true,
          automation_reason: 'GitHub Actions OIDC web identity',
          repository: e.repo,
        },
      };
    case 'terraform':
      return {
        ...base,
        principal: { kind: 'assumed_role', name: e.session!, role: e.role, automation: true, automation_reason: 'Terraform user agent' },
      };
    case 'shared_role':
      return {
        ...base,
        principal: {
          kind: 'assumed_role',
          name: e.session!,
          role: e.role,
          automation: true,
          automation_reason: `role ${e.role} is a deploy automation role`,
          role_tags: index.roles.get(e.role!)?.tags ?? [],
        },
      };
  }
}
