// Feedback semantics: what a reviewer's answer does to the inference it names. Pure: no I/O.
import type { OwnerType } from './owner-type.js';
import { InvalidInput } from '../errors.js';
import type { InferenceRow } from '../store/ownership-inferences.js';
import { checksumOf } from './engine-checksum.js';
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-types.js';

export const FEEDBACK_ACTIONS = ['confirm', 'reject', 'correct', 'persist'] as const;
export type FeedbackAction = (typeof FEEDBACK_ACTIONS)[number];

export interface FeedbackRequest {
  action: FeedbackAction;
  inferenceChecksum: string;
  corrected?: { owner_type: OwnerType; handle: string };
  reason?: string;
  /** An older name of the field (`actor_handle`): accepted only when it names the application key's user. */
  actorHandle?: string;
  actorType?: string;
}

// The characters preferences allow in structured fields.
const HANDLE = /^[A-Za-z0-9\-_.:/@]{1,256}$/;
const ATTR = '/data/attributes';

/** A text field the caller may leave out or send as null. */
const optionalText = (options: Parameters<typeof Type.String>[0]) => Type.Optional(Type.Union([Type.String(options), Type.Null()]));

/**
 * The body of POST /api/v2/csm/ownership/{resource_id}/{owner_type}/feedback (the client's OwnershipFeedbackRequest):
 * the one definition of its shape (the route's schema, its OpenAPI document and its type). Objects stay open: the
 * client may send fields of its own.
 */
export const FEEDBACK_BODY = Type.Object({
  data: Type.Object({
    type: Type.Optional(Type.Literal('ownership_feedback')),
    attributes: Type.Object({
      action: StringEnum(FEEDBACK_ACTIONS, { description: 'confirm, reject, persist (the named owner) or correct (name another one)' }),
      inference_checksum: Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'The checksum of the inference this feedback answers; a stale one is a 409',
      }),
      corrected_owner_handle: optionalText({ description: 'Required when action is correct: the owner that replaces the answer' }),
      corrected_owner_type: optionalText({ description: "Required when action is correct: the path's owner_type" }),
      reason: optionalText({ maxLength: 4096 }),
      actor_handle: optionalText({
        pattern: HANDLE.source,
        description: "An older field: accepted only when it names the application key's user, who is always the actor",
      }),
      actor_type: optionalText({ maxLength: 64, description: 'An older field, recorded with actor_handle' }),
    }),
  }),
});
export type FeedbackBody = Static<typeof FEEDBACK_BODY>;

/**
 * A body FEEDBACK_BODY accepted -> the request, for the owner type in the path. Judges what a schema cannot: a
 * correction names an owner (a handle preferences allow), of the path's owner type.
 */
export function parseFeedbackBody(body: FeedbackBody, slot: OwnerType): FeedbackRequest {
  const attrs = body.data.attributes;
  const request: FeedbackRequest = { action: attrs.action, inferenceChecksum: attrs.inference_checksum };
  const reason = attrs.reason?.trim();
  if (reason) request.reason = reason;
  if (typeof attrs.actor_handle === 'string') request.actorHandle = attrs.actor_handle;
  if (typeof attrs.actor_type === 'string') request.actorType = attrs.actor_type;

  if (request.action === 'correct') {
    const handle = attrs.corrected_owner_handle?.trim();
    if (!handle) throw new InvalidInput('corrected_owner_handle is required when action is correct', { pointer: `${ATTR}/corrected_owner_handle` });
    if (!HANDLE.test(handle)) {
      throw new InvalidInput('corrected_owner_handle may hold letters, digits and - _ . : / @ (at most 256)', {
        pointer: `${ATTR}/corrected_owner_handle`,
      });
    }
    const type = attrs.corrected_owner_type;
    if (!type) throw new InvalidInput('corrected_owner_type is required when action is correct', { pointer: `${ATTR}/corrected_owner_type` });
    // One inference per owner type: a correction names an owner of the type it corrects.
    if (type !== slot) {
      throw new InvalidInput(`corrected_owner_type must be ${slot}: the ${slot} inference is corrected with a ${slot}`, {
        pointer: `${ATTR}/corrected_owner_type`,
      });
    }
    request.corrected = { owner_type: slot, handle };
  }
  return request;
}

/** A new state's checksum: it differs from every earlier one, so a feedback naming the old state is stale. */
function stateChecksum(current: InferenceRow, action: FeedbackAction, actor: string, next: Partial<InferenceRow>, now: number): string {
  return checksumOf({
    previous: current.checksum,
    action,
    actor,
    owner_type: next.owner_type,
    owner_handle: next.owner_handle,
    status: next.status,
    at: now,
  });
}

/** Confirm, reject and persist answer an owner: an inference that names none can only be corrected. */
export function assertActionApplies(current: InferenceRow, action: FeedbackAction): void {
  if (action !== 'correct' && !current.owner_handle) {
    throw new InvalidInput(`The ${current.slot} inference names no owner to ${action}; correct it to name one.`, { pointer: `${ATTR}/action` });
  }
}

/**
 * The inference after confirm, persist or correct (reject re-infers, see applyReinference).
 * confirm: a positive label only, the status stays; persist: the owner becomes authoritative;
 * correct: the given owner replaces the answer, authoritative.
 */
export function afterFeedback(current: InferenceRow, request: FeedbackRequest, actor: string, now: number): InferenceRow {
  assertActionApplies(current, request.action);
  let next: InferenceRow;
  switch (request.action) {
    case 'confirm':
      next = { ...current, status: current.status === 'persisted' || current.status === 'overridden' ? current.status : 'suggested' };
      break;
    case 'persist':
      next = { ...current, status: 'persisted' };
      break;
    case 'correct': {
      const corrected = request.corrected!;
      next = {
        ...current,
        owner_type: corrected.owner_type,
        owner_handle: corrected.handle,
        confidence: 1,
        status: 'overridden',
        explanation: `Set by ${actor} in review${request.reason ? `: ${request.reason.replace(/(?<![.\s])[.\s]+$/, '')}` : ''}.`,
        sources: [{ type: 'review', name: actor, action: 'correct', version: now, replaced_owner: current.owner_handle }],
      };
      break;
    }
    case 'reject':
      throw new Error('reject re-infers: use applyReinference');
  }
  next = { ...next, updated_at: now, failed_at: null, failure_reason: null, retry_schedule: null };
  return { ...next, checksum: stateChecksum(current, request.action, actor, next, now) };
}

/** After a reject: the re-inferred answer (the engine already excludes the rejected owner) replaces the current one. */
export function applyReinference(
  current: InferenceRow,
  reinferred: Omit<InferenceRow, 'created_at' | 'updated_at' | 'failed_at' | 'failure_reason' | 'retry_schedule'>,
  actor: string,
  now: number,
): InferenceRow {
  const next: InferenceRow = {
    ...reinferred,
    created_at: current.created_at,
    updated_at: now,
    failed_at: null,
    failure_reason: null,
    retry_schedule: null,
  };
  // The engine's checksum covers the rejection; the guard keeps a new state distinct even if it did not.
  if (next.checksum === current.checksum) next.checksum = stateChecksum(current, 'reject', actor, next, now);
  return next;
}
