// Datadog CSPM findings answers (v2, the 2023 beta envelopes, or recorded request/response pairs) -> ImportedFinding[].
import { RecordError, SEVERITIES, VULNERABILITY_TYPES, type CloudProvider, type Severity, type VulnerabilityType } from '../posture/resource.js';
import { isRecord, str, type Json } from './canonical/values.js';
import type { MuteState } from '../posture/finding-state.js';
import { INPUT_LIMITS, fieldOfPath, findFieldProblem, findJsonProblem, instantReason, type LimitedField } from '../input-limits.js';
import type { ResourceRecord } from '../posture/resource.js';
import type { ResourceReference } from '../posture/referenced-resources.js';
import { arnResourceName, parseArn, partitionOf, s3BucketArn } from './canonical/arn.js';
import { readEach, type OnInvalid } from './invalid-records.js';

/** Datadog's mute object is the product's own mute state. */
export type ImportedMute = MuteState;

/** One finding as Datadog reported it; timestamps are Unix milliseconds. */
export interface ImportedFinding {
  finding_id: string;
  evaluation: 'pass' | 'fail';
  evaluation_changed_at: number;
  status: Severity;
  /** The resource's name, as Datadog shows it. */
  resource: string;
  resource_type: string;
  resource_discovery_date: number;
  rule_id: string;
  rule_name: string;
  vulnerability_type: VulnerabilityType;
  tags: string[];
  mute: ImportedMute;
  message?: string;
  resource_configuration?: Record<string, unknown>;
  /** Datadog's "cloud-based ID for the resource" (list answers with details), when it gave one. */
  external_id?: string;
  /** From the finding's tags: cloud_provider:, aws_account:/project_id:/subscription_id:, region:. */
  cloud_provider?: CloudProvider;
  account?: string;
  region?: string;
}

const ACCOUNT_TAGS = ['aws_account', 'project_id', 'subscription_id'];
const PROVIDERS: readonly string[] = ['aws', 'gcp', 'azure'];

class Fields {
  constructor(
    private readonly source: Json,
    readonly place: string,
    private readonly prefix: string,
  ) {}

  private fail(key: string, reason: string): never {
    throw new RecordError(this.place, this.prefix + key, reason);
  }

  string(key: string): string {
    const value = this.source[key];
    if (typeof value !== 'string' || value === '') this.fail(key, 'is required and must be a non-empty string');
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(key, 'must be a string');
    return value;
  }

