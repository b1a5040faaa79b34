import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from './resource.js';

/** A finding's id is opaque and stable: the same (resource, rule) pair always has the same id. */
export function findingId(resourceId: string, ruleId: string): string {
  return createHash('sha256').update(`${resourceId}\n${ruleId}`).digest('base64url').slice(0, 32);
}

/**
 * Whether a finding is the rule pack's (its id is findingId(resource, rule)) rather than one imported from Datadog,
 * which keeps Datadog's id and stays as Datadog reported it: neither re-evaluated nor auto-tagged.
 */
export function isRuleFinding(f: { finding_id: string; resource_id: string; rule_id: string }): boolean {
  return f.finding_id === findingId(f.resource_id, f.rule_id);
}

/** Sort rank of a status: critical first. */
export function severityRank(status: string): number {
  const i = SEVERITIES.indexOf(status as Severity);
  return i < 0 ? SEVERITIES.length : i;
}
