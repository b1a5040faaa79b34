import { loadRulePack, rulesByType, type Rule, type RuleLoadError } from './rule-pack.js';
import { evaluateRule } from './rule-evaluation.js';
import type { RuleEngine } from './rule-engine.js';

export interface LoadedRuleEngine extends RuleEngine {
  rules: Rule[];
  errors: RuleLoadError[];
}

/** The built-in rule pack as the evaluation engine; rules that fail to load are reported and skipped. */
export function builtInRuleEngine(dir?: string): LoadedRuleEngine {
  const { rules, errors } = loadRulePack(dir);
  const byType = rulesByType(rules);
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    rules,
    errors,
    rulesFor: (type) => byType.get(type) ?? [],
    evaluate: (rule, configuration) => evaluateRule(rule as Rule, configuration),
    ruleById: (id) => byId.get(id),
  };
}
