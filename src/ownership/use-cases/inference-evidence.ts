// The evidence behind an inference: every version it used, with its content as it was recorded.
import type { Db, Queryable } from '../../store/db.js';
import { auditEventsByIds, preferencesVersions, resourceVersionsOf } from '../../store/ownership-queries.js';
import { signalVersions } from '../../store/signals.js';
import { checksumOf } from '../engine-checksum.js';
import type { EvidenceVersion } from '../evidence.js';
import type { OwnerType } from '../owner-type.js';
import { evidenceBody } from '../ownership-serializers.js';
import { currentInference, type Tagged } from './inference-reads.js';

/** Where each engine source's versions are recorded: signal kinds, or their own tables. */
function signalRef(v: EvidenceVersion): { kind: string; key: string } | undefined {
  if (v.source === 'directory') {
    const [type, ...rest] = v.id.split(':');
    const handle = rest.join(':').toLowerCase();
    return type === 'user' ? { kind: 'directory_user', key: handle } : type === 'team' ? { kind: 'directory_team', key: handle } : undefined;
  }
  if (v.source === 'codeowners') return { kind: 'codeowners', key: v.id.slice(0, v.id.indexOf(':') < 0 ? undefined : v.id.indexOf(':')) };
  if (v.source === 'resource' || v.source === 'preferences' || v.source === 'cloudtrail') return undefined;
  // Every other source is a service catalog (Datadog service definitions, Backstage, ...).
  return { kind: 'service', key: v.id.toLowerCase() };
}

const iso = (ms: number | null | undefined) => new Date(Number(ms ?? 0)).toISOString();

/** Each evidence version the inference used, with its content as it was recorded. */
async function recordedEvidence(db: Queryable, orgId: string, resourceId: string, versions: EvidenceVersion[]): Promise<Array<Record<string, unknown>>> {
  const num = (v: string | number) => Number(v);
  const resourceVersions = new Map(
    (await resourceVersionsOf(db, orgId, resourceId, versions.filter((v) => v.source === 'resource' && v.id === resourceId).map((v) => num(v.version)))).map((r) => [r.version, r]),
  );
  const prefs = new Map((await preferencesVersions(db, orgId, versions.filter((v) => v.source === 'preferences').map((v) => num(v.version)))).map((p) => [p.version, p]));
  const events = new Map((await auditEventsByIds(db, orgId, versions.filter((v) => v.source === 'cloudtrail').map((v) => v.id))).map((e) => [e.event_id, e]));
  const refs = versions.map((v) => ({ v, ref: signalRef(v) }));
  const signals = await signalVersions(
    db,
    orgId,
    refs.filter((r) => r.ref).map((r) => ({ ...r.ref!, version: num(r.v.version) })),
  );
  const signalOf = new Map(signals.map((s) => [`${s.kind}\n${s.key}\n${s.version}`, s]));

  return refs.map(({ v, ref }) => {
    const out: Record<string, unknown> = { source: v.source, id: v.id, version: v.version };
    let content: unknown;
    let observedAt: number | undefined;
    if (ref) {
      out.kind = ref.kind;
      const s = signalOf.get(`${ref.kind}\n${ref.key}\n${num(v.version)}`);
      if (s) {
        content = s.payload;
        observedAt = s.observed_at;
        out.recorded_from = s.source;
      }
    } else if (v.source === 'resource') {
      out.kind = 'resource';
      const r = resourceVersions.get(num(v.version));
      if (r) {
        content = { name: r.name, tags: r.tags, configuration: r.configuration, deleted: r.deleted };
        observedAt = r.valid_from;
      }
    } else if (v.source === 'preferences') {
      out.kind = 'preferences';
      const p = prefs.get(num(v.version));
      if (p) {
        const all = [...(p.preferences.tag_mappings ?? []), ...(p.preferences.exclusions ?? [])];
        content = all.find((row) => row.id === v.id) ?? null;
        observedAt = p.created_at;
      }
    } else if (v.source === 'cloudtrail') {
      out.kind = 'audit_event';
      const e = events.get(v.id);
      if (e) {
        content = e.payload;
        observedAt = e.observed_at;
      }
    }
    out.recorded = content !== undefined;
    out.content = content ?? null;
    if (observedAt !== undefined) out.observed_at = iso(observedAt);
    return out;
  });
}

/** Recorded versions never change: the list of versions names the content exactly, and is the (weak) entity tag. */
export async function getEvidence(db: Db, orgId: string, resourceId: string, slot: OwnerType, clientHas: (etag: string) => boolean = () => false): Promise<Tagged<ReturnType<typeof evidenceBody>>> {
  const row = await currentInference(db, orgId, resourceId, slot);
  const versions = (row.evidence_versions ?? []) as EvidenceVersion[];
  const etag = `W/"${checksumOf({ resource: resourceId, versions })}"`;
  if (clientHas(etag)) return { etag };
  return { etag, body: evidenceBody(resourceId, await recordedEvidence(db, orgId, resourceId, versions)) };
}
