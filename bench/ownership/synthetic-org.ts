// A seeded synthetic organization with KNOWN owners and realistic noise, for the ownership benchmark.
// `generateSyntheticOrg` returns the structured model (for in-memory evaluation) and the same data
// rendered in the real import formats (for the benchmark that goes through the product's importers).
// Its sizes and noise come from an organization shape (org-shapes.ts); `baseline` is the default.
import { renderFiles } from './synthetic-files.js';

export { prng } from '../lib/prng.js';
import { prng } from '../lib/prng.js';

import { orgShape, PLATFORM_PIPELINE_REPO, PLATFORM_TEAM, type OrgShape, type SynthResourceType } from './org-shapes.js';
export {
  SYNTHETIC_NOISE,
  ORG_SHAPES,
  orgShape,
  measureOrg,
  shapeSummary,
  type OrgShape,
  type OrgNoise,
  type OrgSizes,
  type OrgMeasures,
} from './org-shapes.js';

export const ORG = 'acme';
const ACCOUNTS = ['111122223333', '222233334444', '333344445555', '444455556666', '555566667777', '666677778888'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const TEAM_WORDS = [
  'platform',
  'payments',
  'checkout',
  'identity',
  'search',
  'catalog',
  'billing',
  'fraud',
  'ledger',
  'growth',
  'messaging',
  'mobile',
  'web-core',
  'data-platform',
  'ml-infra',
  'analytics',
  'security',
  'observability',
  'storage',
  'network',
  'edge',
  'inventory',
  'pricing',
  'shipping',
  'returns',
  'loyalty',
  'ads',
  'recommendations',
  'support-tools',
  'onboarding',
  'compliance',
  'risk',
  'treasury',
  'partners',
  'marketplace',
  'media',
  'notifications',
  'devex',
  'reliability',
  'databases',
  'streaming',
  'experiments',
  'localization',
  'accessibility',
];
const SERVICE_NOUNS = ['api', 'worker', 'gateway', 'store', 'sync', 'router', 'scheduler', 'indexer', 'exporter', 'ingest', 'cache', 'engine'];
const SERVICE_STEMS = [
  'orders',
  'carts',
  'invoices',
  'tokens',
  'sessions',
  'profiles',
  'events',
  'ledgers',
  'quotes',
  'rates',
  'labels',
  'offers',
  'reviews',
  'images',
  'feeds',
  'alerts',
  'reports',
  'audits',
  'rules',
  'accounts',
];
const FIRST = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'nina',
  'oscar',
  'peggy',
  'quinn',
  'rupert',
  'sybil',
  'trent',
  'uma',
  'victor',
  'wendy',
  'xavier',
  'yara',
  'zoe',
  'amir',
  'bea',
  'chen',
  'dara',
  'emeka',
  'fatima',
];
const LAST = [
  'smith',
  'jones',
  'garcia',
  'kim',
  'nguyen',
  'patel',
  'muller',
  'rossi',
  'silva',
  'cohen',
  'okafor',
  'tanaka',
  'ivanova',
  'dubois',
  'larsen',
  'haddad',
  'novak',
  'reyes',
  'walsh',
  'berg',
];
const PERMISSION_SETS = ['AdministratorAccess', 'PowerUserAccess', 'DeveloperAccess'];

export { RESOURCE_TYPES, type SynthResourceType } from './org-shapes.js';

export interface SynthTeam {
  handle: string;
  cost_center: string;
  mapping?: 'high' | 'medium';
}
export interface SynthUser {
  handle: string;
  email: string;
  display_name: string;
  active: boolean;
  teams: string[];
}
export interface SynthService {
  name: string;
  team: string;
  /** What the catalog says (the previous team when stale; the true team when there is no entry). */
  catalog_team: string;
  /** Where its catalog entry is; `none`: the service has no entry in any catalog. */
  catalog: 'datadog' | 'backstage' | 'none';
  catalog_version: number;
  repo: string;
}
export interface SynthRepo {
  name: string;
  rules: { pattern: string; owners: string[] }[];
  sha: string;
}
export interface SynthTfRoot {
  id: string;
  repo: string;
  path: string;
  team: string;
}
export interface SynthSharedRole {
  role: string;
  tags: string[];
}
export type PrincipalForm = 'sso' | 'assumed_role' | 'iam_user' | 'github_actions' | 'terraform' | 'shared_role';
export interface SynthEvent {
  id: string;
  time: string;
  action: 'create' | 'modify';
  form: PrincipalForm;
  /** The person behind a human principal. */
  user?: string;
  role?: string;
  session?: string;
  repo?: string;
}
export interface SynthResource {
  arn: string;
  resource_type: SynthResourceType;
  /** The provider's own id (instance id, key id) or name. */
  native_id: string;
  name: string;
  account: string;
  region: string;
  tags: string[];
  observed_at: number;
  events: SynthEvent[];
  tf_root?: string;
  truth: Truth;
}
export interface Truth {
  team: string;
  user?: string;
  service?: string;
}
export interface SynthPreference {
  id: string;
  preference_type: 'tag_mapping' | 'exclusion' | 'prompt_text';
  tag_key?: string;
  tag_value?: string;
  owner?: string;
  owner_type?: 'team' | 'user' | 'service';
  confidence?: 'high' | 'medium' | 'low';
  handle?: string;
  exclusion_type?: 'team' | 'user' | 'service';
  exclusion_resource_type?: string;
  prompt_text?: string;
  priority?: number;
}

