// A review of one resource reaches the others resting on the same piece standing for one thing with one owner (a
// service's catalog entry, a repository's or Terraform root's CODEOWNERS): the owner reviewers settled on votes there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type PieceLabel, type ResourceEvidence } from '../../src/ownership/evidence.js';
import { defaultWeights, type FeedbackLabel } from '../../src/ownership/calibration.js';
import { pieceLabelsOfLabel } from '../../src/ownership/review-labels.js';
import { reviewedOwnerVotes } from '../../src/ownership/reviewed-owner-votes.js';
import type { Vote } from '../../src/ownership/signal-kinds/kind.js';
import { bucketEvidence, meta, paymentsCodeowners } from '../helpers/ownership-evidence.js';

const CHECKOUT = 'catalog|checkout';

/** A bucket tagged with the service `checkout`, whose catalog entry names `payments` (stale or not). */
function checkoutBucket(labels: PieceLabel[] = [], tags: string[] = []): ResourceEvidence {
  return bucketEvidence(['service:checkout', ...tags], {
    catalog: [{ ...meta('datadog_service_catalog', 3), service: 'checkout', team: 'payments', matched_tag: 'service:checkout' }],
    piece_labels: labels,
  });
}

const teamOf = (e: ResourceEvidence) => infer(e, DEFAULT_ENGINE_SETTINGS, defaultWeights()).find((i) => i.asked_type === 'team')!;

/** What a reviewer's label of a resource resting on the checkout entry teaches, as the store would sum it. */
function labelsOf(...labels: FeedbackLabel[]): PieceLabel[] {
  const sum = new Map<string, PieceLabel>();
  for (const l of labels) {
    for (const p of pieceLabelsOfLabel(l, 'team')) {
      const key = `${p.piece}\u0000${p.handle}`;
      const prev = sum.get(key);
      sum.set(key, prev ? { ...prev, right: prev.right + p.right, wrong: prev.wrong + p.wrong } : p);
    }
  }
  return [...sum.values()];
}

const corrected = (to: string): FeedbackLabel => ({
  action: 'correct',
  owner_type: 'team',
  inferred_owner: 'payments',
  corrected_owner: to,
  sources: [
    { kind: 'catalog', owner_handle: 'payments', piece: CHECKOUT },
    { kind: 'owner_tag', owner_handle: 'payments', piece: 'owner_tag|team:payments' },
  ],
});
const confirmed: FeedbackLabel = {
  action: 'confirm',
  owner_type: 'team',
  inferred_owner: 'payments',
  sources: [{ kind: 'catalog', owner_handle: 'payments', piece: CHECKOUT }],
};

test('a correction records the owner settled on for a catalog or CODEOWNERS piece that named another, not for a tag', () => {
  assert.deepEqual(
    pieceLabelsOfLabel(corrected('orders'), 'team').map((p) => [p.piece, p.handle, p.right, p.wrong]),
    [
      [CHECKOUT, 'orders', 1, 0],
      [CHECKOUT, 'payments', 0, 1],
      ['owner_tag|team:payments', 'payments', 0, 1],
    ],
    'a stale tag says nothing of the other resources carrying it',
  );
  assert.deepEqual(
    pieceLabelsOfLabel(confirmed, 'team').map((p) => [p.piece, p.handle, p.right, p.wrong]),
    [[CHECKOUT, 'payments', 1, 0]],
    'a confirmation counts once',
  );
  // For the user type a catalog or CODEOWNERS piece names the people behind some of its resources, not all.
  const userLabel: FeedbackLabel = {
    ...corrected('bob@x.com'),
    owner_type: 'user',
    sources: [{ kind: 'iac_codeowners', owner_handle: 'alice@x.com', piece: 'iac_codeowners|org/infra:teams/payments' }],
  };
  assert.deepEqual(
    pieceLabelsOfLabel(userLabel, 'user').map((p) => p.handle),
    ['alice@x.com'],
  );
});

test('one correction moves the other resources of a service whose only evidence is its catalog entry, and says why', () => {
  const before = teamOf(checkoutBucket());
  assert.equal(before.owner_handle, 'payments');
  const after = teamOf(checkoutBucket(labelsOf(corrected('orders'))));
  assert.equal(after.owner_handle, 'orders');
  assert.match(after.explanation, /Team `orders` is the owner reviewers named for 1 of the 1 reviewed resource tagged with the service `checkout`/);
  assert.match(after.explanation, /`payments` is also named/);
  assert.equal(after.sources[0]!.reviewed_owner_count, 1);
  assert.equal(after.sources[0]!.reviewed_count, 1);
  assert.equal(after.sources[0]!.piece, CHECKOUT, 'the review queue groups it with the entry');
  // The votes kept for the label model are what the sources named: the review's vote is a label already.
  assert.deepEqual(
    after.votes.map((v) => [v.kind, v.owner_handle]),
    [['catalog', 'payments']],
  );
  assert.ok(after.confidence < 0.85, `${after.confidence}: one review does not reach the high band`);
});

