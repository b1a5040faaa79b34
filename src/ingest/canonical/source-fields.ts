// Which canonical configuration fields (rules/README.md) each source can fill, per resource type: what tells "the source
// says it is unset" from "the source cannot know it" when a field is absent from a resource's configuration.
//
// Paths are dotted as rules/README.md names them, list elements' fields under the list's own path without `[]`
// (`acl.grants.grantee.uri`, `server_side_encryption_configuration.rules.apply_server_side_encryption_by_default.sse_algorithm`).
// Every set is closed under prefixes: `public_access_block_configuration.block_public_acls` brings
// `public_access_block_configuration`, so a caller may ask at whatever depth its expression reads.
//
// Two lists per source and type:
//  - `fills`: the source states this field for every resource of the type it describes; absent, the source says the
//    setting is unset (no policy, versioning never enabled, no public IP). `fieldsSourceCanFill` answers these.
//  - `sometimes`: the source carries the field for some resources only (a Terraform state holds a bucket's public access
//    block only when it declares an `aws_s3_bucket_public_access_block`, which may as well live in another state, or not
//    in Terraform at all). Present, it is data like any other; absent, it is unknown. `fieldsSourceMayCarry` adds these.
// test/unit/source-fields.test.ts checks both against what the importers produce from the real fixtures.
import { ownEntry } from '../../own-entry.js';

/** Resource type -> canonical paths. */
type ByType = Readonly<Record<string, readonly string[]>>;

interface Declaration {
  fills: ByType;
  sometimes: ByType;
}

const STATEMENT = ['effect', 'action', 'not_action', 'resource', 'principal.aws', 'principal.service', 'principal.federated', 'condition'];
const statement = (document: string): string[] => STATEMENT.map((field) => `${document}.statement.${field}`);

const BUCKET_POLICY = [
  'bucket_policy_statement.statement_effect',
  'bucket_policy_statement.statement_action',
  'bucket_policy_statement.policy_principal.principal',
  'bucket_policy_statement.statement_has_condition',
  'bucket_policy_statement.condition',
];
const BUCKET_ACL = ['acl.grants.grantee.type', 'acl.grants.grantee.uri', 'acl.grants.grantee.id', 'acl.grants.permission'];
const BUCKET_ENCRYPTION = ['server_side_encryption_configuration.rules.apply_server_side_encryption_by_default.sse_algorithm'];
const BUCKET_VERSIONING = ['versioning.status', 'versioning.mfa_delete'];
const PUBLIC_ACCESS_BLOCK = ['block_public_acls', 'ignore_public_acls', 'block_public_policy', 'restrict_public_buckets'].map(
  (field) => `public_access_block_configuration.${field}`,
);
const OWNERSHIP_CONTROLS = ['ownership_controls.rules.object_ownership'];

const PERMISSION = ['ip_protocol', 'from_port', 'to_port', 'ip_ranges.cidr_ip', 'ipv6_ranges.cidr_ipv6', 'user_id_group_pairs'];
const SECURITY_GROUP = [
  'group_id',
  'group_name',
  'vpc_id',
  ...PERMISSION.map((field) => `ip_permissions.${field}`),
  ...PERMISSION.map((field) => `ip_permissions_egress.${field}`),
];

const ATTACHED_POLICIES = ['attached_policies.policy_arn'];
const USER_INLINE_POLICIES = ['user_policy_list.policy_name', ...statement('user_policy_list.policy_document')];
const ACCESS_KEYS = ['access_keys.access_key_id', 'access_keys.status', 'access_keys.create_date'];

const RDS_INSTANCE = [
  'db_instance_identifier',
  'db_instance_arn',
  'engine',
  'storage_encrypted',
  'publicly_accessible',
  'multi_az',
  'deletion_protection',
  'auto_minor_version_upgrade',
  'iam_database_authentication_enabled',
  'backup_retention_period',
];
const EC2_INSTANCE = [
  'instance_id',
  'metadata_options.http_tokens',
  'metadata_options.http_endpoint',
  'public_ip_address',
  'iam_instance_profile.arn',
];
const TRAIL = [
  'name',
  'trail_arn',
  's3_bucket_name',
  'is_multi_region_trail',
  'log_file_validation_enabled',
  'kms_key_id',
  'cloud_watch_logs_log_group_arn',
];
const KMS_KEY = ['key_id', 'arn', 'key_manager', 'key_spec', 'key_state'];
const LAMBDA = [
  'function_name',
  'function_arn',
  'runtime',
  'tracing_config.mode',
  'vpc_config.vpc_id',
  'vpc_config.subnet_ids',
  'vpc_config.security_group_ids',
];
const PITR = ['continuous_backups_description.point_in_time_recovery_description.point_in_time_recovery_status'];
const ECR = ['repository_name', 'image_scanning_configuration.scan_on_push', 'image_tag_mutability'];
const GCS_BUCKET = ['name', 'id', 'iam_configuration.uniform_bucket_level_access.enabled', 'versioning.enabled', 'logging.log_bucket'];
const GCE_INSTANCE = [
  'name',
  'id',
  'zone',
  'network_interfaces.access_configs.type',
  'network_interfaces.access_configs.nat_ip',
  'service_accounts.email',
  'service_accounts.scopes',
  'metadata.items.key',
  'metadata.items.value',
  'shielded_instance_config.enable_secure_boot',
  'can_ip_forward',
];

