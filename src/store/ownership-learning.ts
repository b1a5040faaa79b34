// What the ownership learning reads and keeps: every current inference's votes (the label model's input), the review
// labels since a fit, the per-piece review counts, and the inferences resting on a piece.
import type { Queryable } from './db.js';
import type { OwnerType } from '../ownership/owner-type.js';
import type { PieceLabel, SourceVote } from '../ownership/evidence.js';
import type { FeedbackRow } from './ownership-inferences.js';

export interface InferenceVotesRow {
  resource_id: string;
  slot: OwnerType;
  votes: SourceVote[];
}

/** Every current inference's votes in one organization, in resource order, a page at a time (keyset on resource and slot). */
export async function inferenceVotesPage(
  db: Queryable,
  orgId: string,
  after: { resource_id: string; slot: string } | null,
  limit: number,
): Promise<InferenceVotesRow[]> {
  return (
    await db.query<InferenceVotesRow>(
      `SELECT resource_id, slot, votes FROM ownership_inferences
       WHERE org_id = $1 AND jsonb_array_length(votes) > 0 AND ($2::text IS NULL OR (resource_id, slot) > ($2, $3))
       ORDER BY resource_id, slot LIMIT $4`,
      [orgId, after?.resource_id ?? null, after?.slot ?? null, limit],
    )
  ).rows;
}

/** How many current answers of an organization have votes (what the label model could read). */
export async function answersWithVotes(db: Queryable, orgId: string): Promise<number> {
  const row = (
    await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ownership_inferences WHERE org_id = $1 AND jsonb_array_length(votes) > 0', [orgId])
  ).rows[0];
  return row?.n ?? 0;
}

export type LabelRow = FeedbackRow & { id: string };

/** Review labels with an id above `afterId` (all when null), oldest first. */
export async function labelsAfter(db: Queryable, orgId: string, afterId: string | null): Promise<LabelRow[]> {
  return (
    await db.query<LabelRow>(
      `SELECT id::text AS id, resource_id, slot, action, checksum, inferred_owner, corrected_owner, corrected_type, reason, votes, actor, created_at, confidence
       FROM ownership_feedback WHERE org_id = $1 AND ($2::bigint IS NULL OR id > $2::bigint) ORDER BY id`,
      [orgId, afterId],
    )
  ).rows;
}

