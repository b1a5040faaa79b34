// The current preferences set (loaded once per batch, see OrgContext): the mappings whose tag the resource carries,
// and every exclusion.
import type { MappingPiece } from '../evidence.js';
import { preferencesVersions } from '../../store/ownership-queries.js';
import { iso, type SignalKindLoader } from './loader.js';

export const preferenceMappingLoader: SignalKindLoader = {
  async load(_db, batch) {
    const p = batch.org.preferences;
    if (!p) return;
    const meta = { source: 'preferences', version: p.version, observed_at: iso(p.created_at) };
    for (const evidence of batch.evidence.values()) {
      const lowered = evidence.resource.tags.map((t) => t.toLowerCase());
      evidence.mappings = p.set.tag_mappings
        .filter((m) =>
          lowered.some((t) => (m.tag_value ? t === `${m.tag_key}:${m.tag_value}`.toLowerCase() : t.startsWith(`${m.tag_key.toLowerCase()}:`))),
        )
        .map((m): MappingPiece => ({
          ...meta,
          id: m.id,
          tag_key: m.tag_key,
          tag_value: m.tag_value ?? '',
          owner: m.owner,
          owner_type: m.owner_type,
          confidence: m.confidence,
        }));
      evidence.exclusions = p.set.exclusions.map((e) => ({
        ...meta,
        id: e.id,
        handle: e.handle,
        ...(e.exclusion_type ? { owner_type: e.exclusion_type } : {}),
        ...(e.exclusion_resource_type ? { resource_type: e.exclusion_resource_type } : {}),
      }));
    }
  },
  claims: (v) => v.source === 'preferences',
  async recorded(db, orgId, _resourceId, versions) {
    const prefs = new Map(
      (
        await preferencesVersions(
          db,
          orgId,
          versions.map((v) => Number(v.version)),
        )
      ).map((p) => [p.version, p]),
    );
    return versions.map((v) => {
      const p = prefs.get(Number(v.version));
      if (!p) return { kind: 'preferences' };
      const all = [...(p.preferences.tag_mappings ?? []), ...(p.preferences.exclusions ?? [])];
      return { kind: 'preferences', content: all.find((row) => row.id === v.id) ?? null, observed_at: p.created_at };
    });
  },
};
