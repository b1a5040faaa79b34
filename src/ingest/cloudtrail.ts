// CloudTrail records -> AuditEvents. Accepts a log file `{"Records":[...]}`, a JSON array of records, one record,
// or an EventBridge event with the record under `detail`. Reading files, gunzip and folders are the caller's job;
// `streamCloudTrailRecords` reads a large `{"Records":[...]}` document from text chunks one record at a time.
import { createHash } from 'node:crypto';
import { RecordError } from '../posture/resource.js';
import { isRecord, str } from '../json-values.js';
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
function elementRecords(read: () => unknown, place: string, onInvalid: OnInvalid | undefined): PlacedRecord[] {
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

export function toAuditEvent(record: CloudTrailRecord, place: string): AuditEvent {
  const eventName = str(record.eventName);
  if (!eventName) throw new RecordError(place, 'eventName', 'is required');
  const eventSource = str(record.eventSource);
  if (!eventSource) throw new RecordError(place, 'eventSource', 'is required');
  const timeText = str(record.eventTime);
  if (!timeText) throw new RecordError(place, 'eventTime', 'is required: the time orders who last changed a resource');
  const eventTime = Date.parse(timeText);
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

/**
 * Records of a `{"Records":[...]}` document (or a top-level JSON array of records) from its text in chunks,
 * one at a time: memory holds one record's text, never the file. A small scanner tracks strings, escapes and
 * nesting depth to find where each element of the records array starts and ends, then parses that element.
 */
export async function* streamCloudTrailRecords(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  place: string,
  onInvalid?: OnInvalid,
): AsyncGenerator<PlacedRecord> {
  const decoder = new TextDecoder('utf-8');
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Depth inside the records array, where its elements start; 0 until the array is found. */
  let arrayDepth = 0;
  let arrayClosed = false;
  let started = false;
  // Top-level key tracking, to find "Records" among the document's keys.
  let expectKey = false;
  let keyText: string | undefined;
  let lastKey: string | undefined;
  let valueFor: string | undefined;
  // The element being captured: finished pieces of earlier chunks, and where it starts in this one.
  let pieces: string[] = [];
  let capturing = false;
  let index = 0;

  const fail = (reason: string) => new RecordError(place, 'Records', reason);

  for await (const chunk of chunks) {
    const s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let captureFrom = 0;
    for (let i = 0; i < s.length; i += 1) {
      const c = s[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') {
          inString = false;
          if (keyText !== undefined) {
            lastKey = keyText;
            keyText = undefined;
          }
        } else if (keyText !== undefined && keyText.length < 64) keyText += c;
        continue;
      }
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
      if (!started) {
        started = true;
        if (c === '[') {
          depth = 1;
          arrayDepth = 1;
          continue;
        }
        if (c !== '{') throw fail('not a CloudTrail log document: expected {"Records":[...]} or an array of records');
      }
      if (c === '"') {
        inString = true;
        if (depth === 1 && expectKey && arrayDepth === 0) keyText = '';
        expectKey = false;
        continue;
      }
      if (c === '{' || c === '[') {
        if (depth === 1 && arrayDepth === 0 && valueFor === 'Records') {
          if (c !== '[') throw fail('must be an array');
          arrayDepth = 2;
          valueFor = undefined;
        } else if (arrayDepth > 0 && depth === arrayDepth && !arrayClosed) {
          if (c !== '{') throw new RecordError(`${place} Records[${index}]`, undefined, 'not a CloudTrail record (expected an object)');
          capturing = true;
          captureFrom = i;
        }
        depth += 1;
        if (depth === 1) expectKey = true;
        continue;
      }
      if (c === '}' || c === ']') {
        depth -= 1;
        if (depth < 0) throw fail('unbalanced brackets');
        if (capturing && depth === arrayDepth) {
          pieces.push(s.slice(captureFrom, i + 1));
          const text = pieces.join('');
          pieces = [];
          capturing = false;
          const recordPlace = `${place} Records[${index}]`;
          const parse = () => {
            try {
              return JSON.parse(text) as unknown;
            } catch (error) {
              throw new RecordError(recordPlace, undefined, `not valid JSON: ${(error as Error).message}`);
            }
          };
          yield* elementRecords(parse, recordPlace, onInvalid);
          index += 1;
        } else if (depth === arrayDepth - 1 && arrayDepth > 0 && c === ']') {
          arrayClosed = true;
        }
        continue;
      }
      if (arrayDepth > 0 && depth === arrayDepth && !arrayClosed && c !== ',') {
        throw new RecordError(`${place} Records[${index}]`, undefined, 'not a CloudTrail record (expected an object)');
      }
      if (depth === 1 && arrayDepth === 0) {
        if (c === ',') expectKey = true;
        else if (c === ':') valueFor = lastKey;
        else if (valueFor === 'Records') throw fail('must be an array');
      }
    }
    if (capturing) pieces.push(s.slice(captureFrom));
  }
  const tail = decoder.decode();
  if (tail.trim() !== '') throw fail('the document ends inside a multi-byte character');
  if (!started) throw new RecordError(place, undefined, 'empty document');
  if (depth !== 0 || inString) throw fail('the document is truncated');
  if (arrayDepth === 0) throw fail('no Records array: a single record or an EventBridge event is read whole, with recordsOf');
}
