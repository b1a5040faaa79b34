// The body of PATCH /api/v2/security/findings/mute (the client's MuteFindingsRequest) -> a validated mute request.
import { InvalidInput, Unprocessable } from '../errors.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';

export const MUTE_REASONS = [
  'PENDING_FIX', 'FALSE_POSITIVE', 'OTHER', 'NO_FIX', 'DUPLICATE', 'RISK_ACCEPTED', 'NO_PENDING_FIX', 'HUMAN_ERROR', 'NO_LONGER_ACCEPTED_RISK',
] as const;
export type MuteReason = (typeof MUTE_REASONS)[number];
export const MAX_MUTE_BATCH = 1000;

export interface MuteRequest {
  muted: boolean;
  reason: MuteReason;
  description?: string;
  expireAt?: number;
  findingIds: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function shape(pointer: string, detail: string): never {
  throw new InvalidInput(`Invalid body field ${pointer}: ${detail}`, { pointer });
}
function value(pointer: string, detail: string): never {
  throw new Unprocessable(`Invalid body field ${pointer}: ${detail}`, { pointer });
}

/** Structure errors are a 400; values the request cannot take (reason, dates) are a 422. `now` judges expire_at. */
export function parseMuteRequest(body: unknown, now: number): MuteRequest {
  if (!isObject(body)) shape('/', 'must be a JSON object');
  const data = body.data;
  if (!isObject(data)) shape('/data', 'must be an object');
  if (data.type !== 'mute') shape('/data/type', 'must be "mute"');
  const attributes = data.attributes;
  if (!isObject(attributes)) shape('/data/attributes', 'must be an object');
  const mute = attributes.mute;
  if (!isObject(mute)) shape('/data/attributes/mute', 'must be an object');
  const relationships = data.relationships;
  if (!isObject(relationships) || !isObject(relationships.findings) || !Array.isArray(relationships.findings.data)) {
    shape('/data/relationships/findings/data', 'must be an array of {id, type: "findings"}');
  }
  const items = (relationships.findings as Json).data as unknown[];
  if (items.length === 0) shape('/data/relationships/findings/data', 'must name at least one finding');
  if (items.length > MAX_MUTE_BATCH) shape('/data/relationships/findings/data', `may name at most ${MAX_MUTE_BATCH} findings`);
  const ids = items.map((item, i) => {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') shape(`/data/relationships/findings/data/${i}/id`, 'must be a non-empty string');
    const unfit = textFieldReason(item.id, INPUT_LIMITS.idBytes);
    if (unfit) shape(`/data/relationships/findings/data/${i}/id`, unfit);
    if (item.type !== undefined && item.type !== 'findings') shape(`/data/relationships/findings/data/${i}/type`, 'must be "findings"');
    return item.id as string;
  });

  if (typeof mute.is_muted !== 'boolean') value('/data/attributes/mute/is_muted', 'must be a boolean');
  if (typeof mute.reason !== 'string' || !MUTE_REASONS.includes(mute.reason as MuteReason)) {
    value('/data/attributes/mute/reason', `must be one of ${MUTE_REASONS.join(', ')}`);
  }
  const out: MuteRequest = { muted: mute.is_muted as boolean, reason: mute.reason as MuteReason, findingIds: [...new Set(ids)] };
  if (mute.description !== undefined && mute.description !== null) {
    if (typeof mute.description !== 'string') value('/data/attributes/mute/description', 'must be a string');
    if (mute.description.length > 10_000) value('/data/attributes/mute/description', 'is longer than 10000 characters');
    out.description = mute.description;
  }
  if (mute.expire_at !== undefined && mute.expire_at !== null) {
    const e = mute.expire_at;
    if (typeof e !== 'number' || !Number.isSafeInteger(e) || e < 0) value('/data/attributes/mute/expire_at', 'must be Unix milliseconds');
    if (out.muted) {
      if (e <= now) value('/data/attributes/mute/expire_at', 'must be in the future');
      out.expireAt = e;
    }
  }
  return out;
}
