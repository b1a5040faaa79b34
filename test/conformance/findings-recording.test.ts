// Datadog's recorded answers, imported, list back through the official client with the same ids and fields, and
// get-finding answers the recorded detail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fixturePath } from '../helpers/fixtures.js';
import { parseDatadogFindings } from '../../src/ingest/datadog-findings.js';
import { importDatadogFindings } from '../../src/findings/import-datadog-findings.js';
import { withFindingWriteLease } from '../../src/store/snapshot-clock.js';
import { findingsApi } from './findings-client.js';

type Recorded = { id: string; type: string; attributes: Record<string, unknown> };
const load = (name: string) => JSON.parse(readFileSync(fixturePath('datadog-recordings', name), 'utf8'));
const listRecording = load('List-findings-returns-OK-response.json');
const getRecording = load('Get-a-finding-returns-OK-response.json');
const recordedList: Recorded[] = listRecording[0].response.body.data;
const recordedDetail: Recorded = getRecording[0].response.body.data;

let server: TestServer;

before(async () => {
  server = await startTestServer();
  const findings = [...parseDatadogFindings(listRecording, 'list'), ...parseDatadogFindings(getRecording, 'get')];
  const { db } = server.server;
  await withFindingWriteLease(db, server.orgId, 'org', (tx, now) => importDatadogFindings(tx, server.orgId, findings, now));
});
after(async () => server?.stop());

test('the official client lists back the same ids', async () => {
  const api = findingsApi(server);
  const ids: string[] = [];
  for await (const f of api.listFindingsWithPagination({ pageLimit: 30 })) ids.push(f.id!);
  assert.equal(ids.length, recordedList.length);
  assert.deepEqual(new Set(ids), new Set(recordedList.map((f) => f.id)));
  const page = await api.listFindings({ pageLimit: 1 });
  assert.equal(page.meta?.page?.totalFilteredCount, recordedList.length);
  assert.equal(page.data?.[0]?.attributes?._unparsed, undefined);
});

test('every recorded field answers as Datadog recorded it', async () => {
  const body = (await (await server.api('/api/v2/posture_management/findings?page[limit]=1000')).json()) as { data: Recorded[] };
  const ours = new Map(body.data.map((f) => [f.id, f]));
  for (const recorded of recordedList) {
    const mine = ours.get(recorded.id);
    assert.ok(mine, recorded.id);
    assert.equal(mine.type, recorded.type);
    for (const [key, value] of Object.entries(recorded.attributes)) assert.deepEqual(mine.attributes[key], value, `${recorded.id} ${key}`);
  }
});

test('getFinding answers the recorded detail', async () => {
  const api = findingsApi(server);
  const viaClient = await api.getFinding({ findingId: recordedDetail.id });
  assert.equal(viaClient.data?.id, recordedDetail.id);
  assert.equal(viaClient.data?.attributes?.message, recordedDetail.attributes.message);
  const raw = (await (await server.api(`/api/v2/posture_management/findings/${encodeURIComponent(recordedDetail.id)}`)).json()) as { data: Recorded };
  assert.equal(raw.data.type, 'detailed_finding');
  for (const [key, value] of Object.entries(recordedDetail.attributes)) assert.deepEqual(raw.data.attributes[key], value, key);
});

test('filters work on imported findings (rule id, tags)', async () => {
  const api = findingsApi(server);
  const ruleId = (recordedList[0]!.attributes.rule as { id: string }).id;
  const expected = recordedList.filter((f) => (f.attributes.rule as { id: string }).id === ruleId).map((f) => f.id);
  const page = await api.listFindings({ filterRuleId: ruleId, pageLimit: 1000 });
  assert.deepEqual(new Set(page.data!.map((f) => f.id)), new Set(expected));
  const tagged = recordedList.filter((f) => (f.attributes.tags as string[]).includes('team:compute')).map((f) => f.id);
  assert.ok(tagged.length > 0);
  const byTag = await api.listFindings({ filterTags: 'team:compute', pageLimit: 1000 });
  assert.deepEqual(new Set(byTag.data!.map((f) => f.id)), new Set(tagged));
});
