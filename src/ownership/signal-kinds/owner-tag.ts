// Owner tags on the resource itself (`team:`, `owner:`, `service:` and their configured synonyms).
import type { Vote, SignalKindModule } from './kind.js';
import { ref, splitTag } from './kind.js';
import { code } from '../markdown-code.js';

export const ownerTag: SignalKindModule<'owner_tag' | 'owner_tag_membership'> = {
  priors: {
    // Set on the resource by its owners; Datadog ranks it first. Wrong mostly when stale. 0.95.
    owner_tag: { alpha: 19, beta: 1 },
    // The tagged person's team: right unless they sit in several teams or moved. 0.80.
    owner_tag_membership: { alpha: 8, beta: 2 },
  },
  vote(evidence, ctx) {
    const r = ctx.reliability;
    const resource = evidence.resource;
    const resourceRef = ref(resource, resource.resource_id);
    const votes: Vote[] = [];
    for (const tag of [...resource.tags].sort()) {
      const [key, value] = splitTag(tag);
      if (!value) continue;
      if (ctx.teamKeys.has(key)) {
        votes.push({ owner_type: 'team', handle: value, kind: 'owner_tag', reliability: r('owner_tag'), evidence: resourceRef, detail: { tag } });
      } else if (ctx.ownerKeys.has(key)) {
        // `owner` may hold a user (email or handle) or a team.
        if (ctx.isKnownUser(value) || (value.includes('@') && !ctx.isTeam(value))) {
          votes.push(...ctx.userVotes(value, 'owner_tag', 'owner_tag_membership', r('owner_tag'), r('owner_tag_membership'), resourceRef, { tag }));
        } else {
          // An email-like value is a team only because the directory has that team: its entry decided the vote.
          const team = value.includes('@') ? ctx.teamEntry(value) : undefined;
          votes.push({
            owner_type: 'team',
            handle: value,
            kind: 'owner_tag',
            reliability: r('owner_tag'),
            evidence: resourceRef,
            detail: { tag },
            ...(team ? { depends_on: [team] } : {}),
          });
        }
      } else if (ctx.serviceKeys.has(key)) {
        votes.push({ owner_type: 'service', handle: value, kind: 'owner_tag', reliability: r('owner_tag'), evidence: resourceRef, detail: { tag } });
      }
    }
    return votes;
  },
  lead: (who, v) =>
    v.kind === 'owner_tag'
      ? `${who} is named by the resource's tag ${code(v.detail.tag)}`
      : `${who} includes ${code(v.detail.via_user)}, named by the resource's tag ${code(v.detail.tag)}`,
  clause: (v) =>
    v.kind === 'owner_tag'
      ? `the resource's tag ${code(v.detail.tag)} agrees`
      : `${code(v.detail.via_user)}, named by the tag ${code(v.detail.tag)}, is a member`,
};
