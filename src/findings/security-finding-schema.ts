// One finding in Datadog's current Security Findings schema (the misconfiguration and identity-risk categories), as
// the Security Findings API answers it: {id, type, attributes: {attributes: {namespaced fields}, tags, timestamp}}.
// Pure: what each field is filled from, and what Steward cannot fill, is in docs/security-findings-mapping.md.
import type { FindingDetail, FindingRow } from '../store/findings-query.js';
import { muteAt } from './serializers.js';
import type { OwnerAt } from '../store/owners-at.js';
import type { SecurityFindingsPage } from './security-findings-service.js';
import { ownEntry } from '../own-entry.js';

/** Datadog's finding status: a muted finding is `muted` whatever its evaluation; else failing is open, passing resolved. */
export type SecurityFindingStatus = 'open' | 'muted' | 'resolved';

/** What a listing knows of one finding at its instant, besides the row. */
export interface SecurityFindingContext {
  /** The listing's instant: a mute that expired by then reads as not muted. */
  at: number;
  detail?: FindingDetail;
  /** When Steward first held a state of this finding. */
  firstSeenAt?: number;
  /** The resource's inferred owners at the instant, one per owner type that has an inference. */
  owners?: OwnerAt[];
}

/**
 * `owner`: the resource's inferred owner of each type at the instant, with its confidence and status, which Datadog's
 * schema does not have (searchable as `@owner.team`, `@owner.team_confidence`, `@owner.team_status`, ...).
 */
function ownersOf(owners: OwnerAt[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of [...owners].sort((a, b) => a.slot.localeCompare(b.slot))) {
    out[o.slot] = o.owner_handle;
    out[`${o.slot}_confidence`] = Math.round(o.confidence * 10000) / 10000;
    out[`${o.slot}_status`] = o.status;
  }
  return out;
}

const PROVIDER_NAMES: Record<string, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };
/** The tag that names a resource's account, per cloud provider (src/posture/finding-state.ts writes them). */
const ACCOUNT_TAGS: Record<string, string> = { aws: 'aws_account', gcp: 'project_id', azure: 'subscription_id' };

