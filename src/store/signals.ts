import type { Queryable } from './db.js';
import { canonicalJson } from '../posture/content-hash.js';

export interface SignalVersion {
  kind: string;
  key: string;
  version: number;
  observed_at: number;
  source: string;
  payload: unknown;
}

/**
 * Records a signal's content as a new version when it differs from the latest one.
 * Returns the version now current and whether it is new. A new version is observed at `now`, or at its predecessor's
 * instant when `now` is earlier: a writer's `now` is read before it waits its turn, so a writer that waited behind a
 * slower one would have put version N+1 before version N.
 */
export async function recordSignalVersions(
  db: Queryable,
  orgId: string,
  kind: string,
  signals: Array<{ key: string; payload: unknown }>,
  source: string,
  now: number,
): Promise<Map<string, { version: number; changed: boolean }>> {
  const result = new Map<string, { version: number; changed: boolean }>();
  if (signals.length === 0) return result;
  const latest = (
    await db.query<{ key: string; version: number; payload: unknown; observed_at: number }>(
      `SELECT DISTINCT ON (key) key, version, payload, observed_at FROM signal_versions
       WHERE org_id = $1 AND kind = $2 AND key = ANY($3::text[]) ORDER BY key, version DESC`,
      [orgId, kind, signals.map((s) => s.key)],
    )
  ).rows;
  const byKey = new Map(latest.map((r) => [r.key, r]));
  const inserts: Array<{ key: string; version: number; payload: unknown; observed_at: number }> = [];
  for (const s of signals) {
    const prev = byKey.get(s.key);
    if (prev && canonicalJson(prev.payload) === canonicalJson(s.payload)) {
      result.set(s.key, { version: prev.version, changed: false });
      continue;
    }
    const version = (prev?.version ?? 0) + 1;
    const observedAt = Math.max(now, Number(prev?.observed_at ?? now));
    inserts.push({ key: s.key, version, payload: s.payload, observed_at: observedAt });
    byKey.set(s.key, { key: s.key, version, payload: s.payload, observed_at: observedAt });
    result.set(s.key, { version, changed: true });
  }
  if (inserts.length > 0) {
    await db.query(
      `INSERT INTO signal_versions (org_id, kind, key, version, observed_at, source, payload)
       SELECT $1, $2, r.key, r.version, r.observed_at, $3, r.payload
       FROM jsonb_to_recordset($4::jsonb) AS r(key text, version integer, payload jsonb, observed_at bigint)`,
      [orgId, kind, source, JSON.stringify(inserts)],
    );
  }
  return result;
}

/** The versions named, as they were recorded. */
export async function signalVersions(
  db: Queryable,
  orgId: string,
  refs: Array<{ kind: string; key: string; version: number }>,
): Promise<SignalVersion[]> {
  if (refs.length === 0) return [];
  return (
    await db.query<SignalVersion>(
      `SELECT s.kind, s.key, s.version, s.observed_at, s.source, s.payload FROM signal_versions s
       JOIN jsonb_to_recordset($2::jsonb) AS r(kind text, key text, version integer) ON s.kind = r.kind AND s.key = r.key AND s.version = r.version
       WHERE s.org_id = $1`,
      [orgId, JSON.stringify(refs)],
    )
  ).rows;
}
