// What a signal kind is to the engine: the votes it draws from a resource's evidence, their prior reliabilities, the
// wording that explains them. Each vote names the evidence version it stands on and the directory entries it went
// through, so an inference lists exactly the versions that decided it. Pure: no I/O (its loading part is a
// SignalKindLoader, see loaders.ts).
import type { EngineSettings, EvidenceMeta, EvidenceVersion, ResourceEvidence } from '../evidence.js';
import type { OwnerType } from '../owner-type.js';
import type { SignalKind } from './index.js';
import { ownEntry } from '../../own-entry.js';

/** A Beta distribution over a signal's reliability: mean alpha/(alpha+beta), worth alpha+beta labels. */
export interface Beta {
  alpha: number;
  beta: number;
}

export interface VoteDetail {
  tag?: string;
  service?: string;
  catalog_source?: string;
  mapping_id?: string;
  stated?: string;
  principal?: string;
  role?: string;
  repository?: string;
  path?: string;
  via_user?: string;
  /** A membership vote through a person in several teams: it names each of them, and at most one owns the resource. */
  shared_membership?: boolean;
  written_as?: string;
  inactive_user?: string;
  name?: string;
  /** CODEOWNERS: the 1-based line of the rule that named the owner, its pattern, and whether it matches everything. */
  line?: number;
  pattern?: string;
  catch_all?: boolean;
  /**
   * A vote from reviews of other resources resting on the same piece (reviewed-owner-votes.ts): how many of them
   * reviewers found owned by the vote's owner, of how many reviewed.
   */
  reviewed_owner_count?: number;
  reviewed_count?: number;
}

export interface Vote {
  owner_type: OwnerType;
  handle: string;
  kind: SignalKind;
  reliability: number;
  evidence: EvidenceVersion;
  detail: VoteDetail;
  /**
   * The directory entries the vote went through, besides its evidence: the user a name resolved to (their membership
   * and whether they left decide the vote), a team whose existence in the directory decided it. Listed in the
   * inference's evidence versions.
   */
  depends_on?: EvidenceVersion[];
  /** A short citation of the evidence, for an explanation that names several owners at once (co-owners). */
  cite?: string;
  /** A user vote for someone the directory knows: that person's teams, to weigh the vote against the team answer. */
  member_of?: string[];
  /** A user vote naming someone outside the team answer (vote-reliability.ts, markOutsideTeam). */
  outside_team?: boolean;
}

/** What every kind's votes share: the settings, the learnt reliabilities and the directory of the evidence. */
export interface VoteContext {
  settings: EngineSettings;
  reliability(kind: SignalKind): number;
  teamKeys: Set<string>;
  ownerKeys: Set<string>;
  serviceKeys: Set<string>;
  /** A user the directory knows by this handle or email. */
  isKnownUser(name: string): boolean;
  isTeam(handle: string): boolean;
  /** The directory entry of a team (`team:<handle>`), for a vote its existence decided. */
  teamEntry(handle: string): EvidenceVersion | undefined;
  /** A user vote, weakened if they left, and the team votes their membership implies. */
  userVotes(
    name: string,
    kind: SignalKind,
    teamKind: SignalKind,
    reliability: number,
    teamReliability: number,
    evidence: EvidenceVersion,
    detail: VoteDetail,
  ): Vote[];
}

export interface SignalKindModule<K extends string = string> {
  /** The vote kinds it emits, each with its prior reliability (the comment on each says why). */
  priors: Record<K, Beta>;
  /** Its votes, in a stable order. */
  vote(evidence: ResourceEvidence, ctx: VoteContext): Vote[];
  /** The deciding vote as a sentence's main clause, `who` being e.g. ``Team `payments` ``. */
  lead(who: string, vote: Vote): string;
  /** A supporting vote as a short clause. */
  clause(vote: Vote): string;
}

const lower = (s: string) => s.toLowerCase();

/**
 * A name as a person reads it: without Unicode format characters (zero-width spaces and joiners, bidi controls, soft
 * hyphens), which print as nothing. Left in, `pay\u200bments` would be an owner of its own that reads as `payments`:
 * pasted by accident, or written to pass for another team.
 */
export function visibleName(name: string): string {
  return name.replace(/\p{Cf}/gu, '');
}

/** A tag's key (lower case) and value, each as it reads (visibleName). */
export function splitTag(tag: string): [string, string] {
  const visible = visibleName(tag);
  const i = visible.indexOf(':');
  return i < 0 ? [lower(visible), ''] : [lower(visible.slice(0, i)), visible.slice(i + 1)];
}

export function ref(piece: EvidenceMeta, id: string): EvidenceVersion {
  return { source: piece.source, id, version: piece.version };
}

const SOURCE_LABELS: Record<string, string> = {
  datadog_service_catalog: 'Datadog service catalog',
  service_definition: 'Datadog service catalog',
  backstage: 'Backstage catalog',
  cloudtrail: 'CloudTrail',
};

export function sourceLabel(source: string): string {
  return ownEntry(SOURCE_LABELS, source) ?? source;
}
