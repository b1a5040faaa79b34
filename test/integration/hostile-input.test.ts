// Input the store cannot take (NUL, lone surrogates, out-of-range instants, ids past an index row, deep nesting) is a
// 400 naming the parameter or JSON pointer at every entry point, and nothing is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { readNdjson, readJsonDocument } from '../../src/ingest/read-records.js';
import { parseResourceItem } from '../../src/ingest/resource-items.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import { importResourcesAtomically } from '../../src/ingest/resource-batches.js';
import { importCloudTrailFiles } from '../../src/cli/commands/import-cloudtrail.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { RecordError, type ResourceRecord } from '../../src/posture/resource.js';
import { INPUT_LIMITS } from '../../src/input-limits.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';

let s: TestServer;
let dir: string;
before(async () => {
  s = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'steward-hostile-'));
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface WireError {
  status: string;
  title: string;
  detail: string;
  source?: { parameter?: string; pointer?: string };
}

/** Asserts a 400 in the JSON:API error shape whose first error names `source`; returns the errors. */
async function expect400(r: Response, source: { parameter?: string; pointer?: string }): Promise<WireError[]> {
  const text = await r.text();
  assert.equal(r.status, 400, text.slice(0, 500));
  const body = JSON.parse(text) as { errors: WireError[] };
  const first = body.errors[0]!;
  assert.equal(first.status, '400');
  assert.equal(first.title, 'Bad Request');
  assert.equal(typeof first.detail, 'string');
  assert.deepEqual(first.source, source, first.detail);
  return body.errors;
}

const count = async (sql: string) => Number((await s.server.db.query<{ n: number | string }>(sql, [s.orgId])).rows[0]!.n);
const resourceCount = () => count('SELECT count(*) AS n FROM resources WHERE org_id = $1');
/** Random text that does not compress: past an index row when it is long enough. */
const randomText = (chars: number) => randomBytes(chars).toString('base64').slice(0, chars);
const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
/** JSON text of `value` with `{"a":{"a":...}}` nested `depth` deep in place of the string "DEEP" (JSON.stringify would overflow). */
const withDeep = (value: unknown, depth: number) => JSON.stringify(value).replace('"DEEP"', '{"a":'.repeat(depth) + '"leaf"' + '}'.repeat(depth));

function resourceItem(id: string, attributes: Record<string, unknown> = {}) {
  return { type: 'cloud_resource', id, attributes: { resource_type: 'aws_s3_bucket', cloud_provider: 'aws', configuration: {}, ...attributes } };
}

const postResources = (body: string) => s.api('/api/v2/csm/resources', { method: 'POST', body });

test('the limits are what the README documents', () => {
  assert.equal(INPUT_LIMITS.idBytes, 1024);
  assert.equal(INPUT_LIMITS.jsonDepth, 64);
  assert.equal(INPUT_LIMITS.maxTimestampMs, Date.parse('9999-12-31T23:59:59.999Z'));
  assert.equal(INPUT_LIMITS.reportedProblems, 100);
});

test('every text filter of both findings listings: a NUL or an over-long value is a 400 naming the parameter', async () => {
  for (const prefix of ['/api/v2', '/api/unstable']) {
    for (const name of [
      'filter[tags]',
      'filter[rule_id]',
      'filter[rule_name]',
      'filter[resource_type]',
      'filter[@resource_id]',
      'filter[status]',
      'page[cursor]',
    ]) {
      const key = encodeURIComponent(name);
      await expect400(await s.api(`${prefix}/posture_management/findings?${key}=a%00b`), { parameter: name });
    }
    await expect400(await s.api(`${prefix}/posture_management/findings?filter%5Brule_id%5D=${'x'.repeat(3000)}`), { parameter: 'filter[rule_id]' });
    await expect400(await s.api(`${prefix}/posture_management/findings?filter%5Btags%5D=team:${randomText(3000)}`), { parameter: 'filter[tags]' });
    await expect400(await s.api(`${prefix}/posture_management/findings/abc%00def`), { parameter: 'finding_id' });
    await expect400(await s.api(`${prefix}/posture_management/findings/${'f'.repeat(3000)}`), { parameter: 'finding_id' });
  }
  await expect400(await s.api('/api/v2/posture_management/findings/summary?snapshot_timestamp=1%00'), { parameter: 'snapshot_timestamp' });
});

