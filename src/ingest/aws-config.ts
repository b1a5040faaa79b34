// AWS Config configuration items -> ResourceRecords, configuration converted to the canonical snake_case schema.
import { RecordError, type ResourceRecord } from '../posture/resource.js';
import { parseArn, partitionOf, s3BucketArn } from './canonical/arn.js';
import { configSnakeCase, deepSnake } from './canonical/case.js';
import { awsConfigType } from './canonical/registry.js';
import { tagsFromList, tagsFromMap } from './canonical/tags.js';
import { isRecord, str, type Json } from './canonical/values.js';
import { checkRecordLimits, nameFromId, optionalString, parseInstant } from './resource-items.js';
import { readEach, type OnInvalid } from './invalid-records.js';
import { findEmbeddedJsonProblem } from './embedded-json.js';

const DELETED_STATUSES = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

interface PlacedItem {
  item: unknown;
  place: string;
}

function parseEmbeddedJson(value: unknown, place: string, field: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new RecordError(place, field, 'holds a string that is not valid JSON');
  }
}

/** Finds the configuration items in every shape Config hands them out in. */
function locateItems(doc: unknown, source: string): PlacedItem[] {
  if (Array.isArray(doc)) return doc.map((item, i) => ({ item, place: `${source} [${i}]` }));
  if (!isRecord(doc)) throw new RecordError(source, undefined, 'must be a configuration item, a list of them, or a Config rule event');
  if (doc.configurationItems !== undefined) {
    if (!Array.isArray(doc.configurationItems)) throw new RecordError(source, 'configurationItems', 'must be an array');
    return doc.configurationItems.map((item, i) => ({ item, place: `${source} configurationItems[${i}]` }));
  }
  if (doc.invokingEvent !== undefined) {
    // A Config rule invocation: `invokingEvent` is a JSON string holding the item.
    const event = parseEmbeddedJson(doc.invokingEvent, source, 'invokingEvent');
    if (!isRecord(event) || !isRecord(event.configurationItem)) {
      const kind = isRecord(event) && typeof event.messageType === 'string' ? ` (${event.messageType})` : '';
      throw new RecordError(source, 'invokingEvent.configurationItem', `the event carries no configuration item${kind}`);
    }
    return [{ item: event.configurationItem, place: `${source} invokingEvent.configurationItem` }];
  }
  if (isRecord(doc.configurationItem)) return [{ item: doc.configurationItem, place: `${source} configurationItem` }];
  // An EventBridge "Config Configuration Item Change" event.
  if (isRecord(doc.detail) && isRecord(doc.detail.configurationItem)) {
    return [{ item: doc.detail.configurationItem, place: `${source} detail.configurationItem` }];
  }
  return [{ item: doc, place: source }];
}

/** `configuration` + `supplementaryConfiguration` -> one snake_case object; supplementary keys are PascalCase names. */
function canonicalConfiguration(configuration: unknown, supplementary: Json, place: string): Json {
  const out: Json = {};
  if (isRecord(configuration)) Object.assign(out, deepSnake(configuration, configSnakeCase) as Json);
  for (const [key, value] of Object.entries(supplementary)) {
    // Some Config exports keep supplementary values as JSON strings.
    const parsed = typeof value === 'string' && /^\s*[[{]/.test(value) ? parseEmbeddedJson(value, place, `supplementaryConfiguration.${key}`) : value;
    out[configSnakeCase(key)] = deepSnake(parsed, configSnakeCase);
  }
  return out;
}

export function parseAwsConfigItem(raw: unknown, place: string, now: number): ResourceRecord {
  if (!isRecord(raw)) throw new RecordError(place, undefined, 'a configuration item must be an object');
  // Config keeps configurations and policies as JSON strings, which the mappings parse; an item from a rule event's
  // invokingEvent is itself parsed from one.
  const embedded = findEmbeddedJsonProblem(raw);
  if (embedded) throw new RecordError(place, embedded.field, embedded.reason);
  const cfnType = raw.resourceType;
  if (typeof cfnType !== 'string' || cfnType === '') throw new RecordError(place, 'resourceType', 'is required (e.g. AWS::S3::Bucket)');
  const type = awsConfigType(cfnType);
  if (!type) throw new RecordError(place, 'resourceType', `"${cfnType}" is not an AWS::Service::Type name`);

  const resourceId = optionalString(raw.resourceId, place, 'resourceId');
  const resourceName = optionalString(raw.resourceName, place, 'resourceName');
  const arnText = optionalString(raw.ARN, place, 'ARN') ?? optionalString(raw.arn, place, 'arn');
  const arn = arnText ? parseArn(arnText) : undefined;
  if (arnText && !arn) throw new RecordError(place, 'ARN', `"${arnText}" is not an ARN`);
  const account = optionalString(raw.awsAccountId, place, 'awsAccountId') ?? arn?.account ?? '';
  const region = optionalString(raw.awsRegion, place, 'awsRegion') ?? arn?.region ?? '';
  const bucket = cfnType === 'AWS::S3::Bucket' ? (resourceName ?? resourceId) : undefined;
  // A bucket's ARN names no region: the item's awsRegion gives its partition.
  const id = arnText ?? (bucket ? s3BucketArn(bucket, partitionOf(region)) : resourceId);
  if (!id) throw new RecordError(place, 'ARN', 'the item has neither an ARN nor a resourceId');

  const status = optionalString(raw.configurationItemStatus, place, 'configurationItemStatus');
  const configuration = parseEmbeddedJson(raw.configuration ?? {}, place, 'configuration');
  if (!isRecord(configuration)) throw new RecordError(place, 'configuration', 'must be an object');
  const supplementary = parseEmbeddedJson(raw.supplementaryConfiguration ?? {}, place, 'supplementaryConfiguration');
  if (!isRecord(supplementary)) throw new RecordError(place, 'supplementaryConfiguration', 'must be an object');
  if (raw.tags !== undefined && raw.tags !== null && !isRecord(raw.tags)) throw new RecordError(place, 'tags', 'must be an object');

  let canonical = canonicalConfiguration(configuration, supplementary, place);
  if (type.mapping?.fromAwsConfig) canonical = type.mapping.fromAwsConfig(canonical, supplementary, { arn: id, account, region });

  const captured = raw.configurationItemCaptureTime;
  const record: ResourceRecord = {
    resource_id: id,
    resource_type: type.resourceType,
    name: resourceName ?? str(configuration.name) ?? resourceId ?? nameFromId(id),
    cloud_provider: 'aws',
    account,
    region,
    tags: isRecord(raw.tags) && Object.keys(raw.tags).length ? tagsFromMap(raw.tags) : tagsFromList(configuration.tags),
    configuration: canonical,
    observed_at: captured === undefined || captured === null ? now : parseInstant(captured, place, 'configurationItemCaptureTime'),
  };
  if (status && DELETED_STATUSES.has(status)) record.deleted = true;
  return checkRecordLimits(record, place, (name) => name);
}

/**
 * Items alone, in a list (`[...]` or `{configurationItems:[...]}`), or inside a Config rule invocation event. With
 * `onInvalid` a bad item is handed over and left out; without, it aborts the document.
 */
export function parseAwsConfig(doc: unknown, source: string, now: number, onInvalid?: OnInvalid): ResourceRecord[] {
  return readEach(locateItems(doc, source), ({ item, place }) => parseAwsConfigItem(item, place, now), onInvalid);
}
