// Writing ownership signals, each in the caller's transaction (one signal writer of an organization at a time), and
// marking the resources each change touches.
import type { Db, Queryable } from '../store/db.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import { writeDirectory, type DirectoryChange } from '../store/directory.js';
import { writeServices } from '../store/catalog.js';
import { insertAuditEvents, resourceIdsChangedFromRepository } from '../store/audit-events.js';
import { writeCodeowners, normalizeRepo } from '../store/codeowners.js';
import { savePreferences } from '../store/preferences.js';
import { markForInference, resourceIdsWithAnyTag, resourceIdsOfRepos } from '../store/ownership-queue.js';
import { validatePreferences, type PreferenceProblem } from '../ingest/preferences-csv.js';
import { DEFAULT_ENGINE_SETTINGS } from './evidence.js';
import { InvalidInput } from '../errors.js';
import { resourcesNamedByEvents } from '../ingest/cloudtrail-resources.js';
import { recordReferencedResources } from '../posture/referenced-resources.js';
import { lockSignalWrites } from '../store/write-locks.js';
import type { AuditEvent, CodeownersRule, Directory, Service } from './signals.js';

export async function importDirectory(tx: Queryable, orgId: string, directory: Directory, source: string, now: number): Promise<DirectoryChange> {
  await lockSignalWrites(tx, orgId);
  const change = await writeDirectory(tx, orgId, directory, source, now);
  // Memberships and departures reach inferences through users and teams anywhere: re-infer everything.
  if (change.changed) await markForInference(tx, orgId, 'all', now);
  return change;
}

export async function importServices(
  tx: Queryable,
  orgId: string,
  services: Service[],
  source: string,
  now: number,
): Promise<{ written: number; changed: string[] }> {
  await lockSignalWrites(tx, orgId);
  const changed = await writeServices(tx, orgId, services, source, now);
  const tags = changed.flatMap((name) => DEFAULT_ENGINE_SETTINGS.service_tag_keys.map((k) => `${k}:${name}`));
  // Tags are matched case-insensitively by the engine; resources usually carry lower-case service tags.
  await markForInference(tx, orgId, await resourceIdsWithAnyTag(tx, orgId, tags), now);
  return { written: services.length, changed };
}

/**
 * Writes the events and the minimal records of the resources they name that the inventory does not know yet
 * (recordReferencedResources: a resource any other source wrote is left as it is), so that ownership answers for them.
 * It writes resource versions: run it in withFindingWriteLease, scoped to the events' resources or the organization
 * (the write locks are taken before the signal writers' lock, as everywhere).
 */
/**
 * What an import of audit events did: records read, of them new to the store (a record already imported is skipped),
 * resources they name, and of those new to the inventory.
 */
export interface AuditImportSummary {
  events: number;
  events_new: number;
  resources: number;
  resources_created: number;
}

/** `named`, when given, gathers the resources the events name, for a caller that imports in several batches. */
export async function importAuditEvents(
  tx: Queryable,
  orgId: string,
  events: AuditEvent[],
  now: number,
  named?: Set<string>,
): Promise<AuditImportSummary> {
  await lockSignalWrites(tx, orgId);
  const { resourceIds: touched, added } = await insertAuditEvents(tx, orgId, events, now);
  for (const id of touched) named?.add(id);
  const { resources_created } = await recordReferencedResources(tx, orgId, resourcesNamedByEvents(events), { source: 'import:cloudtrail', now });
  await markForInference(tx, orgId, touched, now);
  return { events: events.length, events_new: added, resources: touched.length, resources_created };
}

/** importAuditEvents in a transaction of its own, holding the write locks of the resources the events name. */
export async function importAuditEventBatch(db: Db, orgId: string, events: AuditEvent[]): Promise<AuditImportSummary> {
  const named = events.flatMap((e) => e.resource_ids);
  return withFindingWriteLease(db, orgId, named, (tx, now) => importAuditEvents(tx, orgId, events, now));
}

export async function importCodeowners(
  tx: Queryable,
  orgId: string,
  repo: string,
  rules: CodeownersRule[],
  now: number,
): Promise<{ version: number; changed: boolean }> {
  await lockSignalWrites(tx, orgId);
  const result = await writeCodeowners(tx, orgId, repo, rules, now);
  if (result.changed) {
    const iac = await resourceIdsOfRepos(tx, orgId, [normalizeRepo(repo)]);
    const viaCi = await resourceIdsChangedFromRepository(tx, orgId, normalizeRepo(repo));
    await markForInference(tx, orgId, [...iac, ...viaCi], now);
  }
  return result;
}

/**
 * Validates the whole CSV and saves it as the current set, or throws naming the first bad row and column (the
 * previous set stays in force). Every problem is listed in the error's `problems`.
 */
export async function importPreferences(
  tx: Queryable,
  orgId: string,
  csv: string,
  actor: string | null,
  now: number,
): Promise<{ version: number; rows: number; changed: boolean }> {
  const result = validatePreferences(csv);
  if (!result.preferences || result.errors.length > 0) throw new PreferencesRejected(result.errors, result.omitted);
  await lockSignalWrites(tx, orgId);
  const { version, changed } = await savePreferences(tx, orgId, csv, result.preferences, actor, now);
  // Any resource may read a preference: a changed set re-infers everything, the same set nothing.
  if (changed) await markForInference(tx, orgId, 'all', now);
  const p = result.preferences;
  return { version, rows: p.tag_mappings.length + p.exclusions.length + p.prompt_texts.length, changed };
}

/**
 * The problems of a rejected preferences CSV, each one an error on the wire pointing at `/rows/N/column`; past the
 * first ones (`rows`), `omitted` more are only counted.
 */
export class PreferencesRejected extends InvalidInput {
  constructor(
    readonly rows: PreferenceProblem[],
    readonly omitted = 0,
  ) {
    const wire = rows.map((p) => ({
      detail: `Row ${p.row} (line ${p.line})${p.column ? `, column ${p.column}` : ''}: ${p.message}`,
      source: { pointer: `/rows/${p.row}${p.column ? `/${p.column}` : ''}` },
    }));
    super(wire[0]?.detail ?? 'The preferences CSV is empty or unreadable.', wire[0]?.source ?? { pointer: '/' });
    this.setProblems(wire, omitted);
  }
}
