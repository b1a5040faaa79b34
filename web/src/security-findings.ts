// The Security Findings API (GET /api/v2/security/findings) as the findings explorer reads it: a query in Datadog's
// log search syntax in, pages of findings in Datadog's Security Findings schema out, turned into the legacy listing's
// shape so that one table shows both listings.
import type { Evaluation, Finding, FindingsPage, Severity } from './types.js';

/** One finding of the Security Findings schema; only the fields the table shows. */
export interface SecurityFinding {
  id: string;
  type: string;
  attributes: {
    attributes: {
      severity?: Severity;
      compliance: { evaluation: Evaluation };
      detection_changed_at?: number;
      finding_type?: string;
      resource_id?: string;
      resource_name?: string;
      resource_type?: string;
      rule?: { id?: string; name?: string };
      workflow?: { mute?: { is_muted?: boolean } };
    };
    tags?: string[];
  };
}

export interface SecurityFindingsBody {
  data: SecurityFinding[];
  meta: { page?: { after?: string }; snapshot_timestamp?: number };
}

export interface SecurityFindingsRequest {
  query: string;
  limit: number;
  cursor?: string;
  /** Unix ms: the findings and their owners as they stood then (Steward's snapshot_timestamp); absent means now. */
  snapshot?: number;
}

/** The query string of one page; the API lists newest change first by default, as the legacy listing does. */
export function securityFindingsParams(req: SecurityFindingsRequest): URLSearchParams {
  const q = new URLSearchParams({ 'filter[query]': req.query, 'page[limit]': String(req.limit) });
  if (req.cursor) q.set('page[cursor]', req.cursor);
  else if (req.snapshot !== undefined) q.set('snapshot_timestamp', String(req.snapshot));
  return q;
}

export function toLegacyFinding(f: SecurityFinding): Finding {
  const a = f.attributes.attributes;
  return {
    id: f.id,
    type: f.type,
    attributes: {
      status: a.severity,
      evaluation: a.compliance.evaluation,
      evaluation_changed_at: a.detection_changed_at,
      mute: { muted: a.workflow?.mute?.is_muted === true },
      resource: a.resource_name,
      resource_id: a.resource_id,
      resource_type: a.resource_type,
      rule: a.rule,
      tags: f.attributes.tags,
      vulnerability_type: a.finding_type,
    },
  };
}

/** The API gives no total count, only the next page's cursor (meta.page.after). */
export function toFindingsPage(body: SecurityFindingsBody): FindingsPage {
  return {
    data: body.data.map(toLegacyFinding),
    meta: { page: { cursor: body.meta.page?.after }, snapshot_timestamp: body.meta.snapshot_timestamp },
  };
}

export interface QueryProblem {
  message: string;
  /** 1-based, in UTF-16 code units (JavaScript string indexes); one past the end when the query stops short. */
  column?: number;
}

/** The error of a 400 that is about filter[query], with the column its detail names ("… at column 23: …"). */
export function queryProblem(errors: Array<{ detail?: string; source?: { parameter?: string } }>): QueryProblem | undefined {
  const error = errors.find((e) => e.source?.parameter === 'filter[query]');
  if (!error?.detail) return undefined;
  const column = /\bat column (\d+)\b/.exec(error.detail)?.[1];
  return { message: error.detail, ...(column ? { column: Number(column) } : {}) };
}
