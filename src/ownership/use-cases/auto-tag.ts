// Auto-tag: the `team:<handle>` tag written onto a resource's findings when its team answer is authoritative or
// meets the organization's confidence band.
import type { Queryable } from '../../store/db.js';
import { inferencesOfMany, type InferenceRow, type SettingsRow } from '../../store/ownership-inferences.js';
import { resourceIdsForAutoTag } from '../../store/ownership-queries.js';
import { resourcesById, setAutoTeamTags, type StoredResource } from '../../store/resources.js';
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

/** A resource and the auto-tag its team answer asks for (autoTeamTagFor). */
export interface AutoTagChange {
  resource: StoredResource;
  tag: string | null;
}

/**
 * Sets the auto-tag of resources' findings, as part of their history, in a few statements for the whole batch (one per
 * resource had been most of a recompute's time in the store). A team tag that came with a resource is never touched:
 * when the resource has one, auto-tag adds nothing.
 */
export async function applyAutoTags(tx: Queryable, orgId: string, changes: AutoTagChange[], now: number): Promise<void> {
  const moving = new Map<string, { resource: StoredResource; effective: string | null }>();
  for (const { resource, tag } of changes) {
    const ownTeamTag = resource.tags.some((t) => t.toLowerCase().startsWith('team:'));
    const effective = ownTeamTag ? null : tag;
    if ((resource.auto_team_tag ?? null) !== effective) moving.set(resource.resource_id, { resource, effective });
  }
  if (moving.size === 0) return;
  await setAutoTeamTags(
    tx,
    orgId,
    [...moving.values()].map(({ resource, effective }) => ({ resource_id: resource.resource_id, tag: effective })),
  );
  // Findings imported from Datadog keep the tags Datadog reported.
  const states = (await currentStatesByResource(tx, orgId, [...moving.keys()])).filter(isRuleFinding);
  const changed = states.flatMap((s) => {
    const { resource, effective } = moving.get(s.resource_id)!;
    const tags = s.tags.filter((t) => t !== resource.auto_team_tag || resource.tags.includes(t));
    if (effective && !tags.includes(effective)) tags.push(effective);
    tags.sort();
    return tags.join('\n') === s.tags.join('\n') ? [] : [{ ...s, tags }];
  });
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

/** applyAutoTags for one resource. */
export async function applyAutoTag(tx: Queryable, orgId: string, resource: StoredResource, tag: string | null, now: number): Promise<void> {
  await applyAutoTags(tx, orgId, [{ resource, tag }], now);
}

const AUTO_TAG_BATCH = 500;

/** Re-applies auto-tag to every resource's current team answer at once (after the settings changed). */
export async function reapplyAutoTag(tx: Queryable, orgId: string, settings: SettingsRow, now: number): Promise<void> {
  const ids = await resourceIdsForAutoTag(tx, orgId);
  for (let i = 0; i < ids.length; i += AUTO_TAG_BATCH) {
    const batch = ids.slice(i, i + AUTO_TAG_BATCH);
    const resources = await resourcesById(tx, orgId, batch);
    const teams = new Map((await inferencesOfMany(tx, orgId, batch)).filter((r) => r.slot === 'team').map((r) => [r.resource_id, r]));
    const changes = batch.flatMap((id) => {
      const resource = resources.get(id);
      return resource ? [{ resource, tag: autoTeamTagFor(teams.get(id), settings) }] : [];
    });
    await applyAutoTags(tx, orgId, changes, now);
  }
}
