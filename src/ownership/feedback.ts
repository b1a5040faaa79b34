// Feedback semantics: what a reviewer's answer does to the inference it names. Pure: no I/O.
import type { OwnerType } from './owner-type.js';
import { InvalidInput } from '../errors.js';
import type { InferenceRow } from '../store/ownership-inferences.js';
import { checksumOf } from './engine-checksum.js';

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalString(attrs: Record<string, unknown>, name: string, max: number): string | undefined {
  const v = attrs[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new InvalidInput(`${name} must be a string of at most ${max} characters`, { pointer: `${ATTR}/${name}` });
  return v;
}

/** Validates a feedback body (`{"data":{"type":"ownership_feedback","attributes":{...}}}`) for the owner type in the path. */
export function parseFeedbackBody(body: unknown, slot: OwnerType): FeedbackRequest {
  if (!isObject(body) || !isObject(body.data)) throw new InvalidInput('The body must be {"data":{"type":"ownership_feedback","attributes":{...}}}', { pointer: '/data' });
  const { data } = body;
  if (data.type !== undefined && data.type !== 'ownership_feedback') throw new InvalidInput('data.type must be ownership_feedback', { pointer: '/data/type' });
  if (!isObject(data.attributes)) throw new InvalidInput('data.attributes is required', { pointer: ATTR });
  const attrs = data.attributes;
  const action = attrs.action;
  if (typeof action !== 'string' || !(FEEDBACK_ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidInput(`action must be one of ${FEEDBACK_ACTIONS.join(', ')}`, { pointer: `${ATTR}/action` });
  }
  const checksum = attrs.inference_checksum;
  if (typeof checksum !== 'string' || checksum === '' || checksum.length > 256) {
    throw new InvalidInput('inference_checksum is required: the checksum of the inference this feedback answers', { pointer: `${ATTR}/inference_checksum` });
  }
  const request: FeedbackRequest = { action: action as FeedbackAction, inferenceChecksum: checksum };
  const reason = optionalString(attrs, 'reason', 4096);
  if (reason !== undefined && reason.trim() !== '') request.reason = reason.trim();
  const actorHandle = optionalString(attrs, 'actor_handle', 256);
  if (actorHandle !== undefined) {
    if (!HANDLE.test(actorHandle)) throw new InvalidInput('actor_handle may hold letters, digits and - _ . : / @', { pointer: `${ATTR}/actor_handle` });
    request.actorHandle = actorHandle;
  }
  const actorType = optionalString(attrs, 'actor_type', 64);
  if (actorType !== undefined) request.actorType = actorType;

  if (request.action === 'correct') {
    const handle = attrs.corrected_owner_handle;
    if (typeof handle !== 'string' || handle.trim() === '') {
      throw new InvalidInput('corrected_owner_handle is required when action is correct', { pointer: `${ATTR}/corrected_owner_handle` });
    }
    if (!HANDLE.test(handle.trim())) {
      throw new InvalidInput('corrected_owner_handle may hold letters, digits and - _ . : / @ (at most 256)', { pointer: `${ATTR}/corrected_owner_handle` });
    }
    const type = attrs.corrected_owner_type;
    if (typeof type !== 'string' || type === '') {
      throw new InvalidInput('corrected_owner_type is required when action is correct', { pointer: `${ATTR}/corrected_owner_type` });
    }
    // One inference per owner type: a correction names an owner of the type it corrects.
    if (type !== slot) {
      throw new InvalidInput(`corrected_owner_type must be ${slot}: the ${slot} inference is corrected with a ${slot}`, { pointer: `${ATTR}/corrected_owner_type` });
    }
    request.corrected = { owner_type: slot, handle: handle.trim() };
  }
  return request;
}

/** A new state's checksum: it differs from every earlier one, so a feedback naming the old state is stale. */
function stateChecksum(current: InferenceRow, action: FeedbackAction, actor: string, next: Partial<InferenceRow>, now: number): string {
  return checksumOf({ previous: current.checksum, action, actor, owner_type: next.owner_type, owner_handle: next.owner_handle, status: next.status, at: now });
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
        explanation: `Set by ${actor} in review${request.reason ? `: ${request.reason.replace(/[.\s]+$/, '')}` : ''}.`,
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
export function applyReinference(current: InferenceRow, reinferred: Omit<InferenceRow, 'created_at' | 'updated_at' | 'failed_at' | 'failure_reason' | 'retry_schedule'>, actor: string, now: number): InferenceRow {
  const next: InferenceRow = { ...reinferred, created_at: current.created_at, updated_at: now, failed_at: null, failure_reason: null, retry_schedule: null };
  // The engine's checksum covers the rejection; the guard keeps a new state distinct even if it did not.
  if (next.checksum === current.checksum) next.checksum = stateChecksum(current, 'reject', actor, next, now);
  return next;
}
