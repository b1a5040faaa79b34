// The review queue's cursor: the (score, resource id) the previous page ended on and the owner type it lists, signed
// for the organization (signed-cursor.ts). A cursor continues only the listing it was issued for.
import type { OwnerType } from '../ownership/owner-type.js';
import type { ReviewQueuePosition } from '../ownership/use-cases/review-queue.js';
import { cursorError, signedCursorCodec } from './signed-cursor.js';

/** `s`: the last score shown; `a`: its resource id; `f`: the owner type listed. */
interface ReviewQueueCursor {
  s: number;
  a: string;
  f: string;
}

const codec = signedCursorCodec<ReviewQueueCursor>({
  fields: ['s', 'a', 'f'],
  encoding: 'base64url',
  isShape: (c) => typeof c.s === 'number' && Number.isFinite(c.s) && typeof c.a === 'string' && c.a !== '' && typeof c.f === 'string',
});

export function encodeReviewQueueCursor(secret: string, orgId: string, slot: OwnerType, position: ReviewQueuePosition): string {
  return codec.encode(secret, orgId, { s: position.score, a: position.resource_id, f: slot });
}

/** The position `raw` continues from, if given: only for the organization and owner type it was issued for. */
export function decodeReviewQueueCursor(secret: string, orgId: string, slot: OwnerType, raw: string | undefined): ReviewQueuePosition | undefined {
  if (raw === undefined) return undefined;
  const source = { parameter: 'page[cursor]' };
  const c = codec.decode(secret, orgId, raw, source);
  if (c.f !== slot) throw cursorError(source, `it was issued for the ${c.f} review queue, not the ${slot} one; start again without it`);
  return { score: c.s, resource_id: c.a };
}
