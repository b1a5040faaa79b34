// The review queue's SQL: the current inferences of one owner type still waiting for a reviewer, each with what its
// priority is computed from and the priority itself (src/ownership/review-priority.ts says what it means; this
// computes the same expression, in the same order of operations, so that pages follow it), paged by keyset on
// (score descending, resource id ascending in byte order). Values only ever travel as parameters.
//
// - The deciding evidence of an inference is its strongest source, `sources[0]`, keyed by the piece of evidence it rests
//   on (`piece`, `kind|what`, which the engine writes for this) or, for answers inferred before the engine wrote it, by
//   `type|evidence_id`. The group of an inference is every current inference of the owner type, of a resource not
//   deleted, with the same key; an answer with no source (`unknown`) is a group of its own, and so is one whose review
//   moves no other answer resting on its piece (a user answer resting on other than an owner tag: review-priority.ts).
// - A group's reviews are the resources whose feedback answered an inference (by its checksum, found in the history)
//   that rested on that evidence, so a correction, which replaces the sources, still counts for the group it taught.
// - Waiting for review: status `suggested` or `unknown` (not persisted, overridden or failed), no feedback ever given
//   on the (resource, owner type), resource not deleted.
// - Impact: current finding states of the resource that fail, are critical or high, and are not muted now (a mute
//   whose expiry has passed reads as unmuted, as in the findings listing).
import type { Db } from './db.js';
import { OPEN_ENDED } from './finding-states.js';
import { Params } from './findings-query.js';
import { severityRank } from '../posture/finding-identity.js';
import type { OwnerType } from '../ownership/owner-type.js';
import { USER_KINDS_LEARNING_FROM_PIECE } from '../ownership/vote-reliability.js';

export interface ReviewQueueRow {
  resource_id: string;
  /** Null for a resource known only by its id. */
  resource_type: string | null;
  owner_type: string;
  owner_handle: string | null;
  confidence: number;
  status: string;
  checksum: string;
  /** sources[0]: null for an answer with no source. */
  evidence_type: string | null;
  evidence_id: string | null;
  evidence_name: string | null;
  /** What groups it: sources[0].piece, or type|evidence_id; null for an answer with no source. */
  evidence_key: string | null;
  group_size: number;
  reviewed_in_group: number;
  open_critical_high: number;
  score: number;
}

export interface ReviewQueuePageQuery {
  slot: OwnerType;
  limit: number;
  /** The last item of the page before. */
  after?: { score: number; resource_id: string };
}

