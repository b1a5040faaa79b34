import type { Db, Queryable } from '../store/db.js';
import type { ResourceRecord } from './resource.js';
import { resourcesById, writeResourceVersions, type ResourceWrite } from '../store/resources.js';
import { currentStatesByResource, insertFindingIdentities, lastClosedStatesByFinding, writeStates } from '../store/finding-states.js';
import { currentGapsByResource, writeGaps } from '../store/evaluation-gaps.js';
import { evaluateFindings } from './evaluate-findings.js';
import { findingId, isRuleFinding } from './finding-identity.js';
import type { EvaluationGap, GapKey } from './evaluation-gap.js';
import { resourceContentHash } from './content-hash.js';
import type { RuleEngine } from './rule-engine.js';
import type { FindingState } from './finding-state.js';
import { groupBy } from '../group-by.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import { markForInference } from '../store/ownership-queue.js';
import { applyMuteRulesAtEvaluation } from '../findings/mute-rule-effects.js';
import { applySeverityAndDueRulesAtEvaluation } from '../findings/severity-and-due-rules.js';

export interface IngestSummary {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  findings_opened: number;
  findings_closed: number;
  /** Pairs (resource, rule) that became not evaluated, or whose missing fields changed; and those judged again. */
  gaps_opened: number;
  gaps_closed: number;
}

/** One batch's summary also names the resources whose content changed (queued for re-inference, see markForInference). */
export interface BatchSummary extends IngestSummary {
  changed_resource_ids: string[];
}

export function emptySummary(): IngestSummary {
  return { received: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, findings_opened: 0, findings_closed: 0, gaps_opened: 0, gaps_closed: 0 };
}

/** Totals of several batches; ids are not kept, so a million-resource import holds no list of them. */
export function addSummary(a: IngestSummary, b: IngestSummary): IngestSummary {
  return {
    received: a.received + b.received,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    deleted: a.deleted + b.deleted,
    findings_opened: a.findings_opened + b.findings_opened,
    findings_closed: a.findings_closed + b.findings_closed,
    gaps_opened: a.gaps_opened + b.gaps_opened,
    gaps_closed: a.gaps_closed + b.gaps_closed,
  };
}

/**
 * Upserts a batch of resources and evaluates every new version against the rules of its type, within the caller's
 * transaction, which holds the write locks of these resources (withFindingWriteLease). Unchanged resources (same
 * content) write nothing.
 */
export async function ingestResourceBatch(
  tx: Queryable,
  orgId: string,
  records: ResourceRecord[],
  rules: RuleEngine,
  opts: { now: number; source: string; actor?: string | null },
): Promise<BatchSummary> {
  const summary: BatchSummary = { ...emptySummary(), changed_resource_ids: [] };
  summary.received = records.length;
  // Within one batch the last record of a resource wins.
  const latest = new Map<string, ResourceRecord>();
  for (const r of records) latest.set(r.resource_id, r);
  const existing = await resourcesById(tx, orgId, [...latest.keys()]);
  const writes: ResourceWrite[] = [];
  for (const record of latest.values()) {
    const prev = existing.get(record.resource_id);
    if (record.deleted && (!prev || prev.deleted_at !== null)) {
      summary.unchanged++;
      continue;
    }
    const hash = resourceContentHash(record);
    if (prev && prev.content_hash === hash && prev.deleted_at === null) {
      summary.unchanged++;
      continue;
    }
    if (record.deleted) summary.deleted++;
    else if (prev && prev.deleted_at === null) summary.updated++;
    else summary.created++;
    writes.push({
      record,
      content_hash: hash,
      version: (prev?.version ?? 0) + 1,
      first_seen_at:
        prev && prev.deleted_at === null ? prev.first_seen_at : prev ? Math.min(prev.first_seen_at, record.observed_at) : record.observed_at,
      source: opts.source,
      actor: opts.actor ?? null,
    });
  }
  if (writes.length === 0) return summary;
  await writeResourceVersions(tx, orgId, writes, opts.now);

  const judged = await evaluateVersions(
    tx,
    orgId,
    writes.map((w) => ({
      record: w.record,
      source: opts.source,
      firstSeenAt: w.first_seen_at,
      autoTeamTag: existing.get(w.record.resource_id)?.auto_team_tag ?? null,
    })),
    rules,
    opts,
  );
  Object.assign(summary, judged);
  summary.changed_resource_ids = writes.map((w) => w.record.resource_id);
  // Their ownership answers may change: queued for re-inference in the same transaction.
  await markForInference(tx, orgId, summary.changed_resource_ids, opts.now);
  return summary;
}

