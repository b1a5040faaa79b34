import type { Queryable } from './db.js';
import type { PreferenceSet } from '../ownership/signals.js';
import { recordSignalVersions } from './signals.js';
import { canonicalJson } from '../posture/content-hash.js';

export interface StoredPreferences {
  version: number;
  csv: string;
  preferences: PreferenceSet;
  created_at: number;
}

export async function currentPreferences(db: Queryable, orgId: string): Promise<StoredPreferences | undefined> {
  return (
    await db.query<StoredPreferences>(
      'SELECT version, csv, preferences, created_at FROM ownership_preferences WHERE org_id = $1 ORDER BY version DESC LIMIT 1',
      [orgId],
    )
  ).rows[0];
}

/**
 * Saves a validated set as the new current one (the old ones stay as history). The same text again saves nothing;
 * `changed` says whether the set ownership reads differs from the one in force (new text may say the same thing).
 */
export async function savePreferences(
  db: Queryable,
  orgId: string,
  csv: string,
  preferences: PreferenceSet,
  actor: string | null,
  now: number,
): Promise<{ version: number; changed: boolean }> {
  const prev = await currentPreferences(db, orgId);
  const changed = prev === undefined || canonicalJson(prev.preferences) !== canonicalJson(preferences);
  if (prev !== undefined && !changed && prev.csv === csv) return { version: prev.version, changed };
  const version = (prev?.version ?? 0) + 1;
  // Never before the version it follows (recordSignalVersions says why).
  const at = Math.max(now, Number(prev?.created_at ?? now));
  await db.query(
    'INSERT INTO ownership_preferences (org_id, version, csv, preferences, created_at, created_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6)',
    [orgId, version, csv, JSON.stringify(preferences), at, actor],
  );
  await recordSignalVersions(db, orgId, 'preferences', [{ key: 'preferences', payload: preferences }], 'preferences', at);
  return { version, changed };
}
