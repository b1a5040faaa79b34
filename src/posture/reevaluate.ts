// Judging the whole inventory again: after the rule pack changes (a new release, a rule's new defaults), the current
// version of every resource is evaluated anew and only what changed is written, as after an import. So a store filled
// under older rules loses the findings its data never supported, and a point-in-time query still answers what was
// said then.
import type { Db } from '../store/db.js';
import { liveResourcesAfter, resourcesById, type StoredResource } from '../store/resources.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import { evaluateVersions, type EvaluationCounts, type VersionToEvaluate } from './inventory-service.js';
import { isReferenceSource } from './referenced-resources.js';
import type { CloudProvider } from './resource.js';
import type { RuleEngine } from './rule-engine.js';

export interface ReevaluationSummary extends EvaluationCounts {
  resources: number;
}

/** Resources judged per transaction: each batch holds the write locks of its resources only. */
const BATCH = 500;

function versionOf(r: StoredResource): VersionToEvaluate {
  return {
    record: {
      resource_id: r.resource_id,
      resource_type: r.resource_type,
      name: r.name,
      cloud_provider: r.cloud_provider as CloudProvider,
      account: r.account,
      region: r.region,
      tags: r.tags,
      configuration: r.configuration,
      observed_at: Number(r.observed_at),
      ...(r.iac_repo ? { iac: { repo: r.iac_repo, path: r.iac_path ?? '' } } : {}),
    },
    source: r.source,
    firstSeenAt: Number(r.first_seen_at),
    autoTeamTag: r.auto_team_tag,
  };
}

/** Evaluates the current version of every live resource of the organization against `rules`; `onProgress(done)` after each batch. */
export async function reevaluateInventory(
  db: Db,
  orgId: string,
  rules: RuleEngine,
  onProgress?: (done: number) => void,
): Promise<ReevaluationSummary> {
  const summary: ReevaluationSummary = { resources: 0, findings_opened: 0, findings_closed: 0, gaps_opened: 0, gaps_closed: 0 };
  let after = '';
  for (;;) {
    const page = await liveResourcesAfter(db, orgId, after, BATCH);
    if (page.length === 0) return summary;
    after = page[page.length - 1]!.resource_id;
    const ids = page.map((r) => r.resource_id);
    const counts = await withFindingWriteLease(db, orgId, ids, async (tx, now) => {
      // Read again under the locks: an import may have written a newer version since the page was read.
      const current = [...(await resourcesById(tx, orgId, ids)).values()].filter((r) => r.deleted_at === null && !isReferenceSource(r.source));
      return evaluateVersions(tx, orgId, current.map(versionOf), rules, { now });
    });
    summary.resources += page.length;
    summary.findings_opened += counts.findings_opened;
    summary.findings_closed += counts.findings_closed;
    summary.gaps_opened += counts.gaps_opened;
    summary.gaps_closed += counts.gaps_closed;
    onProgress?.(summary.resources);
  }
}
