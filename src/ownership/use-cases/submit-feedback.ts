// A reviewer's feedback on one inference (confirm, reject, correct, persist), applied in one transaction.
import type { Db, Queryable } from '../../store/db.js';
import { Conflict, InvalidInput, NotFound } from '../../errors.js';
import type { Actor } from '../../auth/actor.js';
import { compareAndSetInference, getSettings, inferencesOf, insertFeedback, setInferenceVotes } from '../../store/ownership-inferences.js';
import { getResource } from '../../store/resources.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';
import { loadEvidence, loadOrgContext } from '../evidence-loader.js';
import { checksumOf } from '../engine-checksum.js';
import type { SignalWeights } from '../calibration.js';
import { afterFeedback, applyReinference, assertActionApplies, parseFeedbackBody, type FeedbackBody } from '../feedback.js';
import { OWNER_TYPES, type OwnerType } from '../owner-type.js';
import { feedbackResultBody } from '../ownership-serializers.js';
import { currentInference } from './inference-reads.js';
import { currentWeights, labelOf, learnFromLabel } from './relearn.js';
import { inferWithPieceLabels } from './infer-with-learning.js';
import { applyAutoTag, autoTeamTagFor } from './auto-tag.js';

/** The engine's answer for one owner type now (a reject has just excluded the rejected owner). */
async function reinfer(tx: Queryable, orgId: string, resourceId: string, slot: OwnerType, weights: SignalWeights) {
  const resource = await getResource(tx, orgId, resourceId);
  if (!resource || resource.deleted_at !== null) {
    return {
      resource_id: resourceId,
      slot,
      owner_type: 'unknown',
      owner_handle: null,
      confidence: 0,
      status: 'unknown',
      explanation: `The resource has no inventory record, so no other ${slot} candidate can be looked for.`,
      sources: [],
      evidence_versions: [],
      votes: [],
      checksum: checksumOf({ resource_id: resourceId, slot, rejected_without_inventory: true }),
    };
  }
  const evidence = await loadEvidence(tx, orgId, resource, await loadOrgContext(tx, orgId));
  const answer = (await inferWithPieceLabels(tx, orgId, [evidence], weights)).get(resourceId)![OWNER_TYPES.indexOf(slot)]!;
  return {
    resource_id: resourceId,
    slot,
    owner_type: answer.owner_type,
    owner_handle: answer.owner_handle,
    confidence: answer.confidence,
    status: answer.status,
    explanation: answer.explanation,
    sources: answer.sources,
    evidence_versions: answer.evidence_versions,
    votes: answer.votes,
    checksum: answer.checksum,
  };
}

/**
 * Applies a reviewer's feedback in one transaction: the inference's row is locked and its checksum compared (stale:
 * 409, nothing changes), the label recorded, the org's weights re-learnt, the new state written with its history entry,
 * and the team auto-tag re-applied.
 */
export async function submitFeedback(
  db: Db,
  orgId: string,
  resourceId: string,
  slot: OwnerType,
  body: FeedbackBody,
  actor: Pick<Actor, 'userHandle'>,
  now = Date.now(),
) {
  const request = parseFeedbackBody(body, slot);
  // The actor is always the application key's user: feedback in someone else's name would teach the weights a lie.
  if (request.actorHandle !== undefined && request.actorHandle.toLowerCase() !== actor.userHandle.toLowerCase()) {
    throw new InvalidInput(`actor_handle must be the application key's user (${actor.userHandle}) or be left out`, {
      pointer: '/data/attributes/actor_handle',
    });
  }
  await currentInference(db, orgId, resourceId, slot);
  // Auto-tag may write finding states: under the resource's write lock and a write lease, so that no listing's snapshot is overtaken.
  const outcome = await withFindingWriteLease(db, orgId, [resourceId], async (tx, statesAt) => {
    const current = (await inferencesOf(tx, orgId, resourceId, true)).find((r) => r.slot === slot);
    if (!current) throw new NotFound(`No ${slot} inference for resource ${resourceId}`);
    if (current.checksum !== request.inferenceChecksum) {
      throw new Conflict(`The ${slot} inference of ${resourceId} changed: its checksum is now ${current.checksum}. Review it and answer again.`);
    }
    assertActionApplies(current, request.action);
    const by = actor.userHandle;
    const row = {
      resource_id: resourceId,
      slot,
      action: request.action,
      checksum: current.checksum,
      inferred_owner: current.owner_handle,
      corrected_owner: request.corrected?.handle ?? null,
      corrected_type: request.corrected?.owner_type ?? null,
      reason: request.reason ?? null,
      votes: current.votes ?? [],
      actor: by,
      created_at: now,
      confidence: Number(current.confidence),
    };
    await insertFeedback(tx, orgId, row, now);
    // The label teaches the pieces of evidence it judged at once; the organization's refit comes with the periodic pass.
    await learnFromLabel(tx, orgId, resourceId, labelOf(row), now);
    const next =
      request.action === 'reject'
        ? applyReinference(current, await reinfer(tx, orgId, resourceId, slot, await currentWeights(tx, orgId)), by, now)
        : afterFeedback(current, request, by, now);
    if (!(await compareAndSetInference(tx, orgId, resourceId, slot, current.checksum, next, now))) {
      throw new Conflict(`The ${slot} inference of ${resourceId} changed while this feedback was applied.`);
    }
    if (request.action === 'reject') await setInferenceVotes(tx, orgId, resourceId, slot, next.votes);
    if (slot === 'team') {
      const resource = await getResource(tx, orgId, resourceId);
      if (resource && resource.deleted_at === null)
        await applyAutoTag(tx, orgId, resource, autoTeamTagFor(next, await getSettings(tx, orgId)), statesAt);
    }
    return { action: request.action, previous: current, next };
  });
  return feedbackResultBody(resourceId, outcome);
}
