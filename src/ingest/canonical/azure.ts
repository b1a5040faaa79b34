// azure_storage_account from the azurerm provider's state: the Storage API's (SDK) names.
import type { TypeMapping } from './mapping.js';
import { block, bool, compact, list, str, type Json } from './values.js';

/** `network_rules[0]` (or the azurerm_storage_account_network_rules resource) -> the API's networkRuleSet. */
export function networkRuleSet(rules: Json): Json {
  return compact({
    default_action: str(rules.default_action),
    bypass: list(rules.bypass).join(', ') || undefined,
    ip_rules: list(rules.ip_rules).map((value) => ({ ip_address_or_range: value, action: 'Allow' })),
    virtual_network_rules: list(rules.virtual_network_subnet_ids).map((id) => ({ virtual_network_resource_id: id, action: 'Allow' })),
  });
}

export const azureStorageAccount: TypeMapping = {
  resourceType: 'azure_storage_account',
  terraformTypes: ['azurerm_storage_account'],
  terraformReplaces: [
    'https_traffic_only_enabled',
    'min_tls_version',
    'allow_nested_items_to_be_public',
    'allow_blob_public_access',
    'shared_access_key_enabled',
    'network_rules',
    'infrastructure_encryption_enabled',
  ],
  fromTerraform: (a) => {
    const network = block(a.network_rules);
    const infrastructure = bool(a.infrastructure_encryption_enabled);
    return compact({
      name: str(a.name),
      // azurerm 4 renamed enable_https_traffic_only, 3 renamed allow_blob_public_access.
      enable_https_traffic_only: bool(a.enable_https_traffic_only) ?? bool(a.https_traffic_only_enabled),
      minimum_tls_version: str(a.min_tls_version),
      allow_blob_public_access: bool(a.allow_nested_items_to_be_public) ?? bool(a.allow_blob_public_access),
      allow_shared_key_access: bool(a.shared_access_key_enabled),
      network_rule_set: network ? networkRuleSet(network) : undefined,
      encryption: infrastructure === undefined ? undefined : { require_infrastructure_encryption: infrastructure },
    });
  },
};
