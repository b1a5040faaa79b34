import type { Queryable } from './db.js';
import type { ResourceRecord } from '../posture/resource.js';

export interface StoredResource {
  resource_id: string;
  resource_type: string;
  name: string;
  cloud_provider: string;
  account: string;
  region: string;
  tags: string[];
  configuration: Record<string, unknown>;
  content_hash: string;
  version: number;
  observed_at: number;
  first_seen_at: number;
  deleted_at: number | null;
  auto_team_tag: string | null;
  iac_repo: string | null;
  iac_path: string | null;
  /** Where its current version came from: the importer (`import:terraform-state`, ...) or `api`. */
  source: string | null;
}

const COLUMNS = `resource_id, resource_type, name, cloud_provider, account, region, tags, configuration, content_hash, version,
  observed_at, first_seen_at, deleted_at, auto_team_tag, iac_repo, iac_path, source`;

export async function resourcesById(db: Queryable, orgId: string, ids: string[]): Promise<Map<string, StoredResource>> {
  if (ids.length === 0) return new Map();
  const rows = (await db.query<StoredResource>(`SELECT ${COLUMNS} FROM resources WHERE org_id = $1 AND resource_id = ANY($2::text[])`, [orgId, ids]))
    .rows;
  return new Map(rows.map((r) => [r.resource_id, r]));
}

/** The organization's live resources after `afterId`, in id order: `limit` of them (a walk over the whole inventory). */
export async function liveResourcesAfter(db: Queryable, orgId: string, afterId: string, limit: number): Promise<StoredResource[]> {
  return (
    await db.query<StoredResource>(
      `SELECT ${COLUMNS} FROM resources WHERE org_id = $1 AND deleted_at IS NULL AND resource_id > $2 ORDER BY resource_id LIMIT $3`,
      [orgId, afterId, limit],
    )
  ).rows;
}

export async function liveResourceCount(db: Queryable, orgId: string): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources WHERE org_id = $1 AND deleted_at IS NULL', [orgId])).rows[0]!.n;
}

export async function getResource(db: Queryable, orgId: string, id: string): Promise<StoredResource | undefined> {
  return (await resourcesById(db, orgId, [id])).get(id);
}

export interface ResourceWrite {
  record: ResourceRecord;
  content_hash: string;
  version: number;
  first_seen_at: number;
  /** Where the version came from: the importer (`import:terraform-state`, ...) or `api`. */
  source: string;
  /** Who wrote it (the API user's handle), when someone did. */
  actor?: string | null;
}

/** Writes the new versions: the current row of each resource, and its version history (closing the previous version). */
export async function writeResourceVersions(db: Queryable, orgId: string, writes: ResourceWrite[], now: number): Promise<void> {
  if (writes.length === 0) return;
  const rows = writes.map((w) => ({
    resource_id: w.record.resource_id,
    resource_type: w.record.resource_type,
    name: w.record.name,
    cloud_provider: w.record.cloud_provider,
    account: w.record.account,
    region: w.record.region,
    tags: w.record.tags,
    configuration: w.record.configuration,
    content_hash: w.content_hash,
    version: w.version,
    observed_at: w.record.observed_at,
    first_seen_at: w.first_seen_at,
    deleted_at: w.record.deleted ? now : null,
    source: w.source,
    actor: w.actor ?? null,
    iac_repo: w.record.iac?.repo ?? null,
    iac_path: w.record.iac?.path ?? null,
  }));
  const json = JSON.stringify(rows);
  const recordset = `jsonb_to_recordset($2::jsonb) AS r(resource_id text, resource_type text, name text, cloud_provider text, account text,
    region text, tags jsonb, configuration jsonb, content_hash text, version integer, observed_at bigint, first_seen_at bigint,
    deleted_at bigint, source text, actor text, iac_repo text, iac_path text)`;
  await db.query(
    `INSERT INTO resources (org_id, resource_id, resource_type, name, cloud_provider, account, region, tags, configuration, content_hash,
       version, observed_at, first_seen_at, updated_at, deleted_at, source, iac_repo, iac_path)
     SELECT $1, r.resource_id, r.resource_type, r.name, r.cloud_provider, r.account, r.region, ARRAY(SELECT jsonb_array_elements_text(r.tags)),
       r.configuration, r.content_hash, r.version, r.observed_at, r.first_seen_at, $3, r.deleted_at, r.source, r.iac_repo, r.iac_path
     FROM ${recordset}
     ON CONFLICT (org_id, resource_id) DO UPDATE SET resource_type = EXCLUDED.resource_type, name = EXCLUDED.name,
       cloud_provider = EXCLUDED.cloud_provider, account = EXCLUDED.account, region = EXCLUDED.region, tags = EXCLUDED.tags,
       configuration = EXCLUDED.configuration, content_hash = EXCLUDED.content_hash, version = EXCLUDED.version,
       observed_at = EXCLUDED.observed_at, updated_at = EXCLUDED.updated_at, deleted_at = EXCLUDED.deleted_at, source = EXCLUDED.source,
       iac_repo = COALESCE(EXCLUDED.iac_repo, resources.iac_repo), iac_path = COALESCE(EXCLUDED.iac_path, resources.iac_path)`,
    [orgId, json, now],
  );
  // Only a resource seen before has a version to close. Its ids go as an array, which the planner reads through the
  // primary key; joined to a record set it scanned every version, so that each part of a long import took longer.
  const revised = writes.filter((w) => w.version > 1).map((w) => w.record.resource_id);
  if (revised.length > 0) {
    await db.query(
      `UPDATE resource_versions SET valid_to = $3
       WHERE org_id = $1 AND resource_id = ANY($2::text[]) AND valid_to = 9223372036854775807`,
      [orgId, revised, now],
    );
  }
  await db.query(
    `INSERT INTO resource_versions (org_id, resource_id, version, valid_from, name, tags, configuration, deleted, resource_type, account, region,
       source, actor)
     SELECT $1, r.resource_id, r.version, $3, r.name, ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.configuration, r.deleted_at IS NOT NULL,
       r.resource_type, r.account, r.region, r.source, r.actor
     FROM ${recordset}`,
    [orgId, json, now],
  );
}

/** Sets each resource's auto-tag (null: none) in one statement. */
export async function setAutoTeamTags(db: Queryable, orgId: string, tags: { resource_id: string; tag: string | null }[]): Promise<void> {
  if (tags.length === 0) return;
  await db.query(
    `UPDATE resources r SET auto_team_tag = t.tag
     FROM jsonb_to_recordset($2::jsonb) AS t(resource_id text, tag text)
     WHERE r.org_id = $1 AND r.resource_id = t.resource_id`,
    [orgId, JSON.stringify(tags)],
  );
}
