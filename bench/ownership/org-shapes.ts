// Differently shaped synthetic organizations, so the ownership engine's accuracy is measured in several worlds
// and never tuned to one: how many resources carry owner tags and how stale they are, how much CI and a central
// platform team create for others, how many people have left, how wrong and how incomplete the service catalog is.
// `measureOrg` reads those properties back from a generated model (what was generated, not what was asked for).
import type { OrgModel } from './synthetic-org.js';

export const RESOURCE_TYPES = [
  'aws_s3_bucket',
  'aws_ec2_instance',
  'aws_security_group',
  'aws_iam_role',
  'aws_rds_instance',
  'aws_lambda_function',
  'aws_sqs_queue',
  'aws_dynamodb_table',
  'aws_kms_key',
  'aws_ebs_volume',
] as const;
export type SynthResourceType = (typeof RESOURCE_TYPES)[number];

/** How noisy an organization is: shares of resources, services, users. Documented, not tuned per run. */
export interface OrgNoise {
  /** People who left; their resources and tags stay behind. */
  inactive_users: number;
  /** The first this many people of each team never leave, so every team keeps someone to own through. */
  always_active_per_team: number;
  multi_team_users: number;
  /** The catalog still names the previous team (a share of the services that have an entry). */
  stale_catalog: number;
  /** Services with no catalog entry at all: neither a Datadog service definition nor a Backstage component. */
  uncatalogued: number;
  /** A service repository's CODEOWNERS names the previous team. */
  stale_repo_codeowners: number;
  wrong_tf_codeowners: number;
  /** Resources nobody tagged, created long before the trail's retention. */
  no_signal: number;
  team_tag: number;
  /** The tag names a former team. */
  stale_team_tag: number;
  owner_email_tag: number;
  /** The owner tag names someone else: a previous owner, from any team. */
  stale_owner_email_tag: number;
  has_service: number;
  service_tag: number;
  cost_center_tag: number;
  /** Shared cost centres. */
  wrong_cost_center: number;
  /** A low-confidence mapping (env:sandbox -> platform) that is mostly wrong. */
  sandbox_env: number;
  created_in_trail: number;
  /** Who created a resource the trail saw; the shares add up to 1. */
  creator: { human: number; github_actions: number; terraform: number; shared_role: number };
  /** Which person, when a person created it; the shares add up to 1 (the rest of `other_team`: anyone at all). */
  human_creator: { responsible: number; teammate: number; platform: number; other_team: number };
  /** Of the GitHub Actions creations, the share run from the platform team's provisioning repository for another team. */
  platform_pipeline: number;
  /** Of the Terraform creations, the share applied from the platform team's shared stacks rather than the team's own. */
  platform_terraform: number;
  also_in_terraform: number;
  modified: number;
  modifier_other_team: number;
  name: { service: number; team: number; other_team: number };
}

/** How large an organization is. `resources` is the default; a caller may ask for another count. */
export interface OrgSizes {
  teams: number;
  people: number;
  services: number;
  resources: number;
  accounts: number;
  resource_types: readonly SynthResourceType[];
}

export interface OrgShape {
  name: string;
  /** One sentence: what kind of organization this is and what makes ownership hard in it. */
  description: string;
  sizes: OrgSizes;
  noise: OrgNoise;
}

/** The noise every figure before organization shapes was measured with (the `baseline` shape). */
export const SYNTHETIC_NOISE: OrgNoise = {
  inactive_users: 0.08,
  always_active_per_team: 2,
  multi_team_users: 0.15,
  stale_catalog: 0.1,
  uncatalogued: 0,
  stale_repo_codeowners: 0.08,
  wrong_tf_codeowners: 0.05,
  no_signal: 0.08,
  team_tag: 0.5,
  stale_team_tag: 0.07,
  owner_email_tag: 0.12,
  stale_owner_email_tag: 0,
  has_service: 0.7,
  service_tag: 0.65,
  cost_center_tag: 0.35,
  wrong_cost_center: 0.05,
  sandbox_env: 0.08,
  created_in_trail: 0.8,
  creator: { human: 0.45, github_actions: 0.3, terraform: 0.15, shared_role: 0.1 },
  human_creator: { responsible: 0.75, teammate: 0.1, platform: 0, other_team: 0.15 },
  platform_pipeline: 0,
  platform_terraform: 0,
  also_in_terraform: 0.1,
  modified: 0.25,
  modifier_other_team: 0.6,
  name: { service: 0.4, team: 0.15, other_team: 0.03 },
};

