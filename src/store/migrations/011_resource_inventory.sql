-- The resource inventory (GET /api/v2/csm/resources, `steward resources list`) reads resource_versions alone at any
-- instant, as the findings listing reads finding_states: every field it filters on is copied into the version row.
-- Each version also records where it came from: the importer or `api` (source) and the user who sent it (actor).
ALTER TABLE resource_versions
  ADD COLUMN resource_type text NOT NULL DEFAULT '',
  ADD COLUMN account text NOT NULL DEFAULT '',
  ADD COLUMN region text NOT NULL DEFAULT '',
  ADD COLUMN source text,
  ADD COLUMN actor text;

-- Versions written before this migration take their resource's type, account and region (an ARN names them, so they
-- did not change between versions); only the current version's source is known (the resource's). Actors are unknown.
UPDATE resource_versions v
SET resource_type = r.resource_type, account = r.account, region = r.region,
  source = CASE WHEN v.version = r.version THEN r.source END
FROM resources r
WHERE r.org_id = v.org_id AND r.resource_id = v.resource_id;

ALTER TABLE resource_versions ALTER COLUMN resource_type DROP DEFAULT;

-- Versions current now (valid_to = max bigint) and not deletions, in the listing's order (resource id), and by type.
CREATE INDEX resource_versions_current ON resource_versions (org_id, resource_id)
  WHERE valid_to = 9223372036854775807 AND NOT deleted;
CREATE INDEX resource_versions_current_type ON resource_versions (org_id, resource_type, resource_id)
  WHERE valid_to = 9223372036854775807 AND NOT deleted;
-- Closed versions by when they closed: an instant T reads the current versions opened by T plus the versions closed
-- after T (few when T is recent).
CREATE INDEX resource_versions_closed ON resource_versions (org_id, valid_to) WHERE valid_to <> 9223372036854775807;
