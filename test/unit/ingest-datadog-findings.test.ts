import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDatadogFindings } from '../../src/ingest/datadog-findings.js';
import { RecordError } from '../../src/posture/resource.js';
import { fixturePath } from '../helpers/fixtures.js';

const recording = (name: string) => JSON.parse(readFileSync(fixturePath('datadog-recordings', `${name}.json`), 'utf8'));
const LIST = 'List-findings-returns-OK-response';
const GET = 'Get-a-finding-returns-OK-response';

test('the recorded list gives its 100 findings with the recorded ids, as reported', () => {
  const doc = recording(LIST);
  const body = doc[0].response.body;
  const findings = parseDatadogFindings(doc, 'list.json');
  assert.equal(findings.length, 100);
  assert.deepEqual(
    findings.map((f) => f.finding_id),
    body.data.map((d: any) => d.id),
  );
  const first = findings[0];
  const raw = body.data[0].attributes;
  assert.equal(
    first.finding_id,
    'AgAAAYd59gjghzF52gAAAAAAAAAYAAAAAEFZZDU5Z2pnQUFCRTRvV1lFeEo4SlFBQQAAACQAAAAAMDE4NzdhMDEtMDRiYS00NTZlLWFmMzMtNTIxNmNkNjVlNDMz',
  );
  assert.equal(first.evaluation, 'pass');
  assert.equal(first.evaluation_changed_at, 1681220975000);
  assert.equal(first.status, 'critical');
  assert.equal(first.resource, 'dd-chaos-cloud-xuxu-eu-north-1');
  assert.equal(first.resource_type, 'aws_s3_bucket');
  assert.equal(first.rule_id, 'gkb-eoz-lut');
  assert.equal(first.rule_name, 'S3 bucket ACL does not grant full bucket control to everyone');
  assert.equal(first.vulnerability_type, 'misconfiguration');
  assert.deepEqual(first.mute, { muted: false });
  assert.deepEqual(first.tags, raw.tags);
  assert.equal(first.cloud_provider, 'aws');
  assert.equal(first.account, '013910733512');
  assert.equal(first.region, 'eu-north-1');
  assert.equal(first.message, undefined);
  // The bare answer (not wrapped in a recording) parses the same.
  assert.deepEqual(parseDatadogFindings(body, 'list.json'), findings);
});

