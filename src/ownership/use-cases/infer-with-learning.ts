// The engine's answers for a batch of resources with what reviews taught about the very pieces of evidence their votes
// rest on: one pass to learn which pieces they are, one read of their review counts, and a second pass only for the
// resources whose pieces were reviewed.
import type { Queryable } from '../../store/db.js';
import { pieceLabelsOf } from '../../store/ownership-learning.js';
import { infer } from '../engine.js';
import { DEFAULT_ENGINE_SETTINGS, type Inference, type PieceLabel, type ResourceEvidence } from '../evidence.js';
import type { SignalWeights } from '../calibration.js';

const piecesOf = (answers: Inference[]) => new Set(answers.flatMap((a) => a.votes.flatMap((v) => (v.piece ? [v.piece] : []))));

export async function inferWithPieceLabels(
  db: Queryable,
  orgId: string,
  evidence: ResourceEvidence[],
  weights: SignalWeights,
): Promise<Map<string, Inference[]>> {
  const answers = new Map(evidence.map((e) => [e.resource.resource_id, infer(e, DEFAULT_ENGINE_SETTINGS, weights)]));
  const all = new Set([...answers.values()].flatMap((a) => [...piecesOf(a)]));
  const labels = await pieceLabelsOf(db, orgId, [...all].sort());
  if (labels.length === 0) return answers;
  const byPiece = new Map<string, PieceLabel[]>();
  for (const l of labels) byPiece.set(l.piece, [...(byPiece.get(l.piece) ?? []), l]);
  for (const e of evidence) {
    const own = [...piecesOf(answers.get(e.resource.resource_id)!)].sort().flatMap((p) => byPiece.get(p) ?? []);
    if (own.length > 0) answers.set(e.resource.resource_id, infer({ ...e, piece_labels: own }, DEFAULT_ENGINE_SETTINGS, weights));
  }
  return answers;
}
