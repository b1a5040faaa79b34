import type { StoredResource } from '../store/resources.js';
import type { InventoryPage, InventoryRow, ResourceVersionRow, ResourceWithVersions } from './resource-inventory.js';

const iacOf = (repo: string | null, path: string | null) => (repo ? { iac: { repo, path } } : {});

/** What says which resource it is and where it lives. */
const placeOf = (r: Pick<StoredResource, 'resource_type' | 'name' | 'cloud_provider' | 'account' | 'region' | 'tags'>) => ({
  resource_type: r.resource_type,
  name: r.name,
  cloud_provider: r.cloud_provider,
  account: r.account,
  region: r.region,
  tags: r.tags,
});

/** A resource on the wire, in the same JSON:API shape the POST takes. */
export function serializeResource(r: StoredResource) {
  return {
    type: 'cloud_resource',
    id: r.resource_id,
    attributes: {
      ...placeOf(r),
      configuration: r.configuration,
      observed_at: r.observed_at,
      first_seen_at: r.first_seen_at,
      version: r.version,
      deleted: r.deleted_at !== null,
      ...iacOf(r.iac_repo, r.iac_path),
    },
  };
}

export function serializeVersion(v: ResourceVersionRow) {
  return {
    version: v.version,
    valid_from: v.valid_from,
    valid_to: v.valid_to,
    deleted: v.deleted,
    source: v.source,
    actor: v.actor,
    resource_type: v.resource_type,
    name: v.name,
    account: v.account,
    region: v.region,
    tags: v.tags,
    configuration: v.configuration,
  };
}

/**
 * A resource with its versions (oldest first). Now: the resource as stored. At a point in time: the version in force
 * then (its observed_at is not kept per version: null).
 */
export function serializeResourceWithVersions(found: ResourceWithVersions) {
  const { resource, versions, at } = found;
  const inForce = versions[versions.length - 1];
  const base = serializeResource(resource);
  const attributes =
    at === undefined || !inForce
      ? base.attributes
      : {
          ...base.attributes,
          resource_type: inForce.resource_type,
          name: inForce.name,
          account: inForce.account,
          region: inForce.region,
          tags: inForce.tags,
          configuration: inForce.configuration,
          observed_at: null,
          version: inForce.version,
          deleted: inForce.deleted,
        };
  return {
    data: {
      ...base,
      attributes: { ...attributes, source: inForce?.source ?? null, actor: inForce?.actor ?? null, versions: versions.map(serializeVersion) },
    },
    ...(at !== undefined ? { meta: { snapshot_timestamp: at } } : {}),
  };
}

/** One resource of the inventory listing, as it stood at the listing's instant (no configuration: GET it for that). */
export function serializeInventoryRow(r: InventoryRow) {
  return {
    type: 'cloud_resource',
    id: r.resource_id,
    attributes: {
      ...placeOf(r),
      version: r.version,
      valid_from: r.valid_from,
      source: r.source,
      actor: r.actor,
      first_seen_at: r.first_seen_at,
      ...iacOf(r.iac_repo, r.iac_path),
    },
  };
}

/** {data:[cloud_resource], links:{next}?, meta:{page:{total_filtered_count, cursor?}, snapshot_timestamp}}, as the findings listing. */
export function inventoryListBody(page: InventoryPage, next?: { cursor: string; link: string }) {
  return {
    data: page.rows.map(serializeInventoryRow),
    ...(next ? { links: { next: next.link } } : {}),
    meta: { page: { total_filtered_count: page.total, ...(next ? { cursor: next.cursor } : {}) }, snapshot_timestamp: page.at },
  };
}
