// What any input may hold before it reaches the store: text PostgreSQL can keep (no NUL, no lone UTF-16 surrogate),
// lengths an index row can hold, timestamps a bigint and a Date both hold, JSON shallow enough to walk recursively,
// and how many problems one answer reports. Every entry point (HTTP routes, CLI importers) checks against these.

export const INPUT_LIMITS = {
  /** Resource ids, finding ids, CloudTrail event ids, ownership path ids: UTF-8 bytes (a btree row holds ~2.7 KB). */
  idBytes: 1024,
  /** Resource names, IaC repository and path. */
  nameBytes: 1024,
  /** Resource types (`aws_s3_bucket`), rule ids, CloudTrail event names and sources. */
  typeBytes: 256,
  /** Accounts and regions. */
  accountBytes: 256,
  /** One `key:value` tag. */
  tagBytes: 512,
  /** Tags of one resource or finding. */
  tagsPerRecord: 1000,
  /** One text filter of the findings listing (`filter[rule_id]`, `filter[tags]`, ...). */
  filterBytes: 1024,
  /** Nesting of any JSON document: a request body, an NDJSON line, an imported file (YAML too). */
  jsonDepth: 64,
  /** Objects and arrays of one JSON text (V8 spends about 70 bytes on an empty one: 450 MB of `{},` took gigabytes). */
  jsonContainers: 20_000_000,
  /** YAML lexical tokens of one document (a Backstage entity holds about 70), and of one file (some 300,000 entities). */
  yamlDocumentTokens: 1_000_000,
  yamlTextTokens: 20_000_000,
  /** Unix ms: 0 (1970-01-01) to 9999-12-31T23:59:59.999Z, the last instant RFC 3339 writes. */
  maxTimestampMs: 253_402_300_799_999,
  /** Problems listed in one answer or one import report; the rest are counted. */
  reportedProblems: 100,
} as const;

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether JSON text opens more than `max` objects and arrays (brackets inside strings are text). A text shorter than
 * `max` cannot, and is not scanned.
 */
export function jsonOpensMoreThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let opened = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if ((c === OPEN_BRACE || c === OPEN_BRACKET) && ++opened > max) return true;
  }
  return false;
}

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = Array<string | number>;

export interface JsonProblem {
  path: JsonPath;
  reason: string;
}

const NUL = '\u0000';

/** Why a string cannot be stored as text, or undefined when it can. */
export function unsafeTextReason(value: string): string | undefined {
  if (value.includes(NUL)) return 'holds a NUL character (\\u0000), which cannot be stored';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) return 'holds a lone UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/** UTF-8 length, computed only when the string could be longer than `max` bytes. */
function exceedsBytes(value: string, max: number): number | undefined {
  if (value.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes > max ? bytes : undefined;
}

/** Why a string field is unfit (unsafe text, or longer than `maxBytes` in UTF-8), or undefined. */
export function textFieldReason(value: string, maxBytes: number): string | undefined {
  const unsafe = unsafeTextReason(value);
  if (unsafe) return unsafe;
  const bytes = exceedsBytes(value, maxBytes);
  return bytes === undefined ? undefined : `is ${bytes} bytes long: at most ${maxBytes}`;
}

/** Why a Unix ms instant is out of range, or undefined. */
export function instantReason(ms: number): string | undefined {
  if (Number.isInteger(ms) && ms >= 0 && ms <= INPUT_LIMITS.maxTimestampMs) return undefined;
  return `must be between 0 and ${INPUT_LIMITS.maxTimestampMs} Unix ms (1970-01-01 to 9999-12-31)`;
}

/**
 * The first place in a parsed JSON value (or YAML turned into one) that no store can take: a key or string with a
 * NUL or a lone surrogate, a number that is not finite, or nesting deeper than `maxDepth`. Recursion never goes deeper
 * than the limit.
 */
export function findJsonProblem(value: unknown, maxDepth: number = INPUT_LIMITS.jsonDepth): JsonProblem | undefined {
  return walkJson(value, 1, maxDepth);
}

/** The path is built on the way back up from a problem, so a clean value costs no allocation. */
function walkJson(v: unknown, depth: number, maxDepth: number): JsonProblem | undefined {
  if (typeof v === 'string') {
    const reason = unsafeTextReason(v);
    return reason ? { path: [], reason } : undefined;
  }
  // JSON's 1e400 parses as Infinity and YAML has .inf and .nan: kept as JSON, each would silently become null.
  if (typeof v === 'number' && !Number.isFinite(v)) return { path: [], reason: 'is a number beyond what can be kept (finite, up to about ±1.8e308)' };
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth > maxDepth) return { path: [], reason: `nests deeper than ${maxDepth} levels` };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = walkJson(v[i], depth + 1, maxDepth);
      if (p) return (p.path.unshift(i), p);
    }
    return undefined;
  }
  for (const key of Object.keys(v)) {
    const keyReason = unsafeTextReason(key);
    if (keyReason) return { path: [key], reason: `its key ${keyReason}` };
    const p = walkJson((v as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (p) return (p.path.unshift(key), p);
  }
  return undefined;
}

/** `['data', 0, 'a/b']` -> `/data/0/a~1b` (RFC 6901); the root is `/`. */
export function jsonPointer(path: JsonPath): string {
  if (path.length === 0) return '/';
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `['attributes', 'tags', 3]` -> `attributes.tags[3]`, how import errors name a field. */
export function fieldOfPath(path: JsonPath): string | undefined {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out || undefined;
}

/** A field's name, its text and the most UTF-8 bytes it may hold. */
export type LimitedField = [field: string, value: string, maxBytes: number];

export interface FieldProblem {
  field: string | undefined;
  reason: string;
}

/**
 * The first of `fields` that is unsafe or too long; else the first unsafe place (or nesting too deep) anywhere in
 * `whole`, named as a field path from it (`prefix` first).
 */
export function findFieldProblem(fields: LimitedField[], whole?: unknown, prefix = ''): FieldProblem | undefined {
  for (const [field, value, maxBytes] of fields) {
    const reason = textFieldReason(value, maxBytes);
    if (reason) return { field, reason };
  }
  if (whole === undefined) return undefined;
  const problem = findJsonProblem(whole);
  if (!problem) return undefined;
  const path = fieldOfPath(problem.path);
  return { field: prefix && path ? `${prefix}${path.startsWith('[') ? '' : '.'}${path}` : prefix || path, reason: problem.reason };
}

/**
 * Collects problems, keeping the first `INPUT_LIMITS.reportedProblems` and only counting the rest, so that a large bad
 * input neither fills memory nor answers with more than it sent.
 */
export class ProblemList<T> {
  readonly items: T[] = [];
  omitted = 0;
  constructor(readonly cap: number = INPUT_LIMITS.reportedProblems) {}
  add(problem: T): void {
    if (this.items.length < this.cap) this.items.push(problem);
    else this.omitted++;
  }
  get total(): number {
    return this.items.length + this.omitted;
  }
}

/** The closing line of a capped report. */
export function omittedProblemsText(omitted: number): string {
  return `... and ${omitted} more error${omitted === 1 ? '' : 's'} not listed`;
}
