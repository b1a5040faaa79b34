import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { placedRecordsOf, recordsOf, toAuditEvent, type CloudTrailRecord } from '../../src/ingest/cloudtrail.js';
import { OUTSIDE_TEXT_LIMIT, RECORD_TEXT_LIMIT, streamCloudTrailRecords } from '../../src/ingest/cloudtrail-stream.js';
import { baseEventName } from '../../src/ingest/cloudtrail-resources.js';
import { RecordError } from '../../src/posture/resource.js';

function readFixture(...parts: string[]): unknown {
  return JSON.parse(readFileSync(fixturePath('cloudtrail', ...parts), 'utf8'));
}

function fixtureEvent(file: string, eventName: string) {
  const dir = file.startsWith('aws.') ? 'stratus-red-team' : 'custodian';
  const record = [...recordsOf(readFixture(dir, file), file)].find((r) => r.eventName === eventName);
  assert.ok(record, `${file} has ${eventName}`);
  return toAuditEvent(record, file);
}

/** A small realistic record for calls the fixtures lack. */
function call(
  eventSource: string,
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = null,
  extra: Record<string, unknown> = {},
): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
    eventTime: '2024-05-01T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters,
    responseElements,
    eventID: `id-${eventName}`,
    recipientAccountId: '111122223333',
    ...extra,
  };
}

const changes = (record: CloudTrailRecord) => toAuditEvent(record, 'test').resources.map((r) => [r.id, r.resource_type, r.action]);

test('shapes: log file, array, single record, EventBridge envelope; Config rule events carry none', () => {
  const record = call('s3.amazonaws.com', 'CreateBucket', { bucketName: 'b' });
  assert.equal([...recordsOf({ Records: [record, record] }, 'f')].length, 2);
  assert.equal([...recordsOf([record], 'f')].length, 1);
  assert.deepEqual([...recordsOf(record, 'f')], [record]);
  const envelope = readFixture('custodian', 'event-cloud-trail-s3.json');
  const [placed] = [...placedRecordsOf(envelope, 'env.json')];
  assert.equal(placed.record.eventName, 'CreateBucket');
  assert.equal(placed.place, 'env.json detail');
  assert.equal([...recordsOf(readFixture('custodian', 'event-config-rule-instance.json'), 'cfg')].length, 0);
  assert.throws(
    () => [...recordsOf({ hello: 1 }, 'x.json')],
    (e: unknown) => e instanceof RecordError && e.place === 'x.json',
  );
  assert.throws(
    () => [...recordsOf({ Records: [record, 7] }, 'x.json')],
    (e: unknown) => e instanceof RecordError && e.place === 'x.json Records[1]',
  );
});

test('AuditEvent fields from a real record (Custodian RunInstances by c7nbot)', () => {
  const event = fixtureEvent('event-cloud-trail-run-instance-creator.json', 'RunInstances');
  assert.equal(event.event_source, 'ec2.amazonaws.com');
  assert.equal(event.event_time, Date.UTC(2016, 6, 24, 10, 57, 13));
  assert.equal(event.account, '644160558196');
  assert.equal(event.region, 'us-east-1');
  assert.deepEqual(event.resource_ids, ['arn:aws:ec2:us-east-1:644160558196:instance/i-0f7c711dc84bedda0']);
  assert.equal(event.user_agent, 'signin.amazonaws.com');
  assert.ok(event.event_id.length > 0);
});

test('every CloudTrail fixture file parses; each record becomes an event or a RecordError naming its field', () => {
  let events = 0;
  for (const dir of ['custodian', 'stratus-red-team']) {
    for (const file of readdirSync(fixturePath('cloudtrail', dir))) {
      for (const { record, place } of placedRecordsOf(readFixture(dir, file), file)) {
        try {
          const event = toAuditEvent(record, place);
          assert.ok(event.event_name && event.event_source && Number.isFinite(event.event_time));
          events += 1;
        } catch (error) {
          // Custodian's trimmed Bedrock record has no eventTime: the only record the fixtures hold without one.
          assert.ok(error instanceof RecordError, `${place}: ${error}`);
          assert.equal(error.field, 'eventTime');
          assert.equal(file, 'event-cloud-trail-bedrock-create-customization-jobs.json');
        }
      }
    }
  }
  assert.ok(events > 300, `${events} events`);
});

