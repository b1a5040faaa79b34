// Which import format a file is in, judged from its first document or record. An importer asks only when a file fails
// to parse as the kind it expects, so that the error can say "x.json looks like a CloudTrail log file, not a Terraform
// state": files that parse cost nothing extra.
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { isRecord } from '../json-values.js';
import { PREFERENCE_COLUMNS } from './preferences-csv.js';
import { readYamlDocuments, YAML_LIMITS } from '../yaml-documents.js';

/** Every format `steward import` reads, by the name of its subcommand, and how a message calls a file of it. */
export const FILE_KINDS = {
  'terraform-state': 'a Terraform state',
  cloudtrail: 'a CloudTrail log file',
  'aws-config': 'an AWS Config file',
  'datadog-findings': 'a Datadog findings answer',
  backstage: 'a Backstage catalog file',
  'service-definitions': 'a Datadog service definition',
  codeowners: 'a CODEOWNERS file',
  preferences: 'an ownership preferences CSV',
  resources: 'a resources NDJSON file',
} as const;

export type FileKind = keyof typeof FILE_KINDS;

/** How much of a file is read to judge it: its first record is almost always within it. */
const HEAD_BYTES = 1 << 20;
/** Of a gzip file, the compressed bytes inflated: at most about 1000 times as many come out. */
const GZIP_HEAD_BYTES = 32 << 10;

/** The kind of the file at `path` from its beginning (gunzipped), or undefined when it is none that Steward reads. */
export function detectFileKind(path: string): FileKind | undefined {
  try {
    const { text, complete } = readHead(path);
    return kindOfText(text, complete);
  } catch {
    // A file that cannot be read or inflated is no known kind: the importer's own error stands.
    return undefined;
  }
}

function readHead(path: string): { text: string; complete: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const bytesRead = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const inflated = gunzipSync(head.subarray(0, GZIP_HEAD_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
      return { text: new TextDecoder().decode(inflated), complete: bytesRead <= GZIP_HEAD_BYTES };
    }
    return { text: new TextDecoder().decode(head), complete: bytesRead < HEAD_BYTES };
  } finally {
    closeSync(fd);
  }
}

/** The kind of a text, the whole file (`complete`) or only its beginning. */
export function kindOfText(text: string, complete = true): FileKind | undefined {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  const json = body.startsWith('{') || body.startsWith('[') ? jsonKind(body, complete) : undefined;
  return json ?? preferencesKind(body) ?? yamlKind(body, complete) ?? codeownersKind(body, complete);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonKind(body: string, complete: boolean): FileKind | undefined {
  const whole = complete ? parseJson(body) : undefined;
  if (whole !== undefined) return kindOfValue(whole);
  // NDJSON: the first line alone is a record; only resources are read line by line.
  const newline = body.indexOf('\n');
  const firstLine = newline > 0 ? parseJson(body.slice(0, newline)) : undefined;
  if (firstLine !== undefined) return isRecord(firstLine) && kindOfRecord(firstLine) === 'resources' ? 'resources' : undefined;
  return complete ? undefined : kindOfJsonHead(body);
}

/** A parsed document: its own shape, else that of its first record. */
function kindOfValue(value: unknown): FileKind | undefined {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (!isRecord(first)) return undefined;
    if (isRecord(first.request) && isRecord(first.response) && isFindingsRecording(first.request, first.response)) return 'datadog-findings';
    return kindOfRecord(first);
  }
  if (!isRecord(value)) return undefined;
  if (value.version === 4 && Array.isArray(value.resources)) return 'terraform-state';
  if (Array.isArray(value.Records)) return 'cloudtrail';
  if (Array.isArray(value.configurationItems) || isRecord(value.configurationItem)) return 'aws-config';
  if (typeof value.configRuleName === 'string' && value.invokingEvent !== undefined) return 'aws-config';
  if (isRecord(value.detail)) {
    const detailType = value['detail-type'];
    if (typeof detailType === 'string' && detailType.endsWith('via CloudTrail')) return 'cloudtrail';
    if (isRecord(value.detail.configurationItem)) return 'aws-config';
  }
  if (isFindingsAnswer(value)) return 'datadog-findings';
  return kindOfRecord(value);
}

/** One record alone, or the first of a list. */
function kindOfRecord(record: Record<string, unknown>): FileKind | undefined {
  if (typeof record.eventName === 'string' || typeof record.eventSource === 'string') return 'cloudtrail';
  const resourceType = record.resourceType;
  if (
    typeof resourceType === 'string' &&
    resourceType.startsWith('AWS::') &&
    ('configurationItemCaptureTime' in record || 'configuration' in record)
  ) {
    return 'aws-config';
  }
  if (record.type === 'cloud_resource' && isRecord(record.attributes)) return 'resources';
  return undefined;
}

