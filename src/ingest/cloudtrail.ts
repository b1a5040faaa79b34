// CloudTrail records -> AuditEvents. Accepts a log file `{"Records":[...]}`, a JSON array of records, one record,
// or an EventBridge event with the record under `detail`. Reading files, gunzip and folders are the caller's job;
// cloudtrail-stream.ts reads a large `{"Records":[...]}` document from text chunks one record at a time.
import { createHash } from 'node:crypto';
import { RecordError } from '../posture/resource.js';
import { isRecord, str } from '../json-values.js';
import { isOnTheCalendar } from '../calendar-time.js';
import { resolvePrincipal } from './cloudtrail-principal.js';
import { resourcesOfCall } from './cloudtrail-resources.js';
import type { AuditEvent } from '../ownership/signals.js';
import { INPUT_LIMITS, findFieldProblem, instantReason, type LimitedField } from '../input-limits.js';
import { readRecord, type OnInvalid } from './invalid-records.js';

export type CloudTrailRecord = Record<string, unknown>;

export interface PlacedRecord {
  record: CloudTrailRecord;
  /** Where the record sits, for errors: `file Records[12]`, `file detail`. */
  place: string;
}

function isCloudTrailRecord(value: Record<string, unknown>): boolean {
  return typeof value.eventName === 'string' || typeof value.eventSource === 'string';
}

function isEventBridgeEnvelope(value: Record<string, unknown>): boolean {
  // "AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", ...
  return isRecord(value.detail) && typeof value['detail-type'] === 'string' && value['detail-type'].endsWith('via CloudTrail');
}

/** AWS Config rule invocations arrive through the same channels; they carry no CloudTrail record. */
function isConfigRuleEvent(value: Record<string, unknown>): boolean {
  return typeof value.configRuleName === 'string' && value.invokingEvent !== undefined;
}

function* unwrap(value: unknown, place: string): Iterable<PlacedRecord> {
  if (!isRecord(value)) throw new RecordError(place, undefined, 'not a CloudTrail record (expected an object)');
  if (isEventBridgeEnvelope(value)) {
    yield { record: value.detail as CloudTrailRecord, place: `${place} detail` };
  } else if (isCloudTrailRecord(value)) {
    yield { record: value, place };
  } else if (!isConfigRuleEvent(value)) {
    throw new RecordError(place, undefined, 'not a CloudTrail record, log file or EventBridge CloudTrail event');
  }
}

/** An element of a list (`read` gives it) as records; with `onInvalid`, one that is none is handed over and left out. */
export function elementRecords(read: () => unknown, place: string, onInvalid: OnInvalid | undefined): PlacedRecord[] {
  return readRecord(() => [...unwrap(read(), place)], onInvalid) ?? [];
}

/** Every record of a parsed document, with its place; with `onInvalid` an element of a list that is no record is left out. */
export function* placedRecordsOf(value: unknown, place: string, onInvalid?: OnInvalid): Iterable<PlacedRecord> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) yield* elementRecords(() => value[i], `${place} [${i}]`, onInvalid);
    return;
  }
  if (isRecord(value) && 'Records' in value) {
    const records = value.Records;
    if (!Array.isArray(records)) throw new RecordError(place, 'Records', 'must be an array');
    for (let i = 0; i < records.length; i += 1) yield* elementRecords(() => records[i], `${place} Records[${i}]`, onInvalid);
    return;
  }
  yield* unwrap(value, place);
}

/** Every record of a parsed document: log file, array, single record or EventBridge event. */
export function* recordsOf(value: unknown, place: string, onInvalid?: OnInvalid): Iterable<CloudTrailRecord> {
  for (const placed of placedRecordsOf(value, place, onInvalid)) yield placed.record;
}

/** A stable id for records that lack `eventID` (trimmed test data), so re-imports stay idempotent. */
function derivedEventId(record: CloudTrailRecord): string {
  return `derived-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`;
}

/** The top-level fields CloudTrail writes as text: any other type given for one is a malformed record, not a missing field. */
const TEXT_FIELDS = [
  'eventID',
  'eventName',
  'eventSource',
  'eventTime',
  'recipientAccountId',
  'awsRegion',
  'userAgent',
  'sourceIPAddress',
  'errorCode',
];

function checkTextFields(record: CloudTrailRecord, place: string): void {
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null && typeof value !== 'string')
      throw new RecordError(place, field, `must be a string, not ${typeof value}`);
  }
}

export function toAuditEvent(record: CloudTrailRecord, place: string): AuditEvent {
  checkTextFields(record, place);
  const eventName = str(record.eventName);
  if (!eventName) throw new RecordError(place, 'eventName', 'is required');
  const eventSource = str(record.eventSource);
  if (!eventSource) throw new RecordError(place, 'eventSource', 'is required');
  const timeText = str(record.eventTime);
  if (!timeText) throw new RecordError(place, 'eventTime', 'is required: the time orders who last changed a resource');
  const eventTime = isOnTheCalendar(timeText) ? Date.parse(timeText) : NaN;
  if (Number.isNaN(eventTime)) throw new RecordError(place, 'eventTime', `not a timestamp: ${JSON.stringify(timeText)}`);
  const outOfRange = instantReason(eventTime);
  if (outOfRange) throw new RecordError(place, 'eventTime', outOfRange);

  const identity = isRecord(record.userIdentity) ? record.userIdentity : undefined;
  const issuer =
    isRecord(identity?.sessionContext) && isRecord(identity.sessionContext.sessionIssuer) ? identity.sessionContext.sessionIssuer : undefined;
  const account = str(record.recipientAccountId) ?? str(identity?.accountId) ?? str(issuer?.accountId) ?? '';
  const region = str(record.awsRegion) ?? '';
  const userAgent = str(record.userAgent);
  const sourceIp = str(record.sourceIPAddress);
  const errorCode = str(record.errorCode);
  const resources = errorCode ? [] : resourcesOfCall(record, { account, region });

  const event: AuditEvent = {
    event_id: str(record.eventID) ?? derivedEventId(record),
    event_time: eventTime,
    event_source: eventSource,
    event_name: eventName,
    account,
    region,
    principal: resolvePrincipal(record.userIdentity, { userAgent, account: account || undefined }),
    resource_ids: resources.map((r) => r.id),
    resources,
  };
  if (userAgent) event.user_agent = userAgent;
  if (sourceIp) event.source_ip = sourceIp;
  if (errorCode) event.error_code = errorCode;
  return checkEventLimits(event, place);
}

/** Ids an index holds, and text the store can keep in every field the event keeps from its record. */
function checkEventLimits(event: AuditEvent, place: string): AuditEvent {
  const limited: LimitedField[] = [
    ['eventID', event.event_id, INPUT_LIMITS.idBytes],
    ['eventName', event.event_name, INPUT_LIMITS.typeBytes],
    ['eventSource', event.event_source, INPUT_LIMITS.typeBytes],
    ...event.resource_ids.map((id): LimitedField => ['resources', id, INPUT_LIMITS.idBytes]),
  ];
  const problem = findFieldProblem(limited, event);
  if (problem) throw new RecordError(place, problem.field, problem.reason);
  return event;
}
