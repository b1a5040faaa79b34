// The benchmark's "rates known" row: every class and piece the fit learnt set to the share of its votes naming the
// true owner, so the row shows what the engine's combination gives with nothing left to estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownRateWeights } from '../../bench/ownership/known-rates.js';
import { defaultWeights } from '../../src/ownership/calibration.js';
import { learntPieceReliability, learntReliability } from '../../src/ownership/vote-reliability.js';
import type { Inference, SourceVote } from '../../src/ownership/evidence.js';

function answer(type: 'team' | 'user', votes: SourceVote[]): Inference {
  return {
    owner_type: type,
    asked_type: type,
    owner_handle: votes[0]?.owner_handle ?? null,
    status: 'suggested',
    confidence: 0.5,
    explanation: '',
    sources: [],
    evidence_versions: [],
    votes,
    checksum: '',
  };
}

test('each class the fit learnt is set to the share of its votes naming the true owner, and each piece judged alone to its own', () => {
  const inferred = new Map<string, Inference[]>([
    [
      'r1',
      [
        answer('user', [
          { kind: 'creator', owner_handle: 'ana' },
          { kind: 'modifier', owner_handle: 'bo' },
        ]),
      ],
    ],
    ['r2', [answer('user', [{ kind: 'creator', owner_handle: 'cy' }])]],
    [
      'r3',
      [
        answer('user', [
          { kind: 'creator', owner_handle: 'Dee' },
          { kind: 'modifier', owner_handle: 'dee', vote_class: 'modifier:outside' },
        ]),
      ],
    ],
    [
      'r4',
      [
        answer('team', [
          { kind: 'catalog', owner_handle: 'payments', piece: 'catalog|svc' },
          { kind: 'owner_tag', owner_handle: 'web' },
        ]),
      ],
    ],
    ['r5', [answer('team', [{ kind: 'catalog', owner_handle: 'payments', piece: 'catalog|svc' }])]],
  ]);
  const truth = { r1: { user: 'ana' }, r2: { user: 'ana' }, r3: { user: 'dee' }, r4: { team: 'web' }, r5: { team: 'payments' } };
  const fitted = {
    ...defaultWeights(),
    learnt: {
      fitted: { user: { creator: { alpha: 9, beta: 1 } } },
      pieces: { team: { 'catalog|svc': { payments: { alpha: 9, beta: 1 } } } },
    },
  };
  const known = knownRateWeights(inferred, truth, fitted).learnt!;
  // Half a count either way: 2 of 3 creators right is (2 + 0.5) / (3 + 1).
  assert.ok(Math.abs(learntReliability(known, 'user', 'creator')! - 2.5 / 4) < 1e-6);
  assert.ok(Math.abs(learntReliability(known, 'user', 'modifier')! - 0.5 / 2) < 1e-6);
  assert.ok(Math.abs(learntReliability(known, 'user', 'modifier:outside')! - 1.5 / 2) < 1e-6);
  assert.ok(Math.abs(learntPieceReliability(known, 'team', 'catalog|svc', 'payments')! - 1.5 / 3) < 1e-6);
  // The piece's votes are its own, not its class's.
  assert.equal(learntReliability(known, 'team', 'catalog'), undefined);
  assert.ok(Math.abs(learntReliability(known, 'team', 'owner_tag')! - 1.5 / 2) < 1e-6);
  // Labels since a fit would not move a known rate.
  const since = { ...known, since_fit: { user: { creator: { right: 0, wrong: 50 } } } };
  assert.ok(Math.abs(learntReliability(since, 'user', 'creator')! - 2.5 / 4) < 1e-3);
});
