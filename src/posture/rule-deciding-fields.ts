// The fields that decide a rule, read from its CEL expression: every selection rooted at `resource` (`resource.a.b`,
// `resource.?a.?b`, `resource.a["b"]`, the argument of `has(resource.a.b)`) names the canonical path `a.b`. Selections
// on a comprehension's variable (`s.effect` in `statements.exists(s, ...)`) read inside a value the rule already holds,
// so they decide nothing on their own: the list they range over does.
import type { ASTNode } from '@marcbachmann/cel-js';
import { isRecord } from '../json-values.js';

const SELECTIONS = new Set(['.', '.?', '[]', '[?]']);

/** The path a node selects from `resource`, or null when it is not such a selection (a dynamic index ends the path). */
export function resourcePath(node: ASTNode): string[] | null {
  const path: string[] = [];
  let current: ASTNode = node;
  while (SELECTIONS.has(current.op)) {
    const [target, key] = current.args as [ASTNode, string | ASTNode];
    if (typeof key === 'string') path.unshift(key);
    else if (key.op === 'value' && typeof key.args === 'string') path.unshift(key.args);
    else return null;
    current = target;
  }
  return current.op === 'id' && current.args === 'resource' ? path : null;
}

function children(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object' && 'op' in value) out.push(value as ASTNode);
  };
  if (node.op !== 'value' && node.op !== 'id') visit(node.args);
  return out;
}

/** Every path the expression selects from `resource`, dotted and sorted; a path that is a prefix of another is kept too. */
export function decidingFields(ast: ASTNode): string[] {
  const found = new Set<string>();
  const walk = (node: ASTNode) => {
    const path = resourcePath(node);
    if (path !== null) {
      if (path.length > 0) found.add(path.join('.'));
      return;
    }
    children(node).forEach(walk);
  };
  walk(ast);
  return [...found].sort();
}

/**
 * The paths of `fields` a configuration lacks. A path is missing when, walking it, a map lacks the next key; a walk
 * that meets `null` or a value that is not a map before its end is data (the source says there is nothing there), as is
 * a present `null` at its end.
 */
export function missingFields(configuration: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((field) => {
    let value: unknown = configuration;
    for (const key of field.split('.')) {
      if (!isRecord(value)) return false;
      if (!Object.hasOwn(value, key)) return true;
      value = value[key];
    }
    return false;
  });
}
