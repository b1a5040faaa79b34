// Assembles the engine's input for resources from the store: the resource itself, then each signal kind's loader
// (signal-kinds/loaders.ts) in order, then the owners reviewers rejected. I/O lives here so that the engine stays pure.
import type { Queryable } from '../store/db.js';
import type { StoredResource } from '../store/resources.js';
import { allServiceNames } from '../store/catalog.js';
import { teamVersions, ownerPopulation } from '../store/directory.js';
import { currentPreferences } from '../store/preferences.js';
import { rejectedOwnersOf } from '../store/ownership-inferences.js';
import type { ResourceEvidence } from './evidence.js';
import { SIGNAL_KIND_LOADERS } from './signal-kinds/loaders.js';
import { iso, type OrgContext } from './signal-kinds/loader.js';

export type { OrgContext };

export async function loadOrgContext(db: Queryable, orgId: string): Promise<OrgContext> {
  const prefs = await currentPreferences(db, orgId);
  const teamRows = await teamVersions(db, orgId);
  const teams = teamRows.map((r) => r.handle);
  const counts = await ownerPopulation(db, orgId);
  const serviceNames = await allServiceNames(db, orgId);
  return {
    preferences: prefs && { version: prefs.version, created_at: prefs.created_at, set: prefs.preferences },
    teamHandles: teams,
    teams: teamRows,
    serviceNames,
    population: { team: Math.max(teams.length, 1), user: Math.max(counts.users, 1), service: Math.max(counts.services, 1) },
  };
}

/** The evidence of one resource (see loadEvidenceBatch). */
export async function loadEvidence(db: Queryable, orgId: string, resource: StoredResource, org: OrgContext): Promise<ResourceEvidence> {
  return (await loadEvidenceBatch(db, orgId, [resource], org)).get(resource.resource_id)!;
}

/** The engine's input for each resource of a batch, read with one query per kind of signal (never one per resource). */
export async function loadEvidenceBatch(
  db: Queryable,
  orgId: string,
  resources: StoredResource[],
  org: OrgContext,
): Promise<Map<string, ResourceEvidence>> {
  const evidence = new Map(
    resources.map((resource): [string, ResourceEvidence] => [
      resource.resource_id,
      {
        resource: {
          source: 'resource',
          version: resource.version,
          observed_at: iso(resource.observed_at),
          resource_id: resource.resource_id,
          resource_type: resource.resource_type,
          name: resource.name,
          tags: resource.tags,
          account: resource.account,
        },
      },
    ]),
  );
  const batch = { orgId, org, resources, evidence };
  for (const loader of SIGNAL_KIND_LOADERS) await loader.load(db, batch);
  const rejected = await rejectedOwnersOf(db, orgId, [...evidence.keys()]);
  for (const [id, e] of evidence) {
    const r = rejected.get(id);
    if (r?.length) e.rejected = r;
  }
  return evidence;
}
