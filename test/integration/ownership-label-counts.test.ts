import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { insertFeedback } from '../../src/store/ownership-inferences.js';
import { labelCountsSince, labelsAfter } from '../../src/store/ownership-learning.js';
import { classCountsOfLabel, addClassCounts, truthOfLabel } from '../../src/ownership/review-labels.js';
import { labelOf } from '../../src/ownership/use-cases/relearn.js';
import { prng } from '../../bench/lib/prng.js';
import type { ClassCounts } from '../../src/ownership/vote-reliability.js';

let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'label-counts-org', 0)", [orgId]);
  const rnd = prng(5);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const owners = ['payments', 'Platform', 'search', 'alice'];
  for (let i = 0; i < 300; i++) {
    const votes = Array.from({ length: Math.floor(rnd() * 5) }, () => ({
      kind: pick(['catalog', 'owner_tag', 'creator', 'creator_membership'] as const),
      owner_handle: pick(owners),
      piece: pick(['a', 'b', 'c']),
      ...(rnd() < 0.2 ? { vote_class: 'creator:left' } : {}),
    }));
    const action = pick(['confirm', 'reject', 'correct', 'persist'] as const);
    const inferred = rnd() < 0.1 ? null : pick(owners);
    await insertFeedback(
      db,
      orgId,
      {
        resource_id: `r${i % 40}`,
        slot: pick(['team', 'user', 'service'] as const),
        action,
        checksum: 'x',
        inferred_owner: inferred,
        corrected_owner: action === 'correct' && rnd() < 0.9 ? pick(owners).toUpperCase() : null,
        corrected_type: null,
        reason: null,
        votes,
        actor: 'reviewer',
        created_at: i,
        confidence: rnd() < 0.95 ? Math.round(rnd() * 1000) / 1000 : null,
      },
      1_700_000_000_000 + i,
    );
  }
});

after(async () => store?.close());

test('the store sums what each label teaches exactly as the pure function does, from any label on', async () => {
  const all = await labelsAfter(db, orgId, null);
  assert.equal(all.length, 300);
  for (const from of [null, all[99]!.id, all[298]!.id, all[299]!.id]) {
    const rows = await labelsAfter(db, orgId, from);
    const expected: Record<string, Record<string, ClassCounts>> = {};
    const labels: Record<string, number> = {};
    const calibration = new Map<string, { n: number; right: number }>();
    for (const row of rows) {
      const label = labelOf(row);
      expected[row.slot] = addClassCounts(expected[row.slot] ?? {}, classCountsOfLabel(label));
      if (truthOfLabel(label)) labels[row.slot] = (labels[row.slot] ?? 0) + 1;
      if (row.confidence != null && (row.action !== 'correct' || row.corrected_owner)) {
        const key = `${row.slot} ${Math.round(Number(row.confidence) * 10000) / 10000}`;
        const c = calibration.get(key) ?? { n: 0, right: 0 };
        calibration.set(key, { n: c.n + 1, right: c.right + (row.action === 'confirm' || row.action === 'persist' ? 1 : 0) });
      }
    }
    const sums = await labelCountsSince(db, orgId, from);
    const got: Record<string, Record<string, ClassCounts>> = {};
    for (const c of sums.classes) (got[c.slot] ??= {})[c.vote_class] = { right: c.right, wrong: c.wrong };
    for (const slot of Object.keys(expected))
      for (const k of Object.keys(expected[slot]!)) if (expected[slot]![k]!.right + expected[slot]![k]!.wrong === 0) delete expected[slot]![k];
    for (const slot of Object.keys(expected)) if (Object.keys(expected[slot]!).length === 0) delete expected[slot];
    assert.deepEqual(got, expected, `classes after ${from}`);
    assert.deepEqual(Object.fromEntries(sums.labels.map((l) => [l.slot, l.count])), labels, `labels after ${from}`);
    assert.deepEqual(
      new Map(sums.calibration.map((c) => [`${c.slot} ${c.x}`, { n: c.n, right: c.right }])),
      calibration,
      `calibration after ${from}`,
    );
  }
});
