// Auto-tag: the `team:<handle>` tag written onto a resource's findings when its team answer is authoritative or
// meets the organization's confidence band.
import type { Queryable } from '../../store/db.js';
import { inferencesOfMany, type InferenceRow, type SettingsRow } from '../../store/ownership-inferences.js';
import { resourceIdsForAutoTag } from '../../store/ownership-queries.js';
import { resourcesById, setAutoTeamTag, type StoredResource } from '../../store/resources.js';
import { currentStatesByResource, writeStates } from '../../store/finding-states.js';
import { meetsBand, type ConfidenceBand } from '../confidence-bands.js';
import { isRuleFinding } from '../../posture/finding-identity.js';

/** The `team:<handle>` tag auto-tag writes for a team answer, or null. */
export function autoTeamTagFor(team: InferenceRow | undefined, settings: SettingsRow): string | null {
  if (!settings.auto_tag || !team || team.owner_type !== 'team' || !team.owner_handle) return null;
  const authoritative = team.status === 'persisted' || team.status === 'overridden';
  if (!authoritative && !meetsBand(team.confidence, settings.confidence_level as ConfidenceBand)) return null;
  return `team:${team.owner_handle}`;
}

/**
 * Sets the auto-tag of a resource's findings, as part of their history. A team tag that came with the resource is
 * never touched: when the resource has one, auto-tag adds nothing.
 */
export async function applyAutoTag(tx: Queryable, orgId: string, resource: StoredResource, tag: string | null, now: number): Promise<void> {
  const ownTeamTag = resource.tags.some((t) => t.toLowerCase().startsWith('team:'));
  const effective = ownTeamTag ? null : tag;
  if ((resource.auto_team_tag ?? null) === effective) return;
  await setAutoTeamTag(tx, orgId, resource.resource_id, effective);
  // Findings imported from Datadog keep the tags Datadog reported.
  const states = (await currentStatesByResource(tx, orgId, [resource.resource_id])).filter(isRuleFinding);
  const old = resource.auto_team_tag;
  const changed = states
    .map((s) => {
      const tags = s.tags.filter((t) => t !== old || resource.tags.includes(t));
      if (effective && !tags.includes(effective)) tags.push(effective);
      tags.sort();
      return { ...s, tags };
    })
    .filter((s, i) => s.tags.join('\n') !== states[i]!.tags.join('\n'));
  if (changed.length > 0)
    await writeStates(
      tx,
      orgId,
      changed.map((s) => s.finding_id),
      changed,
      now,
      'ownership:auto-tag',
    );
}

const AUTO_TAG_BATCH = 500;

/** Re-applies auto-tag to every resource's current team answer at once (after the settings changed). */
export async function reapplyAutoTag(tx: Queryable, orgId: string, settings: SettingsRow, now: number): Promise<void> {
  const ids = await resourceIdsForAutoTag(tx, orgId);
  for (let i = 0; i < ids.length; i += AUTO_TAG_BATCH) {
    const batch = ids.slice(i, i + AUTO_TAG_BATCH);
    const resources = await resourcesById(tx, orgId, batch);
    const teams = new Map((await inferencesOfMany(tx, orgId, batch)).filter((r) => r.slot === 'team').map((r) => [r.resource_id, r]));
    for (const id of batch) {
      const resource = resources.get(id);
      if (resource) await applyAutoTag(tx, orgId, resource, autoTeamTagFor(teams.get(id), settings), now);
    }
  }
}
