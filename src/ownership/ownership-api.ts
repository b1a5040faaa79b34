// The service functions behind the CSM Ownership API: each answers one operation in the client's wire shape.
import { OWNER_TYPES, type OwnerType } from './owner-type.js';
import type { Db, Queryable } from '../store/db.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import {
  compareAndSetInference,
  getSettings,
  historyOf,
  inferencesOf,
  inferencesOfMany,
  insertFeedback,
  saveSettings,
  setInferenceVotes,
  type InferenceRow,
} from '../store/ownership-inferences.js';
import {
  auditEventsByIds,
  preferencesVersions,
  resourceIdsForAutoTag,
  resourceIsKnown,
  resourceVersionsOf,
  untaggedFindingCounts,
} from '../store/ownership-queries.js';
import { markForInference } from '../store/ownership-queue.js';
import { getResource, resourcesById } from '../store/resources.js';
import { signalVersions } from '../store/signals.js';
import { listDirectory } from '../store/directory.js';
import { applyAutoTag, autoTeamTagFor, recomputeResources, relearnWeights } from './ownership-service.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import { loadEvidence, loadOrgContext } from './evidence-loader.js';
import { infer } from './engine.js';
import { checksumOf } from './engine-checksum.js';
import { DEFAULT_ENGINE_SETTINGS, type EvidenceVersion } from './evidence.js';
import type { SignalWeights } from './calibration.js';
import { HIGH_ABOVE, MEDIUM_FROM } from './confidence-bands.js';
import { afterFeedback, applyReinference, assertActionApplies, parseFeedbackBody } from './feedback.js';
import {
  directoryBody,
  evidenceBody,
  feedbackResultBody,
  historyBody,
  inferenceBody,
  inferenceListBody,
  settingsBody,
  untaggedBody,
} from './ownership-serializers.js';

export interface Actor {
  userHandle: string;
}

/** The owner type in the path: the type asked for. `unknown` is an answer, never a question. */
export function parseOwnerType(raw: string): OwnerType {
  if ((OWNER_TYPES as readonly string[]).includes(raw)) return raw as OwnerType;
  throw new InvalidInput(`Invalid owner_type ${JSON.stringify(raw)}: must be one of ${OWNER_TYPES.join(', ')}`, { parameter: 'owner_type' });
}

/** RFC 9110: If-None-Match compares weakly; `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/** The resource's inferences; a known resource not inferred yet is inferred now, an unknown one is a 404. */
export async function currentInferences(db: Db, orgId: string, resourceId: string): Promise<InferenceRow[]> {
  const rows = await inferencesOf(db, orgId, resourceId);
  if (rows.length > 0) return rows;
  if (!(await resourceIsKnown(db, orgId, resourceId))) throw new NotFound(`No resource ${resourceId}`);
  await recomputeResources(db, orgId, [resourceId]);
  const now = await inferencesOf(db, orgId, resourceId);
  if (now.length === 0) throw new NotFound(`No inference for resource ${resourceId}`);
  return now;
}

async function currentInference(db: Db, orgId: string, resourceId: string, slot: OwnerType): Promise<InferenceRow> {
  const row = (await currentInferences(db, orgId, resourceId)).find((r) => r.slot === slot);
  if (!row) throw new NotFound(`No ${slot} inference for resource ${resourceId}`);
  return row;
}

export async function listInferences(db: Db, orgId: string, resourceId: string) {
  return inferenceListBody(resourceId, await currentInferences(db, orgId, resourceId));
}

export interface Conditional<T> {
  etag: string;
  /** Absent when the client's copy is current (304). */
  body?: T;
}

export async function getInference(db: Db, orgId: string, resourceId: string, slot: OwnerType, ifNoneMatch?: string): Promise<Conditional<ReturnType<typeof inferenceBody>>> {
  const row = await currentInference(db, orgId, resourceId, slot);
  const etag = `"${row.checksum}"`;
  return etagMatches(ifNoneMatch, etag) ? { etag } : { etag, body: inferenceBody(resourceId, row) };
}

// ---- history ----

export const DEFAULT_HISTORY_LIMIT = 20;
export const MAX_HISTORY_LIMIT = 100;

export function parseHistoryLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_HISTORY_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_HISTORY_LIMIT) {
    throw new InvalidInput(`Invalid parameter limit: must be an integer from 1 to ${MAX_HISTORY_LIMIT}`, { parameter: 'limit' });
  }
  return Number(raw);
}

