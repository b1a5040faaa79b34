-- What severity modifier and due date rules did to a finding state (src/findings/finding-automation.ts), kept in its
-- history so that a snapshot answers what a rule had done by then.
-- base_status: the rule pack's (or Datadog's) severity when a severity modifier rule changed `status`; NULL when no rule
-- did (the severity is its own). automation: {severity: {rule_id, rule_name}, due: {rule_id, rule_name, due_at}}.
ALTER TABLE finding_states ADD COLUMN base_status text;
ALTER TABLE finding_states ADD COLUMN automation jsonb;
