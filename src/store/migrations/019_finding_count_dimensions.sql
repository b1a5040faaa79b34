-- Single-dimension count rows (see 017): besides its base and facet rows, each current finding state counts in one row
-- per dimension that holds only that dimension's value (facet '@status', '@evaluation', '@muted',
-- '@vulnerability_type', '@resource_type' or '@rule_id'; tag ''; the other dimensions '' / -1 / false). A filter on one
-- dimension, or none, then sums a handful of rows instead of every combination of the base rows.
-- No writer runs meanwhile: the counts are rebuilt below from the current rows as this transaction sees them.
LOCK TABLE finding_states IN SHARE ROW EXCLUSIVE MODE;
DROP FUNCTION finding_count_keys(text[], text, text);

-- The count rows one finding state belongs to, with the dimensions each keeps.
CREATE FUNCTION finding_count_rows(severity_rank smallint, evaluation text, muted boolean, vulnerability_type text, resource_type text,
  rule_id text, tags text[])
RETURNS TABLE (facet text, tag text, severity_rank smallint, evaluation text, muted boolean, vulnerability_type text, resource_type text,
  rule_id text) LANGUAGE sql IMMUTABLE AS $$
  SELECT '', '', $1, $2, $3, $4, $5, $6
  UNION ALL
  SELECT DISTINCT split_part(t, ':', 1), t, $1, $2, $3, '', $5, '' FROM unnest($7) AS t
  WHERE strpos(t, ':') > 0 AND split_part(t, ':', 1) = ANY (finding_count_facets())
  UNION ALL SELECT '@status', '', $1, '', false, '', '', ''
  UNION ALL SELECT '@evaluation', '', -1::smallint, $2, false, '', '', ''
  UNION ALL SELECT '@muted', '', -1::smallint, '', $3, '', '', ''
  UNION ALL SELECT '@vulnerability_type', '', -1::smallint, '', false, $4, '', ''
  UNION ALL SELECT '@resource_type', '', -1::smallint, '', false, '', $5, ''
  UNION ALL SELECT '@rule_id', '', -1::smallint, '', false, '', '', $6
$$;

CREATE OR REPLACE FUNCTION finding_counts_after_insert_or_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finding_count_deltas (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
  SELECT s.org_id, k.facet, k.tag, k.severity_rank, k.evaluation, k.muted, k.vulnerability_type, k.resource_type, k.rule_id,
    CASE TG_OP WHEN 'INSERT' THEN count(*) ELSE -count(*) END
  FROM changed_rows s
  CROSS JOIN LATERAL finding_count_rows(s.severity_rank, s.evaluation, s.muted, s.vulnerability_type, s.resource_type, s.rule_id, s.tags) k
  WHERE s.valid_to = 9223372036854775807
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION finding_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finding_count_deltas (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
  SELECT s.org_id, k.facet, k.tag, k.severity_rank, k.evaluation, k.muted, k.vulnerability_type, k.resource_type, k.rule_id, sum(s.n)
  FROM (SELECT org_id, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, tags, 1 AS n
        FROM new_rows WHERE valid_to = 9223372036854775807
        UNION ALL
        SELECT org_id, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, tags, -1 AS n
        FROM old_rows WHERE valid_to = 9223372036854775807) s
  CROSS JOIN LATERAL finding_count_rows(s.severity_rank, s.evaluation, s.muted, s.vulnerability_type, s.resource_type, s.rule_id, s.tags) k
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  HAVING sum(s.n) <> 0;
  RETURN NULL;
END $$;

-- Counted again from the current rows, with the new rows.
DELETE FROM finding_count_deltas;
DELETE FROM finding_counts;
INSERT INTO finding_counts (org_id, facet, tag, severity_rank, evaluation, muted, vulnerability_type, resource_type, rule_id, n)
SELECT s.org_id, k.facet, k.tag, k.severity_rank, k.evaluation, k.muted, k.vulnerability_type, k.resource_type, k.rule_id, count(*)
FROM finding_states s
CROSS JOIN LATERAL finding_count_rows(s.severity_rank, s.evaluation, s.muted, s.vulnerability_type, s.resource_type, s.rule_id, s.tags) k
WHERE s.valid_to = 9223372036854775807
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
