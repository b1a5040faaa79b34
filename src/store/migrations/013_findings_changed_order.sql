-- The Security Findings API pages current findings by (evaluation_changed_at, finding_id), either way: an index in
-- that exact order serves the keyset without sorting every matching finding. It covers the older index on
-- (org_id, evaluation_changed_at) as its prefix, which filters on that column alone used.
CREATE INDEX finding_states_current_changed_order ON finding_states (org_id, evaluation_changed_at, finding_id) WHERE valid_to = 9223372036854775807;
DROP INDEX finding_states_current_evaluation_changed;
