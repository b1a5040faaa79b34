// The listing's query string -> a validated request: filter tree, page size, cursor, snapshot, detail.
// PARAMETERS is the one definition: LIST_QUERY (the route's schema: names, single or repeated, types, ranges, allowed
// values, and so the OpenAPI document) is built from it, and parseListQuery reads the same names for what a schema
// cannot say: aliases given together, comparison prefixes, negation and wildcards, byte limits, cursors.
import { Type, type TSchema } from '@sinclair/typebox';
import { InvalidInput } from '../errors.js';
import { StringEnum } from '../schema-types.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import { SEVERITIES, VULNERABILITY_TYPES } from '../posture/resource.js';
import { validateFilter, type Comparison, type FilterNode, type NumberField, type TextField } from './filter-tree.js';

const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 1000;

export interface ListRequest {
  filter: FilterNode;
  limit: number;
  /** The cursor and the parameter that carried it (errors about it name that parameter). */
  cursor?: { value: string; parameter: string };
  snapshotTimestamp?: number;
  detailed: boolean;
}

type Kind = 'limit' | 'cursor' | 'snapshot' | 'tags' | 'number' | 'muted' | 'text' | 'evaluation' | 'status' | 'vulnerability_type' | 'detailed';

interface ParameterSpec {
  /** Parameters that mean the same thing share a name: giving both is a duplicate. */
  name: string;
  kind: Kind;
  repeatable?: boolean;
  field?: TextField | NumberField;
  /** Clients write `filter[x]>=N` unencoded, which a URL parser reads as the key `filter[x]>` and the value `N`. */
  impliedComparison?: Comparison;
}

function comparisonParameters(name: string, field: NumberField): Record<string, ParameterSpec> {
  return {
    [`filter[${name}]`]: { name, kind: 'number', field },
    [`filter[${name}]>`]: { name, kind: 'number', field, impliedComparison: '>=' },
    [`filter[${name}]<`]: { name, kind: 'number', field, impliedComparison: '<=' },
  };
}

const PARAMETERS: Record<string, ParameterSpec> = {
  'page[limit]': { name: 'limit', kind: 'limit' },
  limit: { name: 'limit', kind: 'limit' },
  'page[cursor]': { name: 'cursor', kind: 'cursor' },
  cursor: { name: 'cursor', kind: 'cursor' },
  snapshot_timestamp: { name: 'snapshot_timestamp', kind: 'snapshot' },
  'filter[tags]': { name: 'tags', kind: 'tags', repeatable: true },
  'filter[tag]': { name: 'tags', kind: 'tags', repeatable: true },
  ...comparisonParameters('evaluation_changed_at', 'evaluation_changed_at'),
  ...comparisonParameters('discovery_timestamp', 'resource_discovery_date'),
  'filter[muted]': { name: 'muted', kind: 'muted' },
  'filter[rule_id]': { name: 'rule_id', kind: 'text', field: 'rule_id' },
  'filter[rule_name]': { name: 'rule_name', kind: 'text', field: 'rule_name' },
  'filter[resource_type]': { name: 'resource_type', kind: 'text', field: 'resource_type' },
  'filter[@resource_id]': { name: 'resource_id', kind: 'text', field: 'resource_id' },
  'filter[evaluation]': { name: 'evaluation', kind: 'evaluation' },
  'filter[status]': { name: 'status', kind: 'status' },
  'filter[vulnerability_type]': { name: 'vulnerability_type', kind: 'vulnerability_type', repeatable: true },
  detailed_findings: { name: 'detailed_findings', kind: 'detailed' },
};

const SNAPSHOT = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Unix ms: the answer as things stood then' });

function parameterSchema(key: string, spec: ParameterSpec): TSchema {
  switch (spec.kind) {
    case 'limit':
      return Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: `Page size (default ${DEFAULT_PAGE_LIMIT})` });
    case 'cursor':
      return Type.String({ minLength: 1, description: 'The cursor of the previous page (meta.page.cursor)' });
    case 'snapshot':
      return SNAPSHOT;
    case 'tags':
      return Type.Array(Type.String(), { description: 'key:value; repeat to require several' });
    case 'number':
      return Type.String({ description: key.endsWith(']') ? 'Unix ms, with an optional >=, >, <=, < prefix' : 'The unencoded form of >=N or <=N' });
    case 'muted':
    case 'detailed':
      return Type.Boolean();
    case 'text':
      return Type.String({ description: 'Exact value; * matches any run of characters; a leading - negates' });
    case 'evaluation':
      return StringEnum(['pass', 'fail']);
    case 'status':
      return StringEnum(SEVERITIES);
    case 'vulnerability_type':
      return Type.Array(StringEnum(VULNERABILITY_TYPES));
  }
}

const isUnencodedComparison = (key: string) => key.endsWith('>') || key.endsWith('<');

/** The parameter names a listing accepts (each is in the OpenAPI document). */
export const LIST_PARAMETER_NAMES = Object.keys(PARAMETERS).filter((k) => !isUnencodedComparison(k));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The listing's query string: every parameter, nothing else. Clients write `filter[x]>=N` unencoded, which reads as the
 * key `filter[x]>`: those keys are pattern properties, accepted but not listed as parameters of their own.
 */
