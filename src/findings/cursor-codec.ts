// Cursors: base64 of JSON shaped like Datadog's ({"after":"<finding id>","values":["critical"]}), plus the snapshot
// instant of the first page and a hash of the filters, signed with an HMAC. A cursor is only ever accepted by the
// organization it was issued to, with the filters it was issued for; anything else is a 400 naming the parameter.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import { SEVERITIES, type Severity } from '../posture/resource.js';
import { canonicalFilter, type FilterNode } from './filter-tree.js';

export interface CursorPosition {
  /** The last finding of the page before. */
  afterId: string;
  afterStatus: Severity;
  /** The first page's snapshot instant (Unix ms). */
  snapshot: number;
  /** The listing's exact count at that instant: it cannot change, so later pages need not count again. */
  total: number;
}

interface CursorBody {
  after: string;
  values: [string];
  snapshot: number;
  total: number;
  filters: string;
  sig: string;
}

export function filterHash(filter: FilterNode): string {
  return createHash('sha256').update(canonicalFilter(filter)).digest('base64url').slice(0, 16);
}

function signature(secret: string, orgId: string, body: Omit<CursorBody, 'sig'>): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify([orgId, body.after, body.values, body.snapshot, body.total, body.filters]))
    .digest('base64url')
    .slice(0, 32);
}

export function encodeCursor(secret: string, orgId: string, filter: FilterNode, position: CursorPosition): string {
  const body = { after: position.afterId, values: [position.afterStatus] as [string], snapshot: position.snapshot, total: position.total, filters: filterHash(filter) };
  return Buffer.from(JSON.stringify({ ...body, sig: signature(secret, orgId, body) })).toString('base64');
}

export function decodeCursor(secret: string, orgId: string, filter: FilterNode, cursor: string, parameter: string): CursorPosition {
  const bad = (why: string): never => {
    throw new InvalidInput(`Invalid parameter ${parameter}: ${why}`, { parameter }, 'STEWARD_ERR_INVALID_CURSOR');
  };
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(cursor)) bad('is not a cursor this server issued (not base64)');
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    return bad('is not a cursor this server issued (not JSON)');
  }
  if (
    typeof body !== 'object' || body === null ||
    typeof body.after !== 'string' || body.after === '' ||
    !Array.isArray(body.values) || body.values.length !== 1 || !SEVERITIES.includes(body.values[0] as Severity) ||
    !Number.isSafeInteger(body.snapshot) || (body.snapshot as number) < 0 ||
    !Number.isSafeInteger(body.total) || (body.total as number) < 0 ||
    typeof body.filters !== 'string' || typeof body.sig !== 'string'
  ) {
    return bad('is not a cursor this server issued (wrong shape)');
  }
  const expected = Buffer.from(signature(secret, orgId, body as CursorBody));
  const given = Buffer.from(body.sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) bad('was not issued by this server to this organization');
  if (body.filters !== filterHash(filter)) bad('was issued for other filters; send the same filters with it, or start again without it');
  return { afterId: body.after, afterStatus: body.values[0] as Severity, snapshot: body.snapshot as number, total: body.total as number };
}
