// The records of resources that Datadog findings and CloudTrail events name, and which source's word wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { findingResourceId, findingResources, parseDatadogFindings, type ImportedFinding } from '../../src/ingest/datadog-findings.js';
import { recordsOf, toAuditEvent } from '../../src/ingest/cloudtrail.js';
import { resourcesNamedByEvents } from '../../src/ingest/cloudtrail-resources.js';
import { referenceWrite, type ResourceReference } from '../../src/posture/referenced-resources.js';
import { resourceContentHash } from '../../src/posture/content-hash.js';
import type { StoredResource } from '../../src/store/resources.js';

const recording = (name: string) => JSON.parse(readFileSync(fixturePath('datadog-recordings', `${name}.json`), 'utf8'));
const LISTED = parseDatadogFindings(recording('List-findings-returns-OK-response'), 'list.json');
const [DETAILED] = parseDatadogFindings(recording('Get-a-finding-returns-OK-response'), 'get.json');

const events = (...path: string[]) => {
  const doc = JSON.parse(readFileSync(fixturePath('cloudtrail', ...path), 'utf8'));
  return [...recordsOf(doc, path.join('/'))].map((r, i) => toAuditEvent(r, `record ${i}`));
};

test("a finding's resource id: the recorded list and get answers of one finding agree on the bucket's ARN", () => {
  const listed = LISTED[0]!;
  assert.equal(listed.finding_id, DETAILED!.finding_id);
  assert.equal(findingResourceId(listed), 'arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1');
  assert.equal(findingResourceId(DETAILED!), 'arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1', "the configuration's bucket_arn");
  for (const f of LISTED) assert.equal(findingResourceId(f), `arn:aws:s3:::${f.resource}`);
});

test("a finding's resource id: Datadog's external id, the configuration's own ARN, a bucket's partition, else type and name", () => {
  const base: ImportedFinding = { ...LISTED[0]! };
  const instance = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc';
  assert.equal(findingResourceId({ ...base, external_id: instance }), instance);
  assert.equal(findingResourceId({ ...base, external_id: 'dd-chaos-cloud-xuxu-eu-north-1' }), 'arn:aws:s3:::dd-chaos-cloud-xuxu-eu-north-1');
  const role: ImportedFinding = { ...base, resource_type: 'aws_iam_role', resource: 'deployer' };
  assert.equal(findingResourceId(role), 'aws_iam_role/deployer');
  assert.equal(
    findingResourceId({ ...role, resource_configuration: { arn: 'arn:aws:iam::123456789012:role/ci/deployer' } }),
    'arn:aws:iam::123456789012:role/ci/deployer',
  );
  // An ARN field naming another resource (its key, its profile) is not the resource's id.
  assert.equal(
    findingResourceId({
      ...role,
      resource_configuration: { permissions_boundary_arn: 'arn:aws:iam::123456789012:policy/boundary', role_arn: 'arn:aws:iam::1:role/deployer' },
    }),
    'arn:aws:iam::1:role/deployer',
  );
  assert.equal(findingResourceId({ ...role, resource: 'arn:aws:iam::1:role/shown-as-arn' }), 'arn:aws:iam::1:role/shown-as-arn');
  assert.equal(findingResourceId({ ...base, resource: 'cn-bucket', region: 'cn-north-1' }), 'arn:aws-cn:s3:::cn-bucket');
  assert.equal(findingResourceId({ ...base, resource_type: 'gcp_storage_bucket', resource: 'logs' }), 'gcp_storage_bucket/logs');
});

test("the findings' resources: one each, the resource's own tags, the detailed finding's configuration", () => {
  const refs = findingResources([...LISTED, DETAILED!]);
  assert.equal(refs.length, 32);
  const byName = new Map(refs.map((r) => [r.record.name, r]));
  const owned = byName.get('dd-cspm-remote-state-bucket')!;
  assert.ok(owned.record.tags.includes('owner:cspm-pde-team'));
  for (const ref of refs) {
    assert.deepEqual(ref.record.tags, [...ref.record.tags].sort());
    assert.ok(
      !ref.record.tags.some((t) => /^(framework|control|requirement|scored|security|scope|source|region|aws_account|cloud_provider):/.test(t)),
    );
    assert.equal(ref.record.cloud_provider, 'aws');
  }
  const detailed = byName.get('dd-chaos-cloud-xuxu-eu-north-1')!;
  assert.equal(detailed.knowsConfiguration, true);
  assert.deepEqual(detailed.record.configuration, DETAILED!.resource_configuration);
  assert.deepEqual({ account: detailed.record.account, region: detailed.record.region }, { account: '013910733512', region: 'eu-north-1' });
  assert.equal(owned.knowsConfiguration, false);
  assert.deepEqual(owned.record.configuration, {});
  // The same resource from its findings in any order: the same record.
  const reversed = findingResources([...LISTED].reverse()).find((r) => r.record.name === 'dd-cspm-remote-state-bucket')!;
  assert.equal(resourceContentHash(reversed.record), resourceContentHash(owned.record));
  // A finding of no cloud provider names no resource.
  assert.deepEqual(findingResources([{ ...LISTED[0]!, resource_type: 'kubernetes_pod', cloud_provider: undefined }]), []);
});

