import type { ResourceRecord } from './resource.js';
import { ownEntry } from '../own-entry.js';

/** The state of one finding at an instant: what a listing shows and filters on. */
export interface FindingState {
  finding_id: string;
  resource_id: string;
  resource_name: string;
  resource_type: string;
  rule_id: string;
  rule_name: string;
  vulnerability_type: string;
  status: string;
  evaluation: 'pass' | 'fail';
  evaluation_changed_at: number;
  resource_discovery_date: number;
  tags: string[];
  muted: boolean;
  mute: MuteState | null;
  mute_expires_at: number | null;
  /** The severity before a severity modifier rule changed `status`; null (or absent) when no rule did. */
  base_status?: string | null;
  /** What severity modifier and due date rules did to this state (src/findings/finding-automation.ts). */
  automation?: FindingAutomation | null;
}

/** A rule's mark on a finding state: which rule, by id and name. */
export interface RuleMark {
  rule_id: string;
  rule_name: string;
}

export interface FindingAutomation {
  severity?: RuleMark;
  /** Unix ms: the finding is due then. */
  due?: RuleMark & { due_at: number };
}

/** The severity the finding has of its own (its rule's, or Datadog's), before any severity modifier rule. */
export const baseSeverityOf = (s: Pick<FindingState, 'status' | 'base_status'>): string => s.base_status ?? s.status;

export interface MuteState {
  muted: boolean;
  reason?: string;
  description?: string;
  start_date?: number;
  expiration_date?: number;
  uuid?: string;
}

const ACCOUNT_TAG: Record<string, string> = { aws: 'aws_account', gcp: 'project_id', azure: 'subscription_id' };

/** The tags a finding carries: the resource's, the rule's, and where the resource lives. Sorted and without repeats. */
export function findingTags(
  resource: Pick<ResourceRecord, 'tags' | 'cloud_provider' | 'account' | 'region'>,
  ruleTags: string[],
  extra: string[] = [],
): string[] {
  const tags = new Set<string>([...resource.tags, ...ruleTags, ...extra, `cloud_provider:${resource.cloud_provider}`]);
  if (resource.account) tags.add(`${ownEntry(ACCOUNT_TAG, resource.cloud_provider) ?? 'account'}:${resource.account}`);
  if (resource.region) tags.add(`region:${resource.region}`);
  return [...tags].sort();
}

/**
 * Whether two states differ in what history records: evaluation, severity, mute, tags (and the names shown). The
 * severity compared is each state's own, before automation rules: what the rules make of it is judged by them.
 */
export function stateChanged(a: FindingState, b: FindingState): boolean {
  return (
    a.evaluation !== b.evaluation ||
    baseSeverityOf(a) !== baseSeverityOf(b) ||
    a.muted !== b.muted ||
    a.mute_expires_at !== b.mute_expires_at ||
    JSON.stringify(a.mute) !== JSON.stringify(b.mute) ||
    a.rule_name !== b.rule_name ||
    a.resource_name !== b.resource_name ||
    a.vulnerability_type !== b.vulnerability_type ||
    a.evaluation_changed_at !== b.evaluation_changed_at ||
    a.resource_discovery_date !== b.resource_discovery_date ||
    a.tags.length !== b.tags.length ||
    a.tags.some((t, i) => t !== b.tags[i])
  );
}
