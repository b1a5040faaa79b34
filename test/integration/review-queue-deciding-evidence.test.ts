// The review queue's groups read each current answer's deciding evidence from columns the store keeps with the row
// (migration 023): a piece as the engine writes it, `type|evidence_id` for an answer inferred before the engine wrote
// pieces, none for an answer with no source. Rewriting an answer moves it to its new group, and a review counts for
// the group its reviewed answer rested on, read from the history by the same key. A store upgraded to them fills them
// for the answers it holds. The page's memory setting is its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { writeInferences, type InferenceRow } from '../../src/store/ownership-inferences.js';
import { queryReviewQueue, type ReviewQueueRow } from '../../src/store/review-queue.js';
import { openTestStore, openTestStoreBefore } from '../helpers/db.js';

let store: { db: Db; close(): Promise<void> };
let orgId: string;

before(async () => {
  store = await openTestStore();
  orgId = (await createKeys(store.db, 'acme', 'alice')).org_id;
});
after(() => store.close());

function teamAnswer(resourceId: string, sources: Record<string, unknown>[], now: number): InferenceRow {
  return {
    resource_id: resourceId,
    slot: 'team',
    owner_type: sources.length ? 'team' : 'unknown',
    owner_handle: sources.length ? 'payments' : null,
    confidence: sources.length ? 0.5 : 0,
    status: sources.length ? 'suggested' : 'unknown',
    explanation: 'test',
    sources,
    evidence_versions: [],
    votes: [],
    checksum: `${resourceId}@${now}`,
    created_at: now,
    updated_at: now,
    failed_at: null,
    failure_reason: null,
    retry_schedule: null,
  };
}

const catalogPiece = (name: string) => ({ type: 'catalog', name, evidence_id: name, version: 1, piece: `catalog|${name}` });
// Written before the engine recorded the piece an answer rests on.
const catalogWithoutPiece = (name: string) => ({ type: 'catalog', name, evidence_id: name, version: 1 });

async function queue(): Promise<Map<string, ReviewQueueRow>> {
  const { rows } = await queryReviewQueue(store.db, orgId, { slot: 'team', limit: 100 });
  return new Map(rows.map((r) => [r.resource_id, r]));
}

test('groups follow the deciding evidence kept with each answer, through rewrites and reviews', async () => {
  const now = Date.now();
  await writeInferences(
    store.db,
    orgId,
    [
      teamAnswer('r1', [catalogPiece('search')], now),
      teamAnswer('r2', [catalogPiece('search')], now),
      teamAnswer('r3', [catalogWithoutPiece('billing')], now),
      teamAnswer('r4', [catalogWithoutPiece('billing')], now),
      teamAnswer('r5', [], now),
    ],
    now,
  );
  let q = await queue();
  assert.deepEqual(
    ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => [id, q.get(id)?.evidence_key, q.get(id)?.group_size]),
    [
      ['r1', 'catalog|search', 2],
      ['r2', 'catalog|search', 2],
      ['r3', 'catalog|billing', 2],
      ['r4', 'catalog|billing', 2],
      ['r5', null, 1],
    ],
  );

  // r2 is inferred again on other evidence: it leaves the search group for its own.
  await writeInferences(store.db, orgId, [teamAnswer('r2', [catalogPiece('ledger')], now + 1)], now + 1);
  q = await queue();
  assert.equal(q.get('r2')?.evidence_key, 'catalog|ledger');
  assert.equal(q.get('r1')?.group_size, 1);
  assert.equal(q.get('r2')?.group_size, 1);

  // A review of r3 answers the inference it was shown, found in the history by its checksum: it leaves the queue, and
  // its group, keyed from the history's sources as the column keys the current answers, counts one review.
  await store.db.query(
    `INSERT INTO ownership_feedback (org_id, resource_id, id, slot, action, checksum, inferred_owner, votes, actor, created_at)
     VALUES ($1, 'r3', 1, 'team', 'confirm', $2, 'payments', '[]'::jsonb, 'alice', $3)`,
    [orgId, `r3@${now}`, now + 2],
  );
  q = await queue();
  assert.equal(q.has('r3'), false, 'a reviewed answer leaves the queue');
  assert.deepEqual([q.get('r4')?.group_size, q.get('r4')?.reviewed_in_group], [2, 1]);
});

test('the memory the page asks for ends with its transaction', async () => {
  await queue();
  // On PGlite, one connection: a setting a page left behind would show here, against the session's own.
  const { rows } = await store.db.query<{ same: boolean }>(`SELECT setting = reset_val AS same FROM pg_settings WHERE name = 'work_mem'`);
  assert.equal(rows[0]!.same, true);
});

test('a store upgraded from before the kept columns fills them for the answers it holds', async () => {
  const { db, migrateBelow, close } = await openTestStoreBefore(23);
  try {
    const org = (await createKeys(db, 'acme', 'alice')).org_id;
    const now = Date.now();
    await writeInferences(
      db,
      org,
      [teamAnswer('old-1', [catalogWithoutPiece('billing')], now), teamAnswer('old-2', [catalogPiece('search')], now)],
      now,
    );
    assert.equal((await migrateBelow())[0], '023_inference_deciding_evidence.sql');
    const { rows } = await queryReviewQueue(db, org, { slot: 'team', limit: 10 });
    assert.deepEqual(rows.map((r) => [r.resource_id, r.evidence_key]).sort(), [
      ['old-1', 'catalog|billing'],
      ['old-2', 'catalog|search'],
    ]);
  } finally {
    await close();
  }
});
