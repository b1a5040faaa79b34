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

/** azurerm_{linux,windows}_virtual_machine's os_disk block, or the legacy azurerm_virtual_machine's storage_os_disk. */
function osDisk(a: Json): Json | undefined {
  const legacy = block(a.storage_os_disk);
  if (legacy) {
    const managed = str(legacy.managed_disk_id) ?? str(legacy.managed_disk_type);
    return compact({
      name: str(legacy.name),
      managed_disk: managed ? compact({ id: str(legacy.managed_disk_id), storage_account_type: str(legacy.managed_disk_type) }) : undefined,
      vhd: str(legacy.vhd_uri) ? { uri: legacy.vhd_uri } : undefined,
    });
  }
  const disk = block(a.os_disk);
  if (!disk) return undefined;
  // The newer resources always put the OS disk on a managed disk.
  const encryptionSet = str(disk.disk_encryption_set_id);
  return compact({
    name: str(disk.name),
    managed_disk: compact({
      storage_account_type: str(disk.storage_account_type),
      disk_encryption_set: encryptionSet ? { id: encryptionSet } : undefined,
    }),
  });
}

function osProfile(a: Json, terraformType: string): Json | undefined {
  if (terraformType === 'azurerm_linux_virtual_machine') {
    return compact({
      admin_username: str(a.admin_username),
      computer_name: str(a.computer_name),
      linux_configuration: compact({ disable_password_authentication: bool(a.disable_password_authentication) }),
    });
  }
  if (terraformType === 'azurerm_windows_virtual_machine') {
    return compact({ admin_username: str(a.admin_username), computer_name: str(a.computer_name), windows_configuration: {} });
  }
  const linux = block(a.os_profile_linux_config);
  const profile = block(a.os_profile);
  if (!linux && !block(a.os_profile_windows_config)) return undefined;
  return compact({
    admin_username: profile ? str(profile.admin_username) : undefined,
    computer_name: profile ? str(profile.computer_name) : undefined,
    linux_configuration: linux ? compact({ disable_password_authentication: bool(linux.disable_password_authentication) }) : undefined,
    windows_configuration: linux ? undefined : {},
  });
}

export const azureVirtualMachine: TypeMapping = {
  resourceType: 'azure_virtual_machine',
  terraformTypes: ['azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine', 'azurerm_virtual_machine'],
  terraformReplaces: [
    'disable_password_authentication',
    'os_disk',
    'storage_os_disk',
    'os_profile',
    'os_profile_linux_config',
    'os_profile_windows_config',
    'encryption_at_host_enabled',
    'secure_boot_enabled',
    'vtpm_enabled',
  ],
  fromTerraform: (a, context) => {
    const disk = osDisk(a);
    // Providers that predate a setting (and the legacy azurerm_virtual_machine) record none: then it is left out.
    const uefi = compact({ secure_boot_enabled: bool(a.secure_boot_enabled), v_tpm_enabled: bool(a.vtpm_enabled) });
    const security = compact({
      encryption_at_host: bool(a.encryption_at_host_enabled),
      uefi_settings: Object.keys(uefi).length ? uefi : undefined,
    });
    return compact({
      name: str(a.name),
      os_profile: osProfile(a, context.terraformType),
      storage_profile: disk ? { os_disk: disk } : undefined,
      security_profile: Object.keys(security).length ? security : undefined,
    });
  },
};
