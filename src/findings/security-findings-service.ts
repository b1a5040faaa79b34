// The Security Findings API's listing: the legacy listing's engine (the same filter compiler and page query, the same
// snapshot instant, the same signed cursors pinned to it), ordered by detection change time. No HTTP here.
import type { Db } from '../store/db.js';
import { listingInstant } from '../store/snapshot-clock.js';
import { cursorSecret } from '../store/server-secrets.js';
import { findingDetails, firstSeenAt, queryFindingsPage, type FindingDetail, type FindingRow } from '../store/findings-query.js';
import { ownersAt, type OwnerAt } from '../store/owners-at.js';
import { decodeChangedAtCursor, encodeChangedAtCursor } from './cursor-codec.js';
import { requireCursorSnapshot } from '../server/signed-cursor.js';
import { pinnedSnapshot, pinOf, type PinnedSnapshot } from '../pinned-snapshot.js';
import { withRuleMessages, type RuleMessages } from './findings-service.js';
import type { SecurityFindingsRequest } from './security-findings-request.js';

export interface SecurityFindingsPage {
  findings: FindingRow[];
  details: Map<string, FindingDetail>;
  firstSeen: Map<string, number>;
  /** Each resource's inferred owners at the instant, by resource id. */
  owners: Map<string, OwnerAt[]>;
  /** The instant every page of this listing answers for. */
  snapshot: number;
  /** The next page's cursor; absent on the last page. */
  cursor?: string;
}

export async function listSecurityFindings(
  db: Db,
  orgId: string,
  req: SecurityFindingsRequest,
  ruleMessages?: RuleMessages,
): Promise<SecurityFindingsPage> {
  const secret = await cursorSecret(db);
  const descending = req.sort.startsWith('-');
  let at: number;
  let pinned: PinnedSnapshot;
  let after: { changedAt: number; findingId: string } | undefined;
  if (req.cursor) {
    // The cursor names itself in errors: a query parameter, or the search body's field.
    const position = decodeChangedAtCursor(secret, orgId, req.filter, descending, req.cursor.value, req.cursor);
    at = requireCursorSnapshot(position, req.snapshotTimestamp, req.cursor);
    pinned = position;
    after = { changedAt: position.afterChangedAt, findingId: position.afterId };
  } else {
    at = await listingInstant(db, orgId, req.snapshotTimestamp);
    pinned = pinnedSnapshot(at, req.snapshotTimestamp);
  }
  const rows = await queryFindingsPage(db, orgId, {
    filter: req.filter,
    at,
    order: { by: 'changed_at', descending, ...(after ? { after } : {}) },
    limit: req.limit + 1,
  });
  const findings = rows.slice(0, req.limit);
  const ids = findings.map((f) => f.finding_id);
  const [details, firstSeen, owners] = await Promise.all([
    findingDetails(db, orgId, ids, at),
    firstSeenAt(db, orgId, ids, at),
    ownersAt(
      db,
      orgId,
      findings.map((f) => f.resource_id),
      at,
    ),
  ]);
  const ownersOf = new Map<string, OwnerAt[]>();
  for (const o of owners) ownersOf.set(o.resource_id, [...(ownersOf.get(o.resource_id) ?? []), o]);
  const page: SecurityFindingsPage = {
    findings,
    details: withRuleMessages(details, findings, ruleMessages),
    firstSeen,
    owners: ownersOf,
    snapshot: at,
  };
  const last = findings[findings.length - 1];
  if (rows.length > req.limit && last) {
    page.cursor = encodeChangedAtCursor(secret, orgId, req.filter, {
      afterId: last.finding_id,
      afterChangedAt: last.evaluation_changed_at,
      descending,
      ...pinOf(pinned),
    });
  }
  return page;
}
