// The Security Findings search syntax's attributes (Datadog's findings schema, `@name`) and what each means in the
// filter tree the store compiles. One entry per attribute: the parser hands it a value term and gets a node back.
//
// To add an attribute (for example `@owner.team` once owners are facets): add a FilterNode kind the store compiles
// (filter-tree.ts, findings-query.ts), then an entry here whose `node` builds it; the parser needs no change.
import { ALL, type Comparison, type FilterNode, type NumberField, type TextField } from './filter-tree.js';
import { OWNER_TYPES } from '../ownership/owner-type.js';
import { isOnTheCalendar } from '../calendar-time.js';
import { INFERENCE_STATUSES } from '../ownership/inference-status.js';
import { wildcardMatches } from './wildcard-match.js';

/** One value as the query gave it, escapes resolved. */
export type ValueTerm =
  /** An unquoted value without wildcards, or a quoted phrase. */
  | { kind: 'exact'; value: string }
  /** An unquoted value holding `*` (any run of characters); every other character is literal. */
  | { kind: 'wildcard'; pattern: string }
  /** `>=v`, `>v`, `<=v`, `<v`; one bound of a range is given as the comparison it stands for. */
  | { kind: 'compare'; comparison: Exclude<Comparison, '='>; value: string };

/** What an attribute accepts, for error messages and the documentation's table. */
export type AttributeType = 'text' | 'time' | 'boolean' | 'enum' | 'number';

export interface AttributeSpec {
  type: AttributeType;
  /** The tree field this attribute reads, when it reads exactly one (the printer writes that field as this attribute). */
  field?: TextField | NumberField;
  /** The node for one value term, or a reason (said to the caller with the term's position) it is not accepted. */
  node(term: ValueTerm): FilterNode | { reason: string };
}

/** Matches no finding: Steward never closes a finding by itself nor tracks work on it. */
export const NONE: FilterNode = { op: 'or', nodes: [] };

