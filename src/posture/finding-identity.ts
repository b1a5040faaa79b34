import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from './resource.js';

/** A finding's id is opaque and stable: the same (resource, rule) pair always has the same id. */
export function findingId(resourceId: string, ruleId: string): string {
  return createHash('sha256').update(`${resourceId}\n${ruleId}`).digest('base64url').slice(0, 32);
}

/** Sort rank of a status: critical first. */
export function severityRank(status: string): number {
  const i = SEVERITIES.indexOf(status as Severity);
  return i < 0 ? SEVERITIES.length : i;
}