test('query parameters whose escapes are not UTF-8 or are malformed are a 400 naming the parameter, on both listings', async () => {
  for (const [path, name] of [
    ['/api/v2/posture_management/findings', 'filter[tags]'],
    ['/api/v2/posture_management/findings', 'filter[rule_id]'],
    ['/api/v2/security/findings', 'filter[query]'],
  ]) {
    const key = encodeURIComponent(name);
    for (const value of ['%ED%A0%80', 'team:%FF', '%C3', '100%', '%zz']) await expect400(await s.api(`${path}?${key}=${value}`), { parameter: name });
    // A name that does not decode is named as it was sent.
    await expect400(await s.api(`${path}?filter%FF=x`), { parameter: 'filter%FF' });
    // Two-byte letters and + for a space decode, and reach the route.
    assert.equal((await s.api(`${path}?${key}=${name === 'filter[query]' ? 'team:caf%C3%A9+OR+team:x' : 'team:caf%C3%A9'}`)).status, 200);
  }
});

test('ownership and resource paths: a NUL or an id past the index limit is a 400 naming resource_id', async () => {
  await expect400(await s.api('/api/v2/csm/ownership/arn%00x'), { parameter: 'resource_id' });
  await expect400(await s.api('/api/v2/csm/ownership/arn%00x/team/history'), { parameter: 'resource_id' });
  await expect400(await s.api(`/api/v2/csm/ownership/${'r'.repeat(3000)}/team`), { parameter: 'resource_id' });
  await expect400(await s.api('/api/v2/csm/ownership/arn%3Ax/team/history?cursor=%00'), { parameter: 'cursor' });
  await expect400(await s.api('/api/v2/csm/resources/arn%00x'), { parameter: 'resource_id' });
});

test('POST resources: NUL, lone surrogates, 1e30, 1e400, ids/tags/types past an index row and deep configuration are 400s naming the pointer', async () => {
  const cases: Array<[string, string]> = [
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::a\u0000b')] }), '/data/0/id'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { name: 'x\u0000' })] }), '/data/0/attributes/name'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { account: '\u0000' })] }), '/data/0/attributes/account'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { tags: ['team:a', 'team:\u0000'] })] }), '/data/0/attributes/tags/1'],
    [
      JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { configuration: { policy: { Statement: ['\u0000'] } } })] }),
      '/data/0/attributes/configuration/policy/Statement/0',
    ],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { configuration: { 'a/\u0000': 1 } })] }), '/data/0/attributes/configuration/a~1\u0000'],
    // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse reads back as one.
    [
      `{"data":[{"type":"cloud_resource","id":"arn:aws:s3:::ok","attributes":{"resource_type":"aws_s3_bucket","cloud_provider":"aws","name":"\\ud800"}}]}`,
      '/data/0/attributes/name',
    ],
    [
      `{"data":[{"type":"cloud_resource","id":"arn:aws:s3:::ok","attributes":{"resource_type":"aws_s3_bucket","cloud_provider":"aws","configuration":{"k":"\\udc00x"}}}]}`,
      '/data/0/attributes/configuration/k',
    ],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { observed_at: 1e30 })] }), '/data/0/attributes/observed_at'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { observed_at: '0001-01-01T00:00:00Z' })] }), '/data/0/attributes/observed_at'],
    [JSON.stringify({ data: [resourceItem(`arn:aws:s3:::${randomText(2700)}`)] }), '/data/0/id'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { name: randomText(2700) })] }), '/data/0/attributes/name'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { tags: [`team:${randomText(2700)}`] })] }), '/data/0/attributes/tags/0'],
    [JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { resource_type: `aws_${'s'.repeat(2700)}` })] }), '/data/0/attributes/resource_type'],
    // A multi-byte id under 1024 characters is still past 1024 bytes.
    [JSON.stringify({ data: [resourceItem(`arn:aws:s3:::${'é'.repeat(1000)}`)] }), '/data/0/id'],
    // 1e400 parses as Infinity, which a store of JSON would keep as null.
    [
      `{"data":[{"type":"cloud_resource","id":"arn:aws:s3:::ok","attributes":{"resource_type":"aws_s3_bucket","cloud_provider":"aws","configuration":{"size":[1,-1e400]}}}]}`,
      '/data/0/attributes/configuration/size/1',
    ],
  ];
  for (const [body, pointer] of cases) {
    await expect400(await postResources(body), { pointer });
  }
  const deep = await expect400(await postResources(withDeep({ data: [resourceItem('arn:aws:s3:::ok', { configuration: 'DEEP' })] }, 5000)), {
    pointer: '/data/0/attributes/configuration' + '/a'.repeat(INPUT_LIMITS.jsonDepth - 4),
  });
  assert.match(deep[0]!.detail, /deeper than 64/);
  assert.equal(await resourceCount(), 0, 'nothing written');
  // The same item, fit, is taken.
  const ok = await postResources(
    JSON.stringify({ data: [resourceItem('arn:aws:s3:::ok', { configuration: nested(40), observed_at: '9999-12-31T00:00:00Z' })] }),
  );
  assert.equal(ok.status, 200, await ok.text());
  assert.equal(await resourceCount(), 1);
});

