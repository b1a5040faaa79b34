import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { Directory } from '../../src/ownership/signals.js';
import { bucketRecord } from '../helpers/resource-items.js';
import { ACCOUNT, bucketCreatedBy } from '../helpers/seed-console.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { importAuditEvents, importDirectory } from '../../src/ownership/signal-imports.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { queryReviewQueue } from '../../src/store/review-queue.js';
import { priorityInputOf } from '../../src/ownership/use-cases/review-queue.js';
import { reviewPriority } from '../../src/ownership/review-priority.js';

// The user review queue's groups: a review of a user answer resting on its creator moves no other answer (only an
// owner tag's piece learns from its own reviews for users), so such an answer is a group of one and its reason does
// not claim the creator's other resources; answers resting on one owner tag still form a group.

const arn = (name: string) => `arn:aws:s3:::${name}`;
const CREATED = ['carol-1', 'carol-2', 'carol-3'].map(arn);
const TAGGED = ['dave-1', 'dave-2'].map(arn);

const DIRECTORY: Directory = {
  users: [
    { handle: 'carol', email: 'carol@acme.example', display_name: 'Carol', active: true, teams: ['payments'] },
    { handle: 'dave', email: 'dave@acme.example', display_name: 'Dave', active: true, teams: ['payments'] },
  ],
  teams: [{ handle: 'payments', name: 'Payments', members: ['carol', 'dave'] }],
};

let s: TestServer;

before(async () => {
  s = await startTestServer();
  const { db } = s.server;
  const now = Date.now();
  await db.transaction((tx) => importDirectory(tx, s.orgId, DIRECTORY, 'hr-directory', now));
  await ingestResources(
    db,
    s.orgId,
    [
      ...CREATED.map((id) => bucketRecord(id, [], { account: ACCOUNT })),
      ...TAGGED.map((id) => bucketRecord(id, ['owner:dave@acme.example'], { account: ACCOUNT })),
    ],
    builtInRuleEngine(),
    {
      source: 'import:resources',
      now,
    },
  );
  await db.transaction((tx) =>
    importAuditEvents(
      tx,
      s.orgId,
      CREATED.map((id, i) => bucketCreatedBy('carol', id, `3f1c2a7e-9b41-4d0c-a7c2-5d8e1f6a0b1${i}`, now)),
      now,
    ),
  );
  await recomputeUntilEmpty(db, { orgId: s.orgId });
});

after(async () => s?.stop());

interface Item {
  attributes: {
    resource: { id: string };
    inference: { owner_handle: string | null };
    score_parts: { group_size: number; reach: number };
    deciding_evidence: { type: string; piece: string | null } | null;
    reason: string;
  };
}

test('a user answer resting on its creator is a group of one and says its review moves no other answer', async () => {
  const r = await s.api('/api/v2/csm/ownership/review_queue?filter[owner_type]=user&page[limit]=100');
  assert.equal(r.status, 200, await r.clone().text());
  const items = new Map(((await r.json()) as { data: Item[] }).data.map((i) => [i.attributes.resource.id, i.attributes]));
  for (const id of CREATED) {
    const item = items.get(id)!;
    assert.equal(item.inference.owner_handle, 'carol', id);
    assert.equal(item.deciding_evidence?.type, 'creator');
    assert.equal(item.score_parts.group_size, 1, 'three answers rest on carol, but a review of one moves none of the others');
    assert.match(item.reason, /; its review moves no other answer \(CloudTrail creator `[^`]+`\)$/);
  }
  for (const id of TAGGED) {
    const item = items.get(id)!;
    assert.equal(item.deciding_evidence?.type, 'owner_tag');
    assert.equal(item.score_parts.group_size, 2, 'a review of one owner tag moves the other answer resting on it');
    assert.match(item.reason, /; 2 resources rest on the same evidence \(owner tag /);
  }
  // The store's score is still reviewPriority's.
  const { rows } = await queryReviewQueue(s.server.db, s.orgId, { slot: 'user', limit: 100 });
  for (const row of rows) assert.equal(row.score, reviewPriority(priorityInputOf(row)).score, row.resource_id);
});
