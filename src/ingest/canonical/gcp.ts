// gcp_storage_bucket and gcp_compute_instance from the Google provider's state: the Cloud Storage and Compute Engine
// API's names (Terraform keeps nested objects as one-element lists and names lists in the singular).
import type { TypeMapping } from './mapping.js';
import { block, bool, compact, isRecord, list, objects, str, type Json } from './values.js';

export const gcpStorageBucket: TypeMapping = {
  resourceType: 'gcp_storage_bucket',
  terraformTypes: ['google_storage_bucket'],
  terraformReplaces: ['uniform_bucket_level_access', 'public_access_prevention', 'versioning', 'logging'],
  fromTerraform: (a) => {
    const uniform = bool(a.uniform_bucket_level_access);
    const versioning = block(a.versioning);
    const logging = block(a.logging);
    const iam = compact({
      uniform_bucket_level_access: uniform === undefined ? undefined : { enabled: uniform },
      public_access_prevention: str(a.public_access_prevention),
    });
    return compact({
      name: str(a.name),
      iam_configuration: Object.keys(iam).length ? iam : undefined,
      // The API has no `versioning` (or no `logging`) for a bucket never given one; Terraform then has no block either.
      versioning: versioning ? { enabled: versioning.enabled === true } : undefined,
      logging: logging ? compact({ log_bucket: str(logging.log_bucket), log_object_prefix: str(logging.log_object_prefix) }) : undefined,
    });
  },
};

/** `metadata` ({key: value}) -> the API's `{items: [{key, value}]}`. */
function metadataItems(metadata: unknown): Json | undefined {
  if (!isRecord(metadata)) return undefined;
  return { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) };
}

export const gcpComputeInstance: TypeMapping = {
  resourceType: 'gcp_compute_instance',
  terraformTypes: ['google_compute_instance'],
  terraformReplaces: ['network_interface', 'service_account', 'metadata', 'shielded_instance_config'],
  fromTerraform: (a) => {
    const shielded = block(a.shielded_instance_config);
    return compact({
      name: str(a.name),
      network_interfaces: objects(a.network_interface).map((nic) =>
        compact({
          network: str(nic.network),
          subnetwork: str(nic.subnetwork),
          network_ip: str(nic.network_ip),
          // Each `access_config` block is one external IPv4 address (a one-to-one NAT), given or ephemeral.
          access_configs: objects(nic.access_config).map((config) =>
            compact({ type: 'ONE_TO_ONE_NAT', nat_ip: str(config.nat_ip), network_tier: str(config.network_tier) }),
          ),
        }),
      ),
      // The provider keeps scopes as the full URLs the API gives (`.../auth/cloud-platform`).
      service_accounts: objects(a.service_account).map((account) => compact({ email: str(account.email), scopes: list(account.scopes) })),
      metadata: metadataItems(a.metadata),
      shielded_instance_config: shielded
        ? compact({
            enable_secure_boot: bool(shielded.enable_secure_boot),
            enable_vtpm: bool(shielded.enable_vtpm),
            enable_integrity_monitoring: bool(shielded.enable_integrity_monitoring),
          })
        : undefined,
    });
  },
};