const CLOCK = `floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;
/**
 * The group key of a row's `sources` (null when it has no strongest source): the expression the current inferences keep
 * as `deciding_evidence_key` (migration 023), applied here to the history's rows.
 */
const evidenceKey = (sources: string) => `coalesce(${sources}->0->>'piece', (${sources}->0->>'type') || '|' || (${sources}->0->>'evidence_id'))`;

/**
 * The memory each of the page's hashes and sorts may take. The page hashes the organization's waiting answers by group
 * and by resource; at 100,000 answers the default 4 MB spilled one of them to disk. Measured on PostgreSQL 15 at
 * 100,000 resources: first page 287-310 -> 247 ms (team), 256 -> 215 ms (user); 64 MB no faster.
 */
const RANKING_WORK_MEM = '16MB';

/** One page of the queue, best first, and how many items the whole queue holds now. */
export async function queryReviewQueue(
  db: Pick<Db, 'transaction'>,
  orgId: string,
  q: ReviewQueuePageQuery,
): Promise<{ rows: ReviewQueueRow[]; total: number }> {
  const p = new Params();
  const org = p.add(orgId);
  const slot = p.add(q.slot);
  const critical = p.add(severityRank('critical'));
  const high = p.add(severityRank('high'));
  const learningUserKinds = p.add([...USER_KINDS_LEARNING_FROM_PIECE]);
  const keyset =
    q.after === undefined
      ? ''
      : (() => {
          const score = p.add(q.after.score);
          return `WHERE score < ${score}::float8 OR (score = ${score}::float8 AND resource_id COLLATE "C" > ${p.add(q.after.resource_id)}::text)`;
        })();
  const limit = p.add(q.limit);
  // SET LOCAL: the setting ends with the page's own transaction.
  const result = await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL work_mem = '${RANKING_WORK_MEM}'`);
    return tx.query<ReviewQueueRow & { total: number }>(
      // The organization-wide parts stay narrow (ids, numbers, the evidence key); the page's rows are joined back to
      // their inference and resource once the keyset has picked them.
      `WITH live AS (
       SELECT i.resource_id, i.owner_type, i.confidence, i.status, i.deciding_evidence_key AS evidence_key,
         CASE WHEN ${slot}::text <> 'user' OR i.deciding_kind = ANY(${learningUserKinds}::text[])
           THEN i.deciding_evidence_key END AS group_key
       FROM ownership_inferences i
       WHERE i.org_id = ${org} AND i.slot = ${slot}::text
         AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.org_id = i.org_id AND r.resource_id = i.resource_id AND r.deleted_at IS NOT NULL)
     ),
     groups AS (
       SELECT group_key, count(*) AS n FROM live WHERE group_key IS NOT NULL GROUP BY 1
     ),
     reviewed AS (
       SELECT ${evidenceKey('h.sources')} AS group_key, count(DISTINCT f.resource_id) AS n
       FROM ownership_feedback f
       JOIN ownership_history h ON h.org_id = f.org_id AND h.resource_id = f.resource_id AND h.slot = f.slot AND h.checksum = f.checksum
       WHERE f.org_id = ${org} AND f.slot = ${slot}::text AND ${evidenceKey('h.sources')} IS NOT NULL
       GROUP BY 1
     ),
     impact AS (
       SELECT resource_id, count(*) AS n FROM finding_states
       WHERE org_id = ${org} AND valid_to = ${OPEN_ENDED} AND evaluation = 'fail' AND severity_rank IN (${critical}::smallint, ${high}::smallint)
         AND NOT (muted AND (mute_expires_at IS NULL OR mute_expires_at > ${CLOCK}))
       GROUP BY resource_id
     ),
     waiting AS (
       SELECT l.resource_id, l.owner_type, l.confidence, l.evidence_key,
         coalesce(g.n, 1)::int AS group_size,
         coalesce(rv.n, 0)::int AS reviewed_in_group,
         coalesce(im.n, 0)::int AS open_critical_high
       FROM live l
       LEFT JOIN groups g ON g.group_key = l.group_key
       LEFT JOIN reviewed rv ON rv.group_key = l.group_key
       LEFT JOIN impact im ON im.resource_id = l.resource_id
       WHERE l.status IN ('suggested', 'unknown')
         AND NOT EXISTS (SELECT 1 FROM ownership_feedback f WHERE f.org_id = ${org} AND f.resource_id = l.resource_id AND f.slot = ${slot}::text)
     ),
     scored AS (
       SELECT w.resource_id, w.evidence_key, w.group_size, w.reviewed_in_group, w.open_critical_high,
         (CASE WHEN w.owner_type = 'unknown' THEN 1::float8 ELSE 1 - least(1, greatest(0, w.confidence)) END)
           * (w.group_size::float8 / ((1 + w.reviewed_in_group)::float8 * (1 + w.reviewed_in_group)::float8))
           * (1 + w.open_critical_high)::float8 AS score
       FROM waiting w
     )
     -- One row even past the last page: the count is of the whole queue, the page follows the keyset.
     SELECT (SELECT count(*) FROM waiting)::int AS total, page.*
     FROM (SELECT 1) one
     LEFT JOIN LATERAL (
       SELECT s.resource_id, r.resource_type, i.owner_type, i.owner_handle, i.confidence, i.status, i.checksum,
         i.sources->0->>'type' AS evidence_type, i.sources->0->>'evidence_id' AS evidence_id, i.sources->0->>'name' AS evidence_name,
         s.evidence_key, s.group_size, s.reviewed_in_group, s.open_critical_high, s.score
       FROM (SELECT * FROM scored ${keyset} ORDER BY score DESC, resource_id COLLATE "C" LIMIT ${limit}) s
       JOIN ownership_inferences i ON i.org_id = ${org} AND i.resource_id = s.resource_id AND i.slot = ${slot}::text
       LEFT JOIN resources r ON r.org_id = ${org} AND r.resource_id = s.resource_id
     ) page ON true
     ORDER BY page.score DESC, page.resource_id COLLATE "C"`,
      p.values,
    );
  });
  const total = result.rows[0]?.total ?? 0;
  const rows = result.rows
    .filter((r) => r.resource_id !== null)
    .map((r): ReviewQueueRow => ({
      resource_id: r.resource_id,
      resource_type: r.resource_type,
      owner_type: r.owner_type,
      owner_handle: r.owner_handle,
      confidence: Number(r.confidence),
      status: r.status,
      checksum: r.checksum,
      evidence_type: r.evidence_type,
      evidence_id: r.evidence_id,
      evidence_name: r.evidence_name,
      evidence_key: r.evidence_key,
      group_size: r.group_size,
      reviewed_in_group: r.reviewed_in_group,
      open_critical_high: r.open_critical_high,
      score: Number(r.score),
    }));
  return { rows, total };
}