test('dated API names reduce to the plain name', () => {
  assert.equal(baseEventName('CreateFunction20150331'), 'CreateFunction');
  assert.equal(baseEventName('UpdateFunctionCode20150331v2'), 'UpdateFunctionCode');
  assert.equal(baseEventName('CreateDistribution2020_05_31'), 'CreateDistribution');
  assert.equal(baseEventName('RunInstances'), 'RunInstances');
});

test('S3: CreateBucket creates, any PutBucketXxx changes', () => {
  assert.deepEqual(fixtureEvent('event-cloud-trail-create-bucket.json', 'CreateBucket').resources, [
    { id: 'arn:aws:s3:::custodian-create-bucket-v4', resource_type: 'aws_s3_bucket', action: 'created' },
  ]);
  for (const name of ['PutBucketPolicy', 'PutBucketAcl', 'PutBucketPublicAccessBlock', 'PutBucketEncryption']) {
    assert.deepEqual(changes(call('s3.amazonaws.com', name, { bucketName: 'logs-bucket', Host: 'logs-bucket.s3.amazonaws.com' })), [
      ['arn:aws:s3:::logs-bucket', 'aws_s3_bucket', 'changed'],
    ]);
  }
  assert.deepEqual(changes(call('s3.amazonaws.com', 'GetBucketPolicy', { bucketName: 'logs-bucket' })), []);
});

test('EC2: RunInstances (every instance), CreateVolume, CreateSecurityGroup, Authorize ingress/egress', () => {
  const [asg] = [...recordsOf(readFixture('custodian', 'event-cloud-trail-run-instances.json'), 'f')];
  assert.deepEqual(changes(asg), [
    ['arn:aws:ec2:us-west-1:619193117841:instance/i-784cdacd', 'aws_ec2_instance', 'created'],
    ['arn:aws:ec2:us-west-1:619193117841:instance/i-7b4cdace', 'aws_ec2_instance', 'created'],
  ]);
  assert.deepEqual(fixtureEvent('event-cloud-trail-create-volume.json', 'CreateVolume').resources, [
    { id: 'arn:aws:ec2:us-east-1:101010101111:volume/vol-97c02b3e', resource_type: 'aws_ebs_volume', action: 'created' },
  ]);
  assert.deepEqual(
    changes(
      call(
        'ec2.amazonaws.com',
        'CreateSecurityGroup',
        { groupName: 'web', groupDescription: 'web', vpcId: 'vpc-1' },
        { requestId: 'r', _return: true, groupId: 'sg-0abc1234def567890' },
      ),
    ),
    [['arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc1234def567890', 'aws_security_group', 'created']],
  );
  assert.deepEqual(fixtureEvent('aws.exfiltration.ec2-security-group-open-port-22-ingress.json', 'AuthorizeSecurityGroupIngress').resource_ids, [
    'arn:aws:ec2:us-northeast-1r:032092706103:security-group/sg-003dc7f1f1c686164',
  ]);
  assert.deepEqual(changes(call('ec2.amazonaws.com', 'AuthorizeSecurityGroupEgress', { groupId: 'sg-0e1', ipPermissions: { items: [] } })), [
    ['arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0e1', 'aws_security_group', 'changed'],
  ]);
});

