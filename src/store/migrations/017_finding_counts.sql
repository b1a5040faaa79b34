-- Exact counts of current findings (valid_to = max bigint) per organization over the dimensions the listing's filters
-- use, kept by triggers in the same transaction as every change of finding_states, so a covered count is a sum of a
-- few rows instead of a scan (src/store/finding-counts.ts reads them).
--
-- Two kinds of row:
--  - base rows (facet = '', tag = ''): one per combination of severity_rank, evaluation, muted, vulnerability_type,
--    resource_type and rule_id that a current finding has;
--  - facet rows (facet = a tag key of finding_count_facets(), tag = the whole tag 'key:value'): one per tag value and
--    combination of severity_rank, evaluation, muted and resource_type (vulnerability_type and rule_id are '' there:
--    not kept, so a tag filter together with either is not covered). Tags multiply rows; this bounds them.
-- `muted` is the column as stored: a mute whose expiry has passed but that the expiry job has not yet written is still
-- counted as muted here; the reader corrects for those (and for changes after the instant it reads) from finding_states.
--
-- Writers never update a count row: each statement that changes finding_states appends its net changes to
-- finding_count_deltas (insert only: concurrent writers neither wait on nor deadlock over counts). Compaction
-- (compactFindingCounts) folds an organization's deltas into finding_counts, one compactor per organization at a time.
CREATE TABLE finding_counts (
  org_id              uuid NOT NULL,
  facet               text NOT NULL,
  tag                 text NOT NULL,
  severity_rank       smallint NOT NULL,
  evaluation          text NOT NULL,
  muted               boolean NOT NULL,
  vulnerability_type  text NOT NULL,
  resource_type       text NOT NULL,
  rule_id             text NOT NULL,
  n                   bigint NOT NULL,
  PRIMARY KEY (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id)
);

CREATE TABLE finding_count_deltas (LIKE finding_counts);
ALTER TABLE finding_count_deltas ADD COLUMN delta_id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE finding_count_deltas ADD PRIMARY KEY (org_id, delta_id);

-- The tag keys counted as facets (src/store/finding-counts.ts COUNT_FACETS says the same; a test compares them).
CREATE FUNCTION finding_count_facets() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['team', 'env', 'service'] $$;

-- The count rows one finding state belongs to: its base row, and one facet row per distinct facet tag it carries.
CREATE FUNCTION finding_count_keys(tags text[], vulnerability_type text, rule_id text)
RETURNS TABLE (facet text, tag text, vulnerability_type text, rule_id text) LANGUAGE sql IMMUTABLE AS $$
  SELECT '', '', $2, $3
  UNION ALL
  SELECT DISTINCT split_part(t, ':', 1), t, '', '' FROM unnest($1) AS t
  WHERE strpos(t, ':') > 0 AND split_part(t, ':', 1) = ANY (finding_count_facets())
$$;

-- Inserted rows count +1, deleted rows -1 (both triggers name their transition table changed_rows).
CREATE FUNCTION finding_counts_after_insert_or_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finding_count_deltas (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
  SELECT s.org_id, k.facet, k.tag, s.severity_rank, s.evaluation, s.muted, k.vulnerability_type, s.resource_type, k.rule_id,
    CASE TG_OP WHEN 'INSERT' THEN count(*) ELSE -count(*) END
  FROM changed_rows s CROSS JOIN LATERAL finding_count_keys(s.tags, s.vulnerability_type, s.rule_id) k
  WHERE s.valid_to = 9223372036854775807
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  RETURN NULL;
END $$;

CREATE FUNCTION finding_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finding_count_deltas (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
  SELECT s.org_id, k.facet, k.tag, s.severity_rank, s.evaluation, s.muted, k.vulnerability_type, s.resource_type, k.rule_id, sum(s.n)
  FROM (SELECT org_id, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, tags, 1 AS n
        FROM new_rows WHERE valid_to = 9223372036854775807
        UNION ALL
        SELECT org_id, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, tags, -1 AS n
        FROM old_rows WHERE valid_to = 9223372036854775807) s
  CROSS JOIN LATERAL finding_count_keys(s.tags, s.vulnerability_type, s.rule_id) k
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  HAVING sum(s.n) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION finding_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM finding_count_deltas;
  DELETE FROM finding_counts;
  RETURN NULL;
END $$;

CREATE TRIGGER finding_counts_insert AFTER INSERT ON finding_states
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_counts_after_insert_or_delete();
CREATE TRIGGER finding_counts_delete AFTER DELETE ON finding_states
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_counts_after_insert_or_delete();
CREATE TRIGGER finding_counts_update AFTER UPDATE ON finding_states
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_counts_after_update();
CREATE TRIGGER finding_counts_truncate AFTER TRUNCATE ON finding_states
  FOR EACH STATEMENT EXECUTE FUNCTION finding_counts_after_truncate();

-- The reader's correction for mutes that expired with nobody writing it yet: the organization's current muted states
-- with an expiry (few), not every state that ever had one.
CREATE INDEX finding_states_current_org_mute_expiry ON finding_states (org_id, mute_expires_at)
  WHERE valid_to = 9223372036854775807 AND muted AND mute_expires_at IS NOT NULL;

-- The findings there are already.
INSERT INTO finding_counts (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
SELECT s.org_id, k.facet, k.tag, s.severity_rank, s.evaluation, s.muted, k.vulnerability_type, s.resource_type, k.rule_id, count(*)
FROM finding_states s CROSS JOIN LATERAL finding_count_keys(s.tags, s.vulnerability_type, s.rule_id) k
WHERE s.valid_to = 9223372036854775807
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