  millis(key: string, required = true): number | undefined {
    const value = this.source[key];
    if (!required && (value === undefined || value === null)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(key, 'must be Unix milliseconds (a non-negative integer)');
    const outOfRange = instantReason(value);
    if (outOfRange) this.fail(key, outOfRange);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value = this.source[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(key, `${JSON.stringify(value ?? null)} is not one of ${allowed.join(', ')}`);
    }
    return value as T;
  }
}

function tagValue(tags: string[], keys: string[]): string | undefined {
  for (const tag of tags) {
    const colon = tag.indexOf(':');
    if (colon > 0 && keys.includes(tag.slice(0, colon))) return tag.slice(colon + 1);
  }
  return undefined;
}

function parseMute(value: unknown, place: string, prefix: string): ImportedMute {
  if (!isRecord(value)) throw new RecordError(place, `${prefix}mute`, 'must be an object with a boolean muted');
  const f = new Fields(value, place, `${prefix}mute.`);
  if (typeof value.muted !== 'boolean') throw new RecordError(place, `${prefix}mute.muted`, 'must be a boolean');
  const mute: ImportedMute = { muted: value.muted };
  const reason = f.optionalString('reason');
  if (reason !== undefined) mute.reason = reason;
  const description = f.optionalString('description');
  if (description !== undefined) mute.description = description;
  const start = f.millis('start_date', false);
  if (start !== undefined) mute.start_date = start;
  const expiration = f.millis('expiration_date', false);
  if (expiration !== undefined) mute.expiration_date = expiration;
  const uuid = f.optionalString('uuid');
  if (uuid !== undefined) mute.uuid = uuid;
  return mute;
}

/** `attributes` is the finding's attribute object; `prefix` is how errors name its fields (`attributes.` in v2). */
function parseFinding(id: unknown, attributes: unknown, place: string, prefix: string, idField: string): ImportedFinding {
  if (typeof id !== 'string' || id === '') throw new RecordError(place, idField, 'is required and must be a non-empty string');
  if (!isRecord(attributes)) throw new RecordError(place, prefix.replace(/\.$/, '') || undefined, 'must be an object');
  const f = new Fields(attributes, place, prefix);

  const rule = attributes.rule;
  if (!isRecord(rule)) throw new RecordError(place, `${prefix}rule`, 'must be an object with id and name');
  const ruleFields = new Fields(rule, place, `${prefix}rule.`);

  const rawTags = attributes.tags ?? [];
  if (!Array.isArray(rawTags)) throw new RecordError(place, `${prefix}tags`, 'must be an array of strings');
  const tags = rawTags.map((tag, i) => {
    if (typeof tag !== 'string' || tag === '') throw new RecordError(place, `${prefix}tags[${i}]`, 'must be a non-empty string');
    return tag;
  });

  // The 2023 beta shape has a flat `muted` boolean where v2 has a `mute` object.
  const mute =
    attributes.mute === undefined && typeof attributes.muted === 'boolean' ? { muted: attributes.muted } : parseMute(attributes.mute, place, prefix);

  const finding: ImportedFinding = {
    finding_id: id,
    evaluation: f.oneOf('evaluation', ['pass', 'fail'] as const),
    evaluation_changed_at: f.millis('evaluation_changed_at')!,
    status: f.oneOf('status', SEVERITIES),
    resource: f.string('resource'),
    resource_type: f.string('resource_type'),
    resource_discovery_date: f.millis('resource_discovery_date')!,
    rule_id: ruleFields.string('id'),
    rule_name: ruleFields.string('name'),
    vulnerability_type: f.oneOf('vulnerability_type', VULNERABILITY_TYPES, 'misconfiguration'),
    tags,
    mute,
  };
  const message = f.optionalString('message');
  if (message !== undefined) finding.message = message;
  const externalId = f.optionalString('external_id');
  if (externalId) finding.external_id = externalId;
  const configuration = attributes.resource_configuration;
  if (configuration !== undefined && configuration !== null) {
    if (!isRecord(configuration)) throw new RecordError(place, `${prefix}resource_configuration`, 'must be an object');
    finding.resource_configuration = configuration;
  }
  const provider = tagValue(tags, ['cloud_provider']);
  if (provider && PROVIDERS.includes(provider)) finding.cloud_provider = provider as CloudProvider;
  const account = tagValue(tags, ACCOUNT_TAGS);
  if (account) finding.account = account;
  const region = tagValue(tags, ['region']);
  if (region) finding.region = region;
  return checkFindingLimits(finding, place, prefix, idField);
}

/** Ids, types and tags an index holds, and text the store can keep anywhere in the finding. */
function checkFindingLimits(finding: ImportedFinding, place: string, prefix: string, idField: string): ImportedFinding {
  const limited: LimitedField[] = [
    [idField, finding.finding_id, INPUT_LIMITS.idBytes],
    [`${prefix}resource`, finding.resource, INPUT_LIMITS.nameBytes],
    [`${prefix}external_id`, finding.external_id ?? '', INPUT_LIMITS.idBytes],
    [`${prefix}resource_type`, finding.resource_type, INPUT_LIMITS.typeBytes],
    [`${prefix}rule.id`, finding.rule_id, INPUT_LIMITS.typeBytes],
    [`${prefix}rule.name`, finding.rule_name, INPUT_LIMITS.nameBytes],
    ...finding.tags.map((tag, i): LimitedField => [`${prefix}tags[${i}]`, tag, INPUT_LIMITS.tagBytes]),
  ];
  if (finding.tags.length > INPUT_LIMITS.tagsPerRecord)
    throw new RecordError(place, `${prefix}tags`, `holds ${finding.tags.length} tags: at most ${INPUT_LIMITS.tagsPerRecord}`);
  const problem = findFieldProblem(limited, finding);
  if (problem) throw new RecordError(place, problem.field, problem.reason);
  return finding;
}

function parseAnswer(body: unknown, source: string, onInvalid: OnInvalid | undefined): ImportedFinding[] {
  if (!isRecord(body)) throw new RecordError(source, undefined, 'must be a findings answer object with data');
  const data = body.data;
  if (Array.isArray(data)) {
    // listFindings (v2): {data:[{id, type:'finding', attributes}], meta}
    return readEach(
      data,
      (entry, i) => {
        const place = `${source} data[${i}]`;
        if (!isRecord(entry)) throw new RecordError(place, undefined, 'must be an object');
        return parseFinding(entry.id, entry.attributes, place, 'attributes.', 'id');
      },
      onInvalid,
    );
  }
  if (!isRecord(data)) throw new RecordError(source, 'data', 'must be an array of findings or one finding');
  const attributes = isRecord(data.attributes) ? data.attributes : undefined;
  if (attributes && Array.isArray(attributes.findings)) {
    // The 2023 beta list: {data:{type:'posture_management_list_findings_resp', attributes:{findings:[...]}}}
    return readEach(
      attributes.findings,
      (finding, i) => {
        const place = `${source} data.attributes.findings[${i}]`;
        if (!isRecord(finding)) throw new RecordError(place, undefined, 'must be an object');
        return parseFinding(finding.id, finding, place, '', 'id');
      },
      onInvalid,
    );
  }
  if (attributes && isRecord(attributes.finding)) {
    // The 2023 beta get: {data:{type:'posture_management_fetch_finding_resp', attributes:{finding:{...}}}}
    const place = `${source} data.attributes.finding`;
    return [parseFinding(attributes.finding.id, attributes.finding, place, '', 'id')];
  }
  // getFinding (v2): {data:{id, type:'detailed_finding', attributes}}
  return [parseFinding(data.id, data.attributes, `${source} data`, 'attributes.', 'id')];
}

function isRecording(doc: unknown): doc is unknown[] {
  return Array.isArray(doc) && doc.length > 0 && doc.every((entry) => isRecord(entry) && isRecord(entry.response));
}

/**
 * Any of: a list answer, a get answer, the 2023 beta envelopes, or recorded `[{request, response:{status, body}}]`.
 * With `onInvalid` a bad finding (or recorded answer) is handed over and left out; without, it aborts the document.
 */
export function parseDatadogFindings(doc: unknown, source: string, onInvalid?: OnInvalid): ImportedFinding[] {
  if (!isRecording(doc)) return parseAnswer(doc, source, onInvalid);
  const answers = readEach(
    doc,
    (entry, i) => {
      const response = (entry as Json).response as Json;
      const place = `${source} [${i}].response`;
      if (typeof response.status !== 'number' || response.status < 200 || response.status > 299) {
        throw new RecordError(place, 'status', `recorded status ${JSON.stringify(response.status)} is not a findings answer`);
      }
      const body = typeof response.body === 'string' ? parseBody(response.body, place) : response.body;
      return parseAnswer(body, `${place}.body`, onInvalid);
    },
    onInvalid,
  );
  return answers.flat();
}

/**
 * A recorded body kept as text: parsed, then held to the limits the document itself was (a NUL, nesting past the
 * limit), which its text escaped.
 */
function parseBody(text: string, place: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RecordError(place, 'body', 'is not valid JSON');
  }
  const problem = findJsonProblem(body);
  if (problem) {
    const inside = fieldOfPath(problem.path);
    throw new RecordError(place, inside ? `body.${inside}` : 'body', problem.reason);
  }
  return body;
}

