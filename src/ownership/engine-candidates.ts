// Turns one resource's evidence into votes: each signal kind of the registry, in its order, names owners with a
// reliability, and reviews of the resources sharing its pieces name theirs (reviewed-owner-votes.ts); then exclusions,
// rejections and direct tags set some aside.
import type { EngineSettings, EvidenceVersion, ResourceEvidence } from './evidence.js';
import type { OwnerType } from './owner-type.js';
import type { SignalWeights } from './calibration.js';
import { SIGNAL_KIND_MODULES } from './signal-kinds/index.js';
import { ref, type Vote } from './signal-kinds/kind.js';
import { voteContext } from './signal-kinds/vote-context.js';
import { reviewedOwnerVotes } from './reviewed-owner-votes.js';

export interface CandidateSet {
  votes: Vote[];
  /** Votes set aside, with why (excluded, rejected, overridden by a direct tag) and the preference that excluded it. */
  dropped: { vote: Vote; reason: string; by?: EvidenceVersion }[];
}

const lower = (s: string) => s.toLowerCase();

export function collectVotes(evidence: ResourceEvidence, settings: EngineSettings, weights: SignalWeights): CandidateSet {
  const ctx = voteContext(evidence, settings, weights);
  const votes = SIGNAL_KIND_MODULES.flatMap((kind) => kind.vote(evidence, ctx));
  // What reviews of the other resources resting on the same pieces say, from every piece the resource rests on (one
  // whose own owner was rejected here too); the rules hold for them as for any vote.
  return applyRules([...votes, ...reviewedOwnerVotes(votes, evidence.piece_labels)], evidence);
}

/** Exclusions and rejections always hold; a mapping never overrides a direct owner tag. */
function applyRules(votes: Vote[], evidence: ResourceEvidence): CandidateSet {
  const dropped: CandidateSet['dropped'] = [];
  const exclusions = [...(evidence.exclusions ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const rejected = evidence.rejected ?? [];
  const directTagged = new Map<OwnerType, Set<string>>();
  for (const v of votes) {
    if (v.kind === 'owner_tag') {
      if (!directTagged.has(v.owner_type)) directTagged.set(v.owner_type, new Set());
      directTagged.get(v.owner_type)!.add(lower(v.handle));
    }
  }
  const kept: Vote[] = [];
  for (const v of votes) {
    const h = lower(v.handle);
    const exclusion = exclusions.find(
      (e) =>
        lower(e.handle) === h &&
        (!e.owner_type || e.owner_type === v.owner_type) &&
        (!e.resource_type || lower(e.resource_type) === lower(evidence.resource.resource_type)),
    );
    if (exclusion) {
      dropped.push({ vote: v, reason: `excluded by preference ${exclusion.id}`, by: ref(exclusion, exclusion.id) });
      continue;
    }
    if (rejected.some((x) => x.owner_type === v.owner_type && lower(x.handle) === h)) {
      dropped.push({ vote: v, reason: 'rejected for this resource' });
      continue;
    }
    const tagged = directTagged.get(v.owner_type);
    if (v.kind.startsWith('mapping_') && tagged && !tagged.has(h)) {
      dropped.push({ vote: v, reason: 'a direct owner tag takes precedence over preference mappings' });
      continue;
    }
    kept.push(v);
  }
  return { votes: kept, dropped };
}
