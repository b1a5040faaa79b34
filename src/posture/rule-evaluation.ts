// Evaluates compiled rules against a resource's configuration. Pure apart from the default
// evaluation instant: pass `now` for a deterministic answer.
//
// A rule passes only when its expression returns exactly `true`. A non-boolean result or a
// runtime error (a type mismatch on data the rule did not expect, a malformed time) is a
// `fail`: a rule that cannot vouch for a resource must not call it compliant, and the failed
// finding puts the unexpected data in front of a person. `explainRule` returns the error.
import type { Rule } from './rule-pack.js';

export type Evaluation = 'pass' | 'fail';

export interface EvaluationOptions {
  /** The evaluation instant, Unix milliseconds; defaults to the current time. */
  now?: number;
}

export interface RuleOutcome {
  evaluation: Evaluation;
  /** Why the rule could not evaluate to a boolean, when it could not. */
  error?: string;
}

export function explainRule(rule: Rule, configuration: Record<string, unknown>, options: EvaluationOptions = {}): RuleOutcome {
  let result: unknown;
  try {
    result = rule.compiled({ resource: configuration, now: options.now ?? Date.now() });
  } catch (err) {
    return { evaluation: 'fail', error: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
  if (typeof result !== 'boolean') return { evaluation: 'fail', error: `expression returned ${typeof result}, not a boolean` };
  return { evaluation: result ? 'pass' : 'fail' };
}

export function evaluateRule(rule: Rule, configuration: Record<string, unknown>, options: EvaluationOptions = {}): Evaluation {
  return explainRule(rule, configuration, options).evaluation;
}

/** Every given rule against one configuration; pass the rules for the resource's type (see rulesByType). */
export function evaluateResource(
  rules: Rule[],
  configuration: Record<string, unknown>,
  options: EvaluationOptions = {},
): Array<{ rule: Rule; evaluation: Evaluation; error?: string }> {
  const now = options.now ?? Date.now();
  return rules.map((rule) => ({ rule, ...explainRule(rule, configuration, { now }) }));
}