test('the recorded get-finding equals the list first finding plus message and configuration', () => {
  const [list] = parseDatadogFindings(recording(LIST), 'list.json');
  const [detailed] = parseDatadogFindings(recording(GET), 'get.json');
  const { message, resource_configuration, ...rest } = detailed;
  assert.deepEqual(rest, list);
  assert.match(message!, /## Description/);
  assert.equal((resource_configuration as any).bucket_arn, 'arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1');
  assert.equal((resource_configuration as any).public_access_block_configuration.restrict_public_buckets, true);
});

test('the two recorded empty answers give no findings', () => {
  assert.deepEqual(parseDatadogFindings(recording('List-findings-returns-OK-response-with-details'), 'a'), []);
  assert.deepEqual(parseDatadogFindings(recording('List-findings-with-detection_type-query-param-returns-OK-response'), 'b'), []);
});

const beta = {
  id: 'AQAAAYZzBl-4bu4ufQAAA12WVp6QmwtNEFBQ04ydFhER3QxNC13QUE',
  status: 'critical',
  evaluation: 'fail',
  resource_discovery_date: 1670453400000,
  resource_type: 'aws_s3_bucket',
  resource: 'public.xxxx.company.com',
  rule: { name: 'S3 bucket contents are not publicly exposed via bucket policy', id: 'zno-neo-6jq' },
  evaluation_changed_at: 1670453400000,
  muted: false,
  tags: ['aws_account:112787438617', 'cloud_provider:aws', 'team:cake'],
};

test("the seed's beta envelopes: list and fetch", () => {
  const [listed] = parseDatadogFindings(
    { data: { id: 'x', type: 'posture_management_list_findings_resp', attributes: { findings: [beta] } } },
    'beta-list',
  );
  assert.equal(listed.finding_id, beta.id);
  assert.deepEqual(listed.mute, { muted: false });
  assert.equal(listed.account, '112787438617');
  assert.equal(listed.region, undefined);
  const [fetched] = parseDatadogFindings(
    {
      data: {
        id: 'y',
        type: 'posture_management_fetch_finding_resp',
        attributes: { finding: { ...beta, message: 'm', resource_configuration: { a: 1 } } },
      },
    },
    'beta-get',
  );
  assert.equal(fetched.message, 'm');
  assert.deepEqual(fetched.resource_configuration, { a: 1 });
});

test('a full mute is kept field by field', () => {
  const body = recording(LIST)[0].response.body;
  const entry = structuredClone(body.data[0]);
  entry.attributes.mute = {
    muted: true,
    reason: 'PENDING_FIX',
    description: 'later',
    start_date: 1700000000000,
    expiration_date: 1800000000000,
    uuid: 'u-1',
  };
  entry.attributes.vulnerability_type = 'attack_path';
  const [finding] = parseDatadogFindings({ data: [entry] }, 'x');
  assert.deepEqual(finding.mute, entry.attributes.mute);
  assert.equal(finding.vulnerability_type, 'attack_path');
});

test('bad findings name their index and field', () => {
  const body = recording(LIST)[0].response.body;
  const broken = structuredClone(body);
  broken.data[3].attributes.status = 'severe';
  assert.throws(
    () => parseDatadogFindings(broken, 'f.json'),
    (error: unknown) => error instanceof RecordError && error.place === 'f.json data[3]' && error.field === 'attributes.status',
  );
  const cases: Array<[(a: any) => void, string]> = [
    [(a) => (a.evaluation = 'maybe'), 'attributes.evaluation'],
    [(a) => (a.evaluation_changed_at = '2023-01-01'), 'attributes.evaluation_changed_at'],
    [(a) => delete a.rule.id, 'attributes.rule.id'],
    [(a) => (a.mute = { muted: 'no' }), 'attributes.mute.muted'],
    [(a) => (a.tags = ['ok:1', 7]), 'attributes.tags[1]'],
    [(a) => (a.vulnerability_type = 'bug'), 'attributes.vulnerability_type'],
  ];
  for (const [breakIt, field] of cases) {
    const doc = structuredClone(body);
    breakIt(doc.data[0].attributes);
    assert.throws(
      () => parseDatadogFindings(doc, 'f'),
      (error: unknown) => error instanceof RecordError && error.place === 'f data[0]' && error.field === field,
      field,
    );
  }
  assert.throws(
    () => parseDatadogFindings([{ request: {}, response: { status: 404, body: { errors: ['Not found'] } } }], 'rec'),
    (error: unknown) => error instanceof RecordError && error.field === 'status',
  );
});

test('a recorded body kept as text is held to the input limits the document is: a NUL or deep nesting names where', () => {
  const entry = recording(GET)[0];
  const asText = (body: unknown) => [{ ...entry, response: { ...entry.response, body: JSON.stringify(body) } }];
  assert.equal(parseDatadogFindings(asText(entry.response.body), 'rec.json').length, 1, 'a clean text body is read');
  const withNul = structuredClone(entry.response.body);
  withNul.data.attributes.resource_configuration = { bucket: 'b\u0000' };
  assert.throws(
    () => parseDatadogFindings(asText(withNul), 'rec.json'),
    (error: unknown) =>
      error instanceof RecordError &&
      error.place === 'rec.json [0].response' &&
      error.field === 'body.data.attributes.resource_configuration.bucket' &&
      /NUL|control/i.test(error.reason),
  );
  let deep: unknown = 'x';
  for (let i = 0; i < 200; i++) deep = { d: deep };
  const nested = structuredClone(entry.response.body);
  nested.data.attributes.resource_configuration = deep;
  assert.throws(
    () => parseDatadogFindings(asText(nested), 'rec.json'),
    (error: unknown) => error instanceof RecordError && /deeper than/.test(error.reason),
  );
});