/** Five common types, for the organizations measured at the size of the issue reporter's (five types). */
const FIVE_TYPES: readonly SynthResourceType[] = ['aws_s3_bucket', 'aws_ec2_instance', 'aws_security_group', 'aws_iam_role', 'aws_rds_instance'];
/** The size of the organization the reporter measured on: 2,000 resources of 5 types, 13 teams, 57 people. */
const REPORTER_SIZE: OrgSizes = { teams: 13, people: 57, services: 40, resources: 2_000, accounts: 3, resource_types: FIVE_TYPES };

export const ORG_SHAPES: readonly OrgShape[] = [
  {
    name: 'baseline',
    description:
      'A large organization of 40 teams and 300 people where half the resources carry a team tag, most are created by people and pipelines of the owning team, and the catalog, CODEOWNERS and directory are mostly right.',
    sizes: { teams: 40, people: 300, services: 150, resources: 10_000, accounts: 4, resource_types: RESOURCE_TYPES },
    noise: SYNTHETIC_NOISE,
  },
  {
    name: 'sparse-tags',
    description:
      'An organization of the issue reporter’s size where only one resource in ten carries a team tag and three in a hundred an owner email, and nearly a third of those tags name a former team or owner.',
    sizes: REPORTER_SIZE,
    noise: {
      ...SYNTHETIC_NOISE,
      team_tag: 0.1,
      stale_team_tag: 0.3,
      owner_email_tag: 0.03,
      stale_owner_email_tag: 0.3,
      service_tag: 0.25,
      cost_center_tag: 0.15,
      wrong_cost_center: 0.15,
    },
  },
  {
    name: 'platform-built',
    description:
      'A mid-size organization where nine resources in ten the trail saw were created by GitHub Actions, Terraform or shared deploy roles, and a central platform team creates much of it for other teams through its own people, provisioning pipeline and shared Terraform stacks, with little direct tagging.',
    sizes: { teams: 24, people: 140, services: 80, resources: 5_000, accounts: 4, resource_types: RESOURCE_TYPES },
    noise: {
      ...SYNTHETIC_NOISE,
      team_tag: 0.2,
      owner_email_tag: 0.04,
      service_tag: 0.35,
      created_in_trail: 0.9,
      creator: { human: 0.1, github_actions: 0.45, terraform: 0.3, shared_role: 0.15 },
      human_creator: { responsible: 0.25, teammate: 0.05, platform: 0.6, other_team: 0.1 },
      platform_pipeline: 0.4,
      platform_terraform: 0.6,
      also_in_terraform: 0.2,
    },
  },
  {
    name: 'high-churn',
    description:
      'An organization of the issue reporter’s size after a reorganization: about 30% of the people have left, 30% of catalog entries and service CODEOWNERS still name a previous team, and more team tags are stale.',
    sizes: REPORTER_SIZE,
    noise: {
      ...SYNTHETIC_NOISE,
      inactive_users: 0.4,
      always_active_per_team: 1,
      multi_team_users: 0.25,
      stale_catalog: 0.3,
      stale_repo_codeowners: 0.3,
      wrong_tf_codeowners: 0.2,
      stale_team_tag: 0.15,
    },
  },
  {
    name: 'small-startup',
    description:
      'A startup of 4 teams and 15 people in 2 accounts that tags nearly everything correctly but has a catalog entry for only a quarter of its services.',
    sizes: { teams: 4, people: 15, services: 10, resources: 500, accounts: 2, resource_types: FIVE_TYPES },
    noise: {
      ...SYNTHETIC_NOISE,
      inactive_users: 0.05,
      no_signal: 0.03,
      team_tag: 0.9,
      stale_team_tag: 0.02,
      owner_email_tag: 0.6,
      has_service: 0.8,
      service_tag: 0.85,
      cost_center_tag: 0.5,
      uncatalogued: 0.75,
      stale_catalog: 0.05,
      creator: { human: 0.6, github_actions: 0.3, terraform: 0.1, shared_role: 0 },
    },
  },
  {
    name: 'noisy-catalog',
    description:
      'A mid-size organization whose services are well tagged but whose catalog names the wrong team for 35% of the services it lists and has no entry for 40% of them.',
    sizes: { teams: 20, people: 100, services: 90, resources: 3_000, accounts: 4, resource_types: RESOURCE_TYPES.slice(0, 8) },
    noise: { ...SYNTHETIC_NOISE, has_service: 0.8, service_tag: 0.8, stale_catalog: 0.35, uncatalogued: 0.4 },
  },
  {
    name: 'untagged',
    description:
      'An organization of the issue reporter’s size that tags nothing, neither teams, owners, services nor cost centers, so owners show only in CODEOWNERS, the trail, the catalog and resource names.',
    sizes: REPORTER_SIZE,
    noise: { ...SYNTHETIC_NOISE, team_tag: 0, owner_email_tag: 0, service_tag: 0, cost_center_tag: 0 },
  },
];