/** The id of an organization's newest review label, or null. */
export async function latestLabelId(db: Queryable, orgId: string): Promise<string | null> {
  return (await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM ownership_feedback WHERE org_id = $1', [orgId])).rows[0]?.id ?? null;
}

/** The newest current-inference change of an organization, to tell whether its votes moved since a fit. */
export async function latestInferenceChange(db: Queryable, orgId: string): Promise<number> {
  const row = (await db.query<{ at: string | null }>('SELECT max(updated_at)::text AS at FROM ownership_inferences WHERE org_id = $1', [orgId]))
    .rows[0];
  return Number(row?.at ?? 0);
}

/** Organizations with inferences, in id order. */
export async function orgsWithInferences(db: Queryable): Promise<string[]> {
  return (
    await db.query<{ org_id: string }>(
      'SELECT o.org_id FROM orgs o WHERE EXISTS (SELECT 1 FROM ownership_inferences i WHERE i.org_id = o.org_id) ORDER BY o.org_id',
    )
  ).rows.map((r) => r.org_id);
}

/** Adds a label's per-piece counts; each row is incremented atomically. */
export async function addPieceLabels(db: Queryable, orgId: string, labels: PieceLabel[]): Promise<void> {
  for (const l of [...labels].sort((a, b) => a.piece.localeCompare(b.piece) || a.handle.localeCompare(b.handle))) {
    await db.query(
      `INSERT INTO ownership_piece_labels (org_id, slot, piece, handle, right_count, wrong_count) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, slot, piece, handle) DO UPDATE SET right_count = ownership_piece_labels.right_count + EXCLUDED.right_count,
         wrong_count = ownership_piece_labels.wrong_count + EXCLUDED.wrong_count`,
      [orgId, l.owner_type, l.piece, l.handle, l.right, l.wrong],
    );
  }
}

/** The review counts of the given pieces, whatever owner they named. */
export async function pieceLabelsOf(db: Queryable, orgId: string, pieces: string[]): Promise<PieceLabel[]> {
  if (pieces.length === 0) return [];
  return (
    await db.query<PieceLabel>(
      `SELECT slot AS owner_type, piece, handle, right_count AS right, wrong_count AS wrong FROM ownership_piece_labels
       WHERE org_id = $1 AND piece = ANY($2::text[]) ORDER BY slot, piece, handle`,
      [orgId, pieces],
    )
  ).rows;
}

/** The resources whose current inference of an owner type has a vote resting on one of the pieces. */
export async function resourcesRestingOn(db: Queryable, orgId: string, slot: OwnerType, pieces: string[]): Promise<string[]> {
  if (pieces.length === 0) return [];
  // One containment per piece, ORed: each is answered by the GIN index on votes (an ANY over an array is not).
  const contains = pieces.map((_, i) => `votes @> $${i + 3}::jsonb`).join(' OR ');
  return (
    await db.query<{ resource_id: string }>(
      `SELECT DISTINCT resource_id FROM ownership_inferences WHERE org_id = $1 AND slot = $2 AND (${contains}) ORDER BY resource_id`,
      [orgId, slot, ...pieces.map((piece) => JSON.stringify([{ piece }]))],
    )
  ).rows.map((r) => r.resource_id);
}

export interface LabelCountsSince {
  /** Per owner type and vote class: votes that named the owner reviewers settled on, and votes they ruled out. */
  classes: Array<{ slot: OwnerType; vote_class: string; right: number; wrong: number }>;
  /** Per owner type: labels that settled on an owner or ruled one out. */
  labels: Array<{ slot: OwnerType; count: number }>;
  /** Per owner type and reviewed confidence (four decimals): labels, and how many confirmed the answer. */
  calibration: Array<{ slot: OwnerType; x: number; n: number; right: number }>;
}

/**
 * What the labels after `afterId` teach, summed in the database (one pass over those labels, nothing sent back per
 * label): the counts classCountsOfLabel gives per label, added up, and the calibration pairs pooled.
 */
export async function labelCountsSince(db: Queryable, orgId: string, afterId: string | null): Promise<LabelCountsSince> {
  const since = `SELECT id, slot, action, corrected_owner, votes, confidence,
      lower(CASE WHEN action IN ('confirm', 'persist') THEN inferred_owner WHEN action = 'correct' THEN corrected_owner END) AS truth,
      lower(CASE WHEN action = 'reject' THEN inferred_owner END) AS ruled_out
    FROM ownership_feedback WHERE org_id = $1 AND ($2::bigint IS NULL OR id > $2::bigint)`;
  const classes = await db.query<{ slot: OwnerType; vote_class: string; right: number; wrong: number }>(
    `WITH f AS (${since}),
     v AS (SELECT DISTINCT f.id, f.slot, coalesce(e->>'vote_class', e->>'kind') AS vote_class, lower(e->>'owner_handle') AS handle, f.truth, f.ruled_out
           FROM f, jsonb_array_elements(f.votes) AS e)
     SELECT slot, vote_class, count(*) FILTER (WHERE truth IS NOT NULL AND handle = truth)::int AS right,
       count(*) FILTER (WHERE (truth IS NOT NULL AND handle <> truth) OR (truth IS NULL AND handle = ruled_out))::int AS wrong
     FROM v GROUP BY slot, vote_class ORDER BY slot, vote_class`,
    [orgId, afterId],
  );
  const labels = await db.query<{ slot: OwnerType; count: number }>(
    `WITH f AS (${since}) SELECT slot, count(*)::int AS count FROM f WHERE truth IS NOT NULL OR ruled_out IS NOT NULL GROUP BY slot ORDER BY slot`,
    [orgId, afterId],
  );
  const calibration = await db.query<{ slot: OwnerType; x: string; n: number; right: number }>(
    `WITH f AS (${since})
     SELECT slot, round(confidence::numeric, 4)::text AS x, count(*)::int AS n, count(*) FILTER (WHERE action IN ('confirm', 'persist'))::int AS right
     FROM f WHERE confidence IS NOT NULL AND confidence <> 'NaN'::float8 AND (action <> 'correct' OR corrected_owner IS NOT NULL)
     GROUP BY slot, round(confidence::numeric, 4) ORDER BY slot, x`,
    [orgId, afterId],
  );
  return {
    classes: classes.rows.filter((r) => r.right + r.wrong > 0),
    labels: labels.rows,
    calibration: calibration.rows.map((r) => ({ ...r, x: Number(r.x) })),
  };
}