/**
 * The resource id of a finding: the id the findings API reports for it (`resource_id`, and `external_id` in detailed
 * listings), the id its resource record is kept under, and so the id the ownership routes are called with. Datadog's
 * findings name their resource (`resource`: a bucket name, a role name, ...) rather than identify it, and only detailed
 * answers carry its configuration, so the id is the first of:
 *  1. `external_id`, Datadog's cloud id of the resource, when it is one (an ARN, or an Azure or GCP path);
 *  2. the configuration's `arn`, or an `*_arn` field naming the resource itself (`bucket_arn`, not a KMS key's);
 *  3. `resource` itself when Datadog shows an ARN as the name;
 *  4. for an S3 bucket, its ARN: a bucket's name is unique in its partition, so `arn:<partition>:s3:::<name>` is the id
 *     Terraform, AWS Config and CloudTrail imports key the same bucket by, whether the answer was a list or a get;
 *  5. else `<resource_type>/<resource>`, unique in the organization but shared with no other source.
 * An ARN is the canonical id every importer keys AWS resources by, so the first four meet the inventory's own records.
 */
export function findingResourceId(f: ImportedFinding): string {
  if (f.external_id && (f.external_id.startsWith('arn:') || f.external_id.startsWith('/'))) return f.external_id;
  const config = f.resource_configuration ?? {};
  if (typeof config.arn === 'string' && config.arn.startsWith('arn:')) return config.arn;
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith('_arn') || typeof value !== 'string') continue;
    const arn = parseArn(value);
    if (arn && arnResourceName(arn) === f.resource) return value;
  }
  if (parseArn(f.resource)) return f.resource;
  if (f.resource_type === 'aws_s3_bucket' && !/[/:\s]/.test(f.resource)) return s3BucketArn(f.resource, partitionOf(f.region ?? ''));
  return `${f.resource_type}/${f.resource}`;
}

