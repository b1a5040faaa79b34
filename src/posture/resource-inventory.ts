// The resource inventory: the resources of an organization as they stood at an instant (now, or a point in time),
// filtered and paged in resource id order, and one resource with its versions. The HTTP listing
// (GET /api/v2/csm/resources) and `steward resources list` both read through here, on the one store query of
// src/store/resource-listing.ts. No HTTP here: the route signs positions into cursors.
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { NotFound } from '../errors.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import { TAG_PATTERN } from '../ingest/resource-items.js';
import { listingInstant } from '../store/snapshot-clock.js';
import { pinnedSnapshot, pinOf, type PinnedSnapshot } from '../pinned-snapshot.js';
import { getResource, type StoredResource } from '../store/resources.js';
import {
  countInventory,
  queryInventoryPage,
  resourceVersions,
  type InventoryFilter,
  type InventoryRow,
  type ResourceVersionRow,
} from '../store/resource-listing.js';

export type { InventoryFilter, InventoryRow, ResourceVersionRow };

export const DEFAULT_INVENTORY_LIMIT = 100;
export const MAX_INVENTORY_LIMIT = 1000;

export type InventoryFilterField = keyof InventoryFilter;

/** What each filter's values look like: the route's schema and the command line check the same patterns and limits. */
export const INVENTORY_FILTER_FORMATS: Record<InventoryFilterField, { pattern: RegExp; maxBytes: number; description: string }> = {
  resource_type: {
    pattern: /^[a-z][a-z0-9_]*$/,
    maxBytes: INPUT_LIMITS.typeBytes,
    description: 'Resource type, exactly (snake_case, such as aws_s3_bucket)',
  },
  account: { pattern: /^\S+$/, maxBytes: INPUT_LIMITS.accountBytes, description: 'AWS account id, GCP project id or Azure subscription id, exactly' },
  region: { pattern: /^\S+$/, maxBytes: INPUT_LIMITS.accountBytes, description: 'Region, exactly (such as eu-west-1)' },
  source: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9:._/-]*$/,
    maxBytes: INPUT_LIMITS.typeBytes,
    description:
      'Where the version in force came from, exactly: api, or the importer (import:terraform-state, import:aws-config, import:resources, ...)',
  },
  tags: { pattern: TAG_PATTERN, maxBytes: INPUT_LIMITS.tagBytes, description: 'A key:value tag; repeat to require several (all must be present)' },
};

/** Why a filter value is unfit (format or length), or undefined. */
export function filterValueReason(field: InventoryFilterField, value: string): string | undefined {
  const format = INVENTORY_FILTER_FORMATS[field];
  const unfit = textFieldReason(value, format.maxBytes);
  if (unfit) return unfit;
  if (!format.pattern.test(value))
    return field === 'tags'
      ? `${JSON.stringify(value)} is not a key:value tag`
      : `${JSON.stringify(value)} is not of the form ${format.pattern.source}`;
  return undefined;
}

/** A cursor is valid only with the filters it was issued for: this names them (tags in any order and repetition). */
export function inventoryFilterHash(filter: InventoryFilter): string {
  const canonical = JSON.stringify([filter.resource_type, filter.account, filter.region, filter.source, [...new Set(filter.tags)].sort()]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** Where a page begins: after a resource id, at the first page's instant (and the one it was asked for), whose exact count it carries. */
export interface InventoryPosition extends PinnedSnapshot {
  after: string;
  total: number;
}

export interface InventoryRequest {
  filter: InventoryFilter;
  limit: number;
  /** The point in time asked for (first page); later pages read at their position's instant. */
  snapshotTimestamp?: number;
  position?: InventoryPosition;
}

export interface InventoryPage {
  rows: InventoryRow[];
  total: number;
  /** The instant every page of this listing reads. */
  at: number;
  /** Where the next page begins, when there is one. */
  next?: InventoryPosition;
}

export async function listInventory(db: Db, orgId: string, req: InventoryRequest): Promise<InventoryPage> {
  const filter = { ...req.filter, tags: [...new Set(req.filter.tags)] };
  const at = req.position?.snapshot ?? (await listingInstant(db, orgId, req.snapshotTimestamp));
  const [rows, total] = await Promise.all([
    queryInventoryPage(db, orgId, { filter, at, after: req.position?.after, limit: req.limit + 1 }),
    // The count at a fixed instant never changes: the first page counts, later pages carry it.
    req.position?.total ?? countInventory(db, orgId, filter, at),
  ]);
  const page: InventoryPage = { rows: rows.slice(0, req.limit), total, at };
  const last = page.rows[page.rows.length - 1];
  if (rows.length > req.limit && last)
    page.next = { after: last.resource_id, ...pinOf(req.position ?? pinnedSnapshot(at, req.snapshotTimestamp)), total };
  return page;
}

export interface ResourceWithVersions {
  resource: StoredResource;
  /** Oldest first; at an instant, those begun by then, as they stood then. */
  versions: ResourceVersionRow[];
  /** The instant read, when a point in time was asked for. */
  at?: number;
}

/** A resource and its versions, now or at a point in time; 404 when unknown, of another organization, or not yet seen then. */
export async function resourceWithVersions(db: Db, orgId: string, resourceId: string, snapshotTimestamp?: number): Promise<ResourceWithVersions> {
  const at = snapshotTimestamp === undefined ? undefined : await listingInstant(db, orgId, snapshotTimestamp);
  const [resource, versions] = await Promise.all([getResource(db, orgId, resourceId), resourceVersions(db, orgId, resourceId, at)]);
  if (!resource || (at !== undefined && versions.length === 0)) {
    throw new NotFound(at === undefined ? `No resource ${resourceId}` : `No resource ${resourceId} at ${snapshotTimestamp}`);
  }
  return { resource, versions, ...(at !== undefined ? { at } : {}) };
}

/** The first unfit filter value: its field and why; undefined when every value is fit. */
export function inventoryFilterProblem(filter: InventoryFilter): { field: InventoryFilterField; reason: string } | undefined {
  for (const field of ['resource_type', 'account', 'region', 'source'] as const) {
    const value = filter[field];
    const reason = value === undefined ? undefined : filterValueReason(field, value);
    if (reason) return { field, reason };
  }
  for (const tag of filter.tags) {
    const reason = filterValueReason('tags', tag);
    if (reason) return { field: 'tags', reason };
  }
  return undefined;
}
