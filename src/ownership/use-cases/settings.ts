// The organization's ownership settings (auto-tag and its confidence band) and the untagged-findings counts.
import type { Db } from '../../store/db.js';
import { InvalidInput } from '../../errors.js';
import { getSettings, saveSettings } from '../../store/ownership-inferences.js';
import { untaggedFindingCounts } from '../../store/ownership-queries.js';
import { markForInference } from '../../store/ownership-queue.js';
import { withFindingWriteLease } from '../../store/snapshot-clock.js';
import { HIGH_ABOVE, MEDIUM_FROM } from '../confidence-bands.js';
import { settingsBody, untaggedBody } from '../ownership-serializers.js';
import { reapplyAutoTag } from './auto-tag.js';

const LEVELS = ['high', 'medium', 'low'] as const;

export function parseSettingsBody(body: unknown): { auto_tag?: boolean; confidence_level?: (typeof LEVELS)[number] } {
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(body) || !obj(body.data))
    throw new InvalidInput('The body must be {"data":{"type":"ownership_settings","attributes":{...}}}', { pointer: '/data' });
  if (body.data.type !== undefined && body.data.type !== 'ownership_settings')
    throw new InvalidInput('data.type must be ownership_settings', { pointer: '/data/type' });
  const attrs = body.data.attributes;
  if (!obj(attrs)) throw new InvalidInput('data.attributes is required', { pointer: '/data/attributes' });
  const out: { auto_tag?: boolean; confidence_level?: (typeof LEVELS)[number] } = {};
  if (attrs.auto_tag !== undefined) {
    if (typeof attrs.auto_tag !== 'boolean') throw new InvalidInput('auto_tag must be true or false', { pointer: '/data/attributes/auto_tag' });
    out.auto_tag = attrs.auto_tag;
  }
  if (attrs.confidence_level !== undefined) {
    if (typeof attrs.confidence_level !== 'string' || !(LEVELS as readonly string[]).includes(attrs.confidence_level)) {
      throw new InvalidInput(`confidence_level must be one of ${LEVELS.join(', ')}`, { pointer: '/data/attributes/confidence_level' });
    }
    out.confidence_level = attrs.confidence_level as (typeof LEVELS)[number];
  }
  return out;
}

export async function readSettings(db: Db, orgId: string) {
  return settingsBody(orgId, await getSettings(db, orgId));
}

/**
 * Saves the settings (version + 1), marks every resource of the org for re-inference, and re-applies auto-tag to every
 * resource's current team answer at once: turning it off removes the tags, raising the band removes those below it.
 */
export async function updateSettings(db: Db, orgId: string, body: unknown, now = Date.now()) {
  const change = parseSettingsBody(body);
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
