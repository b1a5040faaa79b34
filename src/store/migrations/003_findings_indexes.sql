-- The findings listing: one partial index per filter over current rows (valid_to = max bigint), rows closed since an
-- instant for snapshot reads, write leases for consistent snapshots, and the secret that signs cursors.

-- Current rows, one index per filter. text_pattern_ops serves both `=` and prefix `LIKE 'abc%'` whatever the collation.
CREATE INDEX finding_states_current_evaluation ON finding_states (org_id, evaluation, severity_rank, finding_id) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_vulnerability ON finding_states (org_id, vulnerability_type, severity_rank, finding_id) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_rule_id ON finding_states (org_id, rule_id text_pattern_ops) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_rule_name ON finding_states (org_id, rule_name text_pattern_ops) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_resource_type ON finding_states (org_id, resource_type text_pattern_ops) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_resource_id_pattern ON finding_states (org_id, resource_id text_pattern_ops) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_evaluation_changed ON finding_states (org_id, evaluation_changed_at) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_current_discovery ON finding_states (org_id, resource_discovery_date) WHERE valid_to = 9223372036854775807;
-- Muted findings are few: a small index in listing order.
CREATE INDEX finding_states_current_muted ON finding_states (org_id, severity_rank, finding_id) WHERE valid_to = 9223372036854775807 AND muted;
-- The mute expiry job's work list.
CREATE INDEX finding_states_current_mute_expiry ON finding_states (mute_expires_at) WHERE valid_to = 9223372036854775807 AND muted AND mute_expires_at IS NOT NULL;

-- Closed rows by when they closed: a snapshot at T reads the current rows that opened by T plus the closed rows with
-- valid_to > T (few when T is recent; finding_states_history_order serves old instants).
CREATE INDEX finding_states_closed ON finding_states (org_id, valid_to) WHERE valid_to <> 9223372036854775807;

-- A writer of finding states registers here (committed) before it picks its instant, and leaves after it commits;
-- a listing's first page picks its snapshot before the oldest live lease, so no later commit can change that instant.
CREATE TABLE finding_write_leases (
  org_id      uuid NOT NULL,
  lease_id    uuid NOT NULL,
  started_at  bigint NOT NULL,
  PRIMARY KEY (org_id, lease_id)
);

-- Secrets shared by every server process of one store (the cursor signing key).
CREATE TABLE server_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  bigint NOT NULL
);