test('PATCH mute: a NUL in the description, a NUL or over-long finding id are 400s naming the pointer', async () => {
  const list = (await (await s.api('/api/v2/posture_management/findings')).json()) as { data: Array<{ id: string }> };
  const findingId = list.data[0]?.id;
  assert.ok(findingId, 'the resource written above has findings');
  const mute = (description: string, id: string) =>
    s.api('/api/v2/security/findings/mute', {
      method: 'PATCH',
      body: JSON.stringify({
        data: {
          type: 'mute',
          attributes: { mute: { is_muted: true, reason: 'OTHER', description } },
          relationships: { findings: { data: [{ id, type: 'findings' }] } },
        },
      }),
    });
  await expect400(await mute('why\u0000', findingId), { pointer: '/data/attributes/mute/description' });
  await expect400(await mute('why', 'a\u0000'), { pointer: '/data/relationships/findings/data/0/id' });
  await expect400(await mute('why', randomText(3000)), { pointer: '/data/relationships/findings/data/0/id' });
  assert.equal(await count('SELECT count(*) AS n FROM finding_states WHERE org_id = $1 AND muted'), 0);
});

test('ownership feedback: a NUL in the reason is a 400 naming the pointer', async () => {
  await recomputeUntilEmpty(s.server.db, { orgId: s.orgId });
  const inference = await s.api('/api/v2/csm/ownership/arn%3Aaws%3As3%3A%3A%3Aok/team');
  assert.equal(inference.status, 200, await inference.clone().text());
  const checksum = ((await inference.json()) as { data: { attributes: { checksum: string } } }).data.attributes.checksum;
  const body = { data: { type: 'ownership_feedback', attributes: { action: 'reject', inference_checksum: checksum, reason: 'because\u0000' } } };
  await expect400(await s.api('/api/v2/csm/ownership/arn%3Aaws%3As3%3A%3A%3Aok/team/feedback', { method: 'POST', body: JSON.stringify(body) }), {
    pointer: '/data/attributes/reason',
  });
  assert.equal(await count('SELECT count(*) AS n FROM ownership_feedback WHERE org_id = $1'), 0);
});

test('PUT directory: NUL and lone surrogates in names are 400s naming the pointer', async () => {
  const put = (body: string) => s.api('/api/v2/csm/directory', { method: 'PUT', body });
  await expect400(await put(JSON.stringify({ source: 'hr', users: [{ handle: 'jane', name: 'Jane\u0000' }] })), { pointer: '/users/0/name' });
  await expect400(await put('{"source":"hr","teams":[{"handle":"pay","name":"\\ud83d"}]}'), { pointer: '/teams/0/name' });
  assert.equal(await count("SELECT count(*) AS n FROM users WHERE org_id = $1 AND handle = 'jane'"), 0);
  assert.equal(await count('SELECT count(*) AS n FROM teams WHERE org_id = $1'), 0);
});

