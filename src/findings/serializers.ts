// Findings on the wire: the official client's shapes under /api/v2, and the 2023 beta envelopes under /api/unstable.
import type { FindingDetail, FindingRow, SummaryCounts } from '../store/findings-query.js';
import { ownEntry } from '../own-entry.js';

export interface FindingPage {
  findings: FindingRow[];
  total: number;
  cursor?: string;
  snapshot: number;
  /** Present when the listing asked for detailed findings. */
  details?: Map<string, FindingDetail>;
}

/** The mute as it stood at `at`: an expired mute reads as not muted. */
// The findings listing's mute reasons (Datadog's FindingMuteReason). A mute may be written with a reason of the newer
// mute request (MuteFindingsReason) or a mute rule's (MuteReason), which that enum lacks and the official client would
// not parse: each is read as the listing's nearest one.
const LISTING_MUTE_REASONS = new Set([
  'PENDING_FIX',
  'FALSE_POSITIVE',
  'ACCEPTED_RISK',
  'NO_PENDING_FIX',
  'HUMAN_ERROR',
  'NO_LONGER_ACCEPTED_RISK',
  'OTHER',
]);
const NEAREST_LISTING_MUTE_REASON: Record<string, string> = { RISK_ACCEPTED: 'ACCEPTED_RISK', NO_FIX: 'NO_PENDING_FIX' };

export function listingMuteReason(reason: unknown): string {
  const upper = String(reason).toUpperCase();
  return LISTING_MUTE_REASONS.has(upper) ? upper : (ownEntry(NEAREST_LISTING_MUTE_REASON, upper) ?? 'OTHER');
}

export function muteAt(row: Pick<FindingRow, 'muted' | 'mute' | 'mute_expires_at'>, at: number): Record<string, unknown> {
  if (!row.muted || (row.mute_expires_at !== null && row.mute_expires_at <= at)) return { muted: false };
  const m: Record<string, unknown> = row.mute ?? {};
  const out: Record<string, unknown> = { muted: true };
  for (const key of ['reason', 'description', 'start_date', 'expiration_date', 'uuid'] as const) {
    if (m[key] !== undefined && m[key] !== null) out[key] = key === 'reason' ? listingMuteReason(m[key]) : m[key];
  }
  return out;
}

function coreAttributes(row: FindingRow, at: number) {
  return {
    evaluation: row.evaluation,
    evaluation_changed_at: row.evaluation_changed_at,
    mute: muteAt(row, at),
    resource: row.resource_name,
    resource_discovery_date: row.resource_discovery_date,
    resource_type: row.resource_type,
    rule: { id: row.rule_id, name: row.rule_name },
    status: row.status,
    tags: row.tags,
    vulnerability_type: row.vulnerability_type,
    resource_id: row.resource_id,
  };
}

/** Private IP addresses found anywhere in a resource configuration (keys named like private_ip_address[es]). */
export function privateIpAddresses(configuration: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string, depth: number) => {
    if (depth > 6 || value === null || value === undefined) return;
    if (/private_ip_address(es)?$/.test(key)) {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && v) found.add(v);
    }
    if (Array.isArray(value)) value.forEach((v) => visit(v, key, depth + 1));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k, depth + 1);
  };
  visit(configuration, '', 0);
  return [...found];
}

export function datadogLink(findingId: string): string {
  return `/findings/${encodeURIComponent(findingId)}`;
}

function listItem(row: FindingRow, page: FindingPage) {
  const attributes: Record<string, unknown> = coreAttributes(row, page.snapshot);
  if (page.details) {
    const d = page.details.get(row.finding_id);
    attributes.external_id = row.resource_id;
    attributes.description = d?.message ?? '';
    attributes.datadog_link = datadogLink(row.finding_id);
    attributes.ip_addresses = privateIpAddresses(d?.resource_configuration);
  }
  return { id: row.finding_id, type: 'finding', attributes };
}

function meta(page: FindingPage) {
  const pageMeta: Record<string, unknown> = { total_filtered_count: page.total };
  if (page.cursor) pageMeta.cursor = page.cursor;
  return { page: pageMeta, snapshot_timestamp: page.snapshot };
}

/** `listFindings`: {data:[finding], meta:{page:{total_filtered_count, cursor?}, snapshot_timestamp}}. */
export function v2ListBody(page: FindingPage) {
  return { data: page.findings.map((row) => listItem(row, page)), meta: meta(page) };
}

/** `getFinding`: {data:{id, type:'detailed_finding', attributes:{...list attributes, message, resource_configuration}}}. */
export function v2DetailBody(row: FindingRow, detail: FindingDetail | undefined, at: number) {
  return {
    data: {
      id: row.finding_id,
      type: 'detailed_finding',
      attributes: { ...coreAttributes(row, at), message: detail?.message ?? '', resource_configuration: detail?.resource_configuration ?? {} },
    },
  };
}

/** The 2023 beta's flat finding: `muted` is a boolean, no vulnerability type. */
function betaFinding(row: FindingRow, at: number) {
  return {
    id: row.finding_id,
    status: row.status,
    evaluation: row.evaluation,
    resource_discovery_date: row.resource_discovery_date,
    resource_type: row.resource_type,
    resource: row.resource_name,
    rule: { name: row.rule_name, id: row.rule_id },
    evaluation_changed_at: row.evaluation_changed_at,
    muted: muteAt(row, at).muted as boolean,
    tags: row.tags,
  };
}

/** The 2023 beta's list envelope. `responseId` identifies the answer, as Datadog's did. */
export function betaListBody(page: FindingPage, responseId: string) {
  return {
    data: {
      id: responseId,
      type: 'posture_management_list_findings_resp',
      attributes: { findings: page.findings.map((row) => betaFinding(row, page.snapshot)) },
    },
    meta: meta(page),
  };
}

export function betaDetailBody(row: FindingRow, detail: FindingDetail | undefined, at: number, responseId: string) {
  const { id, ...rest } = betaFinding(row, at);
  return {
    data: {
      id: responseId,
      type: 'posture_management_fetch_finding_resp',
      attributes: { finding: { message: detail?.message ?? '', id, ...rest, resource_configuration: detail?.resource_configuration ?? {} } },
    },
  };
}

export function summaryBody(counts: SummaryCounts, at: number) {
  return {
    data: {
      type: 'findings_summary',
      id: 'summary',
      attributes: {
        total: counts.total,
        by_status: counts.by_status,
        by_evaluation: counts.by_evaluation,
        top_teams_failing: counts.top_teams_failing,
      },
    },
    meta: { snapshot_timestamp: at },
  };
}