interface HistoryCursor {
  before: number;
  scope: string;
}

function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify({ b: c.before, s: c.scope })).toString('base64url');
}

function decodeCursor(raw: string, scope: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { b?: unknown; s?: unknown } | undefined;
  if (!c || typeof c.b !== 'number' || !Number.isSafeInteger(c.b) || typeof c.s !== 'string') {
    throw new InvalidInput('Invalid parameter cursor: not a cursor this API returned', { parameter: 'cursor' });
  }
  if (c.s !== scope) throw new InvalidInput('Invalid parameter cursor: it belongs to another history listing', { parameter: 'cursor' });
  return c.b;
}

/** Newest first, `limit` per page; `slot` null lists every owner type. */
export async function listHistory(db: Db, orgId: string, resourceId: string, slot: OwnerType | null, query: { cursor?: string; limit?: string }) {
  const limit = parseHistoryLimit(query.limit);
  const scope = `${resourceId}\n${slot ?? '*'}`;
  const before = query.cursor ? decodeCursor(query.cursor, scope) : undefined;
  await currentInferences(db, orgId, resourceId);
  const rows = await historyOf(db, orgId, resourceId, slot, limit, before);
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? encodeCursor({ before: Number(page[page.length - 1]!.id), scope }) : undefined;
  return historyBody(resourceId, page, next);
}

// ---- evidence ----

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

export async function getEvidence(db: Db, orgId: string, resourceId: string, slot: OwnerType, ifNoneMatch?: string): Promise<Conditional<ReturnType<typeof evidenceBody>>> {
  const row = await currentInference(db, orgId, resourceId, slot);
  const versions = (row.evidence_versions ?? []) as EvidenceVersion[];
  // Recorded versions never change: the list of versions names the content exactly.
  const etag = `W/"${checksumOf({ resource: resourceId, versions })}"`;
  if (etagMatches(ifNoneMatch, etag)) return { etag };
  return { etag, body: evidenceBody(resourceId, await recordedEvidence(db, orgId, resourceId, versions)) };
}

// ---- feedback ----

/** The engine's answer for one owner type now (a reject has just excluded the rejected owner). */
async function reinfer(tx: Queryable, orgId: string, resourceId: string, slot: OwnerType, weights: SignalWeights) {
  const resource = await getResource(tx, orgId, resourceId);
  if (!resource || resource.deleted_at !== null) {
    return {
      resource_id: resourceId,
      slot,
      owner_type: 'unknown',
      owner_handle: null,
      confidence: 0,
      status: 'unknown',
      explanation: `The resource has no inventory record, so no other ${slot} candidate can be looked for.`,
      sources: [],
      evidence_versions: [],
      votes: [],
      checksum: checksumOf({ resource_id: resourceId, slot, rejected_without_inventory: true }),
    };
  }
  const evidence = await loadEvidence(tx, orgId, resource, await loadOrgContext(tx, orgId));
  const answer = infer(evidence, DEFAULT_ENGINE_SETTINGS, weights)[OWNER_TYPES.indexOf(slot)]!;
  return {
    resource_id: resourceId,
    slot,
    owner_type: answer.owner_type,
    owner_handle: answer.owner_handle,
    confidence: answer.confidence,
    status: answer.status,
    explanation: answer.explanation,
    sources: answer.sources,
    evidence_versions: answer.evidence_versions,
    votes: answer.votes,
    checksum: answer.checksum,
  };
}

/**
 * Applies a reviewer's feedback in one transaction: the inference's row is locked and its checksum compared (stale:
 * 409, nothing changes), the label recorded, the org's weights re-learnt, the new state written with its history entry,
 * and the team auto-tag re-applied.
 */