/**
 * Tags a finding carries that are not its resource's: the rule's (frameworks, controls, requirements, scoring, its
 * source and scope, different from one rule to the next), and where the resource lives, which its record holds as
 * fields (and which findings add back from them).
 */
const NOT_RESOURCE_TAGS = new Set([
  'framework',
  'control',
  'requirement',
  'scored',
  'security',
  'scope',
  'source',
  'cloud_provider',
  'region',
  ...ACCOUNT_TAGS,
]);

function resourceTags(tags: string[]): string[] {
  return tags.filter((tag) => {
    const colon = tag.indexOf(':');
    return colon <= 0 || !NOT_RESOURCE_TAGS.has(tag.slice(0, colon));
  });
}

const PROVIDER_PREFIXES: ReadonlyArray<[string, CloudProvider]> = [
  ['aws_', 'aws'],
  ['gcp_', 'gcp'],
  ['azure_', 'azure'],
];

function providerOf(f: ImportedFinding, id: string): CloudProvider | undefined {
  return (
    f.cloud_provider ?? PROVIDER_PREFIXES.find(([prefix]) => f.resource_type.startsWith(prefix))?.[1] ?? (id.startsWith('arn:') ? 'aws' : undefined)
  );
}

/**
 * The resources the findings report on, one each, as the findings say them: name, type, provider, account and region
 * (from the finding's tags, else its ARN), the resource's own tags (the union over its findings, sorted: every finding of
 * a resource carries the same ones), and the configuration of the latest detailed finding when one is given.
 * Findings of no known cloud provider name no resource.
 */
export function findingResources(findings: ImportedFinding[]): ResourceReference[] {
  const byResource = new Map<string, ImportedFinding[]>();
  for (const f of findings) {
    const id = findingResourceId(f);
    (byResource.get(id) ?? byResource.set(id, []).get(id)!).push(f);
  }
  const refs: ResourceReference[] = [];
  for (const [id, group] of byResource) {
    const latest = group.reduce((a, b) => (b.evaluation_changed_at >= a.evaluation_changed_at ? b : a));
    const provider = providerOf(latest, id);
    if (!provider) continue;
    const configured = group
      .filter((f) => f.resource_configuration)
      .reduce<ImportedFinding | undefined>((a, b) => (!a || b.evaluation_changed_at >= a.evaluation_changed_at ? b : a), undefined);
    const arn = parseArn(id);
    const record: ResourceRecord = {
      resource_id: id,
      resource_type: latest.resource_type,
      name: latest.resource,
      cloud_provider: provider,
      account: latest.account ?? str(arn?.account) ?? '',
      region: latest.region ?? str(arn?.region) ?? '',
      tags: [...new Set(group.flatMap((f) => resourceTags(f.tags)))].sort(),
      configuration: configured?.resource_configuration ?? {},
      observed_at: latest.evaluation_changed_at,
    };
    refs.push({
      record,
      knowsConfiguration: configured !== undefined,
      first_seen_at: Math.min(...group.map((f) => f.resource_discovery_date)),
    });
  }
  return refs;
}