function tagValue(tags: string[], key: string): string | undefined {
  const prefix = `${key}:`;
  return tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

function cloudResource(row: FindingRow, detail: FindingDetail | undefined): Record<string, unknown> {
  const provider = tagValue(row.tags, 'cloud_provider');
  const account = provider ? tagValue(row.tags, ownEntry(ACCOUNT_TAGS, provider) ?? 'account') : undefined;
  const out: Record<string, unknown> = { key: row.resource_id, display_name: row.resource_name };
  if (provider) out.cloud_provider = ownEntry(PROVIDER_NAMES, provider) ?? provider;
  if (account) out.account = { account_id: account };
  if (detail?.resource_configuration) out.configuration = detail.resource_configuration;
  return out;
}

/** workflow.mute: the mute as it stood at the instant, with who muted it and why. */
function workflowMute(row: FindingRow, at: number): Record<string, unknown> {
  const muted = muteAt(row, at).muted === true;
  if (!muted || !row.mute) return { is_muted: false, is_muted_by_rule: false };
  const m = row.mute;
  // A mute rule's mute carries the rule (src/findings/automation-rules.ts): muted by it, not by a user.
  const byRule = typeof m.rule_id === 'string';
  const out: Record<string, unknown> = { is_muted: true, is_muted_by_rule: byRule };
  if (m.reason !== undefined) out.reason = m.reason;
  if (m.description !== undefined) out.description = m.description;
  if (m.start_date !== undefined) out.muted_at = m.start_date;
  if (m.expiration_date !== undefined) out.expire_at = m.expiration_date;
  if (byRule) {
    out.muted_by = { id: m.rule_id, ...(typeof m.rule_name === 'string' ? { name: m.rule_name } : {}) };
  } else if (m.uuid !== undefined || typeof m.actor_handle === 'string') {
    out.muted_by = { ...(m.uuid !== undefined ? { id: m.uuid } : {}), ...(typeof m.actor_handle === 'string' ? { name: m.actor_handle } : {}) };
  }
  return out;
}

/**
 * workflow: the mute; the due date a due date rule set (overdue when it has passed at the instant and the finding is
 * still open); which automation rules changed the finding.
 */
function workflowOf(row: FindingRow, at: number): Record<string, unknown> {
  const out: Record<string, unknown> = { mute: workflowMute(row, at) };
  const due = row.automation?.due;
  if (due) {
    const dueAt = Number(due.due_at);
    out.due_date = {
      due_at: dueAt,
      is_overdue: dueAt <= at && securityFindingStatus(row, at) === 'open',
      rule_id: due.rule_id,
      rule_name: due.rule_name,
    };
  }
  const rules = [
    ...(row.automation?.severity
      ? [{ id: row.automation.severity.rule_id, name: row.automation.severity.rule_name, type: 'severity_modifier' }]
      : []),
    ...(due ? [{ id: due.rule_id, name: due.rule_name, type: 'due_date' }] : []),
  ];
  if (rules.length > 0) out.automations = { rules };
  return out;
}

export function securityFindingStatus(row: FindingRow, at: number): SecurityFindingStatus {
  if (muteAt(row, at).muted === true) return 'muted';
  return row.evaluation === 'fail' ? 'open' : 'resolved';
}

/** The rule type Datadog gives posture rules (misconfiguration and identity risk findings come from them). */
const RULE_TYPE: Record<string, string> = { misconfiguration: 'cloud_configuration', identity_risk: 'cloud_configuration' };

export function securityFinding(row: FindingRow, ctx: SecurityFindingContext) {
  const ruleType = ownEntry(RULE_TYPE, row.vulnerability_type);
  const attributes: Record<string, unknown> = {
    finding_id: row.finding_id,
    finding_type: row.vulnerability_type,
    status: securityFindingStatus(row, ctx.at),
    // The severity after any severity modifier rule, and the finding's own.
    severity: row.status,
    base_severity: row.base_status ?? row.status,
    compliance: { evaluation: row.evaluation },
    detection_changed_at: row.evaluation_changed_at,
    ...(ctx.firstSeenAt !== undefined ? { first_seen_at: ctx.firstSeenAt } : {}),
    resource_id: row.resource_id,
    resource_name: row.resource_name,
    resource_type: row.resource_type,
    rule: { id: row.rule_id, name: row.rule_name, ...(ruleType ? { type: ruleType } : {}) },
    cloud_resource: cloudResource(row, ctx.detail),
    workflow: workflowOf(row, ctx.at),
    ...(ctx.owners?.length ? { owner: ownersOf(ctx.owners) } : {}),
    metadata: { schema_version: '2' },
  };
  if (ctx.detail?.message) attributes.description = ctx.detail.message;
  return {
    id: row.finding_id,
    type: 'finding' as const,
    attributes: { attributes, tags: row.tags, timestamp: row.evaluation_changed_at },
  };
}

/** What a listing's answer says of itself besides the page. */
export interface SecurityFindingsAnswer {
  requestId: string;
  elapsedMs: number;
  /** The URL of the next page (absent on the last). */
  next?: string;
}

/**
 * `ListSecurityFindingsResponse`: {data, links: {next?}, meta: {page: {after?}, status, elapsed, request_id}}; the
 * instant the pages answer for is added as meta.snapshot_timestamp, as the legacy listing gives it.
 */
export function securityFindingsListBody(page: SecurityFindingsPage, answer: SecurityFindingsAnswer) {
  return {
    data: page.findings.map((row) =>
      securityFinding(row, {
        at: page.snapshot,
        ...(page.details.has(row.finding_id) ? { detail: page.details.get(row.finding_id) } : {}),
        ...(page.firstSeen.has(row.finding_id) ? { firstSeenAt: page.firstSeen.get(row.finding_id) } : {}),
        ...(page.owners.has(row.resource_id) ? { owners: page.owners.get(row.resource_id) } : {}),
      }),
    ),
    links: answer.next !== undefined ? { next: answer.next } : {},
    meta: {
      page: page.cursor !== undefined ? { after: page.cursor } : {},
      status: 'done' as const,
      elapsed: answer.elapsedMs,
      request_id: answer.requestId,
      snapshot_timestamp: page.snapshot,
    },
  };
}
