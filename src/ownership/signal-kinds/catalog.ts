// Service catalogs (Datadog service definitions, Backstage): the owning team of a service the resource is tagged with.
import type { Vote, SignalKindModule } from './kind.js';
import { ref, sourceLabel } from './kind.js';
import { code } from '../markdown-code.js';

export const catalog: SignalKindModule<'catalog'> = {
  priors: {
    // Service catalogs are curated but go stale when services change hands. 0.80.
    catalog: { alpha: 8, beta: 2 },
  },
  vote(evidence, ctx) {
    const votes: Vote[] = [];
    for (const c of [...(evidence.catalog ?? [])].sort((a, b) => a.service.localeCompare(b.service))) {
      if (!c.team) continue;
      votes.push({
        owner_type: 'team',
        handle: c.team,
        kind: 'catalog',
        reliability: ctx.reliability('catalog'),
        evidence: ref(c, c.service),
        detail: { service: c.service, catalog_source: c.source, tag: c.matched_tag },
      });
    }
    return votes;
  },
  lead: (who, v) =>
    `${who} owns the service ${code(v.detail.service)} (${sourceLabel(v.evidence.source)}, v${v.evidence.version}) that this resource is tagged with`,
  clause: (v) => `the ${sourceLabel(v.evidence.source)} (v${v.evidence.version}) lists it as owner of ${code(v.detail.service)}`,
};