test('RDS: CreateDBInstance (built from the identifier) and CreateDBCluster (ARN from the response)', () => {
  assert.deepEqual(fixtureEvent('event-cloud-trail-create-db.json', 'CreateDBInstance').resources, [
    { id: 'arn:aws:rds:us-east-1:101010101111:db:onenessdb', resource_type: 'aws_rds_instance', action: 'created' },
  ]);
  assert.deepEqual(
    changes(
      call(
        'rds.amazonaws.com',
        'CreateDBCluster',
        { dBClusterIdentifier: 'Orders', engine: 'aurora-postgresql' },
        {
          dBClusterIdentifier: 'orders',
          dBClusterArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:orders',
        },
      ),
    ),
    [['arn:aws:rds:eu-west-1:111122223333:cluster:orders', 'aws_rds_cluster', 'created']],
  );
  assert.deepEqual(changes(call('rds.amazonaws.com', 'CreateDBCluster', { dBClusterIdentifier: 'Orders' })), [
    ['arn:aws:rds:eu-west-1:111122223333:cluster:orders', 'aws_rds_cluster', 'created'],
  ]);
});

test('IAM: CreateRole, CreateUser, CreatePolicy and their attach/put calls', () => {
  assert.deepEqual(fixtureEvent('aws.persistence.iam-create-backdoor-role.json', 'CreateRole').resources, [
    { id: 'arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role', resource_type: 'aws_iam_role', action: 'created' },
  ]);
  // Without a response, the path still goes into the ARN.
  assert.deepEqual(changes(call('iam.amazonaws.com', 'CreateRole', { roleName: 'lambda-exec', path: '/service-role/' })), [
    ['arn:aws:iam::111122223333:role/service-role/lambda-exec', 'aws_iam_role', 'created'],
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.iam-create-admin-user.json', 'CreateUser').resource_ids, [
    'arn:aws:iam::229654561268:user/malicious-iam-user',
  ]);
  assert.deepEqual(
    changes(
      call(
        'iam.amazonaws.com',
        'CreatePolicy',
        { policyName: 'read-logs', policyDocument: '{}' },
        {
          policy: { policyName: 'read-logs', arn: 'arn:aws:iam::111122223333:policy/read-logs', path: '/' },
        },
      ),
    ),
    [['arn:aws:iam::111122223333:policy/read-logs', 'aws_iam_policy', 'created']],
  );

  assert.deepEqual(fixtureEvent('aws.persistence.iam-create-backdoor-role.json', 'AttachRolePolicy').resource_ids, [
    'arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role',
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.iam-backdoor-role.json', 'UpdateAssumeRolePolicy').resource_ids, [
    'arn:aws:iam::751203476945:role/stratus-red-team-backdoor-r-role',
  ]);
  assert.deepEqual(changes(call('iam.amazonaws.com', 'PutRolePolicy', { roleName: 'app', policyName: 'inline', policyDocument: '{}' })), [
    ['arn:aws:iam::111122223333:role/app', 'aws_iam_role', 'changed'],
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.iam-create-admin-user.json', 'AttachUserPolicy').resource_ids, [
    'arn:aws:iam::229654561268:user/malicious-iam-user',
  ]);
  assert.deepEqual(changes(call('iam.amazonaws.com', 'PutUserPolicy', { userName: 'bob', policyName: 'p', policyDocument: '{}' })), [
    ['arn:aws:iam::111122223333:user/bob', 'aws_iam_user', 'changed'],
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.iam-create-user-login-profile.json', 'CreateLoginProfile').resource_ids, [
    'arn:aws:iam::070411556318:user/stratus-red-team-login-profile-user',
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.iam-backdoor-user.json', 'CreateAccessKey').resource_ids, [
    'arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user',
  ]);
  // CreateAccessKey without userName: the caller's own key.
  assert.deepEqual(changes(call('iam.amazonaws.com', 'CreateAccessKey', null)), [
    ['arn:aws:iam::111122223333:user/alice', 'aws_iam_user', 'changed'],
  ]);
  assert.deepEqual(
    changes(call('iam.amazonaws.com', 'CreatePolicyVersion', { policyArn: 'arn:aws:iam::111122223333:policy/read-logs', setAsDefault: true })),
    [['arn:aws:iam::111122223333:policy/read-logs', 'aws_iam_policy', 'changed']],
  );
});