/**
 * A Terraform state knows what was declared, and what the provider read back into the resource's own attributes at its
 * last refresh (a bucket's policy, ACL, encryption, versioning and logging are such attributes in every provider
 * version, next to their companion resources); never what only the cloud computes (`policy_status`, a user's
 * credential report: password use, key use, `mfa_active`). Settings Terraform keeps only in companion resources
 * (src/ingest/canonical/terraform-attachments.ts folds them into their parent), and attributes older providers do not
 * record (`role_last_used`, `managed_policy_arns`, `package_type`), are `sometimes`.
 */
const TERRAFORM_STATE: Declaration = {
  fills: {
    aws_s3_bucket: ['name', 'bucket_arn', ...BUCKET_POLICY, ...BUCKET_ACL, ...BUCKET_ENCRYPTION, ...BUCKET_VERSIONING, 'logging.target_bucket'],
    aws_security_group: SECURITY_GROUP,
    aws_iam_user: ['user_name', 'arn'],
    aws_iam_role: ['role_name', 'arn', 'path', 'create_date', ...statement('assume_role_policy_document')],
    aws_iam_policy: ['policy_name', 'arn', ...statement('policy_document')],
    aws_rds_instance: RDS_INSTANCE,
    aws_ec2_instance: EC2_INSTANCE,
    aws_ebs_volume: ['volume_id', 'kms_key_id', 'encrypted'],
    aws_cloudtrail_trail: [...TRAIL, 'is_logging'],
    aws_kms_key: [...KMS_KEY, 'key_rotation_enabled', ...statement('key_policy')],
    aws_lambda_function: LAMBDA,
    aws_dynamodb_table: ['table_name', ...PITR],
    aws_ecr_repository: ECR,
    gcp_storage_bucket: GCS_BUCKET,
    gcp_compute_instance: GCE_INSTANCE,
    // A Windows machine has no linux_configuration; a machine whose OS disk is a VHD has no managed_disk.
    azure_virtual_machine: [
      'name',
      'id',
      'os_profile.linux_configuration.disable_password_authentication',
      'storage_profile.os_disk.managed_disk.id',
      'storage_profile.os_disk.managed_disk.disk_encryption_set.id',
    ],
  },
  sometimes: {
    aws_s3_bucket: [...PUBLIC_ACCESS_BLOCK, ...OWNERSHIP_CONTROLS],
    gcp_storage_bucket: ['iam_configuration.public_access_prevention', 'iam_policy.bindings.role', 'iam_policy.bindings.members'],
    // Settings azurerm added late (encryption at host, Trusted Launch), and none for the legacy azurerm_virtual_machine.
    azure_virtual_machine: ['security_profile.encryption_at_host', 'security_profile.uefi_settings.secure_boot_enabled'],
    // azurerm 3 and 4 record every one of these; older providers lack some, and nothing says which were unset then.
    azure_storage_account: [
      'name',
      'id',
      'enable_https_traffic_only',
      'minimum_tls_version',
      'allow_blob_public_access',
      'allow_shared_key_access',
      'network_rule_set.default_action',
      'encryption.require_infrastructure_encryption',
    ],
    aws_iam_user: [
      'password_enabled',
      'mfa_devices.serial_number',
      'mfa_devices.enable_date',
      ...ACCESS_KEYS,
      ...ATTACHED_POLICIES,
      ...USER_INLINE_POLICIES,
    ],
    aws_iam_role: [...ATTACHED_POLICIES, 'role_last_used.last_used_date'],
    aws_ebs_volume: ['state', 'attachments.instance_id', 'attachments.device', 'attachments.state'],
    aws_lambda_function: ['package_type', 'function_url_config.auth_type', ...statement('policy')],
  },
};

