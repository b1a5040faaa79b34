// The review queue: the inferences of one owner type still waiting for a reviewer, in the order a review is worth most
// (review-priority.ts). The queue is live: feedback takes an item out at once, and it lowers the score of the items
// that rest on the same evidence.
import type { Db } from '../../store/db.js';
import { queryReviewQueue, type ReviewQueueRow } from '../../store/review-queue.js';
import type { OwnerType } from '../owner-type.js';
import { formatConfidence } from '../engine.js';
import { inferenceId } from '../ownership-serializers.js';
import { reviewPriority, reviewReason, type ReviewPriorityInput } from '../review-priority.js';

export const DEFAULT_REVIEW_QUEUE_LIMIT = 50;
export const MAX_REVIEW_QUEUE_LIMIT = 1000;
/** The owner type listed when the request names none: teams are what auto-tagging and most reviews are about. */
export const DEFAULT_REVIEW_OWNER_TYPE: OwnerType = 'team';

/** Where a page ends: the next page starts after this (score, resource id). */
export interface ReviewQueuePosition {
  score: number;
  resource_id: string;
}

export interface ReviewQueuePage {
  slot: OwnerType;
  rows: ReviewQueueRow[];
  total: number;
  next?: ReviewQueuePosition;
}

export function priorityInputOf(row: ReviewQueueRow): ReviewPriorityInput {
  return {
    confidence: row.confidence,
    groupSize: row.group_size,
    reviewedInGroup: row.reviewed_in_group,
    openCriticalHigh: row.open_critical_high,
    unknown: row.owner_type === 'unknown',
  };
}

export async function reviewQueuePage(
  db: Db,
  orgId: string,
  q: { slot: OwnerType; limit: number; after?: ReviewQueuePosition },
): Promise<ReviewQueuePage> {
  // One more than asked: a page is the last one only when nothing follows it.
  const { rows, total } = await queryReviewQueue(db, orgId, { slot: q.slot, limit: q.limit + 1, after: q.after });
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return rows.length > q.limit && last
    ? { slot: q.slot, rows: shown, total, next: { score: last.score, resource_id: last.resource_id } }
    : { slot: q.slot, rows: shown, total };
}

function itemOf(slot: OwnerType, row: ReviewQueueRow) {
  const input = priorityInputOf(row);
  const { parts } = reviewPriority(input);
  const evidence = row.evidence_type === null ? null : { type: row.evidence_type, name: row.evidence_name ?? row.evidence_id };
  const inference = {
    owner_type: row.owner_type,
    owner_handle: row.owner_handle,
    confidence: formatConfidence(row.confidence),
    status: row.status,
    checksum: row.checksum,
  };
  return {
    id: inferenceId(row.resource_id, slot),
    type: 'ownership_review_item' as const,
    attributes: {
      resource: row.resource_type === null ? { id: row.resource_id } : { id: row.resource_id, type: row.resource_type },
      owner_type: slot,
      inference,
      // The store's score: the order pages follow (the same as reviewPriority's, which a test holds it to).
      score: row.score,
      score_parts: {
        uncertainty: parts.uncertainty,
        reach: parts.reach,
        impact: parts.impact,
        group_size: row.group_size,
        reviewed_in_group: row.reviewed_in_group,
        open_critical_high: row.open_critical_high,
      },
      deciding_evidence:
        evidence === null ? null : { type: row.evidence_type, evidence_id: row.evidence_id, name: row.evidence_name, piece: row.evidence_key },
      reason: reviewReason({ ...input, evidence, ownerType: slot }),
    },
  };
}

/** The JSON:API body of a page; `next` is the next page's cursor and link, absent on the last page. */
export function reviewQueueBody(page: ReviewQueuePage, limit: number, next?: { cursor: string; link: string }) {
  return {
    data: page.rows.map((r) => itemOf(page.slot, r)),
    ...(next ? { links: { next: next.link } } : {}),
    meta: { page: { limit, total_filtered_count: page.total, ...(next ? { cursor: next.cursor } : {}) } },
  };
}
