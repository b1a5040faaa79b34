// Reading back evidence versions kept in `signal_versions` (the directory, CODEOWNERS, service catalogs).
import type { Queryable } from '../../store/db.js';
import { signalVersions } from '../../store/signals.js';
import type { EvidenceVersion } from '../evidence.js';
import type { RecordedVersion } from './loader.js';

/** The recorded signal version each evidence version names (`ref`: its signal kind and key), as it was imported. */
export async function recordedSignals(
  db: Queryable,
  orgId: string,
  versions: EvidenceVersion[],
  ref: (v: EvidenceVersion) => { kind: string; key: string } | undefined,
): Promise<RecordedVersion[]> {
  const refs = versions.map((v) => ({ ...ref(v), version: Number(v.version) }));
  const wanted = refs.filter((r): r is { kind: string; key: string; version: number } => r.kind !== undefined);
  const found = new Map((await signalVersions(db, orgId, wanted)).map((s) => [`${s.kind}\n${s.key}\n${s.version}`, s]));
  return refs.map((r) => {
    if (r.kind === undefined) return {};
    const s = found.get(`${r.kind}\n${r.key}\n${r.version}`);
    return s ? { kind: r.kind, recorded_from: s.source, content: s.payload, observed_at: s.observed_at } : { kind: r.kind };
  });
}
