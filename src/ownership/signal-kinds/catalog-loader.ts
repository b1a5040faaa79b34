// Catalog services named by the resource's service tags, read for the whole batch at once.
import type { CatalogPiece } from '../evidence.js';
import { DEFAULT_ENGINE_SETTINGS } from '../evidence.js';
import { servicesByName } from '../../store/catalog.js';
import { iso, tagValues, type SignalKindLoader } from './loader.js';
import { recordedSignals } from './recorded-signals.js';

export const catalogLoader: SignalKindLoader = {
  async load(db, batch) {
    const keys = DEFAULT_ENGINE_SETTINGS.service_tag_keys;
    const names = batch.resources.flatMap((r) => tagValues(r.tags, keys).map((t) => t.value));
    const services = new Map((await servicesByName(db, batch.orgId, names)).map((s) => [s.name, s]));
    for (const evidence of batch.evidence.values()) {
      const serviceTags = tagValues(evidence.resource.tags, keys);
      const matched = [...new Set(serviceTags.map((t) => t.value.toLowerCase()))].flatMap((n) => (services.has(n) ? [services.get(n)!] : []));
      if (matched.length === 0) continue;
      evidence.catalog = matched.map((s): CatalogPiece => ({
        source: s.source || 'service_catalog',
        version: s.version,
        observed_at: iso(s.observed_at),
        service: s.name,
        team: s.team,
        matched_tag: serviceTags.find((t) => t.value.toLowerCase() === s.name)?.tag,
      }));
    }
  },
  // A catalog's source is whatever the import named it (`service_definition`, `backstage`, a file name): the catalog
  // reads back every version no other loader claims (see recordedBy in loaders.ts).
  recorded: (db, orgId, _resourceId, versions) => recordedSignals(db, orgId, versions, (v) => ({ kind: 'service', key: v.id.toLowerCase() })),
};