test('CloudTrail: the created user is recorded with its ARN, type and account, global (no region), seen from its first event', () => {
  const all = events('stratus-red-team', 'aws.persistence.iam-create-admin-user.json');
  const refs = resourcesNamedByEvents(all);
  assert.equal(refs.length, 1);
  const [user] = refs;
  const times = all.filter((e) => e.resources.length > 0).map((e) => e.event_time);
  assert.deepEqual(user!.record, {
    resource_id: 'arn:aws:iam::229654561268:user/malicious-iam-user',
    resource_type: 'aws_iam_user',
    name: 'malicious-iam-user',
    cloud_provider: 'aws',
    account: '229654561268',
    region: '',
    tags: [],
    configuration: {},
    observed_at: Math.max(...times),
  });
  assert.equal(user!.first_seen_at, Math.min(...times));
  assert.equal(user!.knowsConfiguration, false);
});

test("CloudTrail: a bucket's region and account are its creating call's; failed calls name nothing", () => {
  const [bucket] = resourcesNamedByEvents(events('custodian', 'event-cloud-trail-create-bucket.json'));
  assert.equal(bucket!.record.resource_id, 'arn:aws:s3:::custodian-create-bucket-v4');
  assert.deepEqual([bucket!.record.account, bucket!.record.region], ['619193117841', 'us-west-2']);
  const failed = events('custodian', 'event-cloud-trail-create-bucket.json').map((e) => ({ ...e, error_code: 'AccessDenied' }));
  assert.deepEqual(resourcesNamedByEvents(failed), []);
});

const ref = (record: Partial<ResourceReference['record']> = {}, knowsConfiguration = false): ResourceReference => ({
  record: {
    resource_id: 'arn:aws:s3:::b',
    resource_type: 'aws_s3_bucket',
    name: 'b',
    cloud_provider: 'aws',
    account: '',
    region: 'eu-west-1',
    tags: ['team:a'],
    configuration: {},
    observed_at: 2_000,
    ...record,
  },
  knowsConfiguration,
  first_seen_at: 1_000,
});

const stored = (source: string | null, r: ResourceReference['record'], extra: Partial<StoredResource> = {}): StoredResource => ({
  ...r,
  content_hash: resourceContentHash(r),
  version: 3,
  first_seen_at: 500,
  deleted_at: null,
  auto_team_tag: null,
  iac_repo: null,
  iac_path: null,
  source,
  ...extra,
});

test('precedence: an unknown resource is created; a richer or deleted record is never written over', () => {
  const first = referenceWrite(undefined, ref(), 'import:cloudtrail')!;
  assert.deepEqual([first.version, first.first_seen_at, first.source], [1, 1_000, 'import:cloudtrail']);
  const terraform = ref({ tags: [], configuration: { name: 'b', versioning: { status: 'Enabled' } }, account: '1' }).record;
  for (const source of ['import:terraform-state', 'import:aws-config', 'import:resources', 'api', null]) {
    assert.equal(referenceWrite(stored(source, terraform), ref(), 'import:datadog-findings'), null, String(source));
    assert.equal(referenceWrite(stored(source, terraform), ref(), 'import:cloudtrail'), null, String(source));
  }
  assert.equal(
    referenceWrite(stored('import:datadog-findings', ref().record, { deleted_at: 9 }), ref({ tags: ['x:y'] }), 'import:datadog-findings'),
    null,
  );
  // A finding's record is richer than CloudTrail's: CloudTrail leaves it.
  assert.equal(referenceWrite(stored('import:datadog-findings', ref().record), ref({ tags: [] }), 'import:cloudtrail'), null);
  // CloudTrail never versions its own records.
  assert.equal(
    referenceWrite(stored('import:cloudtrail', ref({ tags: [] }).record), ref({ region: 'us-east-1', tags: [] }), 'import:cloudtrail'),
    null,
  );
});

test("precedence: a finding revises its own record and CloudTrail's, keeping what it does not know", () => {
  const trail = ref({ tags: [], account: '619193117841', region: 'us-west-2' }).record;
  const over = referenceWrite(stored('import:cloudtrail', trail), ref({ region: '' }), 'import:datadog-findings')!;
  assert.deepEqual(
    [over.version, over.source, over.first_seen_at, over.record.account, over.record.region, over.record.tags],
    [4, 'import:datadog-findings', 500, '619193117841', 'us-west-2', ['team:a']],
  );
  const configured = ref({ configuration: { name: 'b' } }, true).record;
  const prev = stored('import:datadog-findings', configured);
  assert.equal(referenceWrite(prev, ref({ configuration: { name: 'b' } }, true), 'import:datadog-findings'), null, 'the same: no version');
  assert.equal(referenceWrite(prev, ref(), 'import:datadog-findings'), null, 'a list answer keeps the configuration a detail gave');
  const retagged = referenceWrite(prev, ref({ tags: ['team:b'] }), 'import:datadog-findings')!;
  assert.deepEqual([retagged.version, retagged.record.tags, retagged.record.configuration], [4, ['team:b'], { name: 'b' }]);
});
