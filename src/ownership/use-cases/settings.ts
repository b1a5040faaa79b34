// The organization's ownership settings (auto-tag and its confidence band) and the untagged-findings counts.
import type { Db } from '../../store/db.js';
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { getSettings, saveSettings } from '../../store/ownership-inferences.js';
import { untaggedFindingCounts } from '../../store/ownership-queries.js';
import { markForInference } from '../../store/ownership-queue.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';
import { HIGH_ABOVE, MEDIUM_FROM } from '../confidence-bands.js';
import { settingsBody, untaggedBody } from '../ownership-serializers.js';
import { reapplyAutoTag } from './auto-tag.js';

const LEVELS = ['high', 'medium', 'low'] as const;

/**
 * The body of POST /api/v2/csm/ownership/settings (the client's OwnershipSettingsRequest): the one definition of its
 * shape (the route's schema, its OpenAPI document and its type). A setting left out keeps its value; objects stay open.
 */
export const SETTINGS_BODY = Type.Object({
  data: Type.Object({
    type: Type.Optional(Type.Literal('ownership_settings')),
    attributes: Type.Object({
      auto_tag: Type.Optional(Type.Boolean({ description: "Tag findings with their resource's inferred team" })),
      confidence_level: Type.Optional(StringEnum(LEVELS, { description: 'The lowest confidence band auto-tag applies' })),
    }),
  }),
});
export type SettingsBody = Static<typeof SETTINGS_BODY>;

export async function readSettings(db: Db, orgId: string) {
  return settingsBody(orgId, await getSettings(db, orgId));
}

/**
 * Saves the settings (version + 1), marks every resource of the org for re-inference, and re-applies auto-tag to every
 * resource's current team answer at once: turning it off removes the tags, raising the band removes those below it.
 */
export async function updateSettings(db: Db, orgId: string, body: SettingsBody, now = Date.now()) {
  const change = body.data.attributes;
  const saved = await withFindingWriteLease(db, orgId, 'org', async (tx, statesAt) => {
    const current = await getSettings(tx, orgId);
    const settings = await saveSettings(
      tx,
      orgId,
      { auto_tag: change.auto_tag ?? current.auto_tag, confidence_level: change.confidence_level ?? current.confidence_level },
      now,
    );
    await markForInference(tx, orgId, 'all', now);
    await reapplyAutoTag(tx, orgId, settings, statesAt);
    return settings;
  });
  return settingsBody(orgId, saved);
}

export async function untaggedFindings(db: Db, orgId: string) {
  return untaggedBody(orgId, await untaggedFindingCounts(db, orgId, HIGH_ABOVE, MEDIUM_FROM));
}
