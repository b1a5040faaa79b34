// What a signal kind is to the evidence loader: how it reads its evidence for a batch of resources through the store,
// and how it shows the versions an inference used as they were recorded. Loaders run in the order of loaders.ts; a
// later one may read what an earlier one added to a resource's evidence.
import type { Queryable } from '../../store/db.js';
import type { StoredResource } from '../../store/resources.js';
import type { EvidenceVersion, ResourceEvidence } from '../evidence.js';
import type { PreferenceSet } from '../signals.js';
import type { OwnerType } from '../owner-type.js';

/** What every resource of an organization shares: loaded once per batch. */
export interface OrgContext {
  preferences?: { version: number; created_at: number; set: PreferenceSet };
  teamHandles: string[];
  teams: Array<{ handle: string; version: number; observed_at: number }>;
  serviceNames: string[];
  population: Record<OwnerType, number>;
}

export interface EvidenceBatch {
  orgId: string;
  org: OrgContext;
  /** Live resources only. */
  resources: StoredResource[];
  /** Each resource's evidence so far, by resource id. */
  evidence: Map<string, ResourceEvidence>;
}

/** One evidence version as it was recorded. */
export interface RecordedVersion {
  /** What kind of record it is: `resource`, `preferences`, `audit_event`, or a `signal_versions` kind; absent when none is known. */
  kind?: string;
  /** For signal_versions records: where the signal was imported from. */
  recorded_from?: string;
  content?: unknown;
  observed_at?: number;
}

export interface SignalKindLoader {
  /** Reads what the batch needs (one query per kind, never one per resource) and adds it to each resource's evidence. */
  load(db: Queryable, batch: EvidenceBatch): Promise<void>;
  /** The evidence sources (EvidenceVersion.source) whose recorded versions it reads back. */
  claims?(version: EvidenceVersion): boolean;
  /** The recorded content of these versions of its sources (one answer per version, in order). */
  recorded?(db: Queryable, orgId: string, resourceId: string, versions: EvidenceVersion[]): Promise<RecordedVersion[]>;
}

export const iso = (ms: number | null | undefined) => new Date(Number(ms ?? 0)).toISOString();

export function tagValues(tags: string[], keys: string[]): Array<{ key: string; value: string; tag: string }> {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return tags
    .map((tag) => {
      const i = tag.indexOf(':');
      return { key: tag.slice(0, i).toLowerCase(), value: tag.slice(i + 1), tag };
    })
    .filter((t) => wanted.has(t.key) && t.value);
}
