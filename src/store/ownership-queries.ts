// Reads the ownership API needs beyond the inference tables: whether a resource is known, the evidence as recorded,
// untagged findings by band, and the resources whose auto-tag settings decide.
import type { Queryable } from './db.js';
import type { QueueItem } from './ownership-queue.js';
import { OPEN_ENDED } from './finding-states.js';

/** A resource is known to the ownership API when the inventory has it (even deleted) or an inference was ever written for it. */
export async function resourceIsKnown(db: Queryable, orgId: string, resourceId: string): Promise<boolean> {
  const r = await db.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM resources WHERE org_id = $1 AND resource_id = $2)
         OR EXISTS (SELECT 1 FROM ownership_inferences WHERE org_id = $1 AND resource_id = $2) AS known`,
    [orgId, resourceId],
  );
  return r.rows[0]?.known === true;
}

/** Locks the queue entries of the given resources (waiting for a worker that holds one). */
export async function lockQueuedItems(db: Queryable, orgId: string, ids: string[]): Promise<QueueItem[]> {
  if (ids.length === 0) return [];
  return (
    await db.query<QueueItem>(
      // In resource id order, as markForInference takes them (ownership-queue.ts): writers in other orders deadlock.
      'SELECT org_id, resource_id, attempts FROM ownership_queue WHERE org_id = $1 AND resource_id = ANY($2::text[]) ORDER BY resource_id COLLATE "C" FOR UPDATE',
      [orgId, ids],
    )
  ).rows;
}

export interface UntaggedCounts {
  total: number;
  high: number;
  medium: number;
  low: number;
}

/**
 * Current findings that carry no `team:` tag, and among them those whose resource has a team answer, by the band of
 * that answer's confidence (high above `highAbove`, medium from `mediumFrom`).
 */
export async function untaggedFindingCounts(db: Queryable, orgId: string, highAbove: number, mediumFrom: number): Promise<UntaggedCounts> {
  const r = await db.query<UntaggedCounts>(
    `SELECT count(*)::int AS total,
       count(*) FILTER (WHERE i.owner_handle IS NOT NULL AND i.confidence > $2)::int AS high,
       count(*) FILTER (WHERE i.owner_handle IS NOT NULL AND i.confidence >= $3 AND i.confidence <= $2)::int AS medium,
       count(*) FILTER (WHERE i.owner_handle IS NOT NULL AND i.confidence < $3)::int AS low
     FROM finding_states f
     LEFT JOIN ownership_inferences i ON i.org_id = f.org_id AND i.resource_id = f.resource_id AND i.slot = 'team'
       AND i.owner_type = 'team' AND i.status IN ('suggested', 'persisted', 'overridden')
     WHERE f.org_id = $1 AND f.valid_to = ${OPEN_ENDED}
       AND NOT EXISTS (SELECT 1 FROM unnest(f.tags) AS t(tag) WHERE lower(t.tag) LIKE 'team:%')`,
    [orgId, highAbove, mediumFrom],
  );
  return r.rows[0] ?? { total: 0, high: 0, medium: 0, low: 0 };
}

/** Live resources whose auto-tag the settings decide: those with a team answer or an auto-tag already written. */
export async function resourceIdsForAutoTag(db: Queryable, orgId: string): Promise<string[]> {
  return (
    await db.query<{ resource_id: string }>(
      `SELECT r.resource_id FROM resources r WHERE r.org_id = $1 AND r.deleted_at IS NULL AND (r.auto_team_tag IS NOT NULL
         OR EXISTS (SELECT 1 FROM ownership_inferences i WHERE i.org_id = r.org_id AND i.resource_id = r.resource_id AND i.slot = 'team' AND i.owner_handle IS NOT NULL))
       ORDER BY r.resource_id`,
      [orgId],
    )
  ).rows.map((r) => r.resource_id);
}

export interface RecordedAuditEvent {
  event_id: string;
  observed_at: number;
  payload: unknown;
}

export async function auditEventsByIds(db: Queryable, orgId: string, ids: string[]): Promise<RecordedAuditEvent[]> {
  if (ids.length === 0) return [];
  return (
    await db.query<RecordedAuditEvent>('SELECT event_id, observed_at, payload FROM audit_events WHERE org_id = $1 AND event_id = ANY($2::text[])', [
      orgId,
      ids,
    ])
  ).rows;
}

export interface RecordedResourceVersion {
  version: number;
  valid_from: number;
  name: string;
  tags: string[];
  configuration: unknown;
  deleted: boolean;
}

export async function resourceVersionsOf(db: Queryable, orgId: string, resourceId: string, versions: number[]): Promise<RecordedResourceVersion[]> {
  if (versions.length === 0) return [];
  return (
    await db.query<RecordedResourceVersion>(
      'SELECT version, valid_from, name, tags, configuration, deleted FROM resource_versions WHERE org_id = $1 AND resource_id = $2 AND version = ANY($3::int[])',
      [orgId, resourceId, versions],
    )
  ).rows;
}

export interface RecordedPreferences {
  version: number;
  created_at: number;
  preferences: { tag_mappings?: Array<{ id: string }>; exclusions?: Array<{ id: string }> } & Record<string, unknown>;
}

export async function preferencesVersions(db: Queryable, orgId: string, versions: number[]): Promise<RecordedPreferences[]> {
  if (versions.length === 0) return [];
  return (
    await db.query<RecordedPreferences>(
      'SELECT version, created_at, preferences FROM ownership_preferences WHERE org_id = $1 AND version = ANY($2::int[])',
      [orgId, versions],
    )
  ).rows;
}

export interface FailureGroup {
  reason: string;
  resources: number;
  /** A few of the resources, to look at first. */
  examples: string[];
}

/** The resources whose inference stands failed now, grouped by reason, the most common first. */
export async function currentFailures(db: Queryable, orgId: string, examples = 3): Promise<FailureGroup[]> {
  const r = await db.query<{ reason: string; resources: number; examples: string[] }>(
    `SELECT failure_reason AS reason, count(DISTINCT resource_id)::int AS resources,
            (array_agg(DISTINCT resource_id ORDER BY resource_id))[1:$2] AS examples
       FROM ownership_inferences
      WHERE org_id = $1 AND status = 'failed'
      GROUP BY failure_reason ORDER BY resources DESC, reason`,
    [orgId, examples],
  );
  return r.rows;
}

/** The resources with a current answer: inferred, and no owner type failed (those are in currentFailures). */
export async function answeredResourceCount(db: Queryable, orgId: string): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM ownership_inferences WHERE org_id = $1 GROUP BY resource_id HAVING bool_and(status <> 'failed')
     ) answered`,
    [orgId],
  );
  return r.rows[0]!.n;
}
