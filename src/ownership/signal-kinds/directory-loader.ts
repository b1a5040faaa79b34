// The directory entries of the people a resource's evidence names (owner tags, human CloudTrail principals, CODEOWNERS
// users), read for the whole batch at once; every team (one list the batch's resources share: the engine looks teams
// up, and lists in an inference only those whose existence decided a vote) and the population of each owner type.
// Runs after every other loader.
import type { ResourceEvidence } from '../evidence.js';
import { DEFAULT_ENGINE_SETTINGS } from '../evidence.js';
import { usersByHandleOrEmail, type DirectoryUserRow } from '../../store/directory.js';
import { iso, tagValues, type SignalKindLoader } from './loader.js';
import { recordedSignals } from './recorded-signals.js';

function peopleNamed(evidence: ResourceEvidence): Set<string> {
  const names = new Set<string>();
  for (const t of tagValues(evidence.resource.tags, DEFAULT_ENGINE_SETTINGS.owner_tag_keys)) names.add(t.value);
  for (const a of evidence.audit ?? []) if (!a.principal.automation && a.principal.name) names.add(a.principal.name);
  for (const p of evidence.codeowners ?? []) for (const o of p.owners) if (!o.includes('/')) names.add(o.replace(/^@/, ''));
  return names;
}

export const directoryLoader: SignalKindLoader = {
  async load(db, batch) {
    const named = new Map([...batch.evidence].map(([id, evidence]) => [id, peopleNamed(evidence)]));
    const all = await usersByHandleOrEmail(
      db,
      batch.orgId,
      [...named.values()].flatMap((n) => [...n]),
    );
    const org = batch.org;
    const teams = org.teams.map((t) => ({ source: 'directory', version: t.version, observed_at: iso(t.observed_at), handle: t.handle }));
    for (const [id, evidence] of batch.evidence) {
      const wanted = new Set([...named.get(id)!].map((n) => n.toLowerCase()));
      const users = all.filter((u) => wanted.has(u.handle.toLowerCase()) || (u.email && wanted.has(u.email.toLowerCase())));
      const userOf = (name: string): DirectoryUserRow | undefined => {
        const n = name.toLowerCase();
        return users.find((u) => u.handle.toLowerCase() === n || u.email?.toLowerCase() === n);
      };
      for (const a of evidence.audit ?? []) {
        const user = userOf(a.principal.name);
        if (user) a.user = user.handle;
      }
      evidence.directory = {
        users: users.map((u) => ({
          source: 'directory',
          version: u.version,
          observed_at: iso(u.observed_at),
          handle: u.handle,
          ...(u.email ? { email: u.email } : {}),
          active: u.active,
          teams: u.teams,
        })),
        teams,
        population: org.population,
      };
    }
  },
  claims: (v) => v.source === 'directory',
  recorded: (db, orgId, _resourceId, versions) =>
    recordedSignals(db, orgId, versions, (v) => {
      const [type, ...rest] = v.id.split(':');
      const handle = rest.join(':').toLowerCase();
      return type === 'user' ? { kind: 'directory_user', key: handle } : type === 'team' ? { kind: 'directory_team', key: handle } : undefined;
    }),
};
