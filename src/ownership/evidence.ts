// The inference engine's input and output: plain, JSON-serialisable data for one resource.
// evidence-loader.ts assembles ResourceEvidence from the store (through each signal kind's loader); the engine never reads anything else.

import type { OwnerType } from './owner-type.js';
import type { SignalKind } from './signal-kinds/index.js';

export type AnswerOwnerType = OwnerType | 'unknown';

export type StatedConfidence = 'high' | 'medium' | 'low';

/** Every piece of evidence says where it came from and which version of it was read. */
export interface EvidenceMeta {
  /** The kind of source: `resource`, `preferences`, `datadog_service_catalog`, `backstage`, `cloudtrail`, `codeowners`, `directory`, ... */
  source: string;
  version: string | number;
  /** RFC 3339. */
  observed_at: string;
}

export interface ResourcePiece extends EvidenceMeta {
  resource_id: string;
  resource_type: string;
  name: string;
  /** `key:value` strings. */
  tags: string[];
  account?: string;
}

/** A preference tag mapping that matched one of the resource's tags (the caller matches). */
export interface MappingPiece extends EvidenceMeta {
  id: string;
  tag_key: string;
  tag_value: string;
  owner: string;
  owner_type: OwnerType;
  confidence: StatedConfidence;
}

export interface ExclusionPiece extends EvidenceMeta {
  id: string;
  handle: string;
  owner_type?: OwnerType;
  resource_type?: string;
}

/** A catalog service matched through the resource's service/application/component tag. */
export interface CatalogPiece extends EvidenceMeta {
  service: string;
  /** The catalog's owning team; may be out of date. */
  team: string | null;
  /** The tag through which it matched, e.g. `service:checkout`. */
  matched_tag?: string;
}

export interface PrincipalEvidence {
  kind: string;
  name: string;
  role?: string;
  automation: boolean;
  automation_reason?: string;
  /** For CI principals: the repository the pipeline runs from (`org/repo`). */
  repository?: string;
  /** Tags of the role the principal assumed (`key:value`), when known: a way to the team behind automation. */
  role_tags?: string[];
}

export interface AuditPiece extends EvidenceMeta {
  id: string;
  action: 'create' | 'modify';
  /** RFC 3339. */
  event_time: string;
  principal: PrincipalEvidence;
  /** The directory user's handle the principal resolved to, if any. */
  user?: string;
}

/**
 * Owners from a CODEOWNERS rule. `iac`: the rule for the Terraform root module's folder;
 * `ci`: the rule for a CI principal's repository (how automation is followed to its team).
 */
export interface CodeownersPiece extends EvidenceMeta {
  id: string;
  origin: 'iac' | 'ci';
  repository: string;
  path: string;
  /** The matched rules' patterns, space-separated (see `rules`). */
  pattern?: string;
  /** As written: `@org/team-slug`, `@user`, `user@example.com` (every matched rule's). */
  owners: string[];
  /** The rules that matched (one, or one per GitLab section), in file order; absent, `pattern` and `owners` are one rule. */
  rules?: CodeownersRuleMatch[];
}

/** One CODEOWNERS rule as it matched: where it is and what it says. */
export interface CodeownersRuleMatch {
  /** 1-based line in the file. */
  line: number;
  /** As written, unescaped. */
  pattern: string;
  /** As written. */
  owners: string[];
  section?: string;
  /** The pattern matches every path (`*`, `/`, `**`, `/*`, ...): it names the repository's default reviewers, not this path's owners. */
  catch_all: boolean;
}

export interface DirectoryUserPiece extends EvidenceMeta {
  handle: string;
  email?: string;
  active: boolean;
  teams: string[];
}

export interface DirectoryTeamPiece extends EvidenceMeta {
  handle: string;
}

export interface ResourceEvidence {
  resource: ResourcePiece;
  mappings?: MappingPiece[];
  exclusions?: ExclusionPiece[];
  catalog?: CatalogPiece[];
  audit?: AuditPiece[];
  codeowners?: CodeownersPiece[];
  directory?: {
    /** The users involved (owner tags, creators, CODEOWNERS). */
    users?: DirectoryUserPiece[];
    /** The organization's teams; an inference lists only those whose existence decided a vote. */
    teams?: DirectoryTeamPiece[];
    /** How many owners of each type the organization has: the prior's denominator. */
    population?: Partial<Record<OwnerType, number>>;
  };
  /** Known handles to look for inside the resource name (weakest signal). */
  naming?: { teams?: string[]; services?: string[] };
  /** Owners rejected for this resource by feedback. */
  rejected?: { owner_type: OwnerType; handle: string }[];
  /** What reviewers said of the pieces of evidence its votes rest on (vote-reliability.ts). */
  piece_labels?: PieceLabel[];
}

/** Review labels of one piece of evidence naming one owner: how often reviewers found it right and wrong. */
export interface PieceLabel {
  owner_type: OwnerType;
  /** pieceOf(vote): the vote's kind and the evidence it rests on. */
  piece: string;
  handle: string;
  right: number;
  wrong: number;
}

export interface EngineSettings {
  team_tag_keys: string[];
  /** Tag keys whose value may be a user (email or handle) or a team. */
  owner_tag_keys: string[];
  service_tag_keys: string[];
  /** Multiplies the reliability of every signal that points to a user who has left. */
  inactive_user_factor: number;
  /** Used when the evidence gives no population. */
  default_population: Record<OwnerType, number>;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  team_tag_keys: ['team', 'dd-team'],
  owner_tag_keys: ['owner'],
  service_tag_keys: ['service', 'application', 'component'],
  inactive_user_factor: 0.35,
  default_population: { team: 50, user: 500, service: 200 },
};

/** What one source named: kept with each inference so feedback can label the sources. */
export interface SourceVote {
  kind: SignalKind;
  owner_handle: string;
  /** The piece of evidence it rests on (pieceOf), so a review teaches every resource resting on it. */
  piece?: string;
  /** Its class when it differs from its kind (voteClassOf: `:via` a person, `:outside` the team answer, `:left` a person who left). */
  vote_class?: string;
}

export interface InferenceSource {
  type: SignalKind;
  name?: string;
  version: string | number;
  [extra: string]: unknown;
}

export interface EvidenceVersion {
  source: string;
  id: string;
  version: string | number;
}

export interface Inference {
  owner_type: AnswerOwnerType;
  /** The type asked for, kept when the answer is `unknown`. */
  asked_type: OwnerType;
  owner_handle: string | null;
  status: 'suggested' | 'unknown';
  confidence: number;
  explanation: string;
  sources: InferenceSource[];
  evidence_versions: EvidenceVersion[];
  /** Every source's candidate for this owner type, for feedback labels. */
  votes: SourceVote[];
  /**
   * A tie: every owner the same deciding evidence names with the same score (the answer first, then by handle). They
   * share the confidence; the deciding sources carry the same list (`co_owners`), which is what is stored.
   */
  co_owners?: string[];
  checksum: string;
}