function text(field: TextField, normalize: (v: string) => string = (v) => v): AttributeSpec {
  return {
    type: 'text',
    field,
    node(term) {
      if (term.kind === 'exact') return { op: 'eq', field, value: normalize(term.value) };
      if (term.kind === 'wildcard') return { op: 'wildcard', field, pattern: normalize(term.pattern) };
      return { reason: 'takes text values, not a comparison' };
    },
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Unix ms, or an ISO 8601 date (midnight UTC) or date-time (UTC unless it gives an offset). */
export function parseInstant(raw: string): number | undefined {
  if (/^\d{1,16}$/.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (!ISO_DATE.test(raw) || !isOnTheCalendar(raw)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(raw) && raw.length > 10;
  const ms = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : hasZone ? raw.replace(' ', 'T') : `${raw.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}

function time(field: NumberField): AttributeSpec {
  return {
    type: 'time',
    field,
    node(term) {
      // Every finding has this time: `*` alone matches them all, as over a text attribute.
      if (term.kind === 'wildcard') return term.pattern === '*' ? ALL : { reason: 'takes times, not wildcards' };
      const value = parseInstant(term.value);
      if (value === undefined) return { reason: `takes Unix ms or an ISO 8601 date or time, not ${JSON.stringify(term.value)}` };
      return { op: 'compare', field, comparison: term.kind === 'exact' ? '=' : term.comparison, value };
    },
  };
}

/**
 * The node of a value of a closed list: an exact value stands for its node; a wildcard for each value it matches (`*`
 * for every one), as it does over a text attribute's values. Undefined when no value of the list fits the term.
 */
function listedValue(values: Record<string, FilterNode>, term: ValueTerm): FilterNode | undefined {
  if (term.kind === 'exact') return Object.hasOwn(values, term.value) ? values[term.value] : undefined;
  if (term.kind !== 'wildcard') return undefined;
  const matched = Object.keys(values).filter((v) => wildcardMatches(term.pattern, v));
  if (matched.length === 0) return undefined;
  return matched.length === 1 ? values[matched[0]!] : { op: 'or', nodes: matched.map((v) => values[v]!) };
}

function boolean(node: (value: boolean) => FilterNode): AttributeSpec {
  const values = { true: node(true), false: node(false) };
  return {
    type: 'boolean',
    node(term) {
      return listedValue(values, term) ?? { reason: 'takes true or false' };
    },
  };
}

/** A closed list of values, each standing for a node. */
function oneOf(values: Record<string, FilterNode>): AttributeSpec {
  return {
    type: 'enum',
    node(term) {
      return listedValue(values, term) ?? { reason: `takes one of ${Object.keys(values).join(', ')}` };
    },
  };
}

const NOT_MUTED: FilterNode = { op: 'muted', value: false };

/**
 * The attributes Steward answers. `status` in the tree is the legacy API's name for the severity. The schema's
 * `@status` is the workflow state, as the Security Findings serializer writes it: `muted` when muted, else `open` when
 * failing and `resolved` when passing.
 */
export const SEARCH_ATTRIBUTES: Record<string, AttributeSpec> = {
  severity: text('status', (v) => v.toLowerCase()),
  base_severity: text('base_status', (v) => v.toLowerCase()),
  status: oneOf({
    open: { op: 'and', nodes: [NOT_MUTED, { op: 'eq', field: 'evaluation', value: 'fail' }] },
    resolved: { op: 'and', nodes: [NOT_MUTED, { op: 'eq', field: 'evaluation', value: 'pass' }] },
    muted: { op: 'muted', value: true },
    auto_closed: NONE,
    'in-progress': NONE,
  }),
  'workflow.mute.is_muted': boolean((value) => ({ op: 'muted', value })),
  'compliance.evaluation': text('evaluation'),
  finding_type: text('vulnerability_type'),
  'rule.id': text('rule_id'),
  'rule.name': text('rule_name'),
  resource_id: text('resource_id'),
  resource_type: text('resource_type'),
  detection_changed_at: time('evaluation_changed_at'),
  // Not here: @first_seen_at is when Steward first saw the finding (its first state), which no column of a state
  // holds; the resource's discovery date (resource_discovery_date) is another instant.
};

/** A node from one exact, non-empty value: `what` names what the attribute takes, for the reason given otherwise. */
function exactValue(what: string, node: (value: string) => FilterNode): AttributeSpec['node'] {
  return (term) => {
    if (term.kind !== 'exact') return { reason: `takes ${what}, without wildcards` };
    if (term.value === '') return { reason: `takes ${what}, not an empty value` };
    return node(term.value);
  };
}

/**
 * Owners as facets: the finding's resource's inferred owner of each type, its confidence and its status, as they stood
 * at the listing's instant. Datadog's schema has no such attributes; they are Steward's.
 */
function ownerAttributes(): Record<string, AttributeSpec> {
  const out: Record<string, AttributeSpec> = {};
  for (const slot of OWNER_TYPES) {
    out[`owner.${slot}`] = {
      type: 'text',
      node: exactValue('an owner handle', (handle) => ({ op: 'owner', slot, handle })),
    };
    out[`owner.${slot}_confidence`] = {
      type: 'number',
      node(term) {
        if (term.kind === 'wildcard') return { reason: 'takes a confidence from 0 to 1, not a wildcard' };
        const value = Number(term.value);
        if (!/^\d+(\.\d+)?$/.test(term.value) || value > 1) return { reason: `takes a confidence from 0 to 1, not ${JSON.stringify(term.value)}` };
        return { op: 'owner_confidence', slot, comparison: term.kind === 'exact' ? '=' : term.comparison, value };
      },
    };
    // A closed list: a status no inference has is refused rather than matching nothing.
    out[`owner.${slot}_status`] = oneOf(Object.fromEntries(INFERENCE_STATUSES.map((value) => [value, { op: 'owner_status', slot, value }])));
  }
  return out;
}

Object.assign(SEARCH_ATTRIBUTES, ownerAttributes());

export function searchAttribute(name: string): AttributeSpec | undefined {
  return Object.hasOwn(SEARCH_ATTRIBUTES, name) ? SEARCH_ATTRIBUTES[name] : undefined;
}
