// The CSM Ownership API's request parameters: the owner type in the path, and the history listing's query (`limit`
// and the signed `cursor`).
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/db.js';
import { cursorSecret } from '../store/server-secrets.js';
import { InvalidInput } from '../errors.js';
import { OWNER_TYPES, type OwnerType } from '../ownership/owner-type.js';
import { readHistory } from '../ownership/use-cases/inference-reads.js';
import { historyBody } from '../ownership/ownership-serializers.js';
import { cursorError, signedCursorCodec } from './signed-cursor.js';

/**
 * The owner type in the path: the type asked for. `unknown` is an answer, never a question. The documented routes'
 * schemas say the same; the wildcard twins (and the dispatcher, which reads the raw path) need it here.
 */
export function parseOwnerType(raw: string): OwnerType {
  if ((OWNER_TYPES as readonly string[]).includes(raw)) return raw as OwnerType;
  throw new InvalidInput(`Invalid parameter owner_type: ${JSON.stringify(raw)} is not one of ${OWNER_TYPES.join(', ')}`, { parameter: 'owner_type' });
}

export const DEFAULT_HISTORY_LIMIT = 20;
export const MAX_HISTORY_LIMIT = 100;

/** The history listings' query string: the schema judges names, `limit`'s range and repeats (400 naming the parameter). */
export const HISTORY_QUERY = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, description: "The previous page's next_cursor" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HISTORY_LIMIT, default: DEFAULT_HISTORY_LIMIT, description: 'Entries per page' })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HISTORY_QUERY>;

/** `b`: the last history entry shown; `s`: the listing (resource and owner type) the cursor pages through. */
interface HistoryCursor {
  b: number;
  s: string;
}

const historyCursor = signedCursorCodec<HistoryCursor>({
  fields: ['b', 's'],
  encoding: 'base64url',
  isShape: (c) => typeof c.b === 'number' && Number.isSafeInteger(c.b) && typeof c.s === 'string',
});

/** Newest first, `limit` per page; `slot` null lists every owner type. */
export async function listHistory(db: Db, orgId: string, resourceId: string, slot: OwnerType | null, query: HistoryQuery) {
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
  const scope = `${resourceId}\n${slot ?? '*'}`;
  const secret = await cursorSecret(db);
  let before: number | undefined;
  if (query.cursor) {
    const source = { parameter: 'cursor' };
    const cursor = historyCursor.decode(secret, orgId, query.cursor, source);
    if (cursor.s !== scope) throw cursorError(source, 'it belongs to another history listing');
    before = cursor.b;
  }
  const page = await readHistory(db, orgId, resourceId, slot, { limit, before });
  const next = page.nextBefore === undefined ? undefined : historyCursor.encode(secret, orgId, { b: page.nextBefore, s: scope });
  return historyBody(resourceId, page.rows, next);
}
