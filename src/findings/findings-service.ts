// The findings service: list (point in time, keyset pages, exact count), get, summary and mute. No HTTP here.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Actor } from '../auth/actor.js';
import { NotFound, Unprocessable } from '../errors.js';
import { SEVERITIES } from '../posture/resource.js';
import { severityRank } from '../posture/finding-identity.js';
import {
  listingInstant,
  readingInstant,
  readingInstantAndChange,
  withFindingWriteLease,
  type ReadingInstantAndChange,
} from '../store/snapshot-clock.js';
import { cursorSecret } from '../store/server-secrets.js';
import { queryFindingsPageAtReadingInstant } from '../store/reading-script.js';
import {
  countFindings,
  findingAt,
  findingDetails,
  queryFindingsPage,
  summarizeFindings,
  type FindingDetail,
  type FindingRow,
  type SummaryCounts,
} from '../store/findings-query.js';
import { lockCurrentStates, resourcesOfFindings, writeMutes } from '../store/mutes.js';
import { decodeCursor, encodeCursor, filterHash } from './cursor-codec.js';
import { requireCursorSnapshot } from '../server/signed-cursor.js';
import { pinnedSnapshot, pinOf, type PinnedSnapshot } from '../pinned-snapshot.js';
import { CountCache } from './count-cache.js';
import { coveredFilter } from './count-coverage.js';
import { countCovered, summarizeKeptCounts } from '../store/finding-counts.js';
import { readsOwners, type FilterNode } from './filter-tree.js';
import type { ListRequest } from './list-query.js';
import type { FindingPage } from './serializers.js';
import type { MuteRequest } from './mute-request.js';

/** A finding's Markdown message for rule findings (the rule pack's); imported findings carry their own. */
export type RuleMessages = (ruleId: string) => string | undefined;

// Its capacity comes from the configuration when the server starts (setCountCacheCapacity).
const counts = new CountCache(2000);

/** How many listing counts each process keeps (0: count every first page; benchmarks compare both). */
export function setCountCacheCapacity(capacity: number): void {
  counts.capacity = capacity;
  counts.clear();
}

// Whether covered filters are counted from the kept counts (benchmarks compare with scanning them).
let keptCounts = true;

/** Counts covered filters from the kept counts (true, the default) or by scanning like any other (benchmarks). */
export function useKeptCounts(enabled: boolean): void {
  keptCounts = enabled;
}

/**
 * Where a count is kept for as long as the findings do not change: under the filter and the findings' last change at
 * the instant counted (answers at instants with the same last change are equal). None for filters on owners, which
 * also move when an inference does.
 */
function countKey(orgId: string, filter: FilterNode, lastChange: number): string | undefined {
  return counts.capacity > 0 && !readsOwners(filter) ? `${orgId}|${filterHash(filter)}|${lastChange}` : undefined;
}

/**
 * The exact number of findings a first page's filter selects at its instant: the count kept for the filter and the
 * findings' last change, else counted (summed from the kept counts for a filter they cover at the current instant, by
 * a scan otherwise) and kept.
 */
async function firstPageTotal(db: Db, orgId: string, filter: FilterNode, instant: ReadingInstantAndChange): Promise<number> {
  const key = countKey(orgId, filter, instant.lastChange);
  const kept = key === undefined ? undefined : counts.get(key);
  if (kept !== undefined) return kept;
  const covered = instant.current && keptCounts ? coveredFilter(filter) : undefined;
  const total = covered ? await countCovered(db, orgId, covered, instant.at) : await countFindings(db, orgId, filter, instant.at);
  if (key !== undefined) counts.set(key, total);
  return total;
}

/**
 * A first page, the exact number of findings its filter selects, and its instant. A filter the kept counts cover, at
 * the current instant, reads its instant and its page in one round trip (reading-script.ts), then its count if none
 * is kept (a sum of a few rows). Any other may be counted by a scan: it reads its instant first, then its page beside
 * that count.
 */
async function firstPage(db: Db, orgId: string, filter: FilterNode, limit: number, requested: number | undefined) {
  if (requested === undefined && keptCounts && coveredFilter(filter)) {
    const { instant, rows } = await queryFindingsPageAtReadingInstant(db, orgId, { filter, limit }, undefined);
    return { rows, total: await firstPageTotal(db, orgId, filter, instant), at: instant.at };
  }
  const instant = await readingInstantAndChange(db, orgId, requested);
  const [rows, total] = await Promise.all([
    queryFindingsPage(db, orgId, { filter, at: instant.at, limit }),
    firstPageTotal(db, orgId, filter, instant),
  ]);
  return { rows, total, at: instant.at };
}

/**
 * A page and the exact number of findings its filter selects at its instant: a first page's (firstPage), or a later
 * page's, read at its cursor's instant with its cursor's count (the count at a fixed instant never changes).
 */
export async function listFindings(db: Db, orgId: string, req: ListRequest, ruleMessages?: RuleMessages): Promise<FindingPage> {
  const secret = await cursorSecret(db);
  const limit = req.limit + 1;
  if (req.cursor) {
    const position = decodeCursor(secret, orgId, req.filter, req.cursor.value, req.cursor);
    const at = requireCursorSnapshot(position, req.snapshotTimestamp, req.cursor);
    const after = { severityRank: severityRank(position.afterStatus), findingId: position.afterId };
    const rows = await queryFindingsPage(db, orgId, { filter: req.filter, at, after, limit });
    return pageOf(db, secret, orgId, req, { rows, total: position.total, at, pinned: position }, ruleMessages);
  }
  const first = await firstPage(db, orgId, req.filter, limit, req.snapshotTimestamp);
  return pageOf(db, secret, orgId, req, { ...first, pinned: pinnedSnapshot(first.at, req.snapshotTimestamp) }, ruleMessages);
}

