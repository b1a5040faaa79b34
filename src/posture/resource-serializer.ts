import type { StoredResource } from '../store/resources.js';

/** A resource on the wire, in the same JSON:API shape the POST takes. */
export function serializeResource(r: StoredResource) {
  return {
    type: 'cloud_resource',
    id: r.resource_id,
    attributes: {
      resource_type: r.resource_type,
      name: r.name,
      cloud_provider: r.cloud_provider,
      account: r.account,
      region: r.region,
      tags: r.tags,
      configuration: r.configuration,
      observed_at: r.observed_at,
      first_seen_at: r.first_seen_at,
      version: r.version,
      deleted: r.deleted_at !== null,
      ...(r.iac_repo ? { iac: { repo: r.iac_repo, path: r.iac_path } } : {}),
    },
  };
}
