-- (resource, rule) pairs a rule could not judge: a field that decides it is absent from the resource's configuration.
-- Such a pair has no finding state while the gap lasts ("not evaluated"); the gap is temporal as finding_states are:
-- the current gap has valid_to = max bigint, the gap at instant T has valid_from <= T < valid_to.
CREATE TABLE evaluation_gaps (
  org_id          uuid NOT NULL,
  resource_id     text NOT NULL,
  rule_id         text NOT NULL,
  valid_from      bigint NOT NULL,
  valid_to        bigint NOT NULL DEFAULT 9223372036854775807,
  resource_type   text NOT NULL,
  -- Canonical configuration paths the rule needs and the version lacks, e.g. {policy_status.is_public}.
  missing_fields  text[] NOT NULL,
  -- The source of the resource version that lacked them (resources.source: import:terraform-state, api, ...).
  source          text,
  PRIMARY KEY (org_id, resource_id, rule_id, valid_from)
);
CREATE INDEX evaluation_gaps_current_by_rule ON evaluation_gaps (org_id, rule_id, resource_id) WHERE valid_to = 9223372036854775807;
CREATE INDEX evaluation_gaps_current_by_resource ON evaluation_gaps (org_id, resource_id) WHERE valid_to = 9223372036854775807;
CREATE INDEX evaluation_gaps_history ON evaluation_gaps (org_id, rule_id, valid_from, valid_to);
