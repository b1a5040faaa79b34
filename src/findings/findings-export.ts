// The two findings listings exported whole (src/listing-export.ts): every finding a listing's filters select at its
// instant, in its order, paged through the listing's own service. The items are the pages' `data` items; the CSV
// columns are the listing's main fields. No HTTP here.
import type { Db } from '../store/db.js';
import { EXPORT_PAGE_SIZE, exportByPages, isoCell, tagsCell, type CsvColumn, type ListingExport } from '../listing-export.js';
import { listFindings, type RuleMessages } from './findings-service.js';
import type { ListRequest } from './list-query.js';
import { v2ListBody } from './serializers.js';
import { listSecurityFindings } from './security-findings-service.js';
import { securityFindingsListBody } from './security-finding-schema.js';
import type { SecurityFindingsRequest } from './security-findings-request.js';

export type FindingItem = ReturnType<typeof v2ListBody>['data'][number];
export type SecurityFindingItem = ReturnType<typeof securityFindingsListBody>['data'][number];

/**
 * GET /api/v2/posture_management/findings whole: at its snapshot_timestamp (or now, pinned by the first page), the
 * cursor of each page pinning the next to it. page[limit] and page[cursor] are not read.
 */
export async function exportFindings(
  db: Db,
  orgId: string,
  req: ListRequest,
  ruleMessages?: RuleMessages,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ListingExport<FindingItem>> {
  const { filter, detailed } = req;
  const first = await listFindings(
    db,
    orgId,
    { filter, detailed, limit: pageSize, ...(req.snapshotTimestamp !== undefined ? { snapshotTimestamp: req.snapshotTimestamp } : {}) },
    ruleMessages,
  );
  return exportByPages(
    first,
    first.snapshot,
    (page) =>
      page.cursor === undefined
        ? undefined
        : listFindings(db, orgId, { filter, detailed, limit: pageSize, cursor: { value: page.cursor, parameter: 'page[cursor]' } }, ruleMessages),
    (page) => v2ListBody(page).data,
  );
}

/** GET /api/v2/security/findings whole, in its sort: at its instant (now, pinned by the first page). */
export async function exportSecurityFindings(
  db: Db,
  orgId: string,
  req: SecurityFindingsRequest,
  ruleMessages?: RuleMessages,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ListingExport<SecurityFindingItem>> {
  const { cursor: _notRead, ...firstPage } = req;
  const first = await listSecurityFindings(db, orgId, { ...firstPage, limit: pageSize }, ruleMessages);
  const { filter, query, sort } = req;
  return exportByPages(
    first,
    first.snapshot,
    (page) =>
      page.cursor === undefined
        ? undefined
        : listSecurityFindings(
            db,
            orgId,
            { filter, query, sort, limit: pageSize, cursor: { value: page.cursor, parameter: 'page[cursor]' } },
            ruleMessages,
          ),
    (page) => securityFindingsListBody(page, { requestId: '', elapsedMs: 0 }).data,
  );
}

/** What the legacy listing's item holds (src/findings/serializers.ts). */
interface FindingAttributes {
  status: string;
  evaluation: string;
  evaluation_changed_at: number;
  mute: { muted: boolean; reason?: string };
  resource: string;
  resource_discovery_date: number;
  resource_type: string;
  resource_id: string;
  rule: { id: string; name: string };
  tags: string[];
  vulnerability_type: string;
}
const finding = (item: FindingItem) => item.attributes as unknown as FindingAttributes;

export const FINDINGS_CSV_COLUMNS: ReadonlyArray<CsvColumn<FindingItem>> = [
  ['id', (f) => f.id],
  ['status', (f) => finding(f).status],
  ['evaluation', (f) => finding(f).evaluation],
  ['vulnerability_type', (f) => finding(f).vulnerability_type],
  ['rule_id', (f) => finding(f).rule.id],
  ['rule_name', (f) => finding(f).rule.name],
  ['resource_id', (f) => finding(f).resource_id],
  ['resource_type', (f) => finding(f).resource_type],
  ['resource', (f) => finding(f).resource],
  ['tags', (f) => tagsCell(finding(f).tags)],
  ['muted', (f) => finding(f).mute.muted],
  ['mute_reason', (f) => finding(f).mute.reason],
  ['evaluation_changed_at', (f) => isoCell(finding(f).evaluation_changed_at)],
  ['resource_discovery_date', (f) => isoCell(finding(f).resource_discovery_date)],
];

/** What the Security Findings schema's item holds (src/findings/security-finding-schema.ts). */
interface SecurityAttributes {
  severity: string;
  base_severity: string;
  status: string;
  finding_type: string;
  compliance: { evaluation: string };
  detection_changed_at: number;
  first_seen_at?: number;
  resource_id: string;
  resource_name: string;
  resource_type: string;
  rule: { id: string; name: string };
  workflow: { mute: { is_muted: boolean; reason?: string }; due_date?: { due_at: number } };
}
const security = (item: SecurityFindingItem) => item.attributes.attributes as unknown as SecurityAttributes;

export const SECURITY_FINDINGS_CSV_COLUMNS: ReadonlyArray<CsvColumn<SecurityFindingItem>> = [
  ['id', (f) => f.id],
  ['severity', (f) => security(f).severity],
  ['base_severity', (f) => security(f).base_severity],
  ['status', (f) => security(f).status],
  ['evaluation', (f) => security(f).compliance.evaluation],
  ['finding_type', (f) => security(f).finding_type],
  ['rule_id', (f) => security(f).rule.id],
  ['rule_name', (f) => security(f).rule.name],
  ['resource_id', (f) => security(f).resource_id],
  ['resource_type', (f) => security(f).resource_type],
  ['resource_name', (f) => security(f).resource_name],
  ['tags', (f) => tagsCell(f.attributes.tags)],
  ['muted', (f) => security(f).workflow.mute.is_muted],
  ['mute_reason', (f) => security(f).workflow.mute.reason],
  ['detection_changed_at', (f) => isoCell(security(f).detection_changed_at)],
  ['first_seen_at', (f) => isoCell(security(f).first_seen_at)],
  ['due_at', (f) => isoCell(security(f).workflow.due_date?.due_at)],
];