export function orgShape(shape: OrgShape | string | undefined): OrgShape {
  if (shape === undefined) return ORG_SHAPES[0];
  if (typeof shape !== 'string') return shape;
  const found = ORG_SHAPES.find((s) => s.name === shape);
  if (!found) throw new Error(`unknown organization shape "${shape}"; known: ${ORG_SHAPES.map((s) => s.name).join(', ')}`);
  return found;
}

/** The properties that tell the shapes apart, as a generated organization has them. */
export interface OrgMeasures {
  teams: number;
  people: number;
  services: number;
  resources: number;
  accounts: number;
  resource_types: number;
  /** Resources with a `team:` or `dd-team:` tag. */
  team_tagged: number;
  /** Of the team tags, those naming another team than the true one. */
  stale_team_tags: number;
  /** Resources with an `owner:` tag. */
  owner_tagged: number;
  /** Of the owner tags, those naming someone outside the true team. */
  stale_owner_tags: number;
  /** Resources whose creation the trail attributes to GitHub Actions, Terraform or a shared deploy role. */
  automation_created: number;
  /** Resources of other teams created by the platform team: its people, its pipeline or its shared stacks. */
  platform_created_for_others: number;
  /** People who have left. */
  inactive_people: number;
  /** Services without a catalog entry. */
  uncatalogued: number;
  /** Of the catalog entries, those naming another team than the service's. */
  stale_catalog: number;
  /** Service repositories whose CODEOWNERS names another team than the service's. */
  stale_codeowners: number;
}

/** The central team that, in some shapes, creates resources for the others. */
export const PLATFORM_TEAM = 'platform';
/** The platform team's provisioning repository (under the organization), whose pipeline creates for other teams. */
export const PLATFORM_PIPELINE_REPO = 'platform-provisioner';

