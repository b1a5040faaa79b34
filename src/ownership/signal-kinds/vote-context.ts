// The context every signal kind votes in, built once per resource from its evidence.
import type { DirectoryTeamPiece, DirectoryUserPiece, EngineSettings, EvidenceVersion, ResourceEvidence } from '../evidence.js';
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
  // Built on first use (most resources never ask): every team of the organization, by lower-cased handle; of two
  // spellings of one handle the first in code-point order, whatever the input order.
  let teamMap: Map<string, DirectoryTeamPiece> | undefined;
  const teams = () => {
    if (!teamMap) {
      teamMap = new Map();
      for (const t of evidence.directory?.teams ?? []) {
        const prev = teamMap.get(lower(t.handle));
        if (!prev || t.handle < prev.handle) teamMap.set(lower(t.handle), t);
      }
    }
    return teamMap;
  };
  const entry = (piece: DirectoryUserPiece | DirectoryTeamPiece, type: 'user' | 'team'): EvidenceVersion => ({
    source: piece.source,
    id: `${type}:${piece.handle}`,
    version: piece.version,
  });
  return {
    settings,
    reliability: (kind) => reliabilityOf(weights, kind),
    teamKeys: new Set(settings.team_tag_keys.map(lower)),
    ownerKeys: new Set(settings.owner_tag_keys.map(lower)),
    serviceKeys: new Set(settings.service_tag_keys.map(lower)),
    isKnownUser: (name) => byKey.has(lower(name)),
    isTeam: (handle) => teams().has(lower(handle)),
    teamEntry(handle) {
      const t = teams().get(lower(handle));
      return t && entry(t, 'team');
    },
    userVotes(name, kind, teamKind, reliability, teamReliability, evidenceRef, detail) {
      const user = byKey.get(lower(name));
      const handle = user ? user.handle : name;
      const factor = user && !user.active ? settings.inactive_user_factor : 1;
      const inactive = user && !user.active ? { inactive_user: handle } : {};
      // The user's directory entry decided these votes (who they are, whether they left, their teams).
      const via = user ? { depends_on: [entry(user, 'user')] } : {};
      const votes: Vote[] = [
        {
          owner_type: 'user',
          handle,
          kind,
          reliability: reliability * factor,
          evidence: evidenceRef,
          detail: { ...detail, ...inactive },
          ...via,
          ...(user ? { member_of: [...user.teams].sort() } : {}),
        },
      ];
      // A person in several teams names each of them, and at most one owns the resource (voteClassOf's `:shared`).
      const shared = (user?.teams.length ?? 0) > 1 ? { shared_membership: true } : {};
      for (const team of [...(user?.teams ?? [])].sort()) {
        votes.push({
          owner_type: 'team',
          handle: team,
          kind: teamKind,
          reliability: teamReliability * factor,
          evidence: evidenceRef,
          detail: { ...detail, via_user: handle, ...inactive, ...shared },
          ...via,
        });
      }
      return votes;
    },
  };
}