test('POST audit_events: NUL, an out-of-range time and an over-long event id are 400s naming the pointer', async () => {
  const record = {
    eventID: 'e-1',
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'CreateBucket',
    userIdentity: { type: 'IAMUser', userName: 'jane' },
  };
  const post = (body: unknown) => s.api('/api/v2/csm/audit_events', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  await expect400(await post({ Records: [{ ...record, eventName: 'Create\u0000' }] }), { pointer: '/Records/0/eventName' });
  await expect400(await post([{ ...record, userIdentity: { type: 'IAMUser', userName: 'ja\u0000ne' } }]), { pointer: '/0/userIdentity/userName' });
  await expect400(await post([{ ...record, eventTime: '+275760-09-13T00:00:00.000Z' }]), { pointer: '/0/eventTime' });
  await expect400(await post([{ ...record, eventID: randomText(3000) }]), { pointer: '/0/eventID' });
  await expect400(await post(withDeep({ Records: [{ ...record, requestParameters: 'DEEP' }] }, 5000)), {
    pointer: '/Records/0/requestParameters' + '/a'.repeat(INPUT_LIMITS.jsonDepth - 3),
  });
  assert.equal(await count('SELECT count(*) AS n FROM audit_events WHERE org_id = $1'), 0);
});

test('POST audit_events: a record without its time is named by where it sits in the body, whatever its shape', async () => {
  const call = { eventName: 'CreateBucket', eventSource: 's3.amazonaws.com' };
  const timed = { ...call, eventTime: '2024-05-01T10:00:00Z' };
  const envelope = (detail: unknown) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail });
  const post = (body: unknown) => s.api('/api/v2/csm/audit_events', { method: 'POST', body: JSON.stringify(body) });
  await expect400(await post({ Records: [timed, call] }), { pointer: '/Records/1/eventTime' });
  await expect400(await post(call), { pointer: '/eventTime' });
  await expect400(await post(envelope(call)), { pointer: '/detail/eventTime' });
  await expect400(await post([envelope(timed), envelope(call)]), { pointer: '/1/detail/eventTime' });
  await expect400(await post({ Records: [null] }), { pointer: '/Records/0' });
  assert.equal(await count('SELECT count(*) AS n FROM audit_events WHERE org_id = $1'), 0);
});

const HEADER = 'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority';
const putCsv = (csv: string) =>
  s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: csv, headers: { 'content-type': 'text/csv' } });

test('PUT preferences CSV: a NUL in a cell is a 400 naming its row and column; nothing is saved', async () => {
  await expect400(await putCsv(`${HEADER}\np1,prompt_text,,,,,,,,,"be\u0000 nice",\n`), { pointer: '/rows/1/prompt_text' });
  await expect400(await putCsv(`${HEADER}\np1,tag_mapping,team\u0000,,cake,team,high,,,,,\n`), { pointer: '/rows/1/tag_key' });
  assert.equal(await count('SELECT count(*) AS n FROM ownership_preferences WHERE org_id = $1'), 0);
});

test('a large CSV of bad rows answers the first 100 errors and how many more there were, in a small answer', async () => {
  const rows = 100_000;
  const csv = HEADER + '\n' + Array.from({ length: rows }, (_, i) => `p${i},tag_mapping,bad key!,,<x>,nobody,sure,,,,,`).join('\n') + '\n';
  assert.ok(csv.length > 4_000_000, `${csv.length} bytes`);
  const r = await putCsv(csv);
  const text = await r.text();
  assert.equal(r.status, 400);
  assert.ok(text.length < 40_000, `the answer is ${text.length} bytes`);
  const body = JSON.parse(text) as { errors: WireError[] };
  assert.equal(body.errors.length, INPUT_LIMITS.reportedProblems + 1);
  assert.deepEqual(body.errors[0]!.source, { pointer: '/rows/1/owner' });
  const last = body.errors.at(-1)!;
  // Each row has four problems (tag_key, owner, owner_type, confidence): 100 listed, the rest counted.
  assert.equal(last.detail, `... and ${rows * 4 - 100} more errors not listed`);
  assert.deepEqual(last.source, { pointer: '/' });
  assert.equal(await count('SELECT count(*) AS n FROM ownership_preferences WHERE org_id = $1'), 0);
});

