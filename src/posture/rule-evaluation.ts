// Evaluates compiled rules against a resource's configuration. Pure apart from the default
// evaluation instant: pass `now` for a deterministic answer.
//
// A rule passes only when its expression returns exactly `true`. A non-boolean result or a
// runtime error (a type mismatch on data the rule did not expect, a malformed time) is a
// `fail`: a rule that cannot vouch for a resource must not call it compliant, and the failed
// finding puts the unexpected data in front of a person. `explainRule` returns the error.
//
// A rule whose deciding fields (Rule.fields) are not all in the configuration is first given
// its defaults for the missing fields the source can fill (absent there means unset); if some
// are still missing, it is judged three-valued (rule-partial-evaluation.ts): pass or fail only
// when no value of the missing fields could change the outcome, `not_evaluated` otherwise.
import type { Rule } from './rule-pack.js';
import { missingFields } from './rule-deciding-fields.js';
import { partialOutcome } from './rule-partial-evaluation.js';
import { isRecord } from '../json-values.js';

export type Evaluation = 'pass' | 'fail';

/** The canonical paths a source can fill for the resource's type, or 'any' (src/ingest/canonical/source-fields.ts). */
export type FillableFields = ReadonlySet<string> | 'any';

export interface EvaluationOptions {
  /** The evaluation instant, Unix milliseconds; defaults to the current time. */
  now?: number;
  /** What the configuration's source can fill: the rule's defaults hold only for those fields. Defaults to 'any'. */
  fillable?: FillableFields;
}

export interface RuleOutcome {
  evaluation: Evaluation | 'not_evaluated';
  /** Why the rule could not evaluate to a boolean, when it could not. */
  error?: string;
  /** When not evaluated: the deciding fields the configuration lacks, that no default covers; sorted. */
  missing_fields?: string[];
}

/** The configuration with the rule's defaults set for the missing fields its source can fill, and what is still missing. */
export function withDefaults(
  rule: Pick<Rule, 'fields' | 'defaults'>,
  configuration: Record<string, unknown>,
  fillable: FillableFields = 'any',
): { configuration: Record<string, unknown>; missing: string[] } {
  const missing = missingFields(configuration, rule.fields);
  if (missing.length === 0) return { configuration, missing };
  let filled = configuration;
  const still: string[] = [];
  // Shorter paths first: a default for `a` (null, say) settles `a.b` too.
  for (const field of [...missing].sort((a, b) => a.length - b.length)) {
    if (missingFields(filled, [field]).length === 0) continue;
    const canFill = fillable === 'any' || fillable.has(field);
    if (canFill && Object.hasOwn(rule.defaults, field)) filled = setPath(filled, field.split('.'), rule.defaults[field]);
    else still.push(field);
  }
  return { configuration: filled, missing: missingFields(filled, still).sort() };
}

/** A copy of `object` with `value` at `path`, creating the maps on the way (only absent keys are created). */
export function setPath(object: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (rest.length === 0) return { ...object, [key]: value };
  const inner = object[key];
  const child = isRecord(inner) ? inner : {};
  return { ...object, [key]: setPath(child, rest, value) };
}

export function explainRule(rule: Rule, configuration: Record<string, unknown>, options: EvaluationOptions = {}): RuleOutcome {
  const variables = { now: options.now ?? Date.now(), ...withDefaults(rule, configuration, options.fillable) };
  const resource = variables.configuration;
  if (variables.missing.length > 0) {
    const outcome = partialOutcome(rule.tree, { resource, now: variables.now }, new Set(variables.missing));
    if (outcome === null) return { evaluation: 'not_evaluated', missing_fields: variables.missing };
    return { evaluation: outcome };
  }
  let result: unknown;
  try {
    result = rule.compiled({ resource, now: variables.now });
  } catch (err) {
    return { evaluation: 'fail', error: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
  if (typeof result !== 'boolean') return { evaluation: 'fail', error: `expression returned ${typeof result}, not a boolean` };
  return { evaluation: result ? 'pass' : 'fail' };
}

export function evaluateRule(rule: Rule, configuration: Record<string, unknown>, options: EvaluationOptions = {}): Evaluation | 'not_evaluated' {
  return explainRule(rule, configuration, options).evaluation;
}

/** Every given rule against one configuration; pass the rules for the resource's type (see rulesByType). */
export function evaluateResource(
  rules: Rule[],
  configuration: Record<string, unknown>,
  options: EvaluationOptions = {},
): Array<{ rule: Rule } & RuleOutcome> {
  const now = options.now ?? Date.now();
  return rules.map((rule) => ({ rule, ...explainRule(rule, configuration, { ...options, now }) }));
}