/**
 * An AWS Config item is what the service's Describe/Get calls answered, with the bucket's sub-resources in
 * `supplementaryConfiguration`; it holds no credential report (console passwords, MFA, access keys), no trail status,
 * no key rotation status or key policy.
 */
const AWS_CONFIG: Declaration = {
  fills: {
    aws_s3_bucket: [
      'name',
      'bucket_arn',
      ...PUBLIC_ACCESS_BLOCK,
      ...BUCKET_POLICY,
      ...BUCKET_ACL,
      ...BUCKET_ENCRYPTION,
      ...BUCKET_VERSIONING,
      'logging.target_bucket',
    ],
    aws_security_group: SECURITY_GROUP,
    aws_iam_user: ['user_name', 'arn', 'create_date', ...ATTACHED_POLICIES, ...USER_INLINE_POLICIES],
    aws_iam_role: ['role_name', 'arn', 'path', 'create_date', ...statement('assume_role_policy_document'), ...ATTACHED_POLICIES],
    aws_iam_policy: ['policy_name', 'arn', ...statement('policy_document')],
    aws_rds_instance: RDS_INSTANCE,
    aws_ec2_instance: EC2_INSTANCE,
    aws_ebs_volume: ['volume_id', 'kms_key_id', 'encrypted', 'state', 'attachments.instance_id', 'attachments.device', 'attachments.state'],
    aws_cloudtrail_trail: TRAIL,
    aws_kms_key: KMS_KEY,
    aws_lambda_function: [...LAMBDA, 'package_type'],
    aws_dynamodb_table: ['table_name'],
    aws_ecr_repository: ECR,
  },
  sometimes: {
    aws_iam_role: ['role_last_used.last_used_date'],
    aws_lambda_function: statement('policy'),
    aws_dynamodb_table: PITR,
  },
};

/**
 * A detailed Datadog finding carries Datadog's own record of the resource, already in the canonical names, but only
 * the part Datadog collected (the recorded bucket has its policy and public access block, no versioning or logging):
 * whatever it holds is data, nothing absent from it is known to be unset.
 */
const DATADOG_FINDINGS: Declaration = { fills: {}, sometimes: {} };

const DECLARATIONS: Readonly<Record<string, Declaration>> = {
  'import:terraform-state': TERRAFORM_STATE,
  'import:aws-config': AWS_CONFIG,
  'import:datadog-findings': DATADOG_FINDINGS,
};

/** Sources whose sender gives the whole configuration, in the canonical schema already: any field may come, absent is unset. */
const WHOLE_CONFIGURATION_SOURCES = new Set(['api', 'import:resources']);

/** Sources that may carry any canonical field without stating every one they know (Datadog's partial records). */
const ANY_FIELD_SOURCES = new Set(['import:datadog-findings']);

function withPrefixes(paths: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const path of paths) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('.'));
  }
  return out;
}

const EMPTY: ReadonlySet<string> = new Set();
const cache = new Map<string, ReadonlySet<string>>();

function declared(source: string, resourceType: string, which: 'fills' | 'all'): ReadonlySet<string> {
  const key = `${which} ${source} ${resourceType}`;
  let set = cache.get(key);
  if (!set) {
    const declaration = ownEntry(DECLARATIONS, source);
    const fills = (declaration && ownEntry(declaration.fills, resourceType)) ?? [];
    set = withPrefixes(which === 'fills' ? fills : [...fills, ...((declaration && ownEntry(declaration.sometimes, resourceType)) ?? [])]);
    cache.set(key, set);
  }
  return set.size ? set : EMPTY;
}

/**
 * The canonical paths a source states for every resource of the type, so that one absent from such a resource means
 * "unset"; any other absent field is unknown. `'any'` for sources that send whole canonical configurations (the
 * resources API, NDJSON imports). An unknown source (or none, for versions written before sources were kept) knows
 * nothing for sure: the empty set.
 */
export function fieldsSourceCanFill(source: string | null | undefined, resourceType: string): ReadonlySet<string> | 'any' {
  if (!source) return EMPTY;
  if (WHOLE_CONFIGURATION_SOURCES.has(source)) return 'any';
  return declared(source, resourceType, 'fills');
}

/** Every canonical path a source may carry for the type, stated always or sometimes (a superset of fieldsSourceCanFill). */
export function fieldsSourceMayCarry(source: string | null | undefined, resourceType: string): ReadonlySet<string> | 'any' {
  if (!source) return EMPTY;
  if (WHOLE_CONFIGURATION_SOURCES.has(source) || ANY_FIELD_SOURCES.has(source)) return 'any';
  return declared(source, resourceType, 'all');
}
