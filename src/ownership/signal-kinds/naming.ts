// A known team or service handle inside the resource's name: the weakest signal.
import type { Vote, SignalKindModule } from './kind.js';
import { ref } from './kind.js';
import { code } from '../markdown-code.js';

/** Where `handle` appears in `name` bounded by separators or the ends: the start of each occurrence. */
function occurrences(name: string, handle: string): number[] {
  const n = name.toLowerCase();
  const h = handle.toLowerCase();
  const out: number[] = [];
  if (!h) return out;
  for (let at = n.indexOf(h); at >= 0; at = n.indexOf(h, at + 1)) {
    const before = at === 0 ? '' : n[at - 1];
    const after = at + h.length >= n.length ? '' : n[at + h.length];
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) out.push(at);
  }
  return out;
}

/** True when `handle` appears in `name` bounded by separators or the ends. */
export function nameContains(name: string, handle: string): boolean {
  return occurrences(name, handle).length > 0;
}

/**
 * The handles `name` mentions, longest match first: a handle seen only inside a longer one it also mentions is not
 * mentioned (`checkout-api-2-logs` names the service `checkout-api-2`, not also `checkout-api`).
 */
export function mentionedHandles(name: string, handles: string[]): string[] {
  const found = handles.map((handle) => ({ handle, at: occurrences(name, handle) })).filter((f) => f.at.length > 0);
  const inside = (start: number, length: number) =>
    found.some((longer) => longer.handle.length > length && longer.at.some((at) => at <= start && start + length <= at + longer.handle.length));
  return found.filter((f) => !f.at.every((at) => inside(at, f.handle.length))).map((f) => f.handle);
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
      for (const handle of mentionedHandles(resource.name, [...new Set(handles ?? [])].sort())) {
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
    return votes;
  },
  lead: (who, v) => `${who} appears in the resource's name ${code(v.detail.name)}`,
  clause: (v) => `its name contains ${code(v.detail.name)}`,
};
