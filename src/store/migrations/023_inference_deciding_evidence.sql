-- The review queue ranks every current answer of an owner type on each page, grouped by its deciding evidence, the
-- strongest source (sources[0]): its kind and the key of the piece of evidence it rests on (review-queue.ts). The rows
-- are wide (explanation, votes, evidence versions, sources); what the ranking reads of them is a few narrow values,
-- which this index holds, so that the ranking reads the index alone where the table's pages are all-visible. The two
-- values taken from `sources` are stored generated columns (written with the row, never out of step), since an index
-- can only include columns. Every write of an inference already changes an indexed column (updated_at), so none was a
-- heap-only update before this index either.
-- Measured at 100,000 resources on PostgreSQL 15, vacuumed: a first page 372-396 -> 277-279 ms (team), 349-384 ->
-- 247-254 ms (user); the columns alone, without the index, 2-5%. Its cost, one index more on every write of an
-- inference, is within the noise of a full recompute of 20,000 resources (525-556 resources/s with it, 424-546
-- without). Adding the columns rewrites the table once.
ALTER TABLE ownership_inferences
  ADD COLUMN deciding_kind text GENERATED ALWAYS AS (sources->0->>'type') STORED,
  ADD COLUMN deciding_evidence_key text
    GENERATED ALWAYS AS (coalesce(sources->0->>'piece', (sources->0->>'type') || '|' || (sources->0->>'evidence_id'))) STORED;

CREATE INDEX ownership_inferences_review_ranking ON ownership_inferences (org_id, slot)
  INCLUDE (resource_id, owner_type, confidence, status, deciding_kind, deciding_evidence_key);
