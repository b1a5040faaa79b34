// Listing cursors signed with an HMAC (the per-store secret of src/store/server-secrets.ts) and bound to the
// organization they were issued to: a cursor that was not issued by this server, to this organization, is a 400 naming
// where it came from (a query parameter, or a field of a search body). Each listing declares its cursor's fields; the signature covers the organization and those fields,
// in that order.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import type { PinnedSnapshot } from '../pinned-snapshot.js';

/** Where a cursor came from: a query parameter, or a field of the request body (its JSON pointer). */
export type CursorSource = { parameter: string } | { pointer: string };

/** The 400 of a cursor the listing cannot continue from, naming where it came from. */
export function cursorError(source: CursorSource, why: string): InvalidInput {
  return 'pointer' in source
    ? new InvalidInput(`Invalid body field ${source.pointer}: ${why}`, { pointer: source.pointer }, 'STEWARD_ERR_INVALID_CURSOR')
    : new InvalidInput(`Invalid parameter ${source.parameter}: ${why}`, { parameter: source.parameter }, 'STEWARD_ERR_INVALID_CURSOR');
}

export interface CursorCodec<T extends object> {
  encode(secret: string, orgId: string, body: T): string;
  /** The cursor's fields, or a cursorError naming `source`. */
  decode(secret: string, orgId: string, cursor: string, source: CursorSource): T;
}

export function signedCursorCodec<T extends object>(spec: {
  /** The fields the signature covers, in order. */
  fields: ReadonlyArray<keyof T & string>;
  encoding: 'base64' | 'base64url';
  isShape: (body: Record<string, unknown>) => boolean;
}): CursorCodec<T> {
  const signature = (secret: string, orgId: string, body: Record<string, unknown>) =>
    createHmac('sha256', secret)
      .update(JSON.stringify([orgId, ...spec.fields.map((f) => body[f])]))
      .digest('base64url')
      .slice(0, 32);
  return {
    encode(secret, orgId, body) {
      const fields = Object.fromEntries(spec.fields.map((f) => [f, body[f]]));
      return Buffer.from(JSON.stringify({ ...fields, sig: signature(secret, orgId, fields) })).toString(spec.encoding);
    },
    decode(secret, orgId, cursor, source) {
      const bad = (why: string): never => {
        throw cursorError(source, why);
      };
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(cursor)) bad('is not a cursor this server issued (not base64)');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(cursor, spec.encoding).toString('utf8'));
      } catch {
        return bad('is not a cursor this server issued (not JSON)');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('is not a cursor this server issued (wrong shape)');
      const fields = body as Record<string, unknown>;
      if (typeof fields.sig !== 'string' || !spec.isShape(fields)) return bad('is not a cursor this server issued (wrong shape)');
      const expected = Buffer.from(signature(secret, orgId, fields));
      const given = Buffer.from(fields.sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) bad('was not issued by this server to this organization');
      return fields as T;
    },
  };
}

/** A cursor's optional `asked` field: absent, or an instant. */
export const isOptionalInstant = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

/**
 * A cursor's instant, checking a `snapshot_timestamp` sent beside it: it must be the cursor's instant or the one its
 * first page was asked for, so a client that sends the same parameters with every page (as the official client's
 * pagination does) pages on even when it asked for a time the server had not reached.
 */
export function requireCursorSnapshot(pinned: PinnedSnapshot, requested: number | undefined, source: CursorSource): number {
  if (requested !== undefined && requested !== pinned.snapshot && requested !== pinned.asked) {
    throw cursorError(source, `it belongs to snapshot ${pinned.snapshot}, not ${requested}`);
  }
  return pinned.snapshot;
}
