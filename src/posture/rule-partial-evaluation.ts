// Three-valued evaluation of a rule whose configuration lacks some deciding fields. The expression's boolean frame
// (`&&`, `||`, `!`, `? :` down to the first sub-expression that is none of these) is kept; each leaf below it is compiled
// on its own with the fields it reads. A leaf whose fields are all present has its value; a leaf that reads a missing
// field could be anything (true, false or an error). The frame combines the sets of possible values with CEL's own
// rules (`false && error` is false, `true || error` is true), so the answer stands only if every value the missing
// fields could take gives the same outcome: pass when only `true` is possible, fail when only `false` or an error is,
// otherwise the rule cannot judge the resource. Never a guess: a rule is not evaluated rather than wrong.
import type { ASTNode } from '@marcbachmann/cel-js';
import { decidingFields } from './rule-deciding-fields.js';

/** The variables a compiled rule expression is called with. */
export interface RuleVariables {
  /** The resource's canonical configuration (rules/README.md). */
  resource: Record<string, unknown>;
  /** The evaluation instant, Unix milliseconds, for rules about ages (key rotation, last use). */
  now: number;
}

/** A leaf's possible values: true, false, or an error (a non-boolean counts as one, as it fails the rule). */
type Value = 'T' | 'F' | 'E';
type Values = ReadonlySet<Value>;

export type DecisionNode =
  | { kind: 'and' | 'or'; left: DecisionNode; right: DecisionNode }
  | { kind: 'not'; operand: DecisionNode }
  | { kind: 'choose'; test: DecisionNode; then: DecisionNode; otherwise: DecisionNode }
  | { kind: 'leaf'; fields: string[]; evaluate: (variables: RuleVariables) => unknown };

/** Builds the boolean frame of an expression; `compileLeaf` compiles one leaf sub-expression. */
export function decisionTree(ast: ASTNode, compileLeaf: (node: ASTNode) => (variables: RuleVariables) => unknown): DecisionNode {
  switch (ast.op) {
    case '&&':
    case '||': {
      const [left, right] = ast.args as [ASTNode, ASTNode];
      return {
        kind: ast.op === '&&' ? 'and' : 'or',
        left: decisionTree(left, compileLeaf),
        right: decisionTree(right, compileLeaf),
      };
    }
    case '!_':
      return { kind: 'not', operand: decisionTree(ast.args as ASTNode, compileLeaf) };
    case '?:': {
      const [test, then, otherwise] = ast.args as [ASTNode, ASTNode, ASTNode];
      return {
        kind: 'choose',
        test: decisionTree(test, compileLeaf),
        then: decisionTree(then, compileLeaf),
        otherwise: decisionTree(otherwise, compileLeaf),
      };
    }
    default:
      return { kind: 'leaf', fields: decidingFields(ast), evaluate: compileLeaf(ast) };
  }
}

const ANY: Values = new Set<Value>(['T', 'F', 'E']);

function leafValue(node: Extract<DecisionNode, { kind: 'leaf' }>, variables: RuleVariables): Value {
  try {
    const result = node.evaluate(variables);
    return result === true ? 'T' : result === false ? 'F' : 'E';
  } catch {
    return 'E';
  }
}

function combine(left: Values, right: Values, op: (a: Value, b: Value) => Value): Values {
  const out = new Set<Value>();
  for (const a of left) for (const b of right) out.add(op(a, b));
  return out;
}

// CEL's logical operators are commutative over errors: a decisive operand wins whichever side the error is on.
const and = (a: Value, b: Value): Value => (a === 'F' || b === 'F' ? 'F' : a === 'T' && b === 'T' ? 'T' : 'E');
const or = (a: Value, b: Value): Value => (a === 'T' || b === 'T' ? 'T' : a === 'F' && b === 'F' ? 'F' : 'E');
const not = (a: Value): Value => (a === 'T' ? 'F' : a === 'F' ? 'T' : 'E');

/** The values the node could have, given which fields are missing. */
export function possibleValues(node: DecisionNode, variables: RuleVariables, missing: ReadonlySet<string>): Values {
  switch (node.kind) {
    case 'leaf':
      return node.fields.some((f) => missing.has(f)) ? ANY : new Set([leafValue(node, variables)]);
    case 'and':
    case 'or':
      return combine(possibleValues(node.left, variables, missing), possibleValues(node.right, variables, missing), node.kind === 'and' ? and : or);
    case 'not':
      return new Set([...possibleValues(node.operand, variables, missing)].map(not));
    case 'choose': {
      const out = new Set<Value>();
      for (const test of possibleValues(node.test, variables, missing)) {
        if (test === 'E') out.add('E');
        else for (const v of possibleValues(test === 'T' ? node.then : node.otherwise, variables, missing)) out.add(v);
      }
      return out;
    }
  }
}

/** pass, fail, or null when the missing fields could change the outcome. */
export function partialOutcome(node: DecisionNode, variables: RuleVariables, missing: ReadonlySet<string>): 'pass' | 'fail' | null {
  const values = possibleValues(node, variables, missing);
  if (values.size === 1 && values.has('T')) return 'pass';
  if (!values.has('T')) return 'fail';
  return null;
}
