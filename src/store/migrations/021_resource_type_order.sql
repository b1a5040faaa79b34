-- Current findings of one resource type in the listing's order (severity, then id): a page filtered on a resource type
-- walks only that type's rows of the severity it starts at, instead of every row of the evaluation or severity index
-- and dropping the other types (the fail + high + team tag + S3 page at 1,000,000 findings: 11.2 ms, now 4.5 ms).
-- Its leading columns still serve `resource_type` prefix patterns, as the index it replaces did.
DROP INDEX finding_states_current_resource_type;
CREATE INDEX finding_states_current_resource_type ON finding_states (org_id, resource_type text_pattern_ops, severity_rank, finding_id)
  WHERE valid_to = 9223372036854775807;
