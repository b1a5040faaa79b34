-- Security findings automation rules (Datadog's mute, severity modifier, due date, inbox and ticket creation rules):
-- per organization and type, applied in `position` order (0 first). The scope is the finding types and a query in
-- Datadog's log search syntax (src/findings/search-syntax.ts); the action is the type's own JSON (a mute's reason,
-- description and expiry, ...), kept as the API took it.
CREATE TABLE automation_rules (
  org_id            uuid NOT NULL,
  rule_id           uuid NOT NULL,
  rule_type         text NOT NULL CHECK (rule_type IN ('mute', 'severity', 'due_date', 'inbox', 'ticket')),
  name              text NOT NULL,
  enabled           boolean NOT NULL,
  position          integer NOT NULL,
  finding_types     text[] NOT NULL,
  query             text NOT NULL,
  action            jsonb NOT NULL,
  created_at        bigint NOT NULL,
  created_by_id     text NOT NULL,
  created_by_name   text NOT NULL,
  modified_at       bigint NOT NULL,
  modified_by_id    text NOT NULL,
  modified_by_name  text NOT NULL,
  PRIMARY KEY (org_id, rule_id)
);
CREATE INDEX automation_rules_in_order ON automation_rules (org_id, rule_type, position);
