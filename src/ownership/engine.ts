// The pure ownership inference engine: evidence in, one answer per owner type out.
// No I/O, no clock, no randomness: the same input always gives the same output and checksum.
import { OWNER_TYPES } from './owner-type.js';
import type { EngineSettings, EvidenceVersion, Inference, InferenceSource, ResourceEvidence } from './evidence.js';
import { applyCalibration, type SignalWeights } from './calibration.js';
import { collectVotes } from './engine-candidates.js';
import { SIGNAL_KIND_MODULES } from './signal-kinds/index.js';
import { sourceLabel, type Vote } from './signal-kinds/kind.js';
import { scoreCandidates } from './engine-combination.js';
import { explain, explainUnknown } from './engine-explanation.js';
import { checksumOf } from './engine-checksum.js';
import { reliabilityBasisNote, reweighVotes, sourceVotesOf } from './vote-reliability.js';

/** The wire shows confidence as a string with four decimals. */
export function formatConfidence(confidence: number): string {
  return (Math.round(confidence * 10000) / 10000).toFixed(4);
}

export function infer(evidence: ResourceEvidence, settings: EngineSettings, weights: SignalWeights): Inference[] {
  const collected = collectVotes(evidence, settings, weights);
  const votes = reweighVotes(collected.votes, weights.learnt ?? {}, evidence.piece_labels);
  const dropped = collected.dropped;
  const versions = evidenceVersions(evidence);
  return OWNER_TYPES.map((type) => {
    const population = evidence.directory?.population?.[type] ?? settings.default_population[type];
    const ranked = scoreCandidates(votes, type, population);
    const typeVotes = sourceVotesOf(votes, type);
    const [winner, ...rivals] = ranked;
    const base = winner
      ? {
          owner_type: type,
          owner_handle: winner.handle,
          status: 'suggested' as const,
          confidence: round4(applyCalibration(weights.calibration?.[type], winner.posterior)),
          explanation: explain(type, winner, rivals) + reliabilityBasisNote(weights.learnt, type),
          sources: winner.votes.map(toSource),
        }
      : {
          owner_type: 'unknown' as const,
          owner_handle: null,
          status: 'unknown' as const,
          confidence: 0,
          explanation: explainUnknown(type, dropped.filter((d) => d.vote.owner_type === type).length),
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
    return { ...base, asked_type: type, evidence_versions: versions, votes: typeVotes, checksum };
  });
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function toSource(v: Vote): InferenceSource {
  const d = v.detail;
  const name = d.service ?? d.repository ?? d.via_user ?? d.principal ?? d.mapping_id ?? d.tag ?? d.name ?? v.evidence.id;
  const source: InferenceSource = {
    type: v.kind,
    name,
    version: v.evidence.version,
    origin: sourceLabel(v.evidence.source),
    evidence_id: v.evidence.id,
    reliability: round4(v.reliability),
  };
  for (const [key, value] of Object.entries(d).sort(([a], [b]) => a.localeCompare(b))) {
    if (value !== undefined && !(key in source)) source[key] = value;
  }
  return source;
}

/** Every piece of evidence the engine read, sorted, with its source, id and version. */
export function evidenceVersions(evidence: ResourceEvidence): EvidenceVersion[] {
  const out: EvidenceVersion[] = [];
  const r = evidence.resource;
  out.push({ source: r.source, id: r.resource_id, version: r.version });
  for (const kind of SIGNAL_KIND_MODULES) out.push(...kind.evidenceVersions(evidence));
  const seen = new Set<string>();
  return out
    .filter((v) => {
      const key = `${v.source}\u0000${v.id}\u0000${v.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.source.localeCompare(b.source) || a.id.localeCompare(b.id) || String(a.version).localeCompare(String(b.version)));
}
