// The CEL environment every rule expression compiles in: which variables a rule sees and
// the few helper functions it may call. rules/README.md documents the same list.
import { Environment, serialize, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { decidingFields } from './rule-deciding-fields.js';
import { decisionTree, type DecisionNode, type RuleVariables } from './rule-partial-evaluation.js';

export type { RuleVariables };

export type CompiledExpression = (variables: RuleVariables) => unknown;

export interface CompiledRule {
  evaluate: CompiledExpression;
  /** The canonical paths the expression reads from `resource` (rule-deciding-fields.ts). */
  fields: string[];
  /** Its boolean frame, for judging a configuration that lacks some of them (rule-partial-evaluation.ts). */
  tree: DecisionNode;
}

export type CompileResult = ({ ok: true } & CompiledRule) | { ok: false; message: string };

/** `x` as a list: IAM documents hold either one string or a list of them where a list is allowed. */
function asList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A time as Unix milliseconds: from a number (already milliseconds) or an ISO 8601 string. */
function millis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new Error(`millis(): not a time: ${JSON.stringify(value)}`);
}

// Building an Environment is the expensive part; one serves every rule.
const environment = new Environment({
  // `.?field` and `.orValue(default)` keep expressions short where fields are optional.
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
})
  .registerVariable('resource', 'map')
  .registerVariable('now', 'double')
  .registerFunction('as_list(dyn): list', asList)
  .registerFunction('millis(dyn): double', millis);

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].trim();
}

/** Parses and type-checks once; the returned function evaluates many times. */
export function compileExpression(source: string): CompileResult {
  let parsed: ParseResult;
  try {
    parsed = environment.parse(source);
  } catch (err) {
    return { ok: false, message: `CEL syntax error: ${firstLine(err)}` };
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, message: `CEL type error: ${firstLine(checked.error)}` };
  if (checked.type !== 'bool' && checked.type !== 'dyn') return { ok: false, message: `CEL expression must return bool, not ${checked.type}` };
  return {
    ok: true,
    evaluate: (variables) => parsed(variables as unknown as Record<string, unknown>),
    fields: decidingFields(parsed.ast),
    tree: frameOf(parsed),
  };
}

/** The expression's boolean frame; if a leaf cannot be compiled on its own, the whole expression is one leaf. */
function frameOf(parsed: ParseResult): DecisionNode {
  try {
    return decisionTree(parsed.ast, compileLeaf);
  } catch {
    return { kind: 'leaf', fields: decidingFields(parsed.ast), evaluate: (variables) => parsed(variables as unknown as Record<string, unknown>) };
  }
}

/** One leaf of an expression's boolean frame, compiled on its own from its text. */
function compileLeaf(node: ASTNode): CompiledExpression {
  const leaf = environment.parse(serialize(node));
  return (variables) => leaf(variables as unknown as Record<string, unknown>);
}