test('Lambda: CreateFunction20150331 and the dated update calls, without version qualifiers', () => {
  assert.deepEqual(
    changes(
      call(
        'lambda.amazonaws.com',
        'CreateFunction20150331',
        { functionName: 'resize', runtime: 'python3.12' },
        {
          functionName: 'resize',
          functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:resize',
        },
      ),
    ),
    [['arn:aws:lambda:eu-west-1:111122223333:function:resize', 'aws_lambda_function', 'created']],
  );
  assert.deepEqual(changes(call('lambda.amazonaws.com', 'CreateFunction20150331', { functionName: 'thumbs' })), [
    ['arn:aws:lambda:eu-west-1:111122223333:function:thumbs', 'aws_lambda_function', 'created'],
  ]);
  // The response's functionArn carries `:1` (the published version): dropped.
  assert.deepEqual(fixtureEvent('aws.persistence.lambda-overwrite-code.json', 'UpdateFunctionCode20150331v2').resources, [
    {
      id: 'arn:aws:lambda:ap-westeast-2r:266106314375:function:stratus-red-team-olc-func-vayhjqkdav',
      resource_type: 'aws_lambda_function',
      action: 'changed',
    },
  ]);
  assert.deepEqual(fixtureEvent('aws.persistence.lambda-backdoor-function.json', 'AddPermission20150331v2').resource_ids, [
    'arn:aws:lambda:ca-centralnorth-1r:880896431042:function:stratus-red-team-backdoor-f-func',
  ]);
});

