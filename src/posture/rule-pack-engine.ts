import { loadRulePack, rulesByType, type Rule, type RuleLoadError } from './rule-pack.js';
import { explainRule } from './rule-evaluation.js';
import type { RuleEngine } from './rule-engine.js';
// A pure table (no I/O): what each importer's source can fill, so that a rule's defaults hold only where absence means unset.
import { fieldsSourceCanFill } from '../ingest/canonical/source-fields.js';

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
    evaluate: (rule, configuration, source) => {
      const full = rule as Rule;
      const outcome = explainRule(full, configuration, { fillable: fieldsSourceCanFill(source, full.resource_type) });
      return outcome.evaluation === 'not_evaluated' ? { not_evaluated: outcome.missing_fields ?? [] } : outcome.evaluation;
    },
    ruleById: (id) => byId.get(id),
  };
}