export interface OrgModel {
  org: string;
  seed: number;
  /** RFC 3339: when the snapshot was taken. */
  observed_at: string;
  teams: SynthTeam[];
  users: SynthUser[];
  services: SynthService[];
  repos: SynthRepo[];
  tf_roots: SynthTfRoot[];
  shared_roles: SynthSharedRole[];
  preferences: SynthPreference[];
  resources: SynthResource[];
}

export interface SyntheticOrg {
  model: OrgModel;
  files: Record<string, string>;
  truth: Record<string, Truth>;
}

export interface SyntheticOrgOptions {
  /** The shape's resource count unless given. */
  resources?: number;
  seed?: number;
  /** An organization shape or its name in ORG_SHAPES; `baseline` unless given. */
  shape?: OrgShape | string;
  /** These three override the shape's sizes. */
  teams?: number;
  users?: number;
  services?: number;
  /** Skip rendering files (in-memory evaluation needs only the model). */
  modelOnly?: boolean;
}

const BASE_TIME = Date.UTC(2024, 0, 1);
const SNAPSHOT_TIME = Date.UTC(2024, 6, 1);

export function generateSyntheticOrg(options: SyntheticOrgOptions = {}): SyntheticOrg {
  const model = generateModel(options);
  const truth: Record<string, Truth> = {};
  for (const r of model.resources) truth[r.arn] = r.truth;
  const files = options.modelOnly ? {} : renderFiles(model, truth);
  return { model, files, truth };
}

