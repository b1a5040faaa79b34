// A (resource, rule) pair whose deciding field goes away is not evaluated: its open finding closes with no successor and
// a gap records what was missing; the data coming back closes the gap and judges the pair again. Point-in-time listings
// answer exactly what was known at each instant. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { currentGapsByResource, gapHistoryOfResource, gapsAt } from '../../src/store/evaluation-gaps.js';
import { findingId } from '../../src/posture/finding-identity.js';

let server: TestServer;
const engine = builtInRuleEngine();
const IS_LOGGING = '6hm-gx9-ukp'; // CloudTrail trail is logging: decided by is_logging alone, with no default.
const TRAIL = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main';
const SOURCE = 'import:aws-config'; // AWS Config holds no trail status: is_logging is never filled by it.

before(async () => {
  server = await startTestServer();
});
after(async () => server?.stop());

const trail = (configuration: Record<string, unknown>, observedAt: number, deleted = false): ResourceRecord => ({
  resource_id: TRAIL,
  resource_type: 'aws_cloudtrail_trail',
  name: 'main',
  cloud_provider: 'aws',
  account: '111122223333',
  region: 'us-east-1',
  tags: [],
  // Every other trail rule has its data, so that the gaps counted are the is_logging rule's.
  configuration: {
    name: 'main',
    is_multi_region_trail: true,
    log_file_validation_enabled: true,
    kms_key_id: 'arn:aws:kms:us-east-1:111122223333:key/1',
    cloud_watch_logs_log_group_arn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail:*',
    ...configuration,
  },
  observed_at: observedAt,
  ...(deleted ? { deleted: true } : {}),
});

async function write(record: ResourceRecord, now: number) {
  return ingestResources(server.server.db, server.orgId, [record], engine, { source: SOURCE, now });
}

type ListBody = { data: Array<{ id: string; attributes: { evaluation: string } }> };

/** The evaluation of the is_logging finding the listing shows at instant `at`, or undefined when it shows none. */
async function isLoggingAt(at: number): Promise<string | undefined> {
  const r = await server.api(`/api/v2/posture_management/findings?filter[rule_id]=${IS_LOGGING}&snapshot_timestamp=${at}`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as ListBody;
  assert.ok(body.data.length <= 1);
  return body.data[0]?.attributes.evaluation;
}

test('losing a deciding field closes the finding and opens a gap; its return judges the pair again; deletion closes the gap', async () => {
  const { db } = server.server;
  const org = server.orgId;

  const first = await write(trail({ is_logging: false }, 1_000), 1_000);
  assert.equal(first.gaps_opened, 0);
  assert.equal(await isLoggingAt(1_500), 'fail');

  // The next version lacks is_logging: the fail closes at 2 000, nothing replaces it, a gap says why.
  const second = await write(trail({}, 2_000), 2_000);
  assert.equal(second.gaps_opened, 1);
  assert.equal(await isLoggingAt(1_500), 'fail', 'what was known before the change is still answered');
  assert.equal(await isLoggingAt(2_500), undefined, 'not evaluated: no pass, no fail');
  const [gap] = (await currentGapsByResource(db, org, [TRAIL])).filter((g) => g.rule_id === IS_LOGGING);
  assert.deepEqual(
    { ...gap, valid_to: gap!.valid_to },
    {
      resource_id: TRAIL,
      rule_id: IS_LOGGING,
      resource_type: 'aws_cloudtrail_trail',
      missing_fields: ['is_logging'],
      source: SOURCE,
      valid_from: 2_000,
      valid_to: null,
    },
  );
  assert.deepEqual(
    (await gapsAt(db, org, 1_500, { resourceId: TRAIL })).filter((g) => g.rule_id === IS_LOGGING),
    [],
  );
  assert.equal((await gapsAt(db, org, 2_500, { ruleId: IS_LOGGING })).length, 1);

  // The same gap again writes nothing.
  const again = await write(trail({ description: 'still no status' }, 2_500), 2_500);
  assert.equal(again.gaps_opened, 0);
  assert.equal(again.gaps_closed, 0);

  // The data comes back: the gap closes and the pair is judged again.
  const third = await write(trail({ is_logging: true }, 3_000), 3_000);
  assert.equal(third.gaps_closed, 1);
  assert.equal(await isLoggingAt(2_500), undefined);
  assert.equal(await isLoggingAt(3_500), 'pass');
  assert.deepEqual(
    (await currentGapsByResource(db, org, [TRAIL])).filter((g) => g.rule_id === IS_LOGGING),
    [],
  );
  const history = (await gapHistoryOfResource(db, org, TRAIL)).filter((g) => g.rule_id === IS_LOGGING);
  assert.deepEqual(
    history.map((g) => [g.valid_from, g.valid_to]),
    [[2_000, 3_000]],
  );

  // Not evaluated again, then deleted: the gap ends with the resource.
  await write(trail({}, 4_000), 4_000);
  assert.equal((await gapsAt(db, org, 4_500, { resourceId: TRAIL, ruleId: IS_LOGGING })).length, 1);
  const deleted = await write(trail({}, 5_000, true), 5_000);
  assert.ok(deleted.gaps_closed >= 1);
  assert.deepEqual(await currentGapsByResource(db, org, [TRAIL]), []);
  assert.equal((await gapsAt(db, org, 4_500, { ruleId: IS_LOGGING })).length, 1, 'the past keeps its gap');
  assert.equal(await isLoggingAt(5_500), undefined);
});

test('a muted finding keeps its mute across a time it was not evaluated', async () => {
  const { db } = server.server;
  const id = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/muted';
  const record = (configuration: Record<string, unknown>, at: number) => ({ ...trail(configuration, at), resource_id: id, name: 'muted' });
  await ingestResources(db, server.orgId, [record({ is_logging: false }, 10_000)], engine, { source: SOURCE, now: 10_000 });
  const finding = findingId(id, IS_LOGGING);
  const mute = await server.api('/api/v2/security/findings/mute', {
    method: 'PATCH',
    body: JSON.stringify({
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: true, reason: 'RISK_ACCEPTED' } },
        relationships: { findings: { data: [{ id: finding, type: 'findings' }] } },
      },
    }),
  });
  assert.ok(mute.status < 300, await mute.text());
  await ingestResources(db, server.orgId, [record({}, 20_000)], engine, { source: SOURCE });
  await ingestResources(db, server.orgId, [record({ is_logging: false, x: 1 }, 30_000)], engine, { source: SOURCE });
  const r = await server.api(`/api/v2/posture_management/findings/${encodeURIComponent(finding)}`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as { data: { attributes: { evaluation: string; status: string; mute?: { muted: boolean } } } };
  assert.equal(body.data.attributes.evaluation, 'fail');
  assert.equal(body.data.attributes.mute?.muted, true);
});
