import type { Queryable } from './db.js';
import type { AuditEvent } from '../ownership/signals.js';

/** Inserts audit events (immutable: an event id is written once); returns the resource ids they touched. */
/** Stores the events that name resources (each once: one already stored is left as it is); `added` counts the new ones. */
export async function insertAuditEvents(
  db: Queryable,
  orgId: string,
  events: AuditEvent[],
  now: number,
): Promise<{ resourceIds: string[]; added: number }> {
  const useful = events.filter((e) => e.resources.length > 0 && !e.error_code);
  if (useful.length === 0) return { resourceIds: [], added: 0 };
  const inserted = await db.query(
    `INSERT INTO audit_events (org_id, event_id, event_time, event_name, principal_name, automation, payload, observed_at)
     SELECT $1, r.event_id, r.event_time, r.event_name, r.principal_name, r.automation, r.payload, $2
     FROM jsonb_to_recordset($3::jsonb) AS r(event_id text, event_time bigint, event_name text, principal_name text, automation boolean, payload jsonb)
     ON CONFLICT (org_id, event_id) DO NOTHING`,
    [
      orgId,
      now,
      JSON.stringify(
        useful.map((e) => ({
          event_id: e.event_id,
          event_time: e.event_time,
          event_name: e.event_name,
          principal_name: e.principal.name,
          automation: e.principal.automation,
          payload: e,
        })),
      ),
    ],
  );
  const links = useful.flatMap((e) =>
    e.resources.map((r) => ({ resource_id: r.id, event_id: e.event_id, event_time: e.event_time, action: r.action })),
  );
  await db.query(
    `INSERT INTO audit_event_resources (org_id, resource_id, event_id, event_time, action)
     SELECT $1, r.resource_id, r.event_id, r.event_time, r.action FROM jsonb_to_recordset($2::jsonb) AS r(resource_id text, event_id text, event_time bigint, action text)
     ON CONFLICT DO NOTHING`,
    [orgId, JSON.stringify(links)],
  );
  return { resourceIds: [...new Set(links.map((l) => l.resource_id))], added: inserted.affectedRows ?? 0 };
}

export interface ResourceAuditRow {
  event_id: string;
  event_time: number;
  action: string;
  payload: AuditEvent;
  observed_at: number;
}

/** For each resource, in one query: its creation event and its latest `limit` changes. */
export async function auditEventsOfResources(
  db: Queryable,
  orgId: string,
  resourceIds: string[],
  limit = 5,
): Promise<Map<string, ResourceAuditRow[]>> {
  const out = new Map<string, ResourceAuditRow[]>();
  if (resourceIds.length === 0) return out;
  const rows = (
    await db.query<ResourceAuditRow & { resource_id: string }>(
      `SELECT resource_id, event_id, event_time, action, payload, observed_at FROM (
         SELECT l.resource_id, l.event_id, l.event_time, l.action, e.payload, e.observed_at,
           row_number() OVER (PARTITION BY l.resource_id, l.action = 'created'
             ORDER BY CASE WHEN l.action = 'created' THEN l.event_time ELSE -l.event_time END, l.event_id) AS rank
         FROM audit_event_resources l JOIN audit_events e ON e.org_id = l.org_id AND e.event_id = l.event_id
         WHERE l.org_id = $1 AND l.resource_id = ANY($2::text[])) ranked
       WHERE (action = 'created' AND rank = 1) OR (action <> 'created' AND rank <= $3)
       ORDER BY resource_id, event_time, event_id`,
      [orgId, resourceIds, limit],
    )
  ).rows;
  for (const { resource_id, ...row } of rows) (out.get(resource_id) ?? out.set(resource_id, []).get(resource_id)!).push(row);
  return out;
}

/** Resources changed by automation that runs from a repository (a CI principal naming it). */
export async function resourceIdsChangedFromRepository(db: Queryable, orgId: string, repo: string): Promise<string[]> {
  return (
    await db.query<{ resource_id: string }>(
      `SELECT DISTINCT l.resource_id FROM audit_events e JOIN audit_event_resources l ON l.org_id = e.org_id AND l.event_id = e.event_id
       WHERE e.org_id = $1 AND e.automation AND lower(e.payload->'principal'->>'repository') = $2`,
      [orgId, repo],
    )
  ).rows.map((r) => r.resource_id);
}
