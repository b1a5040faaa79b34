import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { queueLength } from '../../src/store/ownership-queue.js';

// This file imports nothing of src/ownership/: a resource ingest queues re-inference by itself, not because some
// other module happened to be loaded.
let store: { db: Db; close(): Promise<void> };
const orgId = randomUUID();

before(async () => {
  store = await openTestStore();
  await store.db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'queue-org', 0)", [orgId]);
});

after(async () => {
  await store?.close();
});

const bucket = (name: string, tags: string[]): ResourceRecord => ({
  resource_id: `arn:aws:s3:::${name}`,
  resource_type: 'aws_s3_bucket',
  name,
  cloud_provider: 'aws',
  account: '123456789012',
  region: 'us-east-1',
  tags,
  configuration: {},
  observed_at: 1_700_000_000_000,
});

test('a resource ingest marks the resources whose content changed for inference, in its own transaction', async () => {
  const { db } = store;
  await ingestResources(db, orgId, [bucket('a', ['team:x']), bucket('b', [])], builtInRuleEngine(), { source: 'test' });
  assert.equal(await queueLength(db, orgId), 2);
  await db.query('DELETE FROM ownership_queue WHERE org_id = $1', [orgId]);
  await ingestResources(db, orgId, [bucket('a', ['team:x']), bucket('b', ['team:y'])], builtInRuleEngine(), { source: 'test' });
  assert.equal(await queueLength(db, orgId), 1, 'only the changed resource is queued');
});
