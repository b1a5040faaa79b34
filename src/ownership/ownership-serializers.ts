// The CSM Ownership API's wire shapes (the official client's models). Internal fields (votes, slot) never leave.
import type { OwnerType } from './owner-type.js';
import type { HistoryRow, InferenceRow, SettingsRow } from '../store/ownership-inferences.js';
import type { UntaggedCounts } from '../store/ownership-queries.js';
import type { DirectoryUserRow } from '../store/directory.js';
import { formatConfidence } from './engine.js';

const iso = (ms: number | string | null | undefined): string => new Date(Number(ms ?? 0)).toISOString();

export const contactRef = (handle: string | null | undefined): string | undefined => (handle ? `ref:handle/${handle}` : undefined);

/** The item id the client documents: `resource_id:owner_type` (the owner type asked for). */
export const inferenceId = (resourceId: string, slot: OwnerType) => `${resourceId}:${slot}`;

function common(row: Omit<InferenceRow, 'votes' | 'updated_at'>) {
  const attrs: Record<string, unknown> = {
    checksum: row.checksum,
    confidence: formatConfidence(Number(row.confidence)),
    created_at: iso(row.created_at),
    evidence_versions: row.evidence_versions ?? [],
    explanation: row.explanation,
    owner_type: row.owner_type,
    sources: row.sources ?? [],
    status: row.status,
  };
  const ref = contactRef(row.owner_handle);
  if (ref) attrs.primary_contact_ref = ref;
  return attrs;
}

export function inferenceAttributes(row: InferenceRow) {
  return { ...common(row), updated_at: iso(row.updated_at) };
}

export function inferenceListBody(resourceId: string, rows: InferenceRow[]) {
  return {
    data: {
      id: resourceId,
      type: 'ownership_inferences',
      attributes: { items: rows.map((r) => ({ id: inferenceId(resourceId, r.slot), ...inferenceAttributes(r) })) },
    },
  };
}

export function inferenceBody(resourceId: string, row: InferenceRow) {
  return { data: { id: inferenceId(resourceId, row.slot), type: 'ownership_inference', attributes: inferenceAttributes(row) } };
}

/** The retry time of a failed inference: the worker keeps `{attempts, next_attempt_at, backoff_seconds}`. */
function retryAt(schedule: unknown): string | undefined {
  if (!schedule) return undefined;
  if (typeof schedule === 'string') return schedule;
  const next = (schedule as { next_attempt_at?: unknown }).next_attempt_at;
  if (typeof next === 'string') return next;
  if (typeof next === 'number') return iso(next);
  return undefined;
}

export function historyItem(row: HistoryRow) {
  const item: Record<string, unknown> = { id: Number(row.id), resource_id: row.resource_id, ...common(row) };
  if (row.failed_at != null) item.failed_at = iso(row.failed_at);
  if (row.failure_reason) item.failure_reason = row.failure_reason;
  const retry = retryAt(row.retry_schedule);
  if (retry) item.retry_schedule = retry;
  // Steward's own addition: who reviewed what, so a confirm (which keeps the answer) is visible in the history.
  if (row.review_action && row.review_actor) {
    item.review = { action: row.review_action, actor: row.review_actor, ...(row.review_reason ? { reason: row.review_reason } : {}) };
  }
  return item;
}

export function historyBody(resourceId: string, rows: HistoryRow[], nextCursor: string | undefined) {
  const pagination: Record<string, unknown> = { has_more: nextCursor !== undefined };
  if (nextCursor) pagination.next_cursor = nextCursor;
  return { data: { id: resourceId, type: 'ownership_history', attributes: { items: rows.map(historyItem), pagination } } };
}

export function evidenceBody(resourceId: string, versions: Array<Record<string, unknown>>) {
  return { data: { id: resourceId, type: 'ownership_evidence', attributes: { evidence_versions: versions } } };
}

export interface FeedbackOutcome {
  action: string;
  previous: InferenceRow;
  next: InferenceRow;
}

export function feedbackResultBody(resourceId: string, o: FeedbackOutcome) {
  const attributes: Record<string, unknown> = {
    action: o.action,
    checksum: o.next.checksum,
    new_status: o.next.status,
    owner_type: o.next.owner_type,
    previous_status: o.previous.status,
    updated_at: iso(o.next.updated_at),
  };
  const ref = contactRef(o.next.owner_handle);
  if (ref) attributes.primary_contact_ref = ref;
  return { data: { id: resourceId, type: 'ownership_feedback_result', attributes } };
}

export function settingsBody(orgId: string, s: Pick<SettingsRow, 'auto_tag' | 'confidence_level' | 'version'>) {
  return {
    data: {
      id: orgId,
      type: 'ownership_settings',
      attributes: { auto_tag: s.auto_tag, confidence_level: s.confidence_level, version: Number(s.version) },
    },
  };
}

export function untaggedBody(orgId: string, c: UntaggedCounts) {
  return {
    data: {
      id: orgId,
      type: 'ownership_untagged_findings',
      attributes: { total: c.total, high_confidence: c.high, medium_confidence: c.medium, low_confidence: c.low },
    },
  };
}

export function directoryBody(orgId: string, d: { users: DirectoryUserRow[]; teams: Array<{ handle: string; name: string }> }) {
  return {
    data: {
      type: 'directory',
      id: orgId,
      attributes: {
        users: d.users.map((u) => ({
          handle: u.handle,
          ...(u.email ? { email: u.email } : {}),
          name: u.display_name ?? u.handle,
          active: u.active,
          teams: u.teams ?? [],
        })),
        teams: d.teams.map((t) => ({ handle: t.handle, name: t.name })),
      },
    },
  };
}