export function generateModel(options: SyntheticOrgOptions = {}): OrgModel {
  const seed = options.seed ?? 42;
  const shape = orgShape(options.shape);
  const rnd = prng(seed);
  const N = shape.noise;
  const chance = (p: number) => rnd() < p;
  // For the noise added with organization shapes: a zero share draws nothing, so the baseline's random
  // stream, and with it the organization every earlier figure was measured on, stays as it was.
  const maybe = (p: number) => p > 0 && chance(p);
  const accounts = ACCOUNTS.slice(0, shape.sizes.accounts);
  const resourceTypes = shape.sizes.resource_types;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const other = <T>(xs: readonly T[], not: T): T => {
    for (;;) {
      const x = pick(xs);
      if (x !== not || xs.length < 2) return x;
    }
  };

  // Teams.
  const teamCount = Math.min(options.teams ?? shape.sizes.teams, TEAM_WORDS.length);
  const teams: SynthTeam[] = TEAM_WORDS.slice(0, teamCount).map((handle, i) => ({ handle, cost_center: `cc-${1000 + i * 7}` }));
  for (const t of teams) {
    const r = rnd();
    if (r < 0.5) t.mapping = 'high';
    else if (r < 0.75) t.mapping = 'medium';
  }
  const teamHandles = teams.map((t) => t.handle);
  // Some teams own much more than others (Zipf-like).
  const teamWeight = teams.map((_, i) => 1 / Math.sqrt(i + 1));
  const weightSum = teamWeight.reduce((a, b) => a + b, 0);
  const pickTeam = () => {
    let x = rnd() * weightSum;
    for (let i = 0; i < teams.length; i++) if ((x -= teamWeight[i]) <= 0) return teams[i].handle;
    return teams[teams.length - 1].handle;
  };

  // Users: every team gets members; some people sit in two teams; some have left.
  const userCount = options.users ?? shape.sizes.people;
  if (userCount < teams.length) throw new Error(`${userCount} people cannot staff ${teams.length} teams`);
  if (accounts.length < shape.sizes.accounts) throw new Error(`at most ${ACCOUNTS.length} accounts`);
  const users: SynthUser[] = [];
  const seen = new Set<string>();
  for (let i = 0; users.length < userCount; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const suffix = i >= FIRST.length * LAST.length ? String(Math.floor(i / (FIRST.length * LAST.length))) : '';
    const handle = `${first}.${last}${suffix}`;
    if (seen.has(handle)) continue;
    seen.add(handle);
    const home = users.length < teams.length ? teams[users.length].handle : pickTeam();
    const userTeams = [home];
    if (chance(N.multi_team_users)) userTeams.push(other(teamHandles, home));
    users.push({
      handle,
      email: `${handle}@${ORG}.example`,
      display_name: `${cap(first)} ${cap(last)}`,
      active: users.length < teams.length * N.always_active_per_team ? true : !chance(N.inactive_users),
      teams: userTeams,
    });
  }
  // Guarantee an active member per team so every team can own resources through people.
  for (const [i, t] of teams.entries()) {
    const u = users[i];
    if (!u.teams.includes(t.handle)) u.teams.unshift(t.handle);
  }
  const membersOf = new Map<string, SynthUser[]>(teamHandles.map((h) => [h, []]));
  for (const u of users) for (const t of u.teams) membersOf.get(t)!.push(u);

  // Services: each with a true team; the catalog is sometimes out of date.
  const serviceCount = options.services ?? shape.sizes.services;
  const services: SynthService[] = [];
  const serviceNames = new Set<string>();
  while (services.length < serviceCount) {
    const name = `${pick(SERVICE_STEMS)}-${pick(SERVICE_NOUNS)}`;
    const unique = serviceNames.has(name) ? `${name}-${services.length}` : name;
    serviceNames.add(unique);
    const team = services.length < teams.length ? teams[services.length].handle : pickTeam();
    if (maybe(N.uncatalogued)) {
      services.push({ name: unique, team, catalog_team: team, catalog: 'none', catalog_version: 0, repo: `${ORG}/${unique}` });
      continue;
    }
    const stale = chance(N.stale_catalog);
    services.push({
      name: unique,
      team,
      catalog_team: stale ? other(teamHandles, team) : team,
      catalog: chance(2 / 3) ? 'datadog' : 'backstage',
      catalog_version: 1 + Math.floor(rnd() * 9),
      repo: `${ORG}/${unique}`,
    });
  }
  const servicesOf = new Map<string, SynthService[]>(teamHandles.map((h) => [h, []]));
  for (const s of services) servicesOf.get(s.team)!.push(s);

  // Repositories: one per service (its pipeline deploys it), and one Terraform monorepo.
  const repos: SynthRepo[] = services.map((s) => {
    const owner = chance(N.stale_repo_codeowners) ? other(teamHandles, s.team) : s.team;
    return {
      name: s.repo,
      sha: hex(40),
      rules: [
        { pattern: '*', owners: [`@${ORG}/${owner}`] },
        { pattern: '/.github/', owners: [`@${ORG}/devex`] },
      ],
    };
  });
  const tfRoots: SynthTfRoot[] = [];
  const infra: SynthRepo = { name: `${ORG}/infra-live`, sha: hex(40), rules: [{ pattern: '*', owners: [`@${ORG}/platform`] }] };
  for (const t of teams) {
    for (const stack of ['prod', 'staging']) {
      const path = `teams/${t.handle}/${stack}`;
      tfRoots.push({ id: `${infra.name}//${path}`, repo: infra.name, path, team: t.handle });
    }
    const owner = chance(N.wrong_tf_codeowners) ? other(teamHandles, t.handle) : t.handle;
    const lead = membersOf.get(t.handle)!.find((u) => u.active);
    infra.rules.push({ pattern: `/teams/${t.handle}/`, owners: [`@${ORG}/${owner}`, ...(lead && chance(0.3) ? [lead.email] : [])] });
  }
  // The platform team's own stacks in the monorepo, from which it provisions resources that other teams own.
  const sharedStack = (env: string) => `${infra.name}//shared/${env === 'prod' ? 'prod' : 'staging'}`;
  if (N.platform_terraform > 0) {
    for (const stack of ['prod', 'staging'])
      tfRoots.push({ id: `${infra.name}//shared/${stack}`, repo: infra.name, path: `shared/${stack}`, team: PLATFORM_TEAM });
  }
  repos.push(infra);
  // The platform team's provisioning repository: its pipeline creates resources on other teams' behalf.
  const platformRepo = `${ORG}/${PLATFORM_PIPELINE_REPO}`;
  if (N.platform_pipeline > 0) repos.push({ name: platformRepo, sha: hex(40), rules: [{ pattern: '*', owners: [`@${ORG}/${PLATFORM_TEAM}`] }] });
  const platformMembers = membersOf.get(PLATFORM_TEAM) ?? [];

  // Roles many teams use; tagged with the team that administers them, not those who use them.
  const sharedRoles: SynthSharedRole[] = [
    { role: 'platform-shared-deploy', tags: ['team:platform'] },
    { role: 'ops-deploy-automation', tags: [`team:${teamHandles.includes('reliability') ? 'reliability' : teamHandles[teamHandles.length - 1]}`] },
    { role: 'batch-pipeline-runner', tags: [] },
  ];

  // Preferences: cost-centre mappings at the team's stated level, one misguided low mapping, exclusions.
  const preferences: SynthPreference[] = [];
  for (const t of teams) {
    if (!t.mapping) continue;
    preferences.push({
      id: `map-${t.handle}`,
      preference_type: 'tag_mapping',
      tag_key: 'cost-center',
      tag_value: t.cost_center,
      owner: t.handle,
      owner_type: 'team',
      confidence: t.mapping,
      priority: 10,
    });
  }
  preferences.push({
    id: 'map-sandbox',
    preference_type: 'tag_mapping',
    tag_key: 'env',
    tag_value: 'sandbox',
    owner: 'platform',
    owner_type: 'team',
    confidence: 'low',
    priority: 50,
  });
  preferences.push({ id: 'excl-devex', preference_type: 'exclusion', handle: 'devex', exclusion_type: 'team', priority: 1 });
  preferences.push({ id: 'excl-breakglass', preference_type: 'exclusion', handle: 'breakglass-admin', priority: 1 });
  preferences.push({
    id: 'prompt-1',
    preference_type: 'prompt_text',
    prompt_text: 'Teams own what their pipelines deploy; the platform team owns shared roles only.',
    priority: 100,
  });

  // Resources.
  const resourceCount = options.resources ?? shape.sizes.resources;
  const resources: SynthResource[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < resourceCount; i++) {
    const team = pickTeam();
    const teamServices = servicesOf.get(team)!;
    const service = teamServices.length > 0 && chance(N.has_service) ? pick(teamServices) : undefined;
    const members = membersOf.get(team)!;
    const responsible = pick(members);
    const truth: Truth = { team, ...(responsible.active ? { user: responsible.handle } : {}), ...(service ? { service: service.name } : {}) };
    const type = pick(resourceTypes);
    const account = pick(accounts);
    const region = pick(REGIONS);
    const silent = chance(N.no_signal);

    // Name: sometimes carries the service or team, sometimes another team's name (a copied template).
    let stem: string;
    const roll = rnd();
    if (silent) stem = pick(SERVICE_STEMS);
    else if (service && roll < N.name.service) stem = service.name;
    else if (roll < N.name.service + N.name.team) stem = team;
    else if (roll < N.name.service + N.name.team + N.name.other_team) stem = other(teamHandles, team);
    else stem = pick(SERVICE_STEMS);
    let name = `${stem}-${pick(['data', 'logs', 'assets', 'main', 'jobs', 'cache', 'primary', 'tmp', 'backup', 'edge'])}-${hex(4)}`;
    while (usedNames.has(name)) name += hex(1);
    usedNames.add(name);
    const env = chance(N.sandbox_env) ? 'sandbox' : pick(['prod', 'prod', 'staging', 'dev']);
    const tags = [`env:${env}`];
    if (!silent) {
      if (chance(N.team_tag)) {
        const tagged = chance(N.stale_team_tag) ? other(teamHandles, team) : team;
        tags.push(`${chance(0.7) ? 'team' : 'dd-team'}:${tagged}`);
      }
      if (chance(N.owner_email_tag)) tags.push(`owner:${maybe(N.stale_owner_email_tag) ? other(users, responsible).email : responsible.email}`);
      if (service && chance(N.service_tag)) tags.push(`${pick(['service', 'service', 'service', 'application', 'component'])}:${service.name}`);
      if (chance(N.cost_center_tag)) {
        const t = chance(N.wrong_cost_center) ? teams[Math.floor(rnd() * teams.length)] : teams.find((x) => x.handle === team)!;
        tags.push(`cost-center:${t.cost_center}`);
      }
    }

    const events: SynthEvent[] = [];
    let tfRoot: string | undefined;
    const created = BASE_TIME + Math.floor(rnd() * (SNAPSHOT_TIME - BASE_TIME - 86_400_000));
    const at = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (!silent && chance(N.created_in_trail)) {
      const c = N.creator;
      const r = rnd();
      const id = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
      if (r < c.human) {
        const h = rnd();
        const { responsible: own, teammate, platform } = N.human_creator;
        const who =
          h < own
            ? responsible
            : h < own + teammate
              ? pick(members)
              : platform > 0 && h < own + teammate + platform
                ? pick(platformMembers)
                : pick(users);
        const form = pick<PrincipalForm>(['sso', 'sso', 'sso', 'assumed_role', 'assumed_role', 'iam_user']);
        events.push({ id, time: at(created), action: 'create', form, user: who.handle, ...humanRole(form, pick) });
      } else if (r < c.human + c.github_actions) {
        const repo = maybe(N.platform_pipeline)
          ? platformRepo
          : service
            ? service.repo
            : teamServices.length > 0
              ? pick(teamServices).repo
              : pick(services).repo;
        events.push({
          id,
          time: at(created),
          action: 'create',
          form: 'github_actions',
          repo,
          role: `github-actions-${repo.split('/')[1]}`,
          session: `GitHubActions-${hex(10)}`,
        });
      } else if (r < c.human + c.github_actions + c.terraform) {
        tfRoot = maybe(N.platform_terraform) ? sharedStack(env) : `${ORG}/infra-live//teams/${team}/${env === 'prod' ? 'prod' : 'staging'}`;
        events.push({ id, time: at(created), action: 'create', form: 'terraform', role: 'terraform-apply', session: `terraform-run-${hex(12)}` });
      } else {
        events.push({ id, time: at(created), action: 'create', form: 'shared_role', role: pick(sharedRoles).role, session: `deploy-${hex(8)}` });
      }
    }
    if (!silent && !tfRoot && chance(N.also_in_terraform)) tfRoot = `${ORG}/infra-live//teams/${team}/${env === 'prod' ? 'prod' : 'staging'}`;
    if (!silent && chance(N.modified)) {
      const who = chance(N.modifier_other_team) ? pick(users) : pick(members);
      const form = pick<PrincipalForm>(['sso', 'assumed_role']);
      events.push({
        id: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
        time: at(created + 3_600_000 + Math.floor(rnd() * 86_400_000 * 20)),
        action: 'modify',
        form,
        user: who.handle,
        ...humanRole(form, pick),
      });
    }

    const native = nativeId(type, name, hex);
    resources.push({
      arn: arnOf(type, account, region, native),
      resource_type: type,
      native_id: native,
      name,
      account,
      region,
      tags: tags.sort(),
      observed_at: SNAPSHOT_TIME,
      events,
      ...(tfRoot ? { tf_root: tfRoot } : {}),
      truth,
    });
  }

  return {
    org: ORG,
    seed,
    observed_at: new Date(SNAPSHOT_TIME).toISOString(),
    teams,
    users,
    services,
    repos,
    tf_roots: tfRoots,
    shared_roles: sharedRoles,
    preferences,
    resources,
  };
}

