import type { Queryable } from './db.js';
import { recordSignalVersions } from './signals.js';
import type { Service } from '../ownership/signals.js';

/** A service as versioned: without the file it was read from, so reading the same file by another path is no change. */
function versionedPayload(service: Service): Omit<Service, 'source'> {
  const { source: _readFrom, ...content } = service;
  return content;
}

/** Writes catalog services as versioned signals; returns the names whose content changed. */
export async function writeServices(db: Queryable, orgId: string, services: Service[], source: string, now: number): Promise<string[]> {
  const latest = new Map<string, Service>();
  for (const s of services) latest.set(s.name.toLowerCase(), s);
  const versions = await recordSignalVersions(
    db,
    orgId,
    'service',
    [...latest].map(([key, service]) => ({ key, payload: versionedPayload(service) })),
    source,
    now,
  );
  const changed = [...latest.keys()].filter((k) => versions.get(k)!.changed);
  if (changed.length === 0) return [];
  const rows = changed.map((k) => ({ name: k, team: latest.get(k)!.team ?? null, payload: latest.get(k)!, version: versions.get(k)!.version }));
  await db.query(
    `INSERT INTO services (org_id, name, team, payload, source, version, observed_at)
     SELECT $1, r.name, r.team, r.payload, $2, r.version, $3 FROM jsonb_to_recordset($4::jsonb) AS r(name text, team text, payload jsonb, version integer)
     ON CONFLICT (org_id, name) DO UPDATE SET team = EXCLUDED.team, payload = EXCLUDED.payload, source = EXCLUDED.source,
       version = EXCLUDED.version, observed_at = EXCLUDED.observed_at`,
    [orgId, source, now, JSON.stringify(rows)],
  );
  return changed;
}

export interface ServiceRow {
  name: string;
  team: string | null;
  version: number;
  observed_at: number;
  source: string;
}

export async function servicesByName(db: Queryable, orgId: string, names: string[]): Promise<ServiceRow[]> {
  if (names.length === 0) return [];
  return (
    await db.query<ServiceRow>('SELECT name, team, version, observed_at, source FROM services WHERE org_id = $1 AND name = ANY($2::text[])', [
      orgId,
      [...new Set(names.map((n) => n.toLowerCase()))],
    ])
  ).rows;
}

export async function allServiceNames(db: Queryable, orgId: string): Promise<string[]> {
  return (await db.query<{ name: string }>('SELECT name FROM services WHERE org_id = $1 ORDER BY name', [orgId])).rows.map((r) => r.name);
}

/** The catalog's team of each service that names one, both lower-case. */
export async function serviceTeams(db: Queryable, orgId: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; team: string }>('SELECT name, team FROM services WHERE org_id = $1 AND team IS NOT NULL', [orgId]);
  return new Map(rows.map((r) => [r.name.toLowerCase(), r.team.toLowerCase()]));
}
