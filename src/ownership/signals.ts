// The records the ownership importers produce: directory, service catalog, audit events, CODEOWNERS and preferences.
// Plain data: the store persists them, the inference engine reads them.

import type { OwnerType } from './owner-type.js';

/** A person in the team directory (Backstage User, HR document, ...). */
export interface DirectoryUser {
  handle: string;
  email?: string;
  display_name?: string;
  /** A user who has left is kept, inactive: inferences pointing at them are weakened, not dropped. */
  active: boolean;
  /** Team handles, sorted, without duplicates. */
  teams: string[];
}

/** A team in the directory (Backstage Group, HR document, ...). */
export interface DirectoryTeam {
  handle: string;
  name: string;
  parent?: string;
  /** User handles, sorted, without duplicates. */
  members: string[];
}

export interface Directory {
  users: DirectoryUser[];
  teams: DirectoryTeam[];
}

/** An owner named by reference: a team or a user handle. */
export interface OwnerRef {
  kind: 'team' | 'user';
  handle: string;
}

export interface ServiceContact {
  type: string;
  contact: string;
  name?: string;
}

export interface ServiceRepository {
  name?: string;
  url: string;
  provider?: string;
}

export interface ServiceLink {
  name?: string;
  type?: string;
  url: string;
  provider?: string;
}

/** A service-catalog entry: a Datadog service definition or a Backstage Component, Resource or System. */
export interface Service {
  name: string;
  /** The owning team's handle, when the definition names a team (never guessed from tags). */
  team?: string;
  /** The primary owner as declared, team or user (Backstage allows `user:` owners). */
  owner?: OwnerRef;
  additional_owners: OwnerRef[];
  contacts: ServiceContact[];
  repositories: ServiceRepository[];
  links: ServiceLink[];
  /** `key:value` or bare tags as written. */
  tags: string[];
  /** `v2`, `v2.1`, `v2.2`, `v3` for Datadog; the entity's apiVersion for Backstage. */
  schema_version: string;
  /** Where it came from: the caller's file name or label. */
  source: string;
  /** Datadog v3 kind (service, datastore, queue, system, api, ...) or Backstage kind (Component, Resource, System). */
  kind?: string;
  /** Backstage `spec.system`, Datadog v3 system membership when given. */
  system?: string;
  application?: string;
  tier?: string;
  lifecycle?: string;
  type?: string;
  languages: string[];
  description?: string;
  ci_pipeline_fingerprints: string[];
  integrations?: Record<string, unknown>;
}

export type PrincipalKind = 'iam_user' | 'assumed_role' | 'sso_user' | 'federated_user' | 'root' | 'service' | 'aws_account' | 'unknown';

/** Who made an API call, reduced to the name that could own what it touched. */
export interface ResolvedPrincipal {
  kind: PrincipalKind;
  /** The owner-candidate name: IAM user name, role session name (an email for SSO), federated name, `root`, service name. Empty when unknown. */
  name: string;
  arn?: string;
  /** The assumed role's name (for assumed_role and sso_user). */
  role?: string;
  account?: string;
  /** CI, IaC, AWS services, instance profiles, ...: not owners themselves. */
  automation: boolean;
  automation_reason?: string;
  /** `owner/name` when the pipeline's repository is named (GitHub Actions OIDC). */
  repository?: string;
}

export interface ResourceChange {
  /** The canonical id the inventory uses: an ARN. */
  id: string;
  /** Datadog's resource type name: aws_s3_bucket, aws_ec2_instance, ... */
  resource_type: string;
  action: 'created' | 'changed';
}

/** One CloudTrail record, reduced to what ownership needs. */
export interface AuditEvent {
  event_id: string;
  /** Unix milliseconds. */
  event_time: number;
  event_source: string;
  event_name: string;
  account: string;
  region: string;
  principal: ResolvedPrincipal;
  /** The ids of `resources`, without duplicates. */
  resource_ids: string[];
  resources: ResourceChange[];
  user_agent?: string;
  source_ip?: string;
  /** A failed call (AccessDenied, ...) changed nothing: it has no resources. */
  error_code?: string;
}

export interface CodeownersOwner {
  kind: 'team' | 'user';
  /** Team slug (`platform` of `@org/platform`), user login, or email address. */
  handle: string;
  /** The GitHub organization of a team owner. */
  org?: string;
  email?: string;
  /** As written: `@org/team`, `@user`, `name@example.com`. */
  ref: string;
}

export interface CodeownersRule {
  /** As written, unescaped (`\ ` becomes a space). */
  pattern: string;
  owners: CodeownersOwner[];
  /** 1-based line in the file. */
  line: number;
  /** GitLab section name; rules of different sections combine, within a section the last match wins. */
  section?: string;
}

export type Confidence = 'high' | 'medium' | 'low';

export interface TagMappingPreference {
  id: string;
  preference_type: 'tag_mapping';
  tag_key: string;
  /** Absent: any value of the key matches. */
  tag_value?: string;
  owner: string;
  owner_type: OwnerType;
  confidence: Confidence;
  priority?: number;
}

export interface ExclusionPreference {
  id: string;
  preference_type: 'exclusion';
  handle: string;
  /** Only for this owner type, when given. */
  exclusion_type?: OwnerType;
  /** Only for this resource type, when given. */
  exclusion_resource_type?: string;
  priority?: number;
}

export interface PromptTextPreference {
  id: string;
  preference_type: 'prompt_text';
  prompt_text: string;
  priority?: number;
}

export type Preference = TagMappingPreference | ExclusionPreference | PromptTextPreference;

/** A validated ownership-preferences set, each kind in file order. */
export interface PreferenceSet {
  tag_mappings: TagMappingPreference[];
  exclusions: ExclusionPreference[];
  prompt_texts: PromptTextPreference[];
}
