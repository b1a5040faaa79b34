// One `cloud_resource` item (API body element or NDJSON line) -> ResourceRecord, validated field by field.
import { RecordError, type CloudProvider, type ResourceRecord } from '../posture/resource.js';
import { isObject } from './canonical/values.js';

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

/** Unix milliseconds, or an RFC 3339 string. */
export function parseInstant(value: unknown, place: string, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(ms)) return ms;
  }
  throw new RecordError(place, field, 'must be Unix milliseconds or an RFC 3339 timestamp');
}

function requiredString(value: unknown, place: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new RecordError(place, field, 'is required and must be a non-empty string');
  return value;
}

function optionalString(value: unknown, place: string, field: string): string | undefined {
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
  'resource_type', 'name', 'cloud_provider', 'account', 'region', 'tags', 'configuration', 'observed_at', 'deleted', 'iac',
]);

export function parseResourceItem(item: unknown, place: string, now: number): ResourceRecord {
  if (!isObject(item)) throw new RecordError(place, undefined, 'must be a JSON object');
  if (item.type !== undefined && item.type !== 'cloud_resource') throw new RecordError(place, 'type', 'must be "cloud_resource"');
  const id = requiredString(item.id, place, 'id');
  const attributes = item.attributes;
  if (!isObject(attributes)) throw new RecordError(place, 'attributes', 'is required and must be an object');
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
  if (!isObject(configuration)) throw new RecordError(place, 'attributes.configuration', 'must be an object');
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
    if (!isObject(attributes.iac)) throw new RecordError(place, 'attributes.iac', 'must be an object {repo, path}');
    record.iac = {
      repo: requiredString(attributes.iac.repo, place, 'attributes.iac.repo'),
      path: optionalString(attributes.iac.path, place, 'attributes.iac.path') ?? '',
    };
  }
  return record;
}
