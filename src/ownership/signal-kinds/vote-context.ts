// The context every signal kind votes in, built once per resource from its evidence.
import type { DirectoryUserPiece, EngineSettings, ResourceEvidence } from '../evidence.js';
import { reliabilityOf, type SignalWeights } from '../calibration.js';
import type { Vote, VoteContext } from './kind.js';

const lower = (s: string) => s.toLowerCase();

export function voteContext(evidence: ResourceEvidence, settings: EngineSettings, weights: SignalWeights): VoteContext {
  const users = [...(evidence.directory?.users ?? [])].sort((a, b) => a.handle.localeCompare(b.handle));
  const byKey = new Map<string, DirectoryUserPiece>();
  for (const u of users) {
    byKey.set(lower(u.handle), u);
    if (u.email) byKey.set(lower(u.email), u);
  }
  const teams = new Set((evidence.directory?.teams ?? []).map((t) => lower(t.handle)));
  return {
    settings,
    reliability: (kind) => reliabilityOf(weights, kind),
    teamKeys: new Set(settings.team_tag_keys.map(lower)),
    ownerKeys: new Set(settings.owner_tag_keys.map(lower)),
    serviceKeys: new Set(settings.service_tag_keys.map(lower)),
    isKnownUser: (name) => byKey.has(lower(name)),
    isTeam: (handle) => teams.has(lower(handle)),
    userVotes(name, kind, teamKind, reliability, teamReliability, evidenceRef, detail) {
      const user = byKey.get(lower(name));
      const handle = user ? user.handle : name;
      const factor = user && !user.active ? settings.inactive_user_factor : 1;
      const inactive = user && !user.active ? { inactive_user: handle } : {};
      const votes: Vote[] = [
        { owner_type: 'user', handle, kind, reliability: reliability * factor, evidence: evidenceRef, detail: { ...detail, ...inactive } },
      ];
      for (const team of [...(user?.teams ?? [])].sort()) {
        votes.push({
          owner_type: 'team',
          handle: team,
          kind: teamKind,
          reliability: teamReliability * factor,
          evidence: evidenceRef,
          detail: { ...detail, via_user: handle, ...inactive },
        });
      }
      return votes;
    },
  };
}
