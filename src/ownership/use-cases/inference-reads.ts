// Reading inferences: one owner type or all of them, and their history. A known resource not inferred yet is
// inferred on read.
import type { Db } from '../../store/db.js';
import { NotFound } from '../../errors.js';
import { historyOf, inferencesOf, type HistoryRow, type InferenceRow } from '../../store/ownership-inferences.js';
import { resourceIsKnown } from '../../store/ownership-queries.js';
import type { OwnerType } from '../owner-type.js';
import { inferenceBody, inferenceListBody } from '../ownership-serializers.js';
import { recomputeResources } from './recompute.js';

/** A representation with its entity tag; `body` is left out when the caller already holds that tag. */
export interface Tagged<T> {
  etag: string;
  body?: T;
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

export async function currentInference(db: Db, orgId: string, resourceId: string, slot: OwnerType): Promise<InferenceRow> {
  const row = (await currentInferences(db, orgId, resourceId)).find((r) => r.slot === slot);
  if (!row) throw new NotFound(`No ${slot} inference for resource ${resourceId}`);
  return row;
}

export async function listInferences(db: Db, orgId: string, resourceId: string) {
  return inferenceListBody(resourceId, await currentInferences(db, orgId, resourceId));
}

/** The inference of one owner type; its checksum is its entity tag (`clientHas` it: no body). */
export async function getInference(
  db: Db,
  orgId: string,
  resourceId: string,
  slot: OwnerType,
  clientHas: (etag: string) => boolean = () => false,
): Promise<Tagged<ReturnType<typeof inferenceBody>>> {
  const row = await currentInference(db, orgId, resourceId, slot);
  const etag = `"${row.checksum}"`;
  return clientHas(etag) ? { etag } : { etag, body: inferenceBody(resourceId, row) };
}

/** One page of history, newest first: entries older than `before` (a history entry id); `slot` null: every owner type. */
export async function readHistory(
  db: Db,
  orgId: string,
  resourceId: string,
  slot: OwnerType | null,
  page: { limit: number; before?: number },
): Promise<{ rows: HistoryRow[]; nextBefore?: number }> {
  await currentInferences(db, orgId, resourceId);
  const rows = await historyOf(db, orgId, resourceId, slot, page.limit, page.before);
  const shown = rows.slice(0, page.limit);
  return rows.length > page.limit ? { rows: shown, nextBefore: Number(shown[shown.length - 1]!.id) } : { rows: shown };
}