/** A recorded `{request, response}` of Datadog's findings API. */
function isFindingsRecording(request: Record<string, unknown>, response: Record<string, unknown>): boolean {
  if (typeof request.url === 'string' && /\/posture_management\/findings\b/.test(request.url)) return true;
  return isFindingsAnswer(typeof response.body === 'string' ? parseJson(response.body) : response.body);
}

/**
 * A Datadog findings answer: `data` is a finding (`finding`, `detailed_finding`, the 2023 beta envelopes) or a list
 * of them; an empty list has the findings listing's `meta`.
 */
function isFindingsAnswer(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (Array.isArray(value.data) && value.data.length === 0) return isRecord(value.meta) && 'snapshot_timestamp' in value.meta;
  const data: unknown = Array.isArray(value.data) ? value.data[0] : value.data;
  if (!isRecord(data)) return false;
  return (typeof data.type === 'string' && data.type.includes('finding')) || (isRecord(data.attributes) && 'evaluation' in data.attributes);
}

/** The first keys of a document too large to read whole (a CloudTrail log file, a big state, a Config snapshot). */
const JSON_HEADS: Array<[RegExp, FileKind]> = [
  [/^\{\s*"Records"\s*:\s*\[/, 'cloudtrail'],
  [/^\{\s*"version"\s*:\s*4\s*,\s*"terraform_version"\s*:/, 'terraform-state'],
  [/"configurationItems"\s*:\s*\[|"configurationItemCaptureTime"\s*:|"configRuleName"\s*:/, 'aws-config'],
  [/^\[\s*\{\s*"request"\s*:|"type"\s*:\s*"(finding|detailed_finding|posture_management_[a-z_]+)"/, 'datadog-findings'],
  [/"event(Source|Name|Version)"\s*:|"detail-type"\s*:\s*"[^"]*via CloudTrail"/, 'cloudtrail'],
];

function kindOfJsonHead(head: string): FileKind | undefined {
  const start = head.slice(0, 64 << 10);
  return JSON_HEADS.find(([pattern]) => pattern.test(start))?.[1];
}

/** The preferences CSV: its header names Datadog's columns. */
function preferencesKind(body: string): FileKind | undefined {
  const header = body
    .split(/\r?\n/, 1)[0]
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const known = header.filter((name) => (PREFERENCE_COLUMNS as readonly string[]).includes(name));
  return header.includes('preference_type') && known.length * 2 >= PREFERENCE_COLUMNS.length ? 'preferences' : undefined;
}

/** The first document of `head` that holds something, as a plain value; undefined when it is not valid YAML. */
function firstYamlValue(head: string): unknown {
  try {
    for (const document of readYamlDocuments(head, YAML_LIMITS)) {
      if (document.contents === null) continue;
      return document.errors.length > 0 ? undefined : (document.toJS() as unknown);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** YAML: a Backstage entity (`apiVersion: backstage.io/...`) or a Datadog service definition (`schema-version`, v3). */
function yamlKind(body: string, complete: boolean): FileKind | undefined {
  const first = firstYamlValue(complete ? body : body.slice(0, body.lastIndexOf('\n') + 1));
  if (!isRecord(first)) return undefined;
  const apiVersion = first.apiVersion;
  if (typeof apiVersion === 'string' && apiVersion.startsWith('backstage.io/')) return 'backstage';
  if ('schema-version' in first || 'dd-service' in first) return 'service-definitions';
  if (apiVersion === 'v3' && typeof first.kind === 'string' && isRecord(first.metadata)) return 'service-definitions';
  return undefined;
}

/** An owner in CODEOWNERS: `@user`, `@org/team` or an email address. */
const OWNER = /^(@[\w.-]+(\/[\w.-]+)?|[^@\s]+@(?=[^@\s]+\.[^@\s])[^@\s]+)$/;
/** A GitLab section heading: `[Name]`, `^[Name][2] @default-owner`. */
const SECTION = /^\^?\[[^\]]+\](\[\d+\])?/;

/** CODEOWNERS: its first rules are a pattern and owners, and at least one names an owner. */
function codeownersKind(body: string, complete: boolean): FileKind | undefined {
  const lines = body.split(/\r?\n/);
  if (!complete) lines.pop();
  const rules = lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .slice(0, 20);
  let owners = 0;
  for (const rule of rules) {
    const tokens = rule
      .replace(SECTION, 'section')
      .replace(/\s#.*$/, '')
      .split(/\s+/)
      .slice(1);
    if (!tokens.every((token) => OWNER.test(token))) return undefined;
    owners += tokens.length;
  }
  return owners > 0 ? 'codeowners' : undefined;
}
