// The body of PATCH /api/v2/security/findings/mute (the client's MuteFindingsRequest) -> a validated mute request.
// MUTE_BODY is the one definition of its shape (the route's schema, its OpenAPI document and its type). Structure errors
// are a 400; the mute's values the request cannot take are a 422: their schemas say so with `x-invalid-status`.
import { Type, type Static } from '@sinclair/typebox';
import { Unprocessable, InvalidInput } from '../errors.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import { StringEnum } from '../schema-types.js';

// Datadog's reasons depend on the direction: why a finding is muted, and why it is unmuted (OTHER is both).
export const MUTING_REASONS = ['PENDING_FIX', 'FALSE_POSITIVE', 'OTHER', 'NO_FIX', 'DUPLICATE', 'RISK_ACCEPTED'] as const;
export const UNMUTING_REASONS = ['NO_PENDING_FIX', 'HUMAN_ERROR', 'NO_LONGER_ACCEPTED_RISK', 'OTHER'] as const;
export const MUTE_REASONS = [...new Set([...MUTING_REASONS, ...UNMUTING_REASONS])] as readonly MuteReason[];
type MuteReason = (typeof MUTING_REASONS)[number] | (typeof UNMUTING_REASONS)[number];
/** Datadog's limit on the findings of one request. */
const MAX_MUTE_BATCH = 100;
/** Datadog's limit on a mute's description. */
const MAX_MUTE_DESCRIPTION = 280;

/** A value of the mute the request cannot take is a 422 (the error mapper reads this), not a 400. */
const unprocessable = { 'x-invalid-status': 422 } as const;

// Every object closed to fields it does not name: a misspelt `expires_at` muted for ever, rather than being refused.
const closed = { additionalProperties: false } as const;

export const MUTE_BODY = Type.Object(
  {
    data: Type.Object(
      {
        type: Type.Literal('mute'),
        // The client's MuteFindingsRequestData may carry one; it names nothing here.
        id: Type.Optional(Type.String()),
        attributes: Type.Object(
          {
            mute: Type.Object(
              {
                is_muted: Type.Boolean(unprocessable),
                reason: StringEnum(MUTE_REASONS, {
                  ...unprocessable,
                  description: `To mute: ${MUTING_REASONS.join(', ')}. To unmute: ${UNMUTING_REASONS.join(', ')}.`,
                }),
                description: Type.Optional(Type.Union([Type.String({ maxLength: MAX_MUTE_DESCRIPTION }), Type.Null()], unprocessable)),
                expire_at: Type.Optional(
                  Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], {
                    ...unprocessable,
                    description: 'Unix ms, in the future',
                  }),
                ),
              },
              closed,
            ),
          },
          closed,
        ),
        relationships: Type.Object(
          {
            findings: Type.Object(
              {
                data: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), type: Type.Optional(Type.Literal('findings')) }, closed), {
                  minItems: 1,
                  maxItems: MAX_MUTE_BATCH,
                }),
              },
              closed,
            ),
          },
          closed,
        ),
      },
      closed,
    ),
  },
  closed,
);
export type MuteBody = Static<typeof MUTE_BODY>;

export interface MuteRequest {
  muted: boolean;
  reason: MuteReason;
  description?: string;
  expireAt?: number;
  findingIds: string[];
}

/** A body MUTE_BODY accepted -> the request; judges what a schema cannot: ids the store can keep, expire_at against `now`. */
export function parseMuteRequest(body: MuteBody, now: number): MuteRequest {
  const { mute } = body.data.attributes;
  const ids = body.data.relationships.findings.data.map((item, i) => {
    const unfit = textFieldReason(item.id, INPUT_LIMITS.idBytes);
    if (unfit) {
      const pointer = `/data/relationships/findings/data/${i}/id`;
      throw new InvalidInput(`Invalid body field ${pointer}: ${unfit}`, { pointer });
    }
    return item.id;
  });
  const allowed: readonly string[] = mute.is_muted ? MUTING_REASONS : UNMUTING_REASONS;
  if (!allowed.includes(mute.reason)) {
    const pointer = '/data/attributes/mute/reason';
    throw new Unprocessable(`Invalid body field ${pointer}: ${mute.is_muted ? 'muting' : 'unmuting'} takes one of ${allowed.join(', ')}`, {
      pointer,
    });
  }
  const out: MuteRequest = { muted: mute.is_muted, reason: mute.reason, findingIds: [...new Set(ids)] };
  if (mute.description !== undefined && mute.description !== null) out.description = mute.description;
  if (mute.expire_at !== undefined && mute.expire_at !== null && out.muted) {
    const pointer = '/data/attributes/mute/expire_at';
    if (mute.expire_at <= now) throw new Unprocessable(`Invalid body field ${pointer}: must be in the future`, { pointer });
    out.expireAt = mute.expire_at;
  }
  return out;
}
