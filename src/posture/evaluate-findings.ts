import type { ResourceRecord } from './resource.js';
import { findingId } from './finding-identity.js';
import { findingTags, stateChanged, type FindingState } from './finding-state.js';
import { gapChanged, type EvaluationGap, type GapKey } from './evaluation-gap.js';
import type { Verdict } from './rule-engine.js';

export interface RuleForEvaluation {
  id: string;
  name: string;
  severity: string;
  vulnerability_type: string;
  tags: string[];
}

export interface EvaluationInput {
  resource: ResourceRecord;
  /** Where this version came from (resources.source), recorded with its gaps and given to the rules' defaults. */
  source?: string | null;
  /** First time the resource was seen (Unix ms). */
  discoveredAt: number;
  /** `team:<handle>` written by ownership auto-tag, if any. */
  autoTeamTag: string | null;
  rules: RuleForEvaluation[];
  evaluate(rule: RuleForEvaluation, configuration: Record<string, unknown>, source?: string | null): Verdict;
  /** The current states of this resource's findings. */
  previous: FindingState[];
  /** The current gaps of this resource (pairs not evaluated). */
  previousGaps?: EvaluationGap[];
  /**
   * The last state of findings of this resource that have no current state (closed while not evaluated): a finding
   * that is judged again takes its mute back from it.
   */
  lastClosed?: FindingState[];
}

export interface StateChanges {
  open: FindingState[];
  close: string[];
  /** Gaps to open (new, or changed: closed and opened again). */
  openGaps: EvaluationGap[];
  /** Gaps to close: judged again, changed, rule gone, or resource deleted. */
  closeGaps: GapKey[];
}

/**
 * The findings a resource version has: one per rule of its type, or a gap when the rule lacks a field that decides it
 * (the pair is then not evaluated: its open state closes with no successor). Returns only what changed against the
 * previous states and gaps; findings and gaps whose rule no longer applies (or of a deleted resource) are closed.
 * Mutes carry over, across a time not evaluated too.
 */
export function evaluateFindings(input: EvaluationInput): StateChanges {
  const { resource } = input;
  const source = input.source ?? null;
  const previous = new Map(input.previous.map((s) => [s.finding_id, s]));
  const lastClosed = new Map((input.lastClosed ?? []).map((s) => [s.finding_id, s]));
  const previousGaps = new Map((input.previousGaps ?? []).map((g) => [g.rule_id, g]));
  const open: FindingState[] = [];
  const keep = new Set<string>();
  const openGaps: EvaluationGap[] = [];
  const keepGaps = new Set<string>();
  if (!resource.deleted) {
    const hasOwnTeamTag = resource.tags.some((t) => t.toLowerCase().startsWith('team:'));
    for (const rule of input.rules) {
      const id = findingId(resource.resource_id, rule.id);
      const verdict = input.evaluate(rule, resource.configuration, source);
      if (typeof verdict !== 'string') {
        const gap: EvaluationGap = {
          resource_id: resource.resource_id,
          rule_id: rule.id,
          resource_type: resource.resource_type,
          missing_fields: [...verdict.not_evaluated].sort(),
          source,
        };
        keepGaps.add(rule.id);
        const prevGap = previousGaps.get(rule.id);
        if (!prevGap || gapChanged(prevGap, gap)) openGaps.push(gap);
        continue;
      }
      keep.add(id);
      const prev = previous.get(id);
      const carried = prev ?? lastClosed.get(id);
      const next: FindingState = {
        finding_id: id,
        resource_id: resource.resource_id,
        resource_name: resource.name,
        resource_type: resource.resource_type,
        rule_id: rule.id,
        rule_name: rule.name,
        vulnerability_type: rule.vulnerability_type,
        status: rule.severity,
        evaluation: verdict,
        evaluation_changed_at: prev && prev.evaluation === verdict ? prev.evaluation_changed_at : resource.observed_at,
        resource_discovery_date: input.discoveredAt,
        tags: findingTags(resource, rule.tags, input.autoTeamTag && !hasOwnTeamTag ? [input.autoTeamTag] : []),
        muted: carried?.muted ?? false,
        mute: carried?.mute ?? null,
        mute_expires_at: carried?.mute_expires_at ?? null,
      };
      if (!prev || stateChanged(prev, next)) open.push(next);
    }
  }
  const reopened = new Set(open.map((s) => s.finding_id));
  const close = [...previous.keys()].filter((id) => !keep.has(id) || reopened.has(id));
  const reopenedGaps = new Set(openGaps.map((g) => g.rule_id));
  const closeGaps = [...previousGaps.values()]
    .filter((g) => !keepGaps.has(g.rule_id) || reopenedGaps.has(g.rule_id))
    .map((g) => ({ resource_id: g.resource_id, rule_id: g.rule_id }));
  return { open, close, openGaps, closeGaps };
}
