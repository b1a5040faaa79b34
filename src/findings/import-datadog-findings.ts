// Findings exported from Datadog, kept exactly as Datadog reported them: their ids, dates, status, evaluation, tags and
// mute, with Datadog's message and resource configuration on the finding itself (origin 'imported'). The resources they
// report on enter the inventory too (recordReferencedResources), unless a richer source already describes them.
import { applySeverityAndDueRulesAtEvaluation } from './severity-and-due-rules.js';
import type { Queryable } from '../store/db.js';
import { findingResourceId, findingResources, type ImportedFinding } from '../ingest/datadog-findings.js';
import type { FindingState, MuteState } from '../posture/finding-state.js';
import { stateChanged } from '../posture/finding-state.js';
import { recordReferencedResources, type ReferenceSummary } from '../posture/referenced-resources.js';
import { currentStatesByFinding, insertFindingIdentities, writeStates } from '../store/finding-states.js';

export interface ImportSummary extends ReferenceSummary {
  received: number;
  opened: number;
  unchanged: number;
}

function withDetailsOf(f: ImportedFinding, earlier: ImportedFinding): ImportedFinding {
  const message = f.message ?? earlier.message;
  const configuration = f.resource_configuration ?? earlier.resource_configuration;
  return { ...f, ...(message !== undefined ? { message } : {}), ...(configuration !== undefined ? { resource_configuration: configuration } : {}) };
}

function state(f: ImportedFinding): FindingState {
  const mute: MuteState | null = f.mute.muted ? { ...f.mute } : null;
  return {
    finding_id: f.finding_id,
    resource_id: findingResourceId(f),
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

/** The two parts of an import a caller can follow: the findings' states, then the resources they report on. */
export type DatadogImportPhase = 'findings' | 'resources';

/** Hears how far an import is: `done` of `total` in `phase`; each phase is reported from 0 to its total. */
export type DatadogImportProgress = (phase: DatadogImportPhase, done: number, total: number) => void;

/**
 * Writes the findings within the caller's transaction at `now` (run it in withFindingWriteLease, with the whole
 * organization as its scope, so that writers take turns and listings stay consistent). A finding imported again opens a new state only when what it reports changed. Tags keep Datadog's order.
 */
export async function importDatadogFindings(
  tx: Queryable,
  orgId: string,
  findings: ImportedFinding[],
  now: number,
  progress: DatadogImportProgress = () => {},
): Promise<ImportSummary> {
  // The last record of a finding says its state; one without details (a listing's) keeps those an earlier one gave.
  const latest = new Map<string, ImportedFinding>();
  for (const f of findings) {
    const earlier = latest.get(f.finding_id);
    latest.set(f.finding_id, earlier ? withDetailsOf(f, earlier) : f);
  }
  const list = [...latest.values()];
  progress('findings', 0, list.length);
  await insertFindingIdentities(
    tx,
    orgId,
    list.map((f) => ({
      finding_id: f.finding_id,
      resource_id: findingResourceId(f),
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
    // A finding whose resource id is now derived differently (see findingResourceId) moves to it.
    if (
      !prev ||
      prev.resource_id !== next.resource_id ||
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
  // Severity modifier and due date rules judge Datadog's findings as they judge Steward's own.
  await applySeverityAndDueRulesAtEvaluation(
    tx,
    orgId,
    open.map((s) => s.finding_id),
    now,
  );
  progress('findings', list.length, list.length);
  // The resources the findings now point at, as the findings say them: most of an import's time.
  const references = findingResources(list);
  progress('resources', 0, references.length);
  const resources = await recordReferencedResources(tx, orgId, references, {
    source: 'import:datadog-findings',
    now,
    onRecorded: (done, total) => progress('resources', done, total),
  });
  return { received: findings.length, opened: open.length, unchanged: list.length - open.length, ...resources };
}