/** The page of the rows read (one more than the limit when a next page follows), with its cursor and details. */
async function pageOf(
  db: Db,
  secret: string,
  orgId: string,
  req: ListRequest,
  { rows, total, at, pinned }: { rows: FindingRow[]; total: number; at: number; pinned: PinnedSnapshot },
  ruleMessages: RuleMessages | undefined,
): Promise<FindingPage> {
  const findings = rows.slice(0, req.limit);
  const last = findings[findings.length - 1];
  const page: FindingPage = { findings, total, snapshot: at };
  if (rows.length > req.limit && last) {
    page.cursor = encodeCursor(secret, orgId, req.filter, {
      afterId: last.finding_id,
      afterStatus: last.status as (typeof SEVERITIES)[number],
      ...pinOf(pinned),
      total,
    });
  }
  if (req.detailed)
    page.details = withRuleMessages(
      await findingDetails(
        db,
        orgId,
        findings.map((f) => f.finding_id),
        at,
      ),
      findings,
      ruleMessages,
    );
  return page;
}

/** Rule findings carry no message of their own: theirs is the rule pack's. */
export function withRuleMessages(details: Map<string, FindingDetail>, rows: FindingRow[], ruleMessages?: RuleMessages): Map<string, FindingDetail> {
  for (const row of rows) {
    const d = details.get(row.finding_id);
    if (d && d.message === null && d.origin === 'rule') d.message = ruleMessages?.(row.rule_id) ?? null;
  }
  return details;
}

export interface FindingAtInstant {
  row: FindingRow;
  detail: FindingDetail | undefined;
  at: number;
}

/** One finding with its message and resource configuration; 404 when unknown, of another org, or absent at the instant. */
export async function getFinding(
  db: Db,
  orgId: string,
  findingId: string,
  snapshotTimestamp: number | undefined,
  ruleMessages?: RuleMessages,
): Promise<FindingAtInstant> {
  const at = await listingInstant(db, orgId, snapshotTimestamp);
  const row = await findingAt(db, orgId, findingId, at);
  if (!row) throw new NotFound(snapshotTimestamp === undefined ? `No finding ${findingId}` : `No finding ${findingId} at ${snapshotTimestamp}`);
  const detail = withRuleMessages(await findingDetails(db, orgId, [findingId], at), [row], ruleMessages).get(findingId);
  return { row, detail, at };
}

export async function findingsSummary(db: Db, orgId: string, snapshotTimestamp: number | undefined): Promise<{ counts: SummaryCounts; at: number }> {
  const { at, current } = await readingInstant(db, orgId, snapshotTimestamp);
  // The current instant is summed from the kept counts; a snapshot before it is counted by a scan.
  const counts = (current && keptCounts ? await summarizeKeptCounts(db, orgId, at) : undefined) ?? (await summarizeFindings(db, orgId, at));
  counts.by_status = Object.fromEntries(SEVERITIES.map((s) => [s, counts.by_status[s] ?? 0]));
  return { counts, at };
}

/**
 * Mutes or unmutes every named finding in one transaction, or none: 404 naming the unknown ids. The mute is a new state
 * in each finding's history, by the actor. Returns the mute's id.
 */
export async function muteFindings(db: Db, orgId: string, actor: Actor, req: MuteRequest): Promise<{ muteId: string; at: number }> {
  const muteId = randomUUID();
  // A finding's states belong to its resource: the mute takes turns with every other writer of those resources.
  const resources = await resourcesOfFindings(db, orgId, req.findingIds);
  return withFindingWriteLease(db, orgId, resources, async (tx, now) => {
    if (req.expireAt !== undefined && req.expireAt <= now) {
      throw new Unprocessable('Invalid body field /data/attributes/mute/expire_at: must be in the future', {
        pointer: '/data/attributes/mute/expire_at',
      });
    }
    const current = await lockCurrentStates(tx, orgId, req.findingIds);
    const unknown = req.findingIds.filter((id) => !current.has(id));
    if (unknown.length > 0) throw new NotFound(`Unknown finding ids: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', ...' : ''}`);
    const mute = req.muted
      ? {
          muted: true,
          reason: req.reason,
          ...(req.description !== undefined ? { description: req.description } : {}),
          start_date: now,
          ...(req.expireAt !== undefined ? { expiration_date: req.expireAt } : {}),
          uuid: actor.userId,
          actor_handle: actor.userHandle,
          mute_id: muteId,
        }
      : {
          muted: false,
          reason: req.reason,
          ...(req.description !== undefined ? { description: req.description } : {}),
          uuid: actor.userId,
          actor_handle: actor.userHandle,
          mute_id: muteId,
        };
    await writeMutes(
      tx,
      orgId,
      [...current.values()],
      { muted: req.muted, mute, expiresAt: req.muted ? (req.expireAt ?? null) : null },
      now,
      actor.userId,
    );
    return { muteId, at: now };
  });
}
