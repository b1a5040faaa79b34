// Migration 011 on a store that already holds resource versions: each version takes its resource's type, account and
// region, the version in force its resource's source; the listing reads them, and new writes record their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../helpers/db.js';
import { openDb } from '../../src/store/db.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { countInventory, queryInventoryPage, resourceVersions } from '../../src/store/resource-listing.js';

test('versions written before migration 011 are listed with their resource type, account, region and, for the current one, source', async () => {
  const t = await createTestDatabase();
  const db = await openDb({ databaseUrl: t.url, dataDir: t.dataDir });
  try {
    await migrate(
      db,
      loadMigrations().filter((m) => m.version < 11),
    );
    const org = randomUUID();
    const id = 'arn:aws:s3:::before-011';
    await db.query(
      `INSERT INTO resources (org_id, resource_id, resource_type, name, cloud_provider, account, region, tags, configuration, content_hash, version,
         observed_at, first_seen_at, updated_at, source)
       VALUES ($1, $2, 'aws_s3_bucket', 'before-011', 'aws', '111111111111', 'eu-west-1', '{env:dev}', '{}', 'h2', 2, 10, 10, 20, 'import:terraform-state')`,
      [org, id],
    );
    await db.query(
      `INSERT INTO resource_versions (org_id, resource_id, version, valid_from, valid_to, name, tags, configuration)
       VALUES ($1, $2, 1, 10, 20, 'before-011', '{env:prod}', '{}'), ($1, $2, 2, 20, 9223372036854775807, 'before-011', '{env:dev}', '{}')`,
      [org, id],
    );
    assert.ok((await migrate(db)).includes('011_resource_inventory.sql'));
    const versions = await resourceVersions(db, org, id);
    assert.deepEqual(
      versions.map((v) => [v.version, v.resource_type, v.account, v.region, v.source, v.actor, v.valid_to]),
      [
        [1, 'aws_s3_bucket', '111111111111', 'eu-west-1', null, null, 20],
        [2, 'aws_s3_bucket', '111111111111', 'eu-west-1', 'import:terraform-state', null, null],
      ],
    );
    const filter = { resource_type: 'aws_s3_bucket', account: '111111111111', region: 'eu-west-1', tags: ['env:prod'] };
    const atFirst = await queryInventoryPage(db, org, { filter, at: 15, limit: 10 });
    assert.deepEqual(
      atFirst.map((r) => [r.resource_id, r.version, r.source]),
      [[id, 1, null]],
    );
    assert.equal(await countInventory(db, org, filter, 15), 1);
    assert.equal(await countInventory(db, org, filter, 25), 0);
    assert.equal(await countInventory(db, org, { ...filter, tags: ['env:dev'], source: 'import:terraform-state' }, 25), 1);
  } finally {
    await db.close();
    await t.drop();
  }
});
