-- Resource inventory: the current version of each resource, and every version it had.
CREATE TABLE resources (
  org_id          uuid NOT NULL,
  resource_id     text NOT NULL,
  resource_type   text NOT NULL,
  name            text NOT NULL,
  cloud_provider  text NOT NULL,
  account         text NOT NULL DEFAULT '',
  region          text NOT NULL DEFAULT '',
  tags            text[] NOT NULL DEFAULT '{}',
  configuration   jsonb NOT NULL DEFAULT '{}',
  content_hash    text NOT NULL,
  version         integer NOT NULL,
  observed_at     bigint NOT NULL,
  first_seen_at   bigint NOT NULL,
  updated_at      bigint NOT NULL,
  deleted_at      bigint,
  source          text,
  iac_repo        text,
  iac_path        text,
  PRIMARY KEY (org_id, resource_id)
);
CREATE INDEX resources_type ON resources (org_id, resource_type);

CREATE TABLE resource_versions (
  org_id         uuid NOT NULL,
  resource_id    text NOT NULL,
  version        integer NOT NULL,
  valid_from     bigint NOT NULL,
  valid_to       bigint NOT NULL DEFAULT 9223372036854775807,
  name           text NOT NULL,
  tags           text[] NOT NULL,
  configuration  jsonb NOT NULL,
  deleted        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, resource_id, version)
);

-- A finding is one (resource, rule) pair; what never changes about it lives here.
-- Findings imported from Datadog keep Datadog's message and resource configuration as reported.
CREATE TABLE findings (
  org_id                  uuid NOT NULL,
  finding_id              text NOT NULL,
  resource_id             text NOT NULL,
  rule_id                 text NOT NULL,
  origin                  text NOT NULL CHECK (origin IN ('rule', 'imported')),
  message                 text,
  resource_configuration  jsonb,
  PRIMARY KEY (org_id, finding_id)
);
CREATE INDEX findings_resource ON findings (org_id, resource_id);

-- Temporal states: each change of evaluation, status, mute or tags closes one row (valid_to) and opens the next.
-- The current state has valid_to = max bigint; the state at instant T has valid_from <= T < valid_to.
-- Every field a listing filters or sorts on is copied here, so one table answers a listing.
CREATE TABLE finding_states (
  org_id                   uuid NOT NULL,
  finding_id               text NOT NULL,
  valid_from               bigint NOT NULL,
  valid_to                 bigint NOT NULL DEFAULT 9223372036854775807,
  severity_rank            smallint NOT NULL,
  status                   text NOT NULL,
  evaluation               text NOT NULL,
  evaluation_changed_at    bigint NOT NULL,
  resource_discovery_date  bigint NOT NULL,
  resource_id              text NOT NULL,
  resource_name            text NOT NULL,
  resource_type            text NOT NULL,
  rule_id                  text NOT NULL,
  rule_name                text NOT NULL,
  vulnerability_type       text NOT NULL,
  tags                     text[] NOT NULL,
  muted                    boolean NOT NULL DEFAULT false,
  mute                     jsonb,
  mute_expires_at          bigint,
  changed_by               text,
  PRIMARY KEY (org_id, finding_id, valid_from)
);
-- The listing's order (severity, then id) among current rows, and among rows valid at an instant.
CREATE INDEX finding_states_current_order ON finding_states (org_id, severity_rank, finding_id) WHERE valid_to = 9223372036854775807;
CREATE INDEX finding_states_history_order ON finding_states (org_id, severity_rank, finding_id, valid_from, valid_to);
CREATE INDEX finding_states_current_tags ON finding_states USING gin (tags) WHERE valid_to = 9223372036854775807;

-- The team tag the ownership service writes onto the resource's findings when auto-tag applies (null: none).
ALTER TABLE resources ADD COLUMN auto_team_tag text;
CREATE INDEX finding_states_current_resource ON finding_states (org_id, resource_id) WHERE valid_to = 9223372036854775807;
