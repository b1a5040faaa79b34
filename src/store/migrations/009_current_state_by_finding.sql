-- The current state of given findings (writers close and replace them by id): without this index the planner may
-- walk another current-row index of the whole organization looking for the ids.
CREATE INDEX finding_states_current_finding ON finding_states (org_id, finding_id) WHERE valid_to = 9223372036854775807;
