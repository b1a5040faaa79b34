// A known team or service handle inside the resource's name: the weakest signal.
import type { Vote, SignalKindModule } from './kind.js';
import { ref } from './kind.js';

/** True when `handle` appears in `name` bounded by separators or the ends. */
export function nameContains(name: string, handle: string): boolean {
  const n = name.toLowerCase();
  const h = handle.toLowerCase();
  if (!h) return false;
  let from = 0;
  for (;;) {
    const at = n.indexOf(h, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : n[at - 1];
    const after = at + h.length >= n.length ? '' : n[at + h.length];
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

export const naming: SignalKindModule<'naming'> = {
  priors: {
    // A handle inside a resource name: weakest, names collide. 0.30.
    naming: { alpha: 3, beta: 7 },
  },
  vote(evidence, ctx) {
    const resource = evidence.resource;
    const resourceRef = ref(resource, resource.resource_id);
    const votes: Vote[] = [];
    for (const [type, handles] of [
      ['team', evidence.naming?.teams],
      ['service', evidence.naming?.services],
    ] as const) {
      for (const handle of [...new Set(handles ?? [])].sort()) {
        if (nameContains(resource.name, handle)) {
          // A team handle is looked for because the directory has the team: its entry decided the vote.
          const team = type === 'team' ? ctx.teamEntry(handle) : undefined;
          votes.push({
            owner_type: type,
            handle,
            kind: 'naming',
            reliability: ctx.reliability('naming'),
            evidence: resourceRef,
            detail: { name: resource.name },
            ...(team ? { depends_on: [team] } : {}),
          });
        }
      }
    }
    return votes;
  },
  lead: (who, v) => `${who} appears in the resource's name \`${v.detail.name}\``,
  clause: (v) => `its name contains \`${v.detail.name}\``,
};
