-- Resources marked for re-inference; workers take them with FOR UPDATE SKIP LOCKED.
CREATE TABLE ownership_queue (
  org_id           uuid NOT NULL,
  resource_id      text NOT NULL,
  enqueued_at      bigint NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  bigint NOT NULL,
  PRIMARY KEY (org_id, resource_id)
);
CREATE INDEX ownership_queue_due ON ownership_queue (next_attempt_at);

-- The current inference per resource and asked owner type (slot); owner_type is the answer's (or 'unknown').
CREATE TABLE ownership_inferences (
  org_id             uuid NOT NULL,
  resource_id        text NOT NULL,
  slot               text NOT NULL CHECK (slot IN ('team', 'user', 'service')),
  owner_type         text NOT NULL,
  owner_handle       text,
  confidence         double precision NOT NULL,
  status             text NOT NULL,
  explanation        text NOT NULL,
  sources            jsonb NOT NULL,
  evidence_versions  jsonb NOT NULL,
  votes              jsonb NOT NULL DEFAULT '[]',
  checksum           text NOT NULL,
  created_at         bigint NOT NULL,
  updated_at         bigint NOT NULL,
  failed_at          bigint,
  failure_reason     text,
  retry_schedule     jsonb,
  PRIMARY KEY (org_id, resource_id, slot)
);
CREATE INDEX ownership_inferences_owner ON ownership_inferences (org_id, slot, owner_handle);

-- Every change of an inference, newest first by id (ids grow with time within a resource).
CREATE TABLE ownership_history (
  org_id             uuid NOT NULL,
  resource_id        text NOT NULL,
  id                 bigint NOT NULL,
  slot               text NOT NULL,
  owner_type         text NOT NULL,
  owner_handle       text,
  confidence         double precision NOT NULL,
  status             text NOT NULL,
  explanation        text NOT NULL,
  sources            jsonb NOT NULL,
  evidence_versions  jsonb NOT NULL,
  checksum           text NOT NULL,
  created_at         bigint NOT NULL,
  failed_at          bigint,
  failure_reason     text,
  retry_schedule     jsonb,
  PRIMARY KEY (org_id, resource_id, id)
);

-- Review labels: what the engine learns from; rejected owners are excluded for their resource.
CREATE TABLE ownership_feedback (
  org_id            uuid NOT NULL,
  resource_id       text NOT NULL,
  id                bigint NOT NULL,
  slot              text NOT NULL,
  action            text NOT NULL,
  checksum          text NOT NULL,
  inferred_owner    text,
  corrected_owner   text,
  corrected_type    text,
  reason            text,
  votes             jsonb NOT NULL,
  actor             text NOT NULL,
  created_at        bigint NOT NULL,
  PRIMARY KEY (org_id, resource_id, id)
);

CREATE TABLE ownership_settings (
  org_id            uuid PRIMARY KEY,
  auto_tag          boolean NOT NULL DEFAULT true,
  confidence_level  text NOT NULL DEFAULT 'high',
  version           integer NOT NULL DEFAULT 0,
  weights           jsonb,
  updated_at        bigint NOT NULL
);
