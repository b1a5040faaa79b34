-- The last instant at or before T at which anything a listing reads changed (a state opened or closed, a mute ran
-- out): between two such instants every answer is the same, so exact counts can be reused.
CREATE INDEX finding_states_opened ON finding_states (org_id, valid_from);
CREATE INDEX finding_states_mute_expiry ON finding_states (org_id, mute_expires_at) WHERE mute_expires_at IS NOT NULL;