export function measureOrg(model: OrgModel): OrgMeasures {
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length;
  const rs = model.resources;
  const users = new Map(model.users.map((u) => [u.handle, u]));
  const byEmail = new Map(model.users.map((u) => [u.email, u]));
  const platformRepo = `${model.org}/${PLATFORM_PIPELINE_REPO}`;
  const platformRoots = new Set(model.tf_roots.filter((t) => t.team === PLATFORM_TEAM && !t.path.startsWith('teams/')).map((t) => t.id));
  const teamTags = rs.flatMap((r) => r.tags.filter((t) => /^(dd-)?team:/.test(t)).map((t) => ({ value: t.slice(t.indexOf(':') + 1), r })));
  const ownerTags = rs.flatMap((r) => r.tags.filter((t) => t.startsWith('owner:')).map((t) => ({ person: byEmail.get(t.slice(6)), r })));
  const creation = (r: (typeof rs)[number]) => r.events.find((e) => e.action === 'create');
  const catalogued = model.services.filter((s) => s.catalog !== 'none');
  const serviceRepos = new Map(model.services.map((s) => [s.repo, s]));
  return {
    teams: model.teams.length,
    people: model.users.length,
    services: model.services.length,
    resources: rs.length,
    accounts: new Set(rs.map((r) => r.account)).size,
    resource_types: new Set(rs.map((r) => r.resource_type)).size,
    team_tagged: share(
      count(rs, (r) => r.tags.some((t) => /^(dd-)?team:/.test(t))),
      rs.length,
    ),
    stale_team_tags: share(
      count(teamTags, (t) => t.value !== t.r.truth.team),
      teamTags.length,
    ),
    owner_tagged: share(
      count(rs, (r) => r.tags.some((t) => t.startsWith('owner:'))),
      rs.length,
    ),
    stale_owner_tags: share(
      count(ownerTags, (t) => !t.person?.teams.includes(t.r.truth.team)),
      ownerTags.length,
    ),
    automation_created: share(
      count(rs, (r) => ['github_actions', 'terraform', 'shared_role'].includes(creation(r)?.form ?? '')),
      rs.length,
    ),
    platform_created_for_others: share(
      count(rs, (r) => {
        const e = creation(r);
        if (!e || r.truth.team === PLATFORM_TEAM) return false;
        if (e.user) return users.get(e.user)!.teams.includes(PLATFORM_TEAM) && !users.get(e.user)!.teams.includes(r.truth.team);
        if (e.form === 'github_actions') return e.repo === platformRepo;
        return e.form === 'terraform' && platformRoots.has(r.tf_root!);
      }),
      rs.length,
    ),
    inactive_people: share(
      count(model.users, (u) => !u.active),
      model.users.length,
    ),
    uncatalogued: share(model.services.length - catalogued.length, model.services.length),
    stale_catalog: share(
      count(catalogued, (s) => s.catalog_team !== s.team),
      catalogued.length,
    ),
    stale_codeowners: share(
      count(model.repos, (repo) => {
        const s = serviceRepos.get(repo.name);
        return !!s && repo.rules.find((rule) => rule.pattern === '*')!.owners[0] !== `@${model.org}/${s.team}`;
      }),
      serviceRepos.size,
    ),
  };
}

/** One paragraph for a benchmark's report: the shape, its description, and what the generated organization holds. */
export function shapeSummary(shape: OrgShape, model: OrgModel): string {
  const m = measureOrg(model);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const int = (x: number) => x.toLocaleString('en-US');
  return (
    `\`${shape.name}\` (${int(m.teams)} teams, ${int(m.people)} people, ${int(m.services)} services, ` +
    `${int(m.resources)} resources of ${m.resource_types} types in ${m.accounts} accounts): ${shape.description} ` +
    `Generated: team tags on ${pct(m.team_tagged)} of resources (${pct(m.stale_team_tags)} stale), ` +
    `owner tags on ${pct(m.owner_tagged)} (${pct(m.stale_owner_tags)} outside the true team); ` +
    `${pct(m.automation_created)} created by automation, ${pct(m.platform_created_for_others)} by the platform team for others; ` +
    `${pct(m.inactive_people)} of people left; ${pct(m.uncatalogued)} of services uncatalogued, ` +
    `${pct(m.stale_catalog)} of catalog entries and ${pct(m.stale_codeowners)} of service CODEOWNERS stale.`
  );
}
