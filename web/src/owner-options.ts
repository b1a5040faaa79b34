// The owners a correction may name, per owner type: the API accepts a team, user or service handle for an answer of
// that same type only. Teams and services are every one the organization knows (directory, CODEOWNERS, service
// catalog, answers), users the directory's active ones. Fetched once per signed-in API client.
import type { Api } from './api.js';

export type Slot = 'team' | 'user' | 'service';

export interface OwnerOption {
  handle: string;
  label: string;
}

const SOURCES: Record<string, string> = { directory: 'directory', codeowners: 'CODEOWNERS', catalog: 'service catalog', inference: 'answers' };

const cache = new WeakMap<Api, Map<Slot, Promise<OwnerOption[]>>>();

async function fetchOptions(api: Api, slot: Slot): Promise<OwnerOption[]> {
  if (slot === 'user') {
    const directory = await api.directory();
    return directory.users
      .filter((u) => u.active !== false)
      .map((u) => ({ handle: u.handle, label: `${u.name ?? u.handle} <${u.email ?? u.handle}>` }));
  }
  return (await api.owners(slot)).map((o) => ({
    handle: o.handle,
    label: `${o.name && o.name !== o.handle ? `${o.name} (${o.handle})` : o.handle} · ${o.known_from.map((k) => SOURCES[k] ?? k).join(', ')}`,
  }));
}

export function ownerOptions(api: Api, slot: Slot): Promise<OwnerOption[]> {
  const mine = cache.get(api) ?? cache.set(api, new Map()).get(api)!;
  let options = mine.get(slot);
  if (!options) {
    options = fetchOptions(api, slot);
    mine.set(slot, options);
    // A failed load is tried again next time.
    options.catch(() => mine.delete(slot));
  }
  return options;
}