export async function submitFeedback(db: Db, orgId: string, resourceId: string, slot: OwnerType, body: unknown, actor: Actor, now = Date.now()) {
  const request = parseFeedbackBody(body, slot);
  // The actor is always the application key's user: feedback in someone else's name would teach the weights a lie.
  if (request.actorHandle !== undefined && request.actorHandle.toLowerCase() !== actor.userHandle.toLowerCase()) {
    throw new InvalidInput(`actor_handle must be the application key's user (${actor.userHandle}) or be left out`, { pointer: '/data/attributes/actor_handle' });
  }
  await currentInference(db, orgId, resourceId, slot);
  // Auto-tag may write finding states: under the resource's write lock and a write lease, so that no listing's snapshot is overtaken.
  const outcome = await withFindingWriteLease(db, orgId, [resourceId], async (tx, statesAt) => {
    const current = (await inferencesOf(tx, orgId, resourceId, true)).find((r) => r.slot === slot);
    if (!current) throw new NotFound(`No ${slot} inference for resource ${resourceId}`);
    if (current.checksum !== request.inferenceChecksum) {
      throw new Conflict(`The ${slot} inference of ${resourceId} changed: its checksum is now ${current.checksum}. Review it and answer again.`);
    }
    assertActionApplies(current, request.action);
    const by = actor.userHandle;
    await insertFeedback(
      tx,
      orgId,
      {
        resource_id: resourceId,
        slot,
        action: request.action,
        checksum: current.checksum,
        inferred_owner: current.owner_handle,
        corrected_owner: request.corrected?.handle ?? null,
        corrected_type: request.corrected?.owner_type ?? null,
        reason: request.reason ?? null,
        votes: current.votes ?? [],
        actor: by,
        created_at: now,
        confidence: Number(current.confidence),
      },
      now,
    );
    const weights = await relearnWeights(tx, orgId, now);
    const next =
      request.action === 'reject'
        ? applyReinference(current, await reinfer(tx, orgId, resourceId, slot, weights), by, now)
        : afterFeedback(current, request, by, now);
    if (!(await compareAndSetInference(tx, orgId, resourceId, slot, current.checksum, next, now))) {
      throw new Conflict(`The ${slot} inference of ${resourceId} changed while this feedback was applied.`);
    }
    if (request.action === 'reject') await setInferenceVotes(tx, orgId, resourceId, slot, next.votes);
    if (slot === 'team') {
      const resource = await getResource(tx, orgId, resourceId);
      if (resource && resource.deleted_at === null) await applyAutoTag(tx, orgId, resource, autoTeamTagFor(next, await getSettings(tx, orgId)), statesAt);
    }
    return { action: request.action, previous: current, next };
  });
  return feedbackResultBody(resourceId, outcome);
}

// ---- settings ----

const LEVELS = ['high', 'medium', 'low'] as const;

export function parseSettingsBody(body: unknown): { auto_tag?: boolean; confidence_level?: (typeof LEVELS)[number] } {
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(body) || !obj(body.data)) throw new InvalidInput('The body must be {"data":{"type":"ownership_settings","attributes":{...}}}', { pointer: '/data' });
  if (body.data.type !== undefined && body.data.type !== 'ownership_settings') throw new InvalidInput('data.type must be ownership_settings', { pointer: '/data/type' });
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

const AUTO_TAG_BATCH = 500;

/**
 * Saves the settings (version + 1), marks every resource of the org for re-inference, and re-applies auto-tag to every
 * resource's current team answer at once: turning it off removes the tags, raising the band removes those below it.
 */
export async function updateSettings(db: Db, orgId: string, body: unknown, now = Date.now()) {
  const change = parseSettingsBody(body);
  const saved = await withFindingWriteLease(db, orgId, 'org', async (tx, statesAt) => {
    const current = await getSettings(tx, orgId);
    const settings = await saveSettings(tx, orgId, { auto_tag: change.auto_tag ?? current.auto_tag, confidence_level: change.confidence_level ?? current.confidence_level }, now);
    await markForInference(tx, orgId, 'all', now);
    const ids = await resourceIdsForAutoTag(tx, orgId);
    for (let i = 0; i < ids.length; i += AUTO_TAG_BATCH) {
      const batch = ids.slice(i, i + AUTO_TAG_BATCH);
      const resources = await resourcesById(tx, orgId, batch);
      const teams = new Map((await inferencesOfMany(tx, orgId, batch)).filter((r) => r.slot === 'team').map((r) => [r.resource_id, r]));
      for (const id of batch) {
        const resource = resources.get(id);
        if (resource) await applyAutoTag(tx, orgId, resource, autoTeamTagFor(teams.get(id), settings), statesAt);
      }
    }
    return settings;
  });
  return settingsBody(orgId, saved);
}

export async function untaggedFindings(db: Db, orgId: string) {
  return untaggedBody(orgId, await untaggedFindingCounts(db, orgId, HIGH_ABOVE, MEDIUM_FROM));
}

export async function directoryListing(db: Db, orgId: string) {
  return directoryBody(orgId, await listDirectory(db, orgId));
}
