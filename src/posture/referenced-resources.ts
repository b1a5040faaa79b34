// Resources a source names without describing them whole: the resource of an imported Datadog finding, the resources a
// CloudTrail call created or changed. They enter the inventory so that ownership answers for them (owner tags, CloudTrail,
// CODEOWNERS, ... apply as to any resource), and are queued for inference; they never displace what a richer source said.
//
// Precedence, poorest first: `import:cloudtrail` (an ARN, a type, an account and a region: no tags, no configuration),
// then `import:datadog-findings` (name, type, account, region, tags, and the configuration of detailed findings), then
// every source that describes whole resources (Terraform, AWS Config, NDJSON, the resources API).
//  - An unknown resource gets its first version from what the source says.
//  - A resource a richer source wrote (or deleted) is left as it is: no new version, no change.
//  - A resource a poorer source wrote gets a new version from the richer reference, which keeps what it does not know
//    itself (account, region, configuration) from the version before.
//  - A resource of the same source gets a new version only when what the source says changed (Datadog's tags and
//    configuration do); CloudTrail knows nothing that changes, so it never versions its own records.
// These records are not evaluated against the rule pack: their configuration is partial or absent, and every rule that
// cannot read its fields fails. A richer source's version later evaluates as usual.
import type { Queryable } from '../store/db.js';
import { resourcesById, writeResourceVersions, type ResourceWrite, type StoredResource } from '../store/resources.js';
import { markForInference } from '../store/ownership-queue.js';
import { resourceContentHash } from './content-hash.js';
import type { ResourceRecord } from './resource.js';

/** Each source that only names resources: its rank (higher is richer) and whether it revises its own records. */
const REFERENCE_SOURCES = {
  'import:cloudtrail': { rank: 0, revises: false },
  'import:datadog-findings': { rank: 1, revises: true },
} as const;

export type ReferenceSource = keyof typeof REFERENCE_SOURCES;

/** Whether a version came from a source that only names resources (so the rule pack does not judge it). */
export const isReferenceSource = (source: string | null): boolean => source !== null && Object.hasOwn(REFERENCE_SOURCES, source);

/** Any other source (an importer of whole resources, `api`) outranks both. */
const DESCRIBING_RANK = 2;

export interface ResourceReference {
  /** What the source says of the resource; `configuration` is `{}` unless `knowsConfiguration`. */
  record: ResourceRecord;
  knowsConfiguration: boolean;
  /** When the source first saw the resource (its creation event, Datadog's discovery date), Unix ms. */
  first_seen_at: number;
}

export interface ReferenceSummary {
  resources_created: number;
  resources_updated: number;
}

function rankOf(source: string | null): number {
  return source !== null && source in REFERENCE_SOURCES ? REFERENCE_SOURCES[source as ReferenceSource].rank : DESCRIBING_RANK;
}

/** The version a reference writes over the resource's current record (undefined: unknown), or null for none. */
export function referenceWrite(prev: StoredResource | undefined, ref: ResourceReference, source: ReferenceSource): ResourceWrite | null {
  if (!prev) {
    return { record: ref.record, content_hash: resourceContentHash(ref.record), version: 1, first_seen_at: ref.first_seen_at, source };
  }
  if (prev.deleted_at !== null) return null;
  const prevRank = rankOf(prev.source);
  const own = REFERENCE_SOURCES[source];
  if (prevRank > own.rank || (prevRank === own.rank && !own.revises)) return null;
  const record: ResourceRecord = {
    ...ref.record,
    account: ref.record.account || prev.account,
    region: ref.record.region || prev.region,
    configuration: ref.knowsConfiguration ? ref.record.configuration : prev.configuration,
  };
  const hash = resourceContentHash(record);
  if (hash === prev.content_hash) return null;
  return { record, content_hash: hash, version: prev.version + 1, first_seen_at: prev.first_seen_at, source };
}

const CHUNK = 1000;

/**
 * Writes the versions the references call for (see the rules above) at `now` and queues the resources they create or
 * change for inference. Runs in the caller's transaction, which holds these resources' write locks and a write lease
 * (withFindingWriteLease): the versions are read only once the locks are held. One reference a resource.
 * `onRecorded` hears how many references are done after each chunk.
 */
export async function recordReferencedResources(
  tx: Queryable,
  orgId: string,
  refs: ResourceReference[],
  opts: { source: ReferenceSource; now: number; onRecorded?: (done: number, total: number) => void },
): Promise<ReferenceSummary> {
  const summary: ReferenceSummary = { resources_created: 0, resources_updated: 0 };
  for (let i = 0; i < refs.length; i += CHUNK) {
    const chunk = refs.slice(i, i + CHUNK);
    const existing = await resourcesById(
      tx,
      orgId,
      chunk.map((r) => r.record.resource_id),
    );
    const writes: ResourceWrite[] = [];
    for (const ref of chunk) {
      const write = referenceWrite(existing.get(ref.record.resource_id), ref, opts.source);
      if (!write) continue;
      writes.push(write);
      if (write.version === 1) summary.resources_created++;
      else summary.resources_updated++;
    }
    await writeResourceVersions(tx, orgId, writes, opts.now);
    await markForInference(
      tx,
      orgId,
      writes.map((w) => w.record.resource_id),
      opts.now,
    );
    opts.onRecorded?.(i + chunk.length, refs.length);
  }
  return summary;
}
