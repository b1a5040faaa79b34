// Cursors: base64 of JSON shaped like Datadog's ({"after":"<finding id>","values":["critical"]}), plus the snapshot
// instant of the first page and a hash of the filters, signed with an HMAC (src/server/signed-cursor.ts). A cursor is
// only ever accepted by the organization it was issued to, with the filters it was issued for; anything else is a 400
// naming where the cursor came from.
import { createHash } from 'node:crypto';
import { cursorError, isOptionalInstant, signedCursorCodec, type CursorSource } from '../server/signed-cursor.js';
import { pinOf, type PinnedSnapshot } from '../pinned-snapshot.js';
import { SEVERITIES, type Severity } from '../posture/resource.js';
import { canonicalFilter, type FilterNode } from './filter-tree.js';

/** `snapshot`: the first page's instant (Unix ms); `asked`: the later instant it was asked for, if any. */
export interface CursorPosition extends PinnedSnapshot {
  /** The last finding of the page before. */
  afterId: string;
  afterStatus: Severity;
  /** The listing's exact count at that instant: it cannot change, so later pages need not count again. */
  total: number;
}

interface CursorBody {
  after: string;
  values: [string];
  snapshot: number;
  total: number;
  filters: string;
  asked?: number;
}

export function filterHash(filter: FilterNode): string {
  return createHash('sha256').update(canonicalFilter(filter)).digest('base64url').slice(0, 16);
}

const codec = signedCursorCodec<CursorBody>({
  fields: ['after', 'values', 'snapshot', 'total', 'filters', 'asked'],
  encoding: 'base64',
  isShape: (body) =>
    typeof body.after === 'string' &&
    body.after !== '' &&
    Array.isArray(body.values) &&
    body.values.length === 1 &&
    SEVERITIES.includes(body.values[0] as Severity) &&
    Number.isSafeInteger(body.snapshot) &&
    (body.snapshot as number) >= 0 &&
    Number.isSafeInteger(body.total) &&
    (body.total as number) >= 0 &&
    typeof body.filters === 'string' &&
    isOptionalInstant(body.asked),
});

export function encodeCursor(secret: string, orgId: string, filter: FilterNode, position: CursorPosition): string {
  return codec.encode(secret, orgId, {
    after: position.afterId,
    values: [position.afterStatus],
    ...pinOf(position),
    total: position.total,
    filters: filterHash(filter),
  });
}

/** A cursor is only good for the filters it was issued with. */
function checkFilters(issuedFor: string, filter: FilterNode, source: CursorSource): void {
  if (issuedFor !== filterHash(filter)) {
    throw cursorError(source, 'was issued for other filters; send the same filters with it, or start again without it');
  }
}

export function decodeCursor(secret: string, orgId: string, filter: FilterNode, cursor: string, source: CursorSource): CursorPosition {
  const body = codec.decode(secret, orgId, cursor, source);
  checkFilters(body.filters, filter, source);
  return {
    afterId: body.after,
    afterStatus: body.values[0] as Severity,
    ...pinOf(body),
    total: body.total,
  };
}

/**
 * The security findings listing's cursor: the same discipline (signed, bound to the organization and the filters,
 * pinned to the first page's instant), positioned by detection change time and id, for one sort direction.
 */
export interface ChangedAtCursorPosition extends PinnedSnapshot {
  afterId: string;
  afterChangedAt: number;
  descending: boolean;
}

interface ChangedAtCursorBody {
  after: string;
  changed_at: number;
  order: 'asc' | 'desc';
  snapshot: number;
  filters: string;
  asked?: number;
}

const changedAtCodec = signedCursorCodec<ChangedAtCursorBody>({
  fields: ['after', 'changed_at', 'order', 'snapshot', 'filters', 'asked'],
  // It travels in links.next, a URL.
  encoding: 'base64url',
  isShape: (body) =>
    typeof body.after === 'string' &&
    body.after !== '' &&
    Number.isSafeInteger(body.changed_at) &&
    (body.order === 'asc' || body.order === 'desc') &&
    Number.isSafeInteger(body.snapshot) &&
    (body.snapshot as number) >= 0 &&
    typeof body.filters === 'string' &&
    isOptionalInstant(body.asked),
});

export function encodeChangedAtCursor(secret: string, orgId: string, filter: FilterNode, position: ChangedAtCursorPosition): string {
  return changedAtCodec.encode(secret, orgId, {
    after: position.afterId,
    changed_at: position.afterChangedAt,
    order: position.descending ? 'desc' : 'asc',
    ...pinOf(position),
    filters: filterHash(filter),
  });
}

/** The position a cursor names; a 400 naming `source` when it was issued for other filters or another sort. */
export function decodeChangedAtCursor(
  secret: string,
  orgId: string,
  filter: FilterNode,
  descending: boolean,
  cursor: string,
  source: CursorSource,
): ChangedAtCursorPosition {
  const body = changedAtCodec.decode(secret, orgId, cursor, source);
  checkFilters(body.filters, filter, source);
  if ((body.order === 'desc') !== descending) {
    throw cursorError(source, 'was issued for the other sort order; send the same sort with it, or start again without it');
  }
  return {
    afterId: body.after,
    afterChangedAt: body.changed_at,
    descending,
    ...pinOf(body),
  };
}
