// One `cloud_resource` item (API body element or NDJSON line) -> ResourceRecord, validated field by field.
import { RecordError, type CloudProvider, type ResourceRecord } from '../posture/resource.js';
import { isRecord } from './canonical/values.js';
import { INPUT_LIMITS, findFieldProblem, instantReason, type LimitedField } from '../input-limits.js';
import { isOnTheCalendar } from '../calendar-time.js';

export const CLOUD_PROVIDERS: readonly CloudProvider[] = ['aws', 'gcp', 'azure'];

/** `team:cake`; the key is non-empty, the value may itself hold colons. */
export const TAG_PATTERN = /^[^:\s][^:]*:.*$/;

/** Validates a `key:value` tag list; `field` names the list in errors. */
export function parseTags(value: unknown, place: string, field: string): string[] {
  if (!Array.isArray(value)) throw new RecordError(place, field, 'must be an array of key:value strings');
  return value.map((tag, index) => {
    if (typeof tag !== 'string') throw new RecordError(place, `${field}[${index}]`, 'must be a string');
    if (!TAG_PATTERN.test(tag)) throw new RecordError(place, `${field}[${index}]`, `"${tag}" is not a key:value tag`);
    return tag;
  });
}

/** Unix milliseconds, or an RFC 3339 string, from 1970 to 9999. */
export function parseInstant(value: unknown, place: string, field: string): number {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) ms = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && isOnTheCalendar(value) && !Number.isNaN(Date.parse(value)))
    ms = Date.parse(value);
  if (ms === undefined) throw new RecordError(place, field, 'must be Unix milliseconds or an RFC 3339 timestamp');
  const outOfRange = instantReason(ms);
  if (outOfRange) throw new RecordError(place, field, outOfRange);
  return ms;
}

/** How a record's fields are named in errors: the `cloud_resource` item's names unless the source names them otherwise. */
export type RecordFieldNames = (field: keyof ResourceRecord) => string;

const ITEM_FIELDS: RecordFieldNames = (field) => (field === 'resource_id' ? 'id' : `attributes.${field}`);

/**
 * The limits of `INPUT_LIMITS` on a record, whichever importer made it (API item, NDJSON, Terraform, AWS Config):
 * text the store can keep, lengths an index holds, an instant in range, configuration shallow enough to hash.
 */
export function checkRecordLimits(record: ResourceRecord, place: string, names: RecordFieldNames = ITEM_FIELDS): ResourceRecord {
  if (record.tags.length > INPUT_LIMITS.tagsPerRecord)
    throw new RecordError(place, names('tags'), `holds ${record.tags.length} tags: at most ${INPUT_LIMITS.tagsPerRecord}`);
  const outOfRange = instantReason(record.observed_at);
  if (outOfRange) throw new RecordError(place, names('observed_at'), outOfRange);
  const limited: LimitedField[] = [
    [names('resource_id'), record.resource_id, INPUT_LIMITS.idBytes],
    [names('resource_type'), record.resource_type, INPUT_LIMITS.typeBytes],
    [names('name'), record.name, INPUT_LIMITS.nameBytes],
    [names('account'), record.account, INPUT_LIMITS.accountBytes],
    [names('region'), record.region, INPUT_LIMITS.accountBytes],
    ...record.tags.map((tag, i): LimitedField => [`${names('tags')}[${i}]`, tag, INPUT_LIMITS.tagBytes]),
    ...(record.iac
      ? ([
          [`${names('iac')}.repo`, record.iac.repo, INPUT_LIMITS.nameBytes],
          [`${names('iac')}.path`, record.iac.path, INPUT_LIMITS.nameBytes],
        ] as LimitedField[])
      : []),
  ];
  const problem = findFieldProblem(limited, record.configuration, names('configuration'));
  if (problem) throw new RecordError(place, problem.field, problem.reason);
  return record;
}

function requiredString(value: unknown, place: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new RecordError(place, field, 'is required and must be a non-empty string');
  return value;
}

/** Absent (undefined, null) or a string; anything else is the record's error. */
export function optionalString(value: unknown, place: string, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RecordError(place, field, 'must be a string');
  return value;
}

/** The last segment of an id: `arn:aws:s3:::logs` -> `logs`, `.../instances/web-1` -> `web-1`. */
export function nameFromId(id: string): string {
  const segments = id.split(/[/:]/).filter((s) => s !== '');
  return segments[segments.length - 1] ?? id;
}

const KNOWN_ATTRIBUTES = new Set([
  'resource_type',
  'name',
  'cloud_provider',
  'account',
  'region',
  'tags',
  'configuration',
  'observed_at',
  'deleted',
  'iac',
]);

export function parseResourceItem(item: unknown, place: string, now: number): ResourceRecord {
  if (!isRecord(item)) throw new RecordError(place, undefined, 'must be a JSON object');
  if (item.type !== undefined && item.type !== 'cloud_resource') throw new RecordError(place, 'type', 'must be "cloud_resource"');
  const id = requiredString(item.id, place, 'id');
  const attributes = item.attributes;
  if (!isRecord(attributes)) throw new RecordError(place, 'attributes', 'is required and must be an object');
  for (const key of Object.keys(attributes)) {
    if (!KNOWN_ATTRIBUTES.has(key)) throw new RecordError(place, `attributes.${key}`, 'is not a known attribute');
  }

  const resourceType = requiredString(attributes.resource_type, place, 'attributes.resource_type');
  if (!/^[a-z][a-z0-9_]*$/.test(resourceType)) {
    throw new RecordError(place, 'attributes.resource_type', 'must be a snake_case resource type such as aws_s3_bucket');
  }
  const provider = attributes.cloud_provider;
  if (typeof provider !== 'string' || !CLOUD_PROVIDERS.includes(provider as CloudProvider)) {
    throw new RecordError(place, 'attributes.cloud_provider', `is required and must be one of ${CLOUD_PROVIDERS.join(', ')}`);
  }
  const configuration = attributes.configuration ?? {};
  if (!isRecord(configuration)) throw new RecordError(place, 'attributes.configuration', 'must be an object');
  if (attributes.deleted !== undefined && typeof attributes.deleted !== 'boolean') {
    throw new RecordError(place, 'attributes.deleted', 'must be a boolean');
  }

  const record: ResourceRecord = {
    resource_id: id,
    resource_type: resourceType,
    name: optionalString(attributes.name, place, 'attributes.name') || nameFromId(id),
    cloud_provider: provider as CloudProvider,
    account: optionalString(attributes.account, place, 'attributes.account') ?? '',
    region: optionalString(attributes.region, place, 'attributes.region') ?? '',
    tags: attributes.tags === undefined || attributes.tags === null ? [] : parseTags(attributes.tags, place, 'attributes.tags'),
    configuration,
    observed_at:
      attributes.observed_at === undefined || attributes.observed_at === null
        ? now
        : parseInstant(attributes.observed_at, place, 'attributes.observed_at'),
  };
  if (attributes.deleted === true) record.deleted = true;
  if (attributes.iac !== undefined && attributes.iac !== null) {
    if (!isRecord(attributes.iac)) throw new RecordError(place, 'attributes.iac', 'must be an object {repo, path}');
    record.iac = {
      repo: requiredString(attributes.iac.repo, place, 'attributes.iac.repo'),
      path: optionalString(attributes.iac.path, place, 'attributes.iac.path') ?? '',
    };
  }
  return checkRecordLimits(record, place);
}
