-- Every signal version ever observed, append-only: the evidence an inference used can always be shown as it was.
-- kind: directory_user, directory_team, service, audit_event, codeowners, preferences; key: the signal's id within its kind.
CREATE TABLE signal_versions (
  org_id       uuid NOT NULL,
  kind         text NOT NULL,
  key          text NOT NULL,
  version      integer NOT NULL,
  observed_at  bigint NOT NULL,
  source       text NOT NULL,
  payload      jsonb NOT NULL,
  PRIMARY KEY (org_id, kind, key, version)
);

-- Current state of each signal, for inference (the versions above are its history).
CREATE TABLE teams (
  org_id       uuid NOT NULL,
  handle       text NOT NULL,
  name         text NOT NULL,
  parent       text,
  source       text NOT NULL,
  version      integer NOT NULL,
  observed_at  bigint NOT NULL,
  PRIMARY KEY (org_id, handle)
);

CREATE TABLE team_members (
  org_id       uuid NOT NULL,
  team_handle  text NOT NULL,
  user_handle  text NOT NULL,
  source       text NOT NULL,
  PRIMARY KEY (org_id, team_handle, user_handle)
);
CREATE INDEX team_members_user ON team_members (org_id, lower(user_handle));

ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN observed_at bigint;

CREATE TABLE services (
  org_id       uuid NOT NULL,
  name         text NOT NULL,
  team         text,
  payload      jsonb NOT NULL,
  source       text NOT NULL,
  version      integer NOT NULL,
  observed_at  bigint NOT NULL,
  PRIMARY KEY (org_id, name)
);

CREATE TABLE audit_events (
  org_id          uuid NOT NULL,
  event_id        text NOT NULL,
  event_time      bigint NOT NULL,
  event_name      text NOT NULL,
  principal_name  text NOT NULL,
  automation      boolean NOT NULL,
  payload         jsonb NOT NULL,
  observed_at     bigint NOT NULL,
  PRIMARY KEY (org_id, event_id)
);

CREATE TABLE audit_event_resources (
  org_id       uuid NOT NULL,
  resource_id  text NOT NULL,
  event_id     text NOT NULL,
  event_time   bigint NOT NULL,
  action       text NOT NULL,
  PRIMARY KEY (org_id, resource_id, event_id)
);

CREATE TABLE codeowners (
  org_id       uuid NOT NULL,
  repo         text NOT NULL,
  rules        jsonb NOT NULL,
  version      integer NOT NULL,
  observed_at  bigint NOT NULL,
  PRIMARY KEY (org_id, repo)
);

CREATE TABLE ownership_preferences (
  org_id       uuid NOT NULL,
  version      integer NOT NULL,
  csv          text NOT NULL,
  preferences  jsonb NOT NULL,
  created_at   bigint NOT NULL,
  created_by   text,
  PRIMARY KEY (org_id, version)
);

CREATE INDEX resources_tags ON resources USING gin (tags);
CREATE INDEX resources_iac_repo ON resources (org_id, iac_repo);
