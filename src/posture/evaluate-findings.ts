import type { ResourceRecord } from './resource.js';
import { findingId } from './finding-identity.js';
import { findingTags, stateChanged, type FindingState } from './finding-state.js';

export interface RuleForEvaluation {
  id: string;
  name: string;
  severity: string;
  vulnerability_type: string;
  tags: string[];
}

export interface EvaluationInput {
  resource: ResourceRecord;
  /** First time the resource was seen (Unix ms). */
  discoveredAt: number;
  /** `team:<handle>` written by ownership auto-tag, if any. */
  autoTeamTag: string | null;
  rules: RuleForEvaluation[];
  evaluate(rule: RuleForEvaluation, configuration: Record<string, unknown>): 'pass' | 'fail';
  /** The current states of this resource's findings. */
  previous: FindingState[];
}

export interface StateChanges {
  open: FindingState[];
  close: string[];
}

/**
 * The findings a resource version has: one per rule of its type. Returns only what changed against the previous
 * states; findings whose rule no longer applies (or of a deleted resource) are closed. Mutes carry over.
 */
export function evaluateFindings(input: EvaluationInput): StateChanges {
  const { resource } = input;
  const previous = new Map(input.previous.map((s) => [s.finding_id, s]));
  const open: FindingState[] = [];
  const keep = new Set<string>();
  if (!resource.deleted) {
    const hasOwnTeamTag = resource.tags.some((t) => t.toLowerCase().startsWith('team:'));
    for (const rule of input.rules) {
      const id = findingId(resource.resource_id, rule.id);
      keep.add(id);
      const evaluation = input.evaluate(rule, resource.configuration);
      const prev = previous.get(id);
      const next: FindingState = {
        finding_id: id,
        resource_id: resource.resource_id,
        resource_name: resource.name,
        resource_type: resource.resource_type,
        rule_id: rule.id,
        rule_name: rule.name,
        vulnerability_type: rule.vulnerability_type,
        status: rule.severity,
        evaluation,
        evaluation_changed_at: prev && prev.evaluation === evaluation ? prev.evaluation_changed_at : resource.observed_at,
        resource_discovery_date: input.discoveredAt,
        tags: findingTags(resource, rule.tags, input.autoTeamTag && !hasOwnTeamTag ? [input.autoTeamTag] : []),
        muted: prev?.muted ?? false,
        mute: prev?.mute ?? null,
        mute_expires_at: prev?.mute_expires_at ?? null,
      };
      if (!prev || stateChanged(prev, next)) open.push(next);
    }
  }
  const reopened = new Set(open.map((s) => s.finding_id));
  const close = [...previous.keys()].filter((id) => !keep.has(id) || reopened.has(id));
  return { open, close };
}
