// The cursor of a keyset listing read at one instant (the inventory, a rule's not-evaluated resources): the last id of
// the page before, the first page's instant and exact count, and the scope it lists (a hash of the filters, a rule id),
// signed for the organization (signed-cursor.ts). A cursor continues only the listing, and the instant, it was issued for.
import type { FastifyRequest } from 'fastify';
import { cursorError, isOptionalInstant, requireCursorSnapshot, signedCursorCodec } from './signed-cursor.js';
import { pinOf, type PinnedSnapshot } from '../pinned-snapshot.js';

export interface PagePosition extends PinnedSnapshot {
  after: string;
  total: number;
}

interface PositionCursor extends PagePosition {
  filters: string;
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const codec = signedCursorCodec<PositionCursor>({
  fields: ['after', 'snapshot', 'total', 'filters', 'asked'],
  encoding: 'base64url',
  isShape: (c) =>
    typeof c.after === 'string' &&
    c.after !== '' &&
    isCount(c.snapshot) &&
    isCount(c.total) &&
    typeof c.filters === 'string' &&
    isOptionalInstant(c.asked),
});

export function encodePositionCursor(secret: string, orgId: string, position: PagePosition, scope: string): string {
  return codec.encode(secret, orgId, { ...position, filters: scope });
}

const PAGE_CURSOR = { parameter: 'page[cursor]' };

function badCursor(detail: string): never {
  throw cursorError(PAGE_CURSOR, detail);
}

/**
 * The page `query['page[cursor]']` continues, if given: only for the organization, scope and instant it was issued for
 * (`otherScope` says why another scope's cursor is refused).
 */
export function decodePositionCursor(
  secret: string,
  orgId: string,
  query: { 'page[cursor]'?: string; snapshot_timestamp?: number },
  scope: string,
  otherScope: string,
): PagePosition | undefined {
  const raw = query['page[cursor]'];
  if (raw === undefined) return undefined;
  const c = codec.decode(secret, orgId, raw, PAGE_CURSOR);
  if (c.filters !== scope) badCursor(otherScope);
  requireCursorSnapshot(c, query.snapshot_timestamp, PAGE_CURSOR);
  return { after: c.after, total: c.total, ...pinOf(c) };
}

/**
 * This listing's absolute URL (`path`, else the path as sent) with the next page's cursor, every other parameter as
 * sent: absolute, on the public base (public-url.ts), as every listing's links are, so a client follows any alike.
 */
export function nextPageLink(request: FastifyRequest, cursor: string, path?: string): string {
  const q = request.url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
  params.set('page[cursor]', cursor);
  return `${request.publicBase}${path ?? (q < 0 ? request.url : request.url.slice(0, q))}?${params.toString()}`;
}
