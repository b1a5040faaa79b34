import type { ResourceRecord } from './resource.js';

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
}

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
  if (resource.account) tags.add(`${ACCOUNT_TAG[resource.cloud_provider] ?? 'account'}:${resource.account}`);
  if (resource.region) tags.add(`region:${resource.region}`);
  return [...tags].sort();
}

/** Whether two states differ in what history records: evaluation, status, mute, tags (and the names shown). */
export function stateChanged(a: FindingState, b: FindingState): boolean {
  return (
    a.evaluation !== b.evaluation ||
    a.status !== b.status ||
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