export const LIST_QUERY = Type.Object(
  Object.fromEntries(LIST_PARAMETER_NAMES.map((key) => [key, Type.Optional(parameterSchema(key, PARAMETERS[key]!))])),
  {
    additionalProperties: false,
    patternProperties: Object.fromEntries(
      Object.entries(PARAMETERS)
        .filter(([k]) => isUnencodedComparison(k))
        .map(([k, spec]) => [`^${escapeRegExp(k)}$`, parameterSchema(k, spec)]),
    ),
  },
);

/** Routes that take only `snapshot_timestamp`. */
export const SNAPSHOT_QUERY = Type.Object({ snapshot_timestamp: Type.Optional(SNAPSHOT) }, { additionalProperties: false });

function bad(parameter: string, detail: string): never {
  throw new InvalidInput(`Invalid parameter ${parameter}: ${detail}`, { parameter });
}

const INTEGER = /^\d{1,16}$/;

function parseInteger(parameter: string, raw: string): number {
  const n = Number(raw);
  if (/^\d+$/.test(raw) && !(INTEGER.test(raw) && Number.isSafeInteger(n)))
    bad(parameter, `${JSON.stringify(raw)} is past the largest integer taken, ${Number.MAX_SAFE_INTEGER}`);
  if (!INTEGER.test(raw)) bad(parameter, `${JSON.stringify(raw)} is not a non-negative integer`);
  return n;
}

/** `>=N`, `>N`, `<=N`, `<N` or `N`. */
function comparison(parameter: string, field: NumberField, raw: string, implied?: Comparison): FilterNode {
  const m = /^(>=|<=|>|<)?([\s\S]*)$/.exec(raw)!;
  if (implied && m[1]) bad(parameter, `${JSON.stringify(raw)} has two comparison operators`);
  const op = (implied ?? m[1] ?? '=') as Comparison;
  return { op: 'compare', field, comparison: op, value: parseInteger(parameter, m[2]!) };
}

/** A leading `-` negates; `*` matches any run of characters. */
function textMatch(parameter: string, field: TextField, raw: string): FilterNode {
  const negate = raw.startsWith('-');
  const value = negate ? raw.slice(1) : raw;
  if (value === '') bad(parameter, 'is empty');
  const node: FilterNode = value.includes('*') ? { op: 'wildcard', field, pattern: value } : { op: 'eq', field, value };
  return negate ? { op: 'not', node } : node;
}

/**
 * The query string as sent (its order and raw text), once LIST_QUERY has accepted it: names, repetition of a
 * non-repeatable name, limits' range and the allowed values are judged there.
 */
export function parseListQuery(search: URLSearchParams): ListRequest {
  const seen = new Map<string, string>();
  const nodes: FilterNode[] = [];
  const tags: string[] = [];
  const vulnerabilityTypes: string[] = [];
  const out: ListRequest = { filter: { op: 'and', nodes }, limit: DEFAULT_PAGE_LIMIT, detailed: false };
  for (const [key, raw] of search) {
    const spec = Object.hasOwn(PARAMETERS, key) ? PARAMETERS[key]! : undefined;
    if (!spec) bad(key, 'is not a parameter of this endpoint');
    // Cursors are judged by their signature; every other value is text compared with indexed columns.
    const unfit = spec.kind === 'cursor' ? undefined : textFieldReason(raw, INPUT_LIMITS.filterBytes);
    if (unfit) bad(key, unfit);
    if (!spec.repeatable) {
      const earlier = seen.get(spec.name);
      if (earlier !== undefined) bad(key, earlier === key ? 'is given more than once' : `repeats ${earlier}`);
      seen.set(spec.name, key);
    }
    switch (spec.kind) {
      case 'limit':
        out.limit = parseInteger(key, raw);
        break;
      case 'cursor':
        if (raw === '') bad(key, 'is empty');
        out.cursor = { value: raw, parameter: key };
        break;
      case 'snapshot':
        out.snapshotTimestamp = parseInteger(key, raw);
        break;
      case 'tags':
        if (raw.trim() === '') bad(key, 'is empty');
        tags.push(raw);
        break;
      case 'number':
        nodes.push(comparison(key, spec.field as NumberField, raw, spec.impliedComparison));
        break;
      case 'muted':
        nodes.push({ op: 'muted', value: raw === 'true' });
        break;
      case 'text':
        nodes.push(textMatch(key, spec.field as TextField, raw));
        break;
      case 'evaluation':
        nodes.push({ op: 'eq', field: 'evaluation', value: raw });
        break;
      case 'status':
        nodes.push({ op: 'eq', field: 'status', value: raw });
        break;
      case 'vulnerability_type':
        vulnerabilityTypes.push(raw);
        break;
      case 'detailed':
        out.detailed = raw === 'true';
        break;
    }
  }
  if (tags.length > 0) nodes.push({ op: 'tags_all', tags: [...new Set(tags)] });
  if (vulnerabilityTypes.length > 0) nodes.push({ op: 'in', field: 'vulnerability_type', values: [...new Set(vulnerabilityTypes)] });
  validateFilter(out.filter);
  return out;
}
