// The listing's filters as a small tree: parsed from the query string, validated here, compiled to SQL by the store.
import { InvalidInput } from '../errors.js';
import { OWNER_TYPES, type OwnerType } from '../ownership/owner-type.js';

/** Columns a filter may name; the store maps each to one column of finding_states. */
export const TEXT_FIELDS = [
  'status',
  'base_status',
  'evaluation',
  'vulnerability_type',
  'rule_id',
  'rule_name',
  'resource_type',
  'resource_id',
] as const;
export const NUMBER_FIELDS = ['evaluation_changed_at', 'resource_discovery_date'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];
export type Comparison = '>' | '>=' | '<' | '<=' | '=';

export type FilterNode =
  | { op: 'and'; nodes: FilterNode[] }
  | { op: 'or'; nodes: FilterNode[] }
  | { op: 'not'; node: FilterNode }
  | { op: 'eq'; field: TextField; value: string }
  | { op: 'in'; field: TextField; values: string[] }
  /** `pattern` uses `*` as the only wildcard; everything else is literal. */
  | { op: 'wildcard'; field: TextField; pattern: string }
  | { op: 'compare'; field: NumberField; comparison: Comparison; value: number }
  | { op: 'tags_all'; tags: string[] }
  /** Some tag matches `pattern` (`key:val*`): `*` is the only wildcard, as in `wildcard`. */
  | { op: 'tag_wildcard'; pattern: string }
  /** Muted at the snapshot instant: a mute whose expiry has passed reads as unmuted. */
  | { op: 'muted'; value: boolean }
  /** The finding's resource's inferred owner of one type at the snapshot instant (handles compare case-insensitively). */
  | { op: 'owner'; slot: OwnerType; handle: string }
  /** The confidence of that inference at the snapshot instant, 0 to 1. */
  | { op: 'owner_confidence'; slot: OwnerType; comparison: Comparison; value: number }
  /** The status of that inference at the snapshot instant (suggested, confirmed, corrected, persisted, ...). */
  | { op: 'owner_status'; slot: OwnerType; value: string };

export const ALL: FilterNode = { op: 'and', nodes: [] };

function fail(detail: string): never {
  throw new InvalidInput(`Invalid filter: ${detail}`);
}

/** Checks that every node is well formed; a tree built by hand (or by a future parser) passes the same gate. */
export function validateFilter(node: FilterNode): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or':
      node.nodes.forEach(validateFilter);
      return node;
    case 'not':
      validateFilter(node.node);
      return node;
    case 'eq':
    case 'wildcard':
      if (!TEXT_FIELDS.includes(node.field)) fail(`unknown field ${node.field}`);
      if (typeof (node.op === 'eq' ? node.value : node.pattern) !== 'string') fail(`${node.field} needs a string`);
      return node;
    case 'in':
      if (!TEXT_FIELDS.includes(node.field)) fail(`unknown field ${node.field}`);
      if (node.values.length === 0 || node.values.some((v) => typeof v !== 'string')) fail(`${node.field} needs strings`);
      return node;
    case 'compare':
      if (!NUMBER_FIELDS.includes(node.field)) fail(`unknown field ${node.field}`);
      if (!Number.isSafeInteger(node.value)) fail(`${node.field} needs an integer`);
      if (!['>', '>=', '<', '<=', '='].includes(node.comparison)) fail(`unknown comparison ${node.comparison}`);
      return node;
    case 'tags_all':
      if (node.tags.length === 0 || node.tags.some((t) => typeof t !== 'string' || t === '')) fail('tags need non-empty strings');
      return node;
    case 'tag_wildcard':
      if (typeof node.pattern !== 'string' || node.pattern === '') fail('a tag pattern needs a non-empty string');
      return node;
    case 'muted':
      if (typeof node.value !== 'boolean') fail('muted needs a boolean');
      return node;
    case 'owner':
    case 'owner_status': {
      if (!OWNER_TYPES.includes(node.slot)) fail(`unknown owner type ${node.slot}`);
      const value = node.op === 'owner' ? node.handle : node.value;
      if (typeof value !== 'string' || value === '') fail(`${node.op} needs a non-empty string`);
      return node;
    }
    case 'owner_confidence':
      if (!OWNER_TYPES.includes(node.slot)) fail(`unknown owner type ${node.slot}`);
      if (!(typeof node.value === 'number' && node.value >= 0 && node.value <= 1)) fail('owner confidence needs a number from 0 to 1');
      if (!['>', '>=', '<', '<=', '='].includes(node.comparison)) fail(`unknown comparison ${node.comparison}`);
      return node;
    default:
      return fail(`unknown node ${(node as { op: string }).op}`);
  }
}

/** Whether a tree reads the resources' inferred owners, which change without any finding changing. */
export function readsOwners(node: FilterNode): boolean {
  switch (node.op) {
    case 'and':
    case 'or':
      return node.nodes.some(readsOwners);
    case 'not':
      return readsOwners(node.node);
    case 'owner':
    case 'owner_confidence':
    case 'owner_status':
      return true;
    default:
      return false;
  }
}

/** A stable text of the tree (children sorted), so equal filters given in another order hash alike. */
export function canonicalFilter(node: FilterNode): string {
  switch (node.op) {
    case 'and':
    case 'or':
      return `${node.op}(${node.nodes.map(canonicalFilter).sort().join(',')})`;
    case 'not':
      return `not(${canonicalFilter(node.node)})`;
    case 'in':
      return `in(${node.field},${JSON.stringify([...node.values].sort())})`;
    case 'tags_all':
      return `tags_all(${JSON.stringify([...new Set(node.tags)].sort())})`;
    case 'eq':
      return `eq(${node.field},${JSON.stringify(node.value)})`;
    case 'wildcard':
      return `wildcard(${node.field},${JSON.stringify(node.pattern)})`;
    case 'compare':
      return `compare(${node.field},${node.comparison},${node.value})`;
    case 'tag_wildcard':
      return `tag_wildcard(${JSON.stringify(node.pattern)})`;
    case 'muted':
      return `muted(${node.value})`;
    case 'owner':
      return `owner(${node.slot},${JSON.stringify(node.handle.toLowerCase())})`;
    case 'owner_confidence':
      return `owner_confidence(${node.slot},${node.comparison},${node.value})`;
    case 'owner_status':
      return `owner_status(${node.slot},${JSON.stringify(node.value)})`;
  }
}