test('PUT preferences CSV: bytes that are not UTF-8 (a Latin-1 file) are a 400; nothing is saved', async () => {
  const latin1 = Buffer.from(`${HEADER}\np1,prompt_text,,,,,,,,,"caf\u00e9 owners first",\n`, 'latin1');
  const r = await s.api('/api/v2/csm/ownership/settings/preferences', { method: 'PUT', body: latin1, headers: { 'content-type': 'text/csv' } });
  const [error] = await expect400(r, { pointer: '/' });
  assert.match(error!.detail, /not valid UTF-8/);
  assert.equal(await count('SELECT count(*) AS n FROM ownership_preferences WHERE org_id = $1'), 0);
  const utf8 = await putCsv(`${HEADER}\np1,prompt_text,,,,,,,,,"caf\u00e9 owners first",\n`);
  assert.equal(utf8.status, 200, await utf8.text());
  const saved = await s.api('/api/v2/csm/ownership/settings/preferences');
  assert.match(await saved.text(), /caf\u00e9 owners first/);
});

test('CLI importers: the NDJSON and Terraform readers reject what the API rejects, naming the line and field; nothing is written', async () => {
  const ndjson = join(dir, 'resources.ndjson');
  writeFileSync(
    ndjson,
    [resourceItem('arn:aws:s3:::one'), resourceItem('arn:aws:s3:::two', { tags: ['team:\u0000'] })].map((i) => JSON.stringify(i)).join('\n') + '\n',
  );
  const records = () =>
    (async function* (): AsyncIterable<ResourceRecord> {
      for await (const { value, line } of readNdjson(ndjson)) yield parseResourceItem(value, `resources.ndjson line ${line}`, Date.now());
    })();
  const before = await resourceCount();
  await assert.rejects(importResourcesAtomically(s.server.db, s.orgId, records, builtInRuleEngine(), { source: 'test' }), (err: unknown) => {
    assert.ok(err instanceof RecordError);
    assert.equal(err.place, 'line 2');
    assert.equal(err.field, 'attributes.tags[0]');
    assert.match(err.reason, /NUL/);
    return true;
  });
  writeFileSync(ndjson, withDeep(resourceItem('arn:aws:s3:::deep', { configuration: 'DEEP' }), 5000) + '\n');
  await assert.rejects(importResourcesAtomically(s.server.db, s.orgId, records, builtInRuleEngine(), { source: 'test' }), /deeper than 64/);
  writeFileSync(ndjson, JSON.stringify(resourceItem('arn:aws:s3:::huge', { configuration: { size: 0 } })).replace('"size":0', '"size":1e400') + '\n');
  await assert.rejects(importResourcesAtomically(s.server.db, s.orgId, records, builtInRuleEngine(), { source: 'test' }), (err: unknown) => {
    assert.ok(err instanceof RecordError);
    assert.equal(err.field, 'attributes.configuration.size');
    assert.match(err.reason, /beyond what can be kept/);
    return true;
  });
  assert.equal(await resourceCount(), before);

  const state = join(dir, 'big.tfstate');
  const instance = { attributes: { id: 'b', arn: `arn:aws:s3:::${randomText(3000)}`, bucket: 'b' } };
  writeFileSync(state, JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'b', instances: [instance] }] }));
  const doc = await readJsonDocument(state);
  assert.throws(
    () => parseTerraformState(doc, 'big.tfstate', { now: Date.now() }),
    (err: unknown) => {
      assert.ok(err instanceof RecordError);
      assert.equal(err.field, 'resource_id');
      assert.match(err.reason, /at most 1024/);
      return true;
    },
  );
});

test('CLI CloudTrail import: a NUL inside a streamed log file is rejected before anything is written', async () => {
  const file = join(dir, 'trail.json');
  const record = {
    eventID: 'e-cli',
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'CreateBucket',
    userAgent: 'aws-cli\u0000',
  };
  writeFileSync(file, JSON.stringify({ Records: [{ ...record, eventID: 'e-ok', userAgent: 'aws-cli' }, record] }));
  await assert.rejects(importCloudTrailFiles(s.server.db, s.orgId, [file]), (err: unknown) => {
    assert.ok(err instanceof RecordError);
    assert.match(err.place, /Records\[1\]/);
    assert.equal(err.field, 'user_agent');
    return true;
  });
  assert.equal(await count('SELECT count(*) AS n FROM audit_events WHERE org_id = $1'), 0);
});
