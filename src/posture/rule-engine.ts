import type { RuleForEvaluation } from './evaluate-findings.js';

/** A rule that cannot judge a configuration: the deciding fields it lacks (canonical dotted paths, sorted). */
export interface NotEvaluated {
  not_evaluated: string[];
}

/** What a rule says of a configuration: pass, fail, or not evaluated for want of data. */
export type Verdict = 'pass' | 'fail' | NotEvaluated;

/** What evaluation needs of a rule pack: the rules of a type, and how to evaluate one against a configuration. */
export interface RuleEngine {
  rulesFor(resourceType: string): RuleForEvaluation[];
  /**
   * One rule against one configuration. `source` is where the resource version came from (resources.source): a rule's
   * defaults for missing fields hold only for sources that can fill those fields.
   */
  evaluate(rule: RuleForEvaluation, configuration: Record<string, unknown>, source?: string | null): Verdict;
  ruleById(id: string): (RuleForEvaluation & { message: string; resource_type: string }) | undefined;
}
