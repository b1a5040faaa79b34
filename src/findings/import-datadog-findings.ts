// Findings exported from Datadog, kept exactly as Datadog reported them: their ids, dates, status, evaluation, tags and
// mute, with Datadog's message and resource configuration on the finding itself (origin 'imported').
import type { Queryable } from '../store/db.js';
import type { ImportedFinding } from '../ingest/datadog-findings.js';
import type { FindingState, MuteState } from '../posture/finding-state.js';
import { stateChanged } from '../posture/finding-state.js';
import { currentStatesByFinding, insertFindingIdentities, writeStates } from '../store/finding-states.js';

export interface ImportSummary {
  received: number;
  opened: number;
  unchanged: number;
}

/** Datadog names the resource, not its id: the configuration's ARN when it has one, else type and name. */
export function importedResourceId(f: ImportedFinding): string {
  const config = f.resource_configuration ?? {};
  if (typeof config.arn === 'string' && config.arn.startsWith('arn:')) return config.arn;
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('_arn') && typeof value === 'string' && value.startsWith('arn:')) return value;
  }
  return `${f.resource_type}/${f.resource}`;
}

function state(f: ImportedFinding): FindingState {
  const mute: MuteState | null = f.mute.muted ? { ...f.mute } : null;
  return {
    finding_id: f.finding_id,
    resource_id: importedResourceId(f),
    resource_name: f.resource,
    resource_type: f.resource_type,
    rule_id: f.rule_id,
    rule_name: f.rule_name,
    vulnerability_type: f.vulnerability_type,
    status: f.status,
    evaluation: f.evaluation,
    evaluation_changed_at: f.evaluation_changed_at,
    resource_discovery_date: f.resource_discovery_date,
    tags: f.tags,
    muted: f.mute.muted,
    mute,
    mute_expires_at: f.mute.muted ? (f.mute.expiration_date ?? null) : null,
  };
}

/**
 * Writes the findings within the caller's transaction at `now` (run it in withFindingWriteLease, with the whole
 * organization as its scope, so that writers take turns and listings stay consistent). A finding imported again opens a new state only when what it reports changed. Tags keep Datadog's order.
 */
export async function importDatadogFindings(tx: Queryable, orgId: string, findings: ImportedFinding[], now: number): Promise<ImportSummary> {
  const latest = new Map(findings.map((f) => [f.finding_id, f]));
  const list = [...latest.values()];
  await insertFindingIdentities(
    tx,
    orgId,
    list.map((f) => ({
      finding_id: f.finding_id,
      resource_id: importedResourceId(f),
      rule_id: f.rule_id,
      origin: 'imported' as const,
      message: f.message ?? null,
      resource_configuration: f.resource_configuration ?? null,
    })),
  );
  const previous = await currentStatesByFinding(
    tx,
    orgId,
    list.map((f) => f.finding_id),
  );
  const open: FindingState[] = [];
  for (const f of list) {
    const next = state(f);
    const prev = previous.get(f.finding_id);
    if (
      !prev ||
      stateChanged(
        {
          ...prev,
          evaluation_changed_at: Number(prev.evaluation_changed_at),
          resource_discovery_date: Number(prev.resource_discovery_date),
          mute_expires_at: prev.mute_expires_at === null ? null : Number(prev.mute_expires_at),
        },
        next,
      )
    )
      open.push(next);
  }
  await writeStates(
    tx,
    orgId,
    open.filter((s) => previous.has(s.finding_id)).map((s) => s.finding_id),
    open,
    now,
    'datadog-import',
  );
  return { received: findings.length, opened: open.length, unchanged: list.length - open.length };
}
