// Which listing filters the kept counts answer (src/store/finding-counts.ts, migration 017): an AND of equality, IN and
// their negations on the counted dimensions, `muted`, and at most one tag whose key is a facet. Anything else is
// counted by scanning.
import { severityRank } from '../posture/finding-identity.js';
import type { FilterNode } from './filter-tree.js';

/** Tag keys kept as facets: the same list as finding_count_facets() in migration 017 (a test compares them). */
export const COUNT_FACETS = ['team', 'env', 'service'] as const;

/** Counted columns of finding_states (and of the count rows, which name them alike). */
export type CountDimension = 'severity_rank' | 'evaluation' | 'vulnerability_type' | 'resource_type' | 'rule_id';

/** Facet rows keep only these besides the tag (and `muted`). */
const FACET_DIMENSIONS: ReadonlySet<CountDimension> = new Set(['severity_rank', 'evaluation', 'resource_type']);

const FIELD_DIMENSION: Partial<Record<string, CountDimension>> = {
  status: 'severity_rank',
  evaluation: 'evaluation',
  vulnerability_type: 'vulnerability_type',
  resource_type: 'resource_type',
  rule_id: 'rule_id',
};

export interface CountCondition {
  dimension: CountDimension;
  /** Severity ranks for severity_rank, else text. */
  values: Array<string | number>;
  /** NOT IN rather than IN (every counted column is NOT NULL, so NOT (c = ANY(v)) is exact). */
  negated: boolean;
}

/** A filter the counts answer: every condition holds (an empty list: every finding). */
export interface CoveredFilter {
  conditions: CountCondition[];
  /** Each required value of `muted` at the instant (two different ones select nothing, as the filter does). */
  muted: boolean[];
  /** The one facet tag required, as 'key:value'. */
  tag?: string;
}

/** The facet key of a tag ('team:a' -> 'team'), or undefined when the tag is no facet's. */
export function facetOf(tag: string): string | undefined {
  const colon = tag.indexOf(':');
  if (colon <= 0) return undefined;
  const key = tag.slice(0, colon);
  return (COUNT_FACETS as readonly string[]).includes(key) ? key : undefined;
}

function condition(node: FilterNode, negated: boolean): CountCondition | undefined {
  if (node.op !== 'eq' && node.op !== 'in') return undefined;
  const dimension = FIELD_DIMENSION[node.field];
  if (!dimension) return undefined;
  const values = node.op === 'eq' ? [node.value] : node.values;
  return { dimension, values: dimension === 'severity_rank' ? values.map(severityRank) : [...values], negated };
}

/** The filter as count conditions, or undefined when the counts cannot answer it exactly. */
export function coveredFilter(filter: FilterNode): CoveredFilter | undefined {
  const out: CoveredFilter = { conditions: [], muted: [] };
  const tags = new Set<string>();
  const visit = (node: FilterNode): boolean => {
    switch (node.op) {
      case 'and':
        return node.nodes.every(visit);
      case 'not': {
        const c = condition(node.node, true);
        if (c) out.conditions.push(c);
        return c !== undefined;
      }
      case 'eq':
      case 'in': {
        const c = condition(node, false);
        if (c) out.conditions.push(c);
        return c !== undefined;
      }
      case 'muted':
        out.muted.push(node.value);
        return true;
      case 'tags_all':
        node.tags.forEach((t) => tags.add(t));
        return true;
      default:
        return false;
    }
  };
  if (!visit(filter)) return undefined;
  if (tags.size > 1) return undefined;
  const [tag] = tags;
  if (tag !== undefined) {
    if (facetOf(tag) === undefined) return undefined;
    if (out.conditions.some((c) => !FACET_DIMENSIONS.has(c.dimension))) return undefined;
    out.tag = tag;
  }
  return out;
}
