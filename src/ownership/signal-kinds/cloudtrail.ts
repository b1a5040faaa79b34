// CloudTrail: who created or last changed the resource. Automation is never an owner: it is followed to the team
// behind it (the assumed role's tags here, its repository's CODEOWNERS in codeowners.ts).
import type { SignalKind } from './index.js';
import type { Vote, SignalKindModule } from './kind.js';
import { ref, sourceLabel, splitTag } from './kind.js';
import { code } from '../markdown-code.js';

export const cloudtrail: SignalKindModule<'creator' | 'creator_membership' | 'modifier' | 'modifier_membership' | 'role_tag'> = {
  priors: {
    // Whoever created a resource is often not its long-term owner. 0.50.
    creator: { alpha: 5, beta: 5 },
    // ...but usually works in the owning team. 0.65.
    creator_membership: { alpha: 6.5, beta: 3.5 },
    // The last modifier is weaker still: operators and on-call touch others' resources. 0.20 / 0.50. On the
    // benchmark's six shapes it names the user owner 0.09-0.22 of the time. Where owner tags are scarce a creator and
    // a modifier mostly vote only with each other, so their agreement fixes the product of their rates and this prior
    // the point on it: at 0.30 the fit put the modifier too high and the creator too low (user ECE before review,
    // summed over 24 shapes and seeds, 1.015 against 0.913 at 0.20).
    modifier: { alpha: 2, beta: 8 },
    modifier_membership: { alpha: 5, beta: 5 },
    // A role's own team tag: roles are often shared. 0.60.
    role_tag: { alpha: 6, beta: 4 },
  },
  vote(evidence, ctx) {
    const r = ctx.reliability;
    const votes: Vote[] = [];
    for (const event of [...(evidence.audit ?? [])].sort((a, b) => a.event_time.localeCompare(b.event_time) || a.id.localeCompare(b.id))) {
      const p = event.principal;
      const evRef = ref(event, event.id);
      if (p.automation) {
        for (const tag of [...(p.role_tags ?? [])].sort()) {
          const [key, value] = splitTag(tag);
          if (value && (ctx.teamKeys.has(key) || ctx.ownerKeys.has(key)) && !value.includes('@')) {
            votes.push({
              owner_type: 'team',
              handle: value,
              kind: 'role_tag',
              reliability: r('role_tag'),
              evidence: evRef,
              detail: { tag, role: p.role, principal: p.name },
            });
          }
        }
        continue;
      }
      const kind: SignalKind = event.action === 'create' ? 'creator' : 'modifier';
      const teamKind: SignalKind = event.action === 'create' ? 'creator_membership' : 'modifier_membership';
      votes.push(...ctx.userVotes(event.user ?? p.name, kind, teamKind, r(kind), r(teamKind), evRef, { principal: p.name, role: p.role }));
    }
    return votes;
  },
  lead(who, v) {
    const d = v.detail;
    switch (v.kind) {
      case 'creator':
      case 'modifier':
        return `${who} ${v.kind === 'creator' ? 'created' : 'last changed'} this resource (${sourceLabel(v.evidence.source)}, principal ${code(d.principal)})`;
      case 'role_tag':
        return `${who} is named by the tag ${code(d.tag)} of the role ${code(d.role ?? d.principal)} that created this resource`;
      default:
        return `${who} includes ${code(d.via_user)}, who ${v.kind === 'creator_membership' ? 'created' : 'last changed'} this resource (${sourceLabel(v.evidence.source)})${sharedNote(v)}`;
    }
  },
  clause(v) {
    const d = v.detail;
    switch (v.kind) {
      case 'creator':
      case 'modifier':
        return `${sourceLabel(v.evidence.source)} shows this user ${v.kind === 'creator' ? 'created' : 'last changed'} it`;
      case 'role_tag':
        return `the creating role ${code(d.role ?? d.principal)} is tagged ${code(d.tag)}`;
      default:
        return `${sourceLabel(v.evidence.source)} shows its ${v.kind === 'creator_membership' ? 'creator' : 'last modifier'} ${code(d.via_user)} is a member${sharedNote(v)}`;
    }
  },
};

/** Said of a membership through a person in several teams, which names each of them and so counts for less. */
function sharedNote(v: Vote): string {
  return v.detail.shared_membership ? `, and ${code(v.detail.via_user)} is in other teams too` : '';
}
