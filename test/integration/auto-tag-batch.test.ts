// Auto-tag over a batch of resources at once, as a recompute writes it: each resource's findings gain the team tag its
// answer asks for and lose the one auto-tag wrote before; a resource that came with a team tag of its own is never
// touched; a resource whose tag does not change gets no new version of its findings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.js';
import { createKeys } from '../../src/store/orgs.js';
import { resourcesById } from '../../src/store/resources.js';
import { currentStatesByResource } from '../../src/store/finding-states.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { applyAutoTags } from '../../src/ownership/use-cases/auto-tag.js';
import { bucketRecord } from '../helpers/resource-items.js';
import { openTestStore } from '../helpers/db.js';

const ACCOUNT = '123456789012';
const arn = (name: string) => `arn:aws:s3:::${name}`;
const [PLAIN, OWN_TAG, STEADY, NONE] = ['plain', 'own-tag', 'steady', 'none'].map(arn) as [string, string, string, string];

let store: { db: Db; close(): Promise<void> };
let orgId: string;

before(async () => {
  store = await openTestStore();
  orgId = (await createKeys(store.db, 'acme', 'alice')).org_id;
  await ingestResources(
    store.db,
    orgId,
    [
      bucketRecord(PLAIN, [], { account: ACCOUNT, open: true }),
      bucketRecord(OWN_TAG, ['team:storage'], { account: ACCOUNT, open: true }),
      bucketRecord(STEADY, [], { account: ACCOUNT, open: true }),
      bucketRecord(NONE, [], { account: ACCOUNT, open: true }),
    ],
    builtInRuleEngine(),
    { source: 'import:resources', now: Date.now() - 60_000 },
  );
});
after(() => store.close());

async function autoTag(tags: Record<string, string | null>, now: number): Promise<void> {
  const resources = await resourcesById(store.db, orgId, Object.keys(tags));
  await store.db.transaction((tx) =>
    applyAutoTags(
      tx,
      orgId,
      Object.entries(tags).map(([id, tag]) => ({ resource: resources.get(id)!, tag })),
      now,
    ),
  );
}

async function findingsOf(id: string): Promise<{ tags: string[][]; validFrom: number[] }> {
  const states = (await currentStatesByResource(store.db, orgId, [id])).sort((a, b) => a.finding_id.localeCompare(b.finding_id));
  return { tags: states.map((s) => s.tags), validFrom: states.map((s) => Number(s.valid_from)) };
}

test('one batch tags, re-tags and leaves alone, per resource', async () => {
  for (const id of [PLAIN, OWN_TAG, STEADY, NONE]) assert.ok((await findingsOf(id)).tags.length > 0, `${id} has findings`);

  const first = Date.now() - 30_000;
  await autoTag({ [PLAIN]: 'team:alpha', [OWN_TAG]: 'team:alpha', [STEADY]: 'team:beta', [NONE]: null }, first);
  const resources = await resourcesById(store.db, orgId, [PLAIN, OWN_TAG, STEADY, NONE]);
  assert.deepEqual(
    [PLAIN, OWN_TAG, STEADY, NONE].map((id) => resources.get(id)!.auto_team_tag ?? null),
    ['team:alpha', null, 'team:beta', null],
  );
  assert.ok((await findingsOf(PLAIN)).tags.every((t) => t.includes('team:alpha')));
  assert.ok((await findingsOf(OWN_TAG)).tags.every((t) => !t.includes('team:alpha') && t.includes('team:storage')));
  assert.ok((await findingsOf(STEADY)).tags.every((t) => t.includes('team:beta')));
  assert.ok((await findingsOf(NONE)).tags.every((t) => !t.some((x) => x.startsWith('team:'))));

  const steadyBefore = await findingsOf(STEADY);
  await autoTag({ [PLAIN]: 'team:gamma', [STEADY]: 'team:beta' }, first + 10_000);
  const plain = await findingsOf(PLAIN);
  assert.ok(
    plain.tags.every((t) => t.includes('team:gamma') && !t.includes('team:alpha')),
    'the tag auto-tag wrote before gives way',
  );
  assert.ok(
    plain.validFrom.every((v) => v === first + 10_000),
    'as a new version of each finding',
  );
  assert.deepEqual(await findingsOf(STEADY), steadyBefore, 'an unchanged tag writes no new version');
});
