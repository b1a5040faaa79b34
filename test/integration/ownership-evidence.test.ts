// An inference's evidence against a real store (PGlite, or PostgreSQL with DATABASE_URL): it lists the versions that
// decided it (not the whole directory), the CODEOWNERS evidence reads back as the lines that matched, and trimming
// the list never stops a re-inference when a directory entry the answer depends on appears or changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { openTestStore } from '../helpers/db.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { importCodeowners, importDirectory } from '../../src/ownership/signal-imports.js';
import { parseCodeowners } from '../../src/ingest/codeowners.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { getEvidence } from '../../src/ownership/use-cases/inference-evidence.js';
import { historyOf, inferencesOf } from '../../src/store/ownership-inferences.js';
import type { Directory } from '../../src/ownership/signals.js';

let store: { db: Db; close(): Promise<void> };
let db: Db;
const orgId = randomUUID();

const INFRA_STATE = 'arn:aws:s3:::zz-state-one';
const DAVE_BUCKET = 'arn:aws:s3:::zz-tagged-two';
const FOO_LOGS = 'arn:aws:s3:::foo-logs';
const UNRELATED = Array.from({ length: 20 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);

/** 40 lines: the catch-all on line 1, the co-owners' line 12, one line per unrelated team. */
const CODEOWNERS = [
  '* @acme/platform',
  ...Array.from({ length: 10 }, (_, i) => `/svc-${i}/ @acme/${UNRELATED[i]}`),
  '/infra/ @acme/payments @acme/platform',
  ...Array.from({ length: 28 }, (_, i) => `/docs/part-${i}/ @acme/${UNRELATED[i % 20]}`),
].join('\n');

function directory(over: { dave?: boolean; foo?: boolean; renamed?: boolean } = {}): Directory {
  return {
    users: [
      { handle: 'alice', email: 'alice@acme.example', active: true, teams: ['payments'] },
      ...(over.dave ? [{ handle: 'dave', email: 'dave@acme.example', active: true, teams: ['search'] }] : []),
    ],
    teams: [
      { handle: 'payments', name: 'Payments', members: ['alice'] },
      { handle: 'platform', name: 'Platform', members: [] },
      { handle: 'search', name: 'Search', members: over.dave ? ['dave'] : [] },
      ...(over.foo ? [{ handle: 'foo', name: 'Foo', members: [] }] : []),
      ...UNRELATED.map((handle) => ({ handle, name: over.renamed && handle === 't05' ? 'Team Five' : handle, members: [] })),
    ],
  };
}

const bucket = (id: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord => ({
  resource_id: id,
  resource_type: 'aws_s3_bucket',
  name,
  cloud_provider: 'aws',
  account: '123456789012',
  region: 'us-east-1',
  tags: [],
  configuration: {},
  observed_at: 1_700_000_000_000,
  ...extra,
});

const importDir = (dir: Directory) => db.transaction((tx) => importDirectory(tx, orgId, dir, 'hr', Date.now()));
const team = async (rid: string) => (await inferencesOf(db, orgId, rid)).find((r) => r.slot === 'team')!;
const queued = async () =>
  (await db.query<{ resource_id: string }>('SELECT resource_id FROM ownership_queue WHERE org_id = $1 ORDER BY resource_id', [orgId])).rows.map(
    (r) => r.resource_id,
  );
const directoryIds = (row: { evidence_versions: unknown[] }) =>
  (row.evidence_versions as Array<{ source: string; id: string }>).filter((v) => v.source === 'directory').map((v) => v.id);

before(async () => {
  store = await openTestStore();
  db = store.db;
  await db.query("INSERT INTO orgs (org_id, name, created_at) VALUES ($1, 'evidence-org', 0)", [orgId]);
  await importDir(directory());
  await db.transaction((tx) => importCodeowners(tx, orgId, 'acme/infra', parseCodeowners(CODEOWNERS), Date.now()));
  await ingestResources(
    db,
    orgId,
    [
      bucket(INFRA_STATE, 'zz-state-one', { iac: { repo: 'acme/infra', path: 'infra/payments' } }),
      bucket(DAVE_BUCKET, 'zz-tagged-two', { tags: ['owner:dave@acme.example'] }),
      bucket(FOO_LOGS, 'foo-logs'),
    ],
    builtInRuleEngine(),
    { source: 'test' },
  );
  await recomputeUntilEmpty(db, { orgId });
});

after(async () => {
  await store?.close();
});

test('co-owners of a CODEOWNERS line: a tie, marked, and its evidence is the resource and the line that matched', async () => {
  const row = await team(INFRA_STATE);
  assert.equal(row.owner_handle, 'payments');
  assert.match(row.explanation, /^Tie: `payments` and `platform` are co-owners \(CODEOWNERS line 12 `\/infra\/ @acme\/payments @acme\/platform`/);
  assert.ok((row.sources as Array<{ co_owners?: string[] }>).every((s) => s.co_owners?.join() === 'payments,platform'));
  assert.deepEqual(
    (row.evidence_versions as Array<{ source: string; id: string }>).map((v) => `${v.source} ${v.id}`),
    ['codeowners acme/infra:infra/payments', `resource ${INFRA_STATE}`],
    'no directory team is listed: none decided the answer',
  );

  const { body } = await getEvidence(db, orgId, INFRA_STATE, 'team');
  const versions = body!.data.attributes.evidence_versions;
  const codeowners = versions.find((v) => v.source === 'codeowners')!;
  assert.equal(codeowners.recorded, true);
  assert.deepEqual(codeowners.content, {
    repository: 'acme/infra',
    path: 'infra/payments',
    rules: [{ line: 12, pattern: '/infra/', owners: ['@acme/payments', '@acme/platform'], catch_all: false }],
  });
  assert.ok(JSON.stringify(body).length < 2000, `the evidence is ${JSON.stringify(body).length} bytes, not the whole file`);
});

test('a directory entry an answer comes to depend on re-infers the resource, though no inference listed it before', async () => {
  // Before: `dave` is no directory user (his owner tag names a user the directory does not know) and no team `foo` exists for the name to match.
  assert.equal((await team(DAVE_BUCKET)).owner_type, 'unknown');
  assert.equal((await team(FOO_LOGS)).owner_type, 'unknown');
  for (const rid of [INFRA_STATE, DAVE_BUCKET, FOO_LOGS]) assert.deepEqual(directoryIds(await team(rid)), []);

  await importDir(directory({ dave: true, foo: true }));
  const marked = await queued();
  for (const rid of [DAVE_BUCKET, FOO_LOGS]) assert.ok(marked.includes(rid), `${rid} is queued for re-inference`);
  await recomputeUntilEmpty(db, { orgId });

  const dave = await team(DAVE_BUCKET);
  assert.equal(dave.owner_handle, 'search', "dave's team, through his directory entry");
  assert.deepEqual(directoryIds(dave), ['user:dave']);
  const foo = await team(FOO_LOGS);
  assert.equal(foo.owner_handle, 'foo', 'the name holds a team the directory now has');
  assert.deepEqual(directoryIds(foo), ['team:foo']);
});

test('a change to a directory entry that decided nothing leaves every answer and checksum as it was', async () => {
  const before = new Map(await Promise.all([INFRA_STATE, DAVE_BUCKET, FOO_LOGS].map(async (rid) => [rid, (await team(rid)).checksum] as const)));
  const historyBefore = (await historyOf(db, orgId, INFRA_STATE, 'team', 100)).length;
  await importDir(directory({ dave: true, foo: true, renamed: true }));
  assert.ok((await queued()).length >= 3, 'a directory change still re-infers everything');
  await recomputeUntilEmpty(db, { orgId });
  for (const [rid, checksum] of before) assert.equal((await team(rid)).checksum, checksum, rid);
  assert.equal((await historyOf(db, orgId, INFRA_STATE, 'team', 100)).length, historyBefore, 'no history entry for nothing');

  // dave leaves (kept, inactive, without teams): his entry decided DAVE_BUCKET's answers, which change.
  const userBefore = (await inferencesOf(db, orgId, DAVE_BUCKET)).find((r) => r.slot === 'user')!;
  await importDir(directory({ dave: false, foo: true, renamed: true }));
  await recomputeUntilEmpty(db, { orgId });
  assert.notEqual((await team(DAVE_BUCKET)).checksum, before.get(DAVE_BUCKET));
  const user = (await inferencesOf(db, orgId, DAVE_BUCKET)).find((r) => r.slot === 'user')!;
  assert.equal(user.owner_handle, 'dave');
  assert.notEqual(user.checksum, userBefore.checksum);
  assert.match(user.explanation, /`dave` has left/);
  assert.deepEqual(directoryIds(user), ['user:dave']);
  assert.equal((await team(INFRA_STATE)).checksum, before.get(INFRA_STATE));
});
