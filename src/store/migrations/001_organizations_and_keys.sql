-- Every key starts with org_id: tenant isolation in every query, and the schema can be distributed by org_id.
CREATE TABLE orgs (
  org_id      uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created_at  bigint NOT NULL
);

-- People of an organization: the actors behind application keys and the team directory's users.
CREATE TABLE users (
  org_id        uuid NOT NULL,
  user_id       uuid NOT NULL,
  handle        text NOT NULL,
  email         text,
  display_name  text,
  active        boolean NOT NULL DEFAULT true,
  source        text,
  created_at    bigint NOT NULL,
  updated_at    bigint NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE UNIQUE INDEX users_handle ON users (org_id, lower(handle));
CREATE INDEX users_email ON users (org_id, lower(email));

-- Keys are stored only as SHA-256 hashes; kind 'api' identifies the organization, 'app' also a user.
CREATE TABLE api_keys (
  org_id      uuid NOT NULL,
  key_id      uuid NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('api', 'app')),
  key_hash    text NOT NULL,
  user_id     uuid,
  last4       text NOT NULL,
  created_at  bigint NOT NULL,
  revoked_at  bigint,
  PRIMARY KEY (org_id, key_id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE UNIQUE INDEX api_keys_id ON api_keys (key_id);
