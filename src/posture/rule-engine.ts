import type { RuleForEvaluation } from './evaluate-findings.js';

/** What evaluation needs of a rule pack: the rules of a type, and how to evaluate one against a configuration. */
export interface RuleEngine {
  rulesFor(resourceType: string): RuleForEvaluation[];
  evaluate(rule: RuleForEvaluation, configuration: Record<string, unknown>): 'pass' | 'fail';
  ruleById(id: string): (RuleForEvaluation & { message: string; resource_type: string }) | undefined;
}
