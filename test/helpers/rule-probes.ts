// Exactness probes for rules judged on partial data: whatever the missing fields hold, the outcome must not change.
import type { Rule } from '../../src/posture/rule-pack.js';
import { explainRule, setPath, withDefaults, type FillableFields } from '../../src/posture/rule-evaluation.js';

/** Values a missing field is tried with: every JSON kind, and strings and numbers rules compare against. */
const PROBES: unknown[] = [
  null,
  true,
  false,
  '',
  'x',
  '*',
  'Enabled',
  'available',
  'required',
  'disabled',
  'AWS',
  'SYMMETRIC_DEFAULT',
  '/aws-service-role/x/',
  0,
  7,
  100,
  Date.parse('2024-12-31T00:00:00Z'),
  '2020-01-01T00:00:00Z',
  [],
  [{}],
  {},
];

/**
 * When the rule decides `configuration` although fields are missing, the configurations that fill those fields with
 * each probe value (all of them at once, and each alone) that the whole expression evaluates: returns those whose
 * outcome differs, which must be none.
 */
export function outcomesThatDiffer(rule: Rule, configuration: Record<string, unknown>, fillable: FillableFields, now?: number): string[] {
  const decided = explainRule(rule, configuration, { now, fillable });
  if (decided.evaluation === 'not_evaluated') return [];
  const { configuration: withDefault, missing } = withDefaults(rule, configuration, fillable);
  if (missing.length === 0) return [];
  const differing: string[] = [];
  const tryFilled = (filled: Record<string, unknown>) => {
    const full = explainRule(rule, filled, { now, fillable: 'any' });
    if (full.evaluation !== 'not_evaluated' && full.evaluation !== decided.evaluation) differing.push(JSON.stringify(filled));
  };
  for (const value of PROBES) {
    let all = withDefault;
    for (const field of missing) all = setPath(all, field.split('.'), value);
    tryFilled(all);
    if (missing.length > 1) for (const field of missing) tryFilled(setPath(withDefault, field.split('.'), value));
  }
  return differing;
}
