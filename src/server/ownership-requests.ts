// The CSM Ownership API's request parameters: the owner type in the path, and the history listing's `limit` and
// signed `cursor`.
import type { Db } from '../store/db.js';
import { cursorSecret } from '../store/cursor-secret.js';
import { InvalidInput } from '../errors.js';
import { OWNER_TYPES, type OwnerType } from '../ownership/owner-type.js';
import { readHistory } from '../ownership/use-cases/inference-reads.js';
import { historyBody } from '../ownership/ownership-serializers.js';
import { signedCursorCodec } from './signed-cursor.js';

/** The owner type in the path: the type asked for. `unknown` is an answer, never a question. */
export function parseOwnerType(raw: string): OwnerType {
  if ((OWNER_TYPES as readonly string[]).includes(raw)) return raw as OwnerType;
  throw new InvalidInput(`Invalid owner_type ${JSON.stringify(raw)}: must be one of ${OWNER_TYPES.join(', ')}`, { parameter: 'owner_type' });
}

export const DEFAULT_HISTORY_LIMIT = 20;
export const MAX_HISTORY_LIMIT = 100;

export function parseHistoryLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_HISTORY_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_HISTORY_LIMIT) {
    throw new InvalidInput(`Invalid parameter limit: must be an integer from 1 to ${MAX_HISTORY_LIMIT}`, { parameter: 'limit' });
  }
  return Number(raw);
}

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
export async function listHistory(db: Db, orgId: string, resourceId: string, slot: OwnerType | null, query: { cursor?: string; limit?: string }) {
  const limit = parseHistoryLimit(query.limit);
  const scope = `${resourceId}\n${slot ?? '*'}`;
  const secret = await cursorSecret(db);
  let before: number | undefined;
  if (query.cursor) {
    const cursor = historyCursor.decode(secret, orgId, query.cursor, 'cursor');
    if (cursor.s !== scope)
      throw new InvalidInput(
        'Invalid parameter cursor: it belongs to another history listing',
        { parameter: 'cursor' },
        'STEWARD_ERR_INVALID_CURSOR',
      );
    before = cursor.b;
  }
  const page = await readHistory(db, orgId, resourceId, slot, { limit, before });
  const next = page.nextBefore === undefined ? undefined : historyCursor.encode(secret, orgId, { b: page.nextBefore, s: scope });
  return historyBody(resourceId, page.rows, next);
}