test('KMS CreateKey, CloudFront CreateDistribution (dated and plain), ECR CreateRepository, DynamoDB CreateTable', () => {
  assert.deepEqual(
    changes(
      call(
        'kms.amazonaws.com',
        'CreateKey',
        { keySpec: 'SYMMETRIC_DEFAULT' },
        {
          keyMetadata: {
            keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
            arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        },
      ),
    ),
    [['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'aws_kms_key', 'created']],
  );
  assert.deepEqual(fixtureEvent('event-cloud-trail-create-distribution.json', 'CreateDistribution').resources, [
    { id: 'arn:aws:cloudfront::012345678912:distribution/E53370FUHBNLK', resource_type: 'aws_cloudfront_distribution', action: 'created' },
  ]);
  assert.deepEqual(
    changes(call('cloudfront.amazonaws.com', 'CreateDistribution2020_05_31', { distributionConfig: {} }, { distribution: { id: 'E2QWRUHEXAMPLE' } })),
    [['arn:aws:cloudfront::111122223333:distribution/E2QWRUHEXAMPLE', 'aws_cloudfront_distribution', 'created']],
  );
  assert.deepEqual(fixtureEvent('event-cloud-trail-tag-distribution.json', 'TagResource').resources, [
    { id: 'arn:aws:cloudfront::351936369470:distribution/E53370FUHBNLK', resource_type: 'aws_cloudfront_distribution', action: 'changed' },
  ]);
  assert.deepEqual(
    changes(
      call(
        'ecr.amazonaws.com',
        'CreateRepository',
        { repositoryName: 'team/api' },
        {
          repository: { repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/api', repositoryName: 'team/api' },
        },
      ),
    ),
    [['arn:aws:ecr:eu-west-1:111122223333:repository/team/api', 'aws_ecr_repository', 'created']],
  );
  assert.deepEqual(
    changes(
      call(
        'dynamodb.amazonaws.com',
        'CreateTable',
        { tableName: 'orders' },
        {
          tableDescription: { tableName: 'orders', tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders' },
        },
      ),
    ),
    [['arn:aws:dynamodb:eu-west-1:111122223333:table/orders', 'aws_dynamodb_table', 'created']],
  );
  assert.deepEqual(changes(call('dynamodb.amazonaws.com', 'CreateTable', { tableName: 'orders' })), [
    ['arn:aws:dynamodb:eu-west-1:111122223333:table/orders', 'aws_dynamodb_table', 'created'],
  ]);
});

test('partition follows the region; failed calls change nothing; read calls name nothing', () => {
  assert.deepEqual(changes(call('dynamodb.amazonaws.com', 'CreateTable', { tableName: 't' }, null, { awsRegion: 'cn-north-1' })), [
    ['arn:aws-cn:dynamodb:cn-north-1:111122223333:table/t', 'aws_dynamodb_table', 'created'],
  ]);
  const denied = toAuditEvent(call('iam.amazonaws.com', 'CreateRole', { roleName: 'x' }, null, { errorCode: 'AccessDenied' }), 'denied');
  assert.equal(denied.error_code, 'AccessDenied');
  assert.deepEqual(denied.resource_ids, []);
  assert.deepEqual(changes(call('ec2.amazonaws.com', 'DescribeInstances', {})), []);
});

test('missing fields are RecordErrors naming the field', () => {
  const noName = call('s3.amazonaws.com', 'CreateBucket', {});
  delete noName.eventName;
  assert.throws(
    () => toAuditEvent(noName, 'f Records[3]'),
    (e: unknown) => e instanceof RecordError && e.place === 'f Records[3]' && e.field === 'eventName',
  );
  assert.throws(
    () => toAuditEvent(call('s3.amazonaws.com', 'CreateBucket', {}, null, { eventTime: 'yesterday' }), 'f'),
    (e: unknown) => e instanceof RecordError && e.field === 'eventTime',
  );
});

test('a time not on the calendar, or a text field of another type, is a RecordError naming the field', () => {
  // Date.parse reads 2024-02-30 as 2024-03-01 and 24:00 as the next day: who changed a resource last would be misjudged.
  for (const eventTime of ['2024-02-30T10:00:00Z', '2023-02-29T10:00:00Z', '2024-05-01T24:00:00Z']) {
    assert.throws(
      () => toAuditEvent(call('s3.amazonaws.com', 'CreateBucket', {}, null, { eventTime }), 'f'),
      (e: unknown) => e instanceof RecordError && e.field === 'eventTime' && /not a timestamp/.test(e.message),
      eventTime,
    );
  }
  for (const [field, value] of [
    ['eventID', 5],
    ['recipientAccountId', 123456789012],
    ['awsRegion', ['us-east-1']],
    ['eventName', { name: 'CreateBucket' }],
  ] as const) {
    assert.throws(
      () => toAuditEvent(call('s3.amazonaws.com', 'CreateBucket', {}, null, { [field]: value }), 'f Records[0]'),
      (e: unknown) => e instanceof RecordError && e.field === field && /must be a string/.test(e.message),
      field,
    );
  }
  // null stands for absent, as CloudTrail writes it.
  assert.equal(toAuditEvent(call('s3.amazonaws.com', 'CreateBucket', {}, null, { errorCode: null }), 'f').error_code, undefined);
});

async function* chunked(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

test('streaming: a 100,000-record log file yields every record, in order, from small chunks', async () => {
  const count = 100_000;
  // Strings with braces, brackets, escaped quotes and a "Records" look-alike must not confuse the scanner.
  const parts = ['{"eventVersion":"1.09","note":"not \\"Records\\": [here]","Records":['];
  for (let i = 0; i < count; i += 1) {
    parts.push(
      `${i ? ',' : ''}{"eventID":"e${i}","eventName":"PutBucketAcl","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"bucketName":"b{${i}}","acl":["x]"]}}`,
    );
  }
  parts.push('],"trailer":{"Records":"no"}}');
  let seen = 0;
  for await (const { record, place } of streamCloudTrailRecords(chunked(parts.join(''), 4093), 'big.json')) {
    assert.equal(record.eventID, `e${seen}`);
    if (seen === 99_999) assert.equal(place, 'big.json Records[99999]');
    seen += 1;
  }
  assert.equal(seen, count);
});

test('streaming: byte chunks split inside multi-byte characters, a top-level array, and errors', async () => {
  const record = {
    eventID: 'é✓',
    eventName: 'CreateBucket',
    eventSource: 's3.amazonaws.com',
    eventTime: '2024-01-01T00:00:00Z',
    requestParameters: { bucketName: 'naïve' },
  };
  const bytes = new TextEncoder().encode(JSON.stringify({ Records: [record, record] }));
  const byteChunks = Array.from({ length: bytes.length }, (_, i) => bytes.slice(i, i + 1));
  const streamed = [];
  for await (const placed of streamCloudTrailRecords(byteChunks, 'b')) streamed.push(placed.record);
  assert.deepEqual(streamed, [record, record]);

  const fromArray = [];
  for await (const placed of streamCloudTrailRecords([JSON.stringify([record])], 'a')) fromArray.push(placed.record);
  assert.deepEqual(fromArray, [record]);

  const drain = async (text: string) => {
    for await (const _ of streamCloudTrailRecords([text], 'bad.json')) void _;
  };
  await assert.rejects(drain('{"Records":[{"eventName":"A"'), (e: unknown) => e instanceof RecordError && /truncated/.test(e.reason));
  await assert.rejects(drain('{"eventName":"CreateBucket"}'), (e: unknown) => e instanceof RecordError && /no Records array/.test(e.reason));
  await assert.rejects(
    drain('{"Records":[{"eventName":"A"},{"b":}]}'),
    (e: unknown) => e instanceof RecordError && e.place === 'bad.json Records[1]',
  );
});

test('streaming: a log document that is not valid JSON as a whole is refused, whatever follows its records array', async () => {
  const records = (
    JSON.parse(readFileSync(fixturePath('cloudtrail', 'stratus-red-team', 'aws.credential-access.ec2-get-password-data.json'), 'utf8')) as unknown[]
  )
    .slice(0, 4)
    .map((r) => JSON.stringify(r));
  const [r0, r1, r2, r3] = records;
  const outcome = async (text: string) => {
    const ids: unknown[] = [];
    try {
      for await (const { record } of streamCloudTrailRecords(chunked(text, 97), 'log.json')) ids.push(record.eventID);
    } catch (error) {
      if (error instanceof RecordError) return error.message;
      throw error;
    }
    return ids.length;
  };
  assert.equal(await outcome(`{"Records":[${r0},${r1}]}`), 2);
  assert.equal(await outcome(`{"a":{"Records":[1]}, "Records":[${r0},${r1}] , "b":[{"c":"]"}]}\n`), 2, 'keys beside the array');
  assert.equal(
    await outcome(`{"Records":[${r0},${r1}]}\n{"Records":[${r2},${r3}]}`),
    `log.json: not valid JSON: text after the document (at position ${r0.length + r1.length + 16})`,
    'two log files concatenated',
  );
  assert.match(String(await outcome(`[${r0}][${r1},${r2}]`)), /^log\.json: not valid JSON: text after the document \(at position \d+\)$/);
  assert.equal(
    await outcome(`{"Records":[], "Records":[${r0},${r1},${r2}]}`),
    'log.json, field Records: a second "Records" key (at position 24)',
    'a duplicate key',
  );
  assert.match(String(await outcome(`{"Records":[${r0}]} this is not json`)), /^log\.json: not valid JSON: text after the document/);
  assert.match(String(await outcome(`{"Records":[${r0}], "x": nope, }`)), /^log\.json: not valid JSON/);
  const trailingComma = `{"Records":[${r0}], "x": 1, }`;
  assert.equal(
    await outcome(trailingComma),
    `log.json: not valid JSON (at position ${trailingComma.length - 1}): Expected double-quoted property name`,
    'the position is in the document, records and all',
  );
  assert.match(String(await outcome(`{"Records":[,${r0}]}`)), /field Records: an extra comma \(at position 12\)/);
  assert.match(String(await outcome(`{"Records":[${r0},,${r1}]}`)), /field Records: an extra comma/);
  assert.match(String(await outcome(`{"Records":[${r0},]}`)), /field Records: a comma before the end of the array/);
  assert.match(String(await outcome(`{"Records":[${r0} ${r1}]}`)), /field Records: a comma or the end of the array expected/);
  assert.match(String(await outcome(`{"Records":[${r0}]`)), /truncated/);
});

test('streaming: bytes that are not UTF-8 are refused with their place, a byte order mark is dropped', async () => {
  const text = '{"Records":[{"eventName":"CreateBucket","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"caf';
  const drain = async (chunks: Uint8Array[]) => {
    let count = 0;
    for await (const _ of streamCloudTrailRecords(chunks, 'log.json')) count += 1;
    return count;
  };
  await assert.rejects(
    drain([Buffer.from(text), Buffer.from([0xe9]), Buffer.from('-bucket"}}]}')]),
    (e: unknown) => e instanceof RecordError && e.message === `log.json line 1: not valid UTF-8 (at byte offset ${text.length})`,
  );
  assert.equal(await drain([Buffer.from('\uFEFF' + text + 'é-bucket"}}]}')]), 1);
});

test('streaming: a record longer than a CloudTrail record can be is refused by its place, counted rather than held', async () => {
  const small = (id: string) => JSON.stringify({ eventID: id, eventName: 'CreateBucket', eventSource: 's3.amazonaws.com' });
  const huge = `{"eventID":"huge","requestParameters":{"blob":"${'a'.repeat(RECORD_TEXT_LIMIT)}"}}`;
  const text = `{"Records":[${small('first')},${huge},${small('last')}]}`;
  await assert.rejects(
    (async () => {
      for await (const _ of streamCloudTrailRecords(chunked(text, 65536), 'big.json')) void _;
    })(),
    (e: unknown) =>
      e instanceof RecordError &&
      e.message === `big.json Records[1]: is ${huge.length} characters long: a CloudTrail record is at most 1 MB (read up to ${RECORD_TEXT_LIMIT})`,
  );
  const reported: string[] = [];
  const ids: unknown[] = [];
  for await (const { record } of streamCloudTrailRecords(chunked(text, 65536), 'big.json', (e) => reported.push(e.place))) ids.push(record.eventID);
  assert.deepEqual(ids, ['first', 'last']);
  assert.deepEqual(reported, ['big.json Records[1]']);
  // One chunk holding the whole record is counted the same.
  await assert.rejects(
    (async () => {
      for await (const _ of streamCloudTrailRecords([text], 'one.json')) void _;
    })(),
    (e: unknown) => e instanceof RecordError && e.place === 'one.json Records[1]',
  );
});

test('streaming: more text beside the records array than a log holds is refused before it is all read', async () => {
  const text = `{"padding":"${'p'.repeat(4 * OUTSIDE_TEXT_LIMIT)}","Records":[]}`;
  let chunksRead = 0;
  async function* counted() {
    for await (const chunk of chunked(text, 65536)) {
      chunksRead += 1;
      yield chunk;
    }
  }
  await assert.rejects(
    (async () => {
      for await (const _ of streamCloudTrailRecords(counted(), 'padded.json')) void _;
    })(),
    (e: unknown) =>
      e instanceof RecordError &&
      e.field === 'Records' &&
      e.reason.startsWith(`more than ${OUTSIDE_TEXT_LIMIT} characters beside the records array: not a CloudTrail log (at position `),
  );
  assert.ok(chunksRead <= OUTSIDE_TEXT_LIMIT / 65536 + 2, `read ${chunksRead} chunks of 64 KiB`);
});