test('reviews of the piece vote: a confirmation after a correction gives the entry back its owner', () => {
  const oneEach = teamOf(checkoutBucket(labelsOf(corrected('orders'), confirmed)));
  assert.equal(oneEach.owner_handle, 'payments');
  const twoCorrections = teamOf(checkoutBucket(labelsOf(corrected('orders'), corrected('orders'), confirmed)));
  assert.equal(twoCorrections.owner_handle, 'orders');
  assert.match(twoCorrections.explanation, /2 of the 3 reviewed resources/);
  const split = teamOf(checkoutBucket(labelsOf(corrected('orders'), corrected('search'))));
  assert.ok(split.confidence < teamOf(checkoutBucket(labelsOf(corrected('orders')))).confidence, 'reviewers disagreeing weigh less');
});

test('a resource with evidence of its own keeps it: a tag outweighs one review of its service', () => {
  const tagged = teamOf(checkoutBucket(labelsOf(corrected('orders')), ['team:payments']));
  assert.equal(tagged.owner_handle, 'payments');
});

test('reviewedOwnerVotes: one vote per piece and owner the piece does not name, at c / (1 + n)', () => {
  const codeowners = (owner: string): Vote => ({
    owner_type: 'team',
    handle: owner,
    kind: 'iac_codeowners',
    reliability: 0.8,
    evidence: { source: 'codeowners', id: 'org/infra//teams/payments', version: 'sha1' },
    detail: { repository: 'org/infra', path: 'teams/payments' },
    depends_on: [{ source: 'directory', id: `team:${owner}`, version: 1 }],
  });
  const piece = 'iac_codeowners|org/infra:teams/payments';
  const labels: PieceLabel[] = [
    { owner_type: 'team', piece, handle: 'payments', right: 1, wrong: 2 },
    { owner_type: 'team', piece, handle: 'orders', right: 2, wrong: 0 },
    { owner_type: 'service', piece, handle: 'orders', right: 5, wrong: 0 },
    { owner_type: 'team', piece: 'iac_codeowners|org/other:', handle: 'search', right: 3, wrong: 0 },
  ];
  const votes = reviewedOwnerVotes([codeowners('payments'), codeowners('payments')], labels);
  assert.equal(votes.length, 1);
  assert.equal(votes[0]!.handle, 'orders');
  assert.equal(votes[0]!.reliability, 2 / (1 + 3));
  assert.deepEqual(votes[0]!.detail, { repository: 'org/infra', path: 'teams/payments', reviewed_owner_count: 2, reviewed_count: 3 });
  assert.equal(votes[0]!.depends_on, undefined, "the piece's own owner's directory entry decided nothing here");
  assert.deepEqual(reviewedOwnerVotes([{ ...codeowners('payments'), kind: 'creator_membership' }], labels), [], 'a principal builds for many teams');
  assert.deepEqual(reviewedOwnerVotes([codeowners('payments')], []), []);
});

test('a correction on a Terraform root reaches the resources it manages, named in the explanation', () => {
  const piece = 'iac_codeowners|org/infra:teams/payments';
  const evidence = bucketEvidence([], {
    codeowners: [paymentsCodeowners(['@org/payments'])],
    piece_labels: [
      { owner_type: 'team', piece, handle: 'payments', right: 0, wrong: 1 },
      { owner_type: 'team', piece, handle: 'orders', right: 1, wrong: 0 },
    ],
  });
  const team = teamOf(evidence);
  assert.equal(team.owner_handle, 'orders');
  assert.match(team.explanation, /managed by the Terraform root `teams\/payments` in `org\/infra`/);
});

test("a sibling's review does not bring back an owner rejected for this resource, and reaches one whose entry's owner was", () => {
  const labels = labelsOf(corrected('orders'));
  const rejectedHere = teamOf({ ...checkoutBucket(labels), rejected: [{ owner_type: 'team', handle: 'orders' }] });
  assert.equal(rejectedHere.owner_handle, 'payments');
  assert.ok(!rejectedHere.sources.some((s) => s.reviewed_count !== undefined));
  const entryRejectedHere = teamOf({ ...checkoutBucket(labels), rejected: [{ owner_type: 'team', handle: 'payments' }] });
  assert.equal(entryRejectedHere.owner_handle, 'orders');
  const excluded = teamOf({
    ...checkoutBucket(labels),
    exclusions: [{ ...meta('preferences', 2), id: 'no-orders', handle: 'orders', owner_type: 'team' }],
  });
  assert.equal(excluded.owner_handle, 'payments');
});
