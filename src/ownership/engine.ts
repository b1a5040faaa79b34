// The pure ownership inference engine: evidence in, one answer per owner type out.
// No I/O, no clock, no randomness: the same input always gives the same output and checksum.
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { EngineSettings, EvidenceVersion, Inference, InferenceSource, ResourceEvidence } from './evidence.js';
import { applyCalibration, type SignalWeights } from './calibration.js';
import { collectVotes, type CandidateSet } from './engine-candidates.js';
import { sourceLabel, type Vote } from './signal-kinds/kind.js';
import { coOwnersOf, scoreCandidates, type ScoredCandidate } from './engine-combination.js';
import { explain, explainUnknown } from './engine-explanation.js';
import { checksumOf } from './engine-checksum.js';
import { markOutsideTeam, pieceOf, reliabilityBasisNote, reweighVotes, sourceVotesOf } from './vote-reliability.js';
import { ceilingNote, confidenceCeiling } from './confidence-ceiling.js';

/** The wire shows confidence as a string with four decimals. */
export function formatConfidence(confidence: number): string {
  return (Math.round(confidence * 10000) / 10000).toFixed(4);
}

export function infer(evidence: ResourceEvidence, settings: EngineSettings, weights: SignalWeights): Inference[] {
  const collected = collectVotes(evidence, settings, weights);
  const populationOf = (type: OwnerType) => evidence.directory?.population?.[type] ?? settings.default_population[type];
  const reweigh = (vs: Vote[]) => reweighVotes(vs, weights.learnt ?? {}, evidence.piece_labels);
  // Owner tags, creators and modifiers naming a person are weighed against the team answer; marking them moves no team
  // vote, so that answer is the same before and after.
  const teamAnswer = coOwnersOf(scoreCandidates(reweigh(collected.votes), 'team', populationOf('team'))).map((c) => c.handle);
  const votes = reweigh(markOutsideTeam(collected.votes, teamAnswer));
  const dropped = collected.dropped;
  return OWNER_TYPES.map((type) => {
    const population = populationOf(type);
    const ranked = scoreCandidates(votes, type, population);
    const typeDropped = dropped.filter((d) => d.vote.owner_type === type);
    const versions = decidingVersions(evidence, ranked, typeDropped);
    const typeVotes = sourceVotesOf(votes, type);
    const [winner, ...rivals] = ranked;
    const coOwners = coOwnersOf(ranked);
    const tie = coOwners.length > 1 ? coOwners.map((c) => c.handle) : undefined;
    const calibrated = winner ? applyCalibration(weights.calibration?.[type], winner.posterior) : 0;
    const ceiling = winner ? confidenceCeiling(type, winner.votes) : 1;
    const base = winner
      ? {
          owner_type: type,
          owner_handle: winner.handle,
          status: 'suggested' as const,
          confidence: round4(Math.min(calibrated, ceiling)),
          explanation:
            explain(type, winner, rivals, coOwners) + (calibrated > ceiling ? ceilingNote(type) : '') + reliabilityBasisNote(weights.learnt, type),
          sources: winner.votes.map((v) => toSource(v, tie)),
        }
      : {
          owner_type: 'unknown' as const,
          owner_handle: null,
          status: 'unknown' as const,
          confidence: 0,
          explanation: explainUnknown(type, typeDropped.length),
          sources: [],
        };
    const checksum = checksumOf({
      resource_id: evidence.resource.resource_id,
      asked_type: type,
      evidence_versions: versions,
      rejected: [...(evidence.rejected ?? [])].sort((a, b) => `${a.owner_type}:${a.handle}`.localeCompare(`${b.owner_type}:${b.handle}`)),
      votes: typeVotes,
      answer: { ...base, confidence: formatConfidence(base.confidence) },
    });
    return { ...base, asked_type: type, evidence_versions: versions, votes: typeVotes, ...(tie ? { co_owners: tie } : {}), checksum };
  });
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function toSource(v: Vote, coOwners: string[] | undefined): InferenceSource {
  const d = v.detail;
  const name = d.service ?? d.repository ?? d.via_user ?? d.principal ?? d.mapping_id ?? d.tag ?? d.name ?? v.evidence.id;
  const source: InferenceSource = {
    type: v.kind,
    name,
    version: v.evidence.version,
    origin: sourceLabel(v.evidence.source),
    evidence_id: v.evidence.id,
    // What the vote rests on, shared by every resource it speaks for: the review queue groups answers by it.
    piece: pieceOf(v),
    reliability: round4(v.reliability),
  };
  // A tie's deciding sources name every co-owner, so a reader of the wire (or of the stored row) sees it is one.
  if (coOwners) source.co_owners = coOwners;
  for (const [key, value] of Object.entries(d).sort(([a], [b]) => a.localeCompare(b))) {
    if (value !== undefined && !(key in source)) source[key] = value;
  }
  return source;
}

/**
 * The versions that decided one owner type's answer, sorted: the resource itself; the evidence of every vote that
 * counted for a candidate (the answer's and its rivals', which lower the confidence) and the directory entries those
 * votes went through (a user's membership and departure, a team whose existence made the vote); the preferences that
 * excluded a candidate. What was read but decided nothing (the rest of the directory, a CODEOWNERS file's other lines)
 * is left out. A directory or preferences change re-infers every resource anyway (signal-imports.ts), so leaving
 * an entry out never stops a re-inference.
 */
export function decidingVersions(evidence: ResourceEvidence, ranked: ScoredCandidate[], dropped: CandidateSet['dropped']): EvidenceVersion[] {
  const r = evidence.resource;
  const out: EvidenceVersion[] = [{ source: r.source, id: r.resource_id, version: r.version }];
  for (const c of ranked) for (const v of c.votes) out.push(v.evidence, ...(v.depends_on ?? []));
  for (const d of dropped) if (d.by) out.push(d.by);
  const seen = new Set<string>();
  return out
    .filter((v) => {
      const key = `${v.source}\u0000${v.id}\u0000${v.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((v) => ({ source: v.source, id: v.id, version: v.version }))
    .sort((a, b) => a.source.localeCompare(b.source) || a.id.localeCompare(b.id) || String(a.version).localeCompare(String(b.version)));
}
