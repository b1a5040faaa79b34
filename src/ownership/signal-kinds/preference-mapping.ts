// The organization's ownership preferences: tag mappings (each with its stated confidence) and exclusions.
import type { SignalKind } from './index.js';
import type { Vote, VoteDetail, SignalKindModule } from './kind.js';
import { ref } from './kind.js';
import { code } from '../markdown-code.js';

export const preferenceMapping: SignalKindModule<'mapping_high' | 'mapping_medium' | 'mapping_low'> = {
  // Preference mappings carry the organisation's own stated level: the middle of each band.
  priors: {
    mapping_high: { alpha: 18, beta: 2 }, // 0.90, inside high (> 0.85)
    mapping_medium: { alpha: 7.2, beta: 2.8 }, // 0.72, inside medium
    mapping_low: { alpha: 4.5, beta: 5.5 }, // 0.45, inside low
  },
  vote(evidence, ctx) {
    const r = ctx.reliability;
    const votes: Vote[] = [];
    for (const m of [...(evidence.mappings ?? [])].sort((a, b) => a.id.localeCompare(b.id))) {
      const kind = `mapping_${m.confidence}` as SignalKind;
      const detail: VoteDetail = { mapping_id: m.id, tag: m.tag_value ? `${m.tag_key}:${m.tag_value}` : `${m.tag_key}:*`, stated: m.confidence };
      if (m.owner_type === 'user')
        votes.push(...ctx.userVotes(m.owner, kind, kind, r(kind), r(kind) * r('owner_tag_membership'), ref(m, m.id), detail));
      else votes.push({ owner_type: m.owner_type, handle: m.owner, kind, reliability: r(kind), evidence: ref(m, m.id), detail });
    }
    return votes;
  },
  lead: (who, v) =>
    `${who} is assigned by ownership preference ${code(v.detail.mapping_id)} (${v.detail.stated} confidence) to resources tagged ${code(v.detail.tag)}`,
  clause: (v) => `ownership preference ${code(v.detail.mapping_id)} agrees`,
};
