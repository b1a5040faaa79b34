// The evidence behind an inference: every version it used, with its content as it was recorded.
import type { Db, Queryable } from '../../store/db.js';
import { resourceVersionsOf } from '../../store/ownership-queries.js';
import { recordedBy } from '../signal-kinds/loaders.js';
import { iso, type RecordedVersion, type SignalKindLoader } from '../signal-kinds/loader.js';
import { checksumOf } from '../engine-checksum.js';
import type { EvidenceVersion } from '../evidence.js';
import type { OwnerType } from '../owner-type.js';
import { evidenceBody } from '../ownership-serializers.js';
import { currentInference, type Tagged } from './inference-reads.js';

/** Each evidence version the inference used, with its content as it was recorded (read back by its signal kind's loader). */
async function recordedEvidence(
  db: Queryable,
  orgId: string,
  resourceId: string,
  versions: EvidenceVersion[],
): Promise<Array<Record<string, unknown>>> {
  const isResource = (v: EvidenceVersion) => v.source === 'resource';
  const recorded = new Map<EvidenceVersion, RecordedVersion>();
  const own = versions.filter((v) => isResource(v) && v.id === resourceId);
  const resourceVersions = new Map(
    (
      await resourceVersionsOf(
        db,
        orgId,
        resourceId,
        own.map((v) => Number(v.version)),
      )
    ).map((r) => [r.version, r]),
  );
  for (const v of versions.filter(isResource)) {
    const r = v.id === resourceId ? resourceVersions.get(Number(v.version)) : undefined;
    recorded.set(
      v,
      r
        ? { kind: 'resource', content: { name: r.name, tags: r.tags, configuration: r.configuration, deleted: r.deleted }, observed_at: r.valid_from }
        : { kind: 'resource' },
    );
  }
  const byLoader = new Map<SignalKindLoader, EvidenceVersion[]>();
  for (const v of versions.filter((v) => !isResource(v))) {
    const loader = recordedBy(v);
    byLoader.set(loader, [...(byLoader.get(loader) ?? []), v]);
  }
  for (const [loader, own] of byLoader) {
    const answers = (await loader.recorded?.(db, orgId, resourceId, own)) ?? own.map(() => ({}));
    own.forEach((v, i) => recorded.set(v, answers[i]!));
  }
  return versions.map((v) => {
    const r = recorded.get(v)!;
    const out: Record<string, unknown> = { source: v.source, id: v.id, version: v.version };
    if (r.kind !== undefined) out.kind = r.kind;
    if (r.recorded_from !== undefined) out.recorded_from = r.recorded_from;
    out.recorded = r.content !== undefined;
    out.content = r.content ?? null;
    if (r.observed_at !== undefined) out.observed_at = iso(r.observed_at);
    return out;
  });
}

/** Recorded versions never change: the list of versions names the content exactly, and is the (weak) entity tag. */
export async function getEvidence(
  db: Db,
  orgId: string,
  resourceId: string,
  slot: OwnerType,
  clientHas: (etag: string) => boolean = () => false,
): Promise<Tagged<ReturnType<typeof evidenceBody>>> {
  const row = await currentInference(db, orgId, resourceId, slot);
  const versions = (row.evidence_versions ?? []) as EvidenceVersion[];
  const etag = `W/"${checksumOf({ resource: resourceId, versions })}"`;
  if (clientHas(etag)) return { etag };
  return { etag, body: evidenceBody(resourceId, await recordedEvidence(db, orgId, resourceId, versions)) };
}