const resourceOf = (item: { resource_id: string }) => item.resource_id;

/** A resource version to judge against the rule pack: what it says, where it came from, and what evaluation keeps. */
export interface VersionToEvaluate {
  record: ResourceRecord;
  source: string | null;
  firstSeenAt: number;
  autoTeamTag: string | null;
}

export type EvaluationCounts = Pick<IngestSummary, 'findings_opened' | 'findings_closed' | 'gaps_opened' | 'gaps_closed'>;

/**
 * Judges versions against the rules of their types and writes only what changed (finding states and gaps), within the
 * caller's transaction, which holds the write locks of these resources: after an import, and when the rule pack
 * changes (`steward rules reevaluate`).
 */
export async function evaluateVersions(
  tx: Queryable,
  orgId: string,
  versions: VersionToEvaluate[],
  rules: RuleEngine,
  opts: { now: number; actor?: string | null },
): Promise<EvaluationCounts> {
  const ids = versions.map((v) => v.record.resource_id);
  const previousStates = await currentStatesByResource(tx, orgId, ids);
  // Only the rule pack's findings are evaluated again: Datadog's, on the same resource, stay as Datadog reported them.
  const byResource = groupBy(previousStates.filter(isRuleFinding), resourceOf);
  const gaps = await currentGapsByResource(tx, orgId, ids);
  const gapsByResource = groupBy(gaps, resourceOf);
  // A finding judged again after a gap takes its mute back from its last state.
  const lastClosed = groupBy(
    await lastClosedStatesByFinding(
      tx,
      orgId,
      gaps.map((g) => findingId(g.resource_id, g.rule_id)),
    ),
    resourceOf,
  );
  const open: FindingState[] = [];
  const close: string[] = [];
  const openGaps: EvaluationGap[] = [];
  const closeGaps: GapKey[] = [];
  for (const v of versions) {
    const id = v.record.resource_id;
    const changes = evaluateFindings({
      resource: v.record,
      source: v.source,
      discoveredAt: v.firstSeenAt,
      autoTeamTag: v.autoTeamTag,
      rules: rules.rulesFor(v.record.resource_type),
      evaluate: rules.evaluate,
      previous: byResource.get(id) ?? [],
      previousGaps: gapsByResource.get(id) ?? [],
      lastClosed: lastClosed.get(id) ?? [],
    });
    open.push(...changes.open);
    close.push(...changes.close);
    openGaps.push(...changes.openGaps);
    closeGaps.push(...changes.closeGaps);
  }
  await insertFindingIdentities(
    tx,
    orgId,
    open.map((s) => ({ finding_id: s.finding_id, resource_id: s.resource_id, rule_id: s.rule_id, origin: 'rule' as const })),
  );
  await writeStates(tx, orgId, close, open, opts.now, opts.actor ?? null);
  // Gaps are written with the states, in the same transaction and under the same lease: at every instant a pair has a
  // state or a gap, never both.
  await writeGaps(tx, orgId, closeGaps, openGaps, opts.now);
  // The organization's automation rules apply to what was just written, at the same instant: severity modifier and due
  // date rules first, so that mute rules read the severity they set (docs/security-findings-automation.md).
  const written = open.map((s) => s.finding_id);
  await applySeverityAndDueRulesAtEvaluation(tx, orgId, written, opts.now);
  await applyMuteRulesAtEvaluation(tx, orgId, written, opts.now);
  return { findings_opened: open.length, findings_closed: close.length, gaps_opened: openGaps.length, gaps_closed: closeGaps.length };
}

/**
 * One batch in one transaction, holding the write locks of its resources and a write lease so that no listing's snapshot
 * instant is overtaken by it. Leave `now` out unless nothing else writes (a seed): the lease's instant follows every
 * write the locks waited for.
 */
export async function ingestResources(
  db: Db,
  orgId: string,
  records: ResourceRecord[],
  rules: RuleEngine,
  opts: { source: string; actor?: string | null; now?: number },
) {
  return withFindingWriteLease(
    db,
    orgId,
    records.map((r) => r.resource_id),
    (tx, leaseNow) => ingestResourceBatch(tx, orgId, records, rules, { ...opts, now: opts.now ?? leaseNow }),
  );
}
