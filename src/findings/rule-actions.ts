// What a severity modifier rule and a due date rule make of one finding: pure, so the store writes only the outcome.
import { SEVERITIES, type Severity } from '../posture/resource.js';

/** A severity modifier rule's action as the API takes it (the client's SeverityModifierRuleAction). */
export type SeverityAction =
  | { type: 'set'; severity: 'critical' | 'high' | 'medium' | 'low' | 'info_none'; description?: string }
  | { type: 'shift'; severity_delta: 'up_one' | 'down_one'; description?: string };

/** A due date rule's action (the client's DueDateRuleAction). */
export interface DueDateAction {
  due_days_per_severity: Array<{ severity: string; due_in_days: number }>;
  due_from: 'first_seen' | 'fix_available';
  reason_description?: string;
}

const DAY_MS = 86_400_000;

/** Datadog's `info_none` is Steward's lowest severity, `info`. */
const severityOfSet = (s: string): Severity => (s === 'info_none' ? 'info' : (s as Severity));

/**
 * The severity a rule gives a finding whose own severity is `base`: set to one, or shifted one step (no further than
 * critical or info). A severity Steward does not know is left as it is.
 */
export function modifiedSeverity(base: string, action: SeverityAction): string {
  if (action.type === 'set') return severityOfSet(action.severity);
  const i = SEVERITIES.indexOf(base as Severity);
  if (i < 0) return base;
  const next = action.severity_delta === 'up_one' ? Math.max(0, i - 1) : Math.min(SEVERITIES.length - 1, i + 1);
  return SEVERITIES[next]!;
}

/**
 * When a finding of `severity`, first seen at `firstSeenAt`, is due under a rule; null when the rule names no due days
 * for that severity. Steward's findings have no fix-availability date, so `fix_available` counts from first seen, as
 * Datadog does for finding types without one.
 */
export function dueAt(severity: string, firstSeenAt: number, action: DueDateAction): number | null {
  const entry = action.due_days_per_severity.find((d) => d.severity === severity);
  return entry ? firstSeenAt + entry.due_in_days * DAY_MS : null;
}
