// Wire shapes of the API the console reads (snake_case, as the server's serializers write them).

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export type Evaluation = 'pass' | 'fail';
export type OwnerType = 'team' | 'user' | 'service' | 'unknown';
export type InferenceStatus = 'suggested' | 'persisted' | 'overridden' | 'failed' | 'unknown';
export type FeedbackAction = 'confirm' | 'reject' | 'correct' | 'persist';

export interface FindingMute {
  muted?: boolean;
  reason?: string;
  description?: string;
  start_date?: number;
  expiration_date?: number;
  uuid?: string;
}

export interface FindingAttributes {
  evaluation: Evaluation;
  evaluation_changed_at?: number;
  mute?: FindingMute;
  resource?: string;
  /** Steward's own id of the resource, the key of the ownership API. */
  resource_id?: string;
  resource_discovery_date?: number;
  resource_type?: string;
  rule?: { id?: string; name?: string };
  status?: Severity;
  tags?: string[];
  vulnerability_type?: string;
}

export interface Finding {
  id: string;
  type: string;
  attributes: FindingAttributes;
}

export interface DetailedFinding extends Finding {
  attributes: FindingAttributes & { message?: string; resource_configuration?: unknown };
}

export interface FindingsPage {
  data: Finding[];
  meta: { page?: { total_filtered_count?: number; cursor?: string }; snapshot_timestamp?: number };
}

export interface InferenceItem {
  id?: string;
  checksum: string;
  confidence: string;
  created_at: string;
  updated_at?: string;
  evidence_versions: Array<Record<string, unknown>>;
  explanation: string;
  owner_type: OwnerType;
  primary_contact_ref?: string;
  sources: Array<Record<string, unknown>>;
  status: InferenceStatus;
}

export interface HistoryItem extends Omit<InferenceItem, 'id'> {
  id: number;
  /** The review that wrote this entry, if one did. */
  review?: { action: FeedbackAction; actor: string; reason?: string };
  resource_id: string;
  failed_at?: string;
  failure_reason?: string;
  retry_schedule?: string;
}

export interface FeedbackResult {
  action: FeedbackAction;
  checksum: string;
  new_status: InferenceStatus;
  owner_type: OwnerType;
  previous_status: InferenceStatus;
  primary_contact_ref?: string;
  updated_at: string;
}

export interface FeedbackInput {
  action: FeedbackAction;
  inference_checksum: string;
  corrected_owner_handle?: string;
  corrected_owner_type?: OwnerType;
  reason?: string;
}

export interface DirectoryUser {
  handle: string;
  email?: string;
  name?: string;
  active?: boolean;
  teams?: string[];
}
export interface Directory {
  users: DirectoryUser[];
  teams: Array<{ handle: string; name?: string }>;
}

export interface OwnershipSettings {
  auto_tag: boolean;
  confidence_level: 'high' | 'medium' | 'low';
  version?: number;
}

export interface UntaggedCounts {
  total: number;
  high_confidence: number;
  medium_confidence: number;
  low_confidence: number;
}

export interface FindingsSummary {
  total: number;
  by_status: Partial<Record<Severity, number>>;
  by_evaluation: Partial<Record<Evaluation, number>>;
  top_teams_failing: Array<{ team: string; count: number }>;
}

export interface MuteInput {
  is_muted: boolean;
  reason: string;
  description?: string;
  expire_at?: number;
}

/** Why a finding is muted, and why it is unmuted: the server takes each list in its own direction only. */
export const MUTING_REASONS = ['PENDING_FIX', 'FALSE_POSITIVE', 'OTHER', 'NO_FIX', 'DUPLICATE', 'RISK_ACCEPTED'] as const;
export const UNMUTING_REASONS = ['NO_LONGER_ACCEPTED_RISK', 'NO_PENDING_FIX', 'HUMAN_ERROR', 'OTHER'] as const;
/** The longest description the server keeps. */
export const MUTE_DESCRIPTION_MAX = 280;

/** GET /api/v2/csm/rules/coverage: how much of the estate one rule could judge. */
export interface RuleCoverage {
  rule_id: string;
  name: string;
  resource_type: string;
  severity: Severity;
  in_rule_pack: boolean;
  pass: number;
  fail: number;
  not_evaluated: number;
  missing_fields: Array<{ field: string; count: number }>;
  sources: Array<{ source: string | null; count: number }>;
}

/** GET /api/v2/csm/rules/coverage/{rule_id}/resources: a resource the rule could not judge. */
export interface NotEvaluatedResource {
  id: string;
  attributes: { resource_type: string; name: string | null; missing_fields: string[]; source: string | null; not_evaluated_since: number };
}

/** One item of GET /api/v2/csm/ownership/review_queue (the fields the console shows). */
export interface ReviewItem {
  id: string;
  attributes: {
    resource: { id: string; type?: string };
    owner_type: OwnerType;
    inference: { owner_type: string; owner_handle: string | null; confidence: string; status: string; checksum: string };
    score: number;
    reason: string;
  };
}

export interface ReviewQueuePage {
  data: ReviewItem[];
  meta: { page: { limit: number; total_filtered_count: number; cursor?: string } };
}
