// The resource inventory's SQL: the versions valid at an instant T (resource_versions keeps each with [valid_from,
// valid_to)), filtered and paged in resource id order, and one resource's versions. As in the findings listing, "valid
// at T" is two halves: current versions opened by T (partial index where valid_to = max bigint) and versions closed after
// T; each is ordered and limited on its own, then merged. A resource has one version valid at any instant, and a deletion
// is a version of its own: a resource deleted by T is absent at T. Values only ever travel as parameters.
import type { Queryable } from './db.js';
import { OPEN_ENDED } from './finding-states.js';
import { Params } from './findings-query.js';
import type { StoredResource } from './resources.js';

/** Exact values; `tags` must all be present (AND). An absent field does not filter. */
export interface InventoryFilter {
  resource_type?: string;
  account?: string;
  region?: string;
  /** The importer that wrote the version (`import:terraform-state`, ...) or `api`. */
  source?: string;
  tags: string[];
}

/** A resource as it stood at an instant: its version then, with what never changes from the resource itself. */
export interface InventoryRow extends Pick<
  StoredResource,
  'resource_id' | 'resource_type' | 'name' | 'cloud_provider' | 'account' | 'region' | 'tags' | 'version' | 'first_seen_at' | 'iac_repo' | 'iac_path'
> {
  /** When this version began. */
  valid_from: number;
  source: string | null;
  actor: string | null;
}

export interface InventoryPageQuery {
  filter: InventoryFilter;
  at: number;
  /** The last resource id of the page before. */
  after?: string;
  limit: number;
}

const VERSION_COLUMNS = 'resource_id, resource_type, name, account, region, tags, version, valid_from, source, actor';
const ROW_COLUMNS = `v.resource_id, v.resource_type, v.name, r.cloud_provider, v.account, v.region, v.tags, v.version, v.valid_from, v.source,
  v.actor, r.first_seen_at, r.iac_repo, r.iac_path`;

const FILTER_COLUMNS = ['resource_type', 'account', 'region', 'source'] as const;

function compileFilter(filter: InventoryFilter, p: Params): string {
  const clauses = ['NOT deleted'];
  for (const column of FILTER_COLUMNS) {
    const value = filter[column];
    if (value !== undefined) clauses.push(`${column} = ${p.add(value)}::text`);
  }
  if (filter.tags.length > 0) clauses.push(`tags @> ${p.add(filter.tags)}::text[]`);
  return clauses.join(' AND ');
}

/** The two halves of "the versions valid at `at`" (see findings-query.ts for why `valid_to < max`). */
function halves(at: string): [string, string] {
  return [`valid_to = ${OPEN_ENDED} AND valid_from <= ${at}`, `valid_to < ${OPEN_ENDED} AND valid_to > ${at} AND valid_from <= ${at}`];
}

export function buildInventoryPageQuery(orgId: string, q: InventoryPageQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  const org = p.add(orgId);
  const at = p.add(q.at);
  const where = compileFilter(q.filter, p);
  const keyset = q.after === undefined ? '' : ` AND resource_id > ${p.add(q.after)}::text`;
  const limit = p.add(q.limit);
  const half = (validity: string) =>
    `(SELECT ${VERSION_COLUMNS} FROM resource_versions WHERE org_id = ${org} AND ${validity} AND ${where}${keyset} ORDER BY resource_id LIMIT ${limit})`;
  const [current, closed] = halves(at);
  return {
    sql: `SELECT ${ROW_COLUMNS} FROM (${half(current)} UNION ALL ${half(closed)}) v
      JOIN resources r ON r.org_id = ${org} AND r.resource_id = v.resource_id
      ORDER BY v.resource_id LIMIT ${limit}`,
    params: p.values,
  };
}

/** One page of the resources valid at `q.at`, in resource id order, after `q.after`. */
export async function queryInventoryPage(db: Queryable, orgId: string, q: InventoryPageQuery): Promise<InventoryRow[]> {
  const { sql, params } = buildInventoryPageQuery(orgId, q);
  return (await db.query<InventoryRow>(sql, params)).rows.map((r) => ({
    ...r,
    version: Number(r.version),
    valid_from: Number(r.valid_from),
    first_seen_at: Number(r.first_seen_at),
  }));
}

/** How many resources the filter selects at `at`. */
export async function countInventory(db: Queryable, orgId: string, filter: InventoryFilter, at: number): Promise<number> {
  const p = new Params();
  const org = p.add(orgId);
  const atP = p.add(at);
  const where = compileFilter(filter, p);
  const count = (validity: string) => `(SELECT count(*) FROM resource_versions WHERE org_id = ${org} AND ${validity} AND ${where})`;
  const [current, closed] = halves(atP);
  return Number((await db.query<{ total: number | string }>(`SELECT ${count(current)} + ${count(closed)} AS total`, p.values)).rows[0]!.total);
}

/** One version of a resource's configuration, with the interval it held and where it came from. */
export interface ResourceVersionRow {
  version: number;
  valid_from: number;
  /** Null while it is the current version. */
  valid_to: number | null;
  deleted: boolean;
  resource_type: string;
  name: string;
  account: string;
  region: string;
  tags: string[];
  configuration: Record<string, unknown>;
  /** Null for versions written before sources were recorded. */
  source: string | null;
  actor: string | null;
}

/**
 * A resource's versions, oldest first; with `at`, only those begun by then, as they stood then (a version closed after
 * `at` reads as current).
 */
export async function resourceVersions(db: Queryable, orgId: string, resourceId: string, at?: number): Promise<ResourceVersionRow[]> {
  const params: unknown[] = [orgId, resourceId];
  if (at !== undefined) params.push(at);
  const rows = (
    await db.query<ResourceVersionRow & { valid_to: string | number }>(
      `SELECT version, valid_from, valid_to::text AS valid_to, deleted, resource_type, name, account, region, tags, configuration, source, actor
       FROM resource_versions WHERE org_id = $1 AND resource_id = $2${at === undefined ? '' : ' AND valid_from <= $3'} ORDER BY version`,
      params,
    )
  ).rows;
  return rows.map((r) => {
    const validTo = String(r.valid_to);
    const open = validTo === OPEN_ENDED || (at !== undefined && Number(validTo) > at);
    return { ...r, version: Number(r.version), valid_from: Number(r.valid_from), valid_to: open ? null : Number(validTo) };
  });
}
