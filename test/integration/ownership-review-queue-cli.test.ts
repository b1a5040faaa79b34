// `steward ownership review-queue` from the command line, on a data folder of its own (or a PostgreSQL database when
// DATABASE_URL is set), after the imports a team would run: it prints what the API lists, in the same order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { bucketItem } from '../helpers/resource-items.js';
import { openDb } from '../../src/store/db.js';
import { requireOrg } from '../../src/cli/with-store.js';
import { reviewQueueBody, reviewQueuePage } from '../../src/ownership/use-cases/review-queue.js';

let database: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;

const steward = (...args: string[]) => runCli(args, env);
async function ok(...args: string[]): Promise<string> {
  const r = await steward(...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const lines = (out: string) => out.split('\n').filter((l) => l !== '');

before(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'steward-review-queue-'));
  env = { DATABASE_URL: database.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  await ok('keys', 'create', '--org', 'acme', '--user', 'alice', '--json');
  const services = join(dir, 'service.datadog.yaml');
  writeFileSync(services, 'schema-version: v2\ndd-service: checkout\nteam: payments\n');
  await ok('import', 'service-definitions', services, '--org', 'acme');
  const resources = join(dir, 'buckets.ndjson');
  const items = [
    ...['pay-1', 'pay-2', 'pay-3'].map((name) => bucketItem(`arn:aws:s3:::${name}`, { tags: ['service:checkout'] })),
    bucketItem('arn:aws:s3:::platform-tagged', { tags: ['team:platform'] }),
    bucketItem('arn:aws:s3:::nothing-named', { tags: [] }),
  ];
  writeFileSync(resources, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  await ok('import', 'resources', resources, '--org', 'acme');
  await ok('ownership', 'recompute', '--org', 'acme');
});

after(async () => {
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--json prints the items the API lists, in its order; --limit and --type as the API', async () => {
  const printed = lines(await ok('ownership', 'review-queue', '--org', 'acme', '--json')).map((l) => JSON.parse(l) as { id: string });
  const db = await openDb({ databaseUrl: database.url, dataDir: join(dir, 'data') });
  try {
    const orgId = await requireOrg(db, 'acme');
    const listed = reviewQueueBody(await reviewQueuePage(db, orgId, { slot: 'team', limit: 50 }), 50).data;
    assert.equal(listed.length, 5);
    assert.deepEqual(printed, JSON.parse(JSON.stringify(listed)));
  } finally {
    await db.close();
  }
  const two = lines(await ok('ownership', 'review-queue', '--org', 'acme', '--json', '--limit', '2')).map((l) => JSON.parse(l) as { id: string });
  assert.deepEqual(
    two.map((i) => i.id),
    printed.slice(0, 2).map((i) => i.id),
  );
  const users = lines(await ok('ownership', 'review-queue', '--org', 'acme', '--json', '--type', 'user')).map(
    (l) => JSON.parse(l) as { attributes: { owner_type: string } },
  );
  for (const item of users) assert.equal(item.attributes.owner_type, 'user');
});

test('the table: one line an item, best first, with why; then how many of how many', async () => {
  const out = lines(await ok('ownership', 'review-queue', '--org', 'acme', '--limit', '3'));
  assert.match(out[0]!, /^SCORE\s+RESOURCE\s+ANSWER\s+CONFIDENCE\s+WHY$/);
  assert.equal(out.length, 5);
  assert.equal(out[4], '3 of 5 waiting for review');
  assert.ok(
    out.slice(1, 4).some((l) => /payments\s+0\.\d{4}\s+confidence 0\.\d\d; 3 resources rest on the same evidence/.test(l)),
    out.join('\n'),
  );
});

test('a bad --type or --limit is a usage error naming it', async () => {
  const type = await steward('ownership', 'review-queue', '--org', 'acme', '--type', 'group');
  assert.equal(type.code, 2);
  assert.match(type.stderr, /--type: "group" is not one of team, user, service/);
  const limit = await steward('ownership', 'review-queue', '--org', 'acme', '--limit', '0');
  assert.equal(limit.code, 2);
  assert.match(limit.stderr, /--limit/);
});

test('recompute with nothing queued says so: 0 resources inferred, the answers that stand, in JSON and in words', async () => {
  const r = await steward('ownership', 'recompute', '--org', 'acme');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(report, { resources: 0, failed: 0, answered: 5, failures: [] });
  assert.equal(r.stderr, 'Nothing was waiting to be inferred: 5 resources have a current answer\n');
});