function humanRole(form: PrincipalForm, pick: <T>(xs: readonly T[]) => T): { role?: string } {
  if (form === 'sso') return { role: `AWSReservedSSO_${pick(PERMISSION_SETS)}_0123456789abcdef` };
  if (form === 'assumed_role') return { role: pick(['GR_Dev_Developer', 'GR_Ops_Engineer']) };
  return {};
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

function nativeId(type: SynthResourceType, name: string, hex: (n: number) => string): string {
  switch (type) {
    case 'aws_ec2_instance':
      return `i-0${hex(16)}`;
    case 'aws_security_group':
      return `sg-0${hex(16)}`;
    case 'aws_ebs_volume':
      return `vol-0${hex(16)}`;
    case 'aws_kms_key':
      return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    default:
      return name;
  }
}

export function arnOf(type: SynthResourceType, account: string, region: string, id: string): string {
  switch (type) {
    case 'aws_s3_bucket':
      return `arn:aws:s3:::${id}`;
    case 'aws_ec2_instance':
      return `arn:aws:ec2:${region}:${account}:instance/${id}`;
    case 'aws_security_group':
      return `arn:aws:ec2:${region}:${account}:security-group/${id}`;
    case 'aws_ebs_volume':
      return `arn:aws:ec2:${region}:${account}:volume/${id}`;
    case 'aws_iam_role':
      return `arn:aws:iam::${account}:role/${id}`;
    case 'aws_rds_instance':
      return `arn:aws:rds:${region}:${account}:db:${id}`;
    case 'aws_lambda_function':
      return `arn:aws:lambda:${region}:${account}:function:${id}`;
    case 'aws_sqs_queue':
      return `arn:aws:sqs:${region}:${account}:${id}`;
    case 'aws_dynamodb_table':
      return `arn:aws:dynamodb:${region}:${account}:table/${id}`;
    case 'aws_kms_key':
      return `arn:aws:kms:${region}:${account}:key/${id}`;
  }
}
