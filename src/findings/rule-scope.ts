// Which findings an automation rule selects: its finding types and its query, compiled as the listings compile theirs.
import type { AutomationRuleRow } from '../store/automation-rules.js';
import type { FilterNode } from './filter-tree.js';
import { parseSearchQuery } from './search-syntax.js';

/** Who the history names as having written a rule's change (finding_states.changed_by). */
export const ruleActor = (ruleId: string): string => `automation-rule:${ruleId}`;

export function ruleScope(rule: AutomationRuleRow): FilterNode {
  return {
    op: 'and',
    nodes: [
      { op: 'in', field: 'vulnerability_type', values: rule.finding_types },
      parseSearchQuery(rule.query, { pointer: '/data/attributes/rule/query' }),
    ],
  };
}

/**
 * The scope read on each finding's own severity: `@severity` means the severity before any modifier rule, so that a
 * severity rule never stops matching what it changed (and a due date rule never chases one).
 */
export function onOwnSeverity(node: FilterNode): FilterNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { ...node, nodes: node.nodes.map(onOwnSeverity) };
    case 'not':
      return { op: 'not', node: onOwnSeverity(node.node) };
    case 'eq':
    case 'in':
    case 'wildcard':
      return node.field === 'status' ? { ...node, field: 'base_status' } : node;
    default:
      return node;
  }
}
