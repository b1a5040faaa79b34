// Terraform states as AWS provider 5 writes them, one resource of each companion type beside its parent, for the tests
// of the Terraform import (test/unit/terraform-companion-resources.test.ts) and of the source declarations
// (test/unit/source-fields.test.ts). Attribute names and shapes are those of the provider's documentation.

export const resource = (type: string, name: string, attributes: object) => ({
  mode: 'managed',
  type,
  name,
  provider: 'provider["registry.terraform.io/hashicorp/aws"]',
  instances: [{ schema_version: 0, attributes }],
});
export const stateOf = (...resources: object[]) => ({ version: 4, terraform_version: '1.6.0', serial: 1, lineage: 'l', outputs: {}, resources });

// An AWS provider 5 bucket: its settings live in companion resources, the bucket's own attributes keep none of them.
export const BUCKET = 'logs-prod-eu';
export const bucketState = (...companions: object[]) =>
  stateOf(
    resource('aws_s3_bucket', 'logs', {
      arn: `arn:aws:s3:::${BUCKET}`,
      bucket: BUCKET,
      id: BUCKET,
      region: 'eu-west-1',
      force_destroy: false,
      object_lock_enabled: false,
      tags: {},
      tags_all: {},
    }),
    ...companions,
  );
export const S3_COMPANIONS = [
  resource('aws_s3_bucket_public_access_block', 'logs', {
    bucket: BUCKET,
    id: BUCKET,
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: false,
  }),
  resource('aws_s3_bucket_policy', 'logs', {
    bucket: BUCKET,
    id: BUCKET,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecure',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  }),
  resource('aws_s3_bucket_acl', 'logs', {
    bucket: BUCKET,
    id: `${BUCKET},log-delivery-write`,
    acl: 'log-delivery-write',
    access_control_policy: [],
    expected_bucket_owner: '',
  }),
  resource('aws_s3_bucket_server_side_encryption_configuration', 'logs', {
    bucket: BUCKET,
    id: BUCKET,
    expected_bucket_owner: '',
    rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: 'alias/logs', sse_algorithm: 'aws:kms' }], bucket_key_enabled: true }],
  }),
  resource('aws_s3_bucket_versioning', 'logs', {
    bucket: BUCKET,
    id: BUCKET,
    expected_bucket_owner: '',
    mfa: null,
    versioning_configuration: [{ mfa_delete: '', status: 'Enabled' }],
  }),
  resource('aws_s3_bucket_logging', 'logs', {
    bucket: BUCKET,
    id: BUCKET,
    expected_bucket_owner: '',
    target_bucket: 'access-logs-eu',
    target_grant: [],
    target_prefix: 'logs-prod-eu/',
  }),
  resource('aws_s3_bucket_ownership_controls', 'logs', { bucket: BUCKET, id: BUCKET, rule: [{ object_ownership: 'BucketOwnerEnforced' }] }),
];

const user = (name: string) =>
  resource('aws_iam_user', name, { arn: `arn:aws:iam::111122223333:user/${name}`, id: name, name, path: '/', unique_id: `AIDA${name}` });

/** Two users, a role, and a login profile, a virtual MFA device and policy attachments of theirs. */
export const IAM_SAMPLE = [
  user('alice'),
  user('bob'),
  resource('aws_iam_role', 'deploy', {
    arn: 'arn:aws:iam::111122223333:role/deploy',
    id: 'deploy',
    name: 'deploy',
    path: '/',
    create_date: '2024-01-02T03:04:05Z',
    assume_role_policy:
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    managed_policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inline_policy: [],
    role_last_used: [{ last_used_date: '2024-05-06T07:08:09Z', region: 'eu-west-1' }],
  }),
  resource('aws_iam_access_key', 'alice', {
    id: 'AKIAALICE',
    user: 'alice',
    status: 'Active',
    create_date: '2024-02-03T04:05:06Z',
    secret: 'never-kept',
    ses_smtp_password_v4: 'never-kept',
  }),
  resource('aws_iam_user_policy', 'bob', {
    id: 'bob:read-logs',
    user: 'bob',
    name: 'read-logs',
    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}',
  }),
  resource('aws_iam_user_login_profile', 'alice', {
    id: 'alice',
    user: 'alice',
    password_reset_required: false,
    password_length: 20,
    encrypted_password: 'wcBMA...',
    key_fingerprint: 'f1',
  }),
  resource('aws_iam_virtual_mfa_device', 'alice', {
    arn: 'arn:aws:iam::111122223333:mfa/alice',
    id: 'arn:aws:iam::111122223333:mfa/alice',
    virtual_mfa_device_name: 'alice',
    user_name: 'alice',
    enable_date: '2024-02-03T04:05:06Z',
    base_32_string_seed: 'SEEDSEEDSEED',
    qr_code_png: 'iVBORw0KGgo=',
    path: '/',
  }),
  resource('aws_iam_policy_attachment', 'admins', {
    id: 'admins',
    name: 'admins',
    policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    users: ['bob'],
    roles: ['deploy'],
    groups: [],
  }),
  // The same attachment twice (exclusive and single) is listed once, as IAM lists it.
  resource('aws_iam_role_policy_attachment', 'ro', { id: 'deploy-ro', role: 'deploy', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
];

/** A volume, a function, a key and a security group with their attachment, permissions, URL, key policy and rules. */
export const COMPUTE_SAMPLE = [
  resource('aws_ebs_volume', 'data', {
    arn: 'arn:aws:ec2:eu-west-1:111122223333:volume/vol-1',
    id: 'vol-1',
    availability_zone: 'eu-west-1a',
    encrypted: true,
    kms_key_id: '',
    size: 8,
    type: 'gp3',
  }),
  resource('aws_instance', 'app', {
    arn: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-1',
    id: 'i-1',
    ami: 'ami-1',
    availability_zone: 'eu-west-1a',
    iam_instance_profile: 'app-profile',
    instance_state: 'running',
    metadata_options: [{ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' }],
    public_ip: '',
    private_ip: '10.0.0.5',
  }),
  resource('aws_cloudtrail', 'main', {
    arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main',
    id: 'main',
    name: 'main',
    home_region: 'eu-west-1',
    s3_bucket_name: 'trail-logs',
    is_multi_region_trail: true,
    enable_log_file_validation: true,
    enable_logging: true,
    kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/k-1',
    cloud_watch_logs_group_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:trail:*',
    cloud_watch_logs_role_arn: 'arn:aws:iam::111122223333:role/trail',
  }),
  resource('aws_volume_attachment', 'data', { id: 'vai-1', device_name: '/dev/sdh', instance_id: 'i-1', volume_id: 'vol-1' }),
  resource('aws_lambda_function', 'api', {
    arn: 'arn:aws:lambda:eu-west-1:111122223333:function:api',
    function_name: 'api',
    id: 'api',
    runtime: 'nodejs20.x',
    package_type: 'Zip',
    tracing_config: [{ mode: 'Active' }],
    vpc_config: [{ subnet_ids: ['subnet-1'], security_group_ids: ['sg-1'], vpc_id: 'vpc-1' }],
  }),
  resource('aws_lambda_permission', 'public', {
    id: 'AllowAnyone',
    action: 'lambda:InvokeFunction',
    function_name: 'arn:aws:lambda:eu-west-1:111122223333:function:api',
    principal: '*',
    qualifier: '',
    statement_id: 'AllowAnyone',
    source_arn: null,
    source_account: null,
  }),
  resource('aws_lambda_permission', 's3', {
    id: 'AllowS3',
    action: 'lambda:InvokeFunction',
    function_name: 'api',
    principal: 's3.amazonaws.com',
    qualifier: '',
    statement_id: 'AllowS3',
    source_arn: 'arn:aws:s3:::uploads',
    source_account: '111122223333',
  }),
  // A permission on an alias is the alias's policy, not the function's.
  resource('aws_lambda_permission', 'alias', {
    id: 'AliasOnly',
    action: 'lambda:InvokeFunction',
    function_name: 'api',
    principal: '*',
    qualifier: 'live',
    statement_id: 'AliasOnly',
  }),
  resource('aws_lambda_function_url', 'api', {
    id: 'api',
    function_name: 'api',
    qualifier: '',
    authorization_type: 'NONE',
    function_url: 'https://abc.lambda-url.eu-west-1.on.aws/',
  }),
  resource('aws_kms_key', 'k', {
    arn: 'arn:aws:kms:eu-west-1:111122223333:key/k-1',
    id: 'k-1',
    key_id: 'k-1',
    is_enabled: true,
    enable_key_rotation: true,
    customer_master_key_spec: 'SYMMETRIC_DEFAULT',
    policy: '',
  }),
  resource('aws_kms_key_policy', 'k', {
    id: 'k-1',
    key_id: 'k-1',
    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}',
  }),
  resource('aws_security_group', 'web', {
    arn: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1',
    id: 'sg-1',
    name: 'web',
    vpc_id: 'vpc-1',
    ingress: [],
    egress: [],
    owner_id: '111122223333',
  }),
  resource('aws_vpc_security_group_ingress_rule', 'ssh', {
    id: 'sgr-1',
    security_group_id: 'sg-1',
    cidr_ipv4: '0.0.0.0/0',
    from_port: 22,
    to_port: 22,
    ip_protocol: 'tcp',
  }),
  resource('aws_vpc_security_group_egress_rule', 'all', { id: 'sgr-2', security_group_id: 'sg-1', cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' }),
];

const google = (type: string, name: string, attributes: object) => ({
  ...resource(type, name, attributes),
  provider: 'provider["registry.terraform.io/hashicorp/google"]',
});

/** A Cloud Storage bucket with IAM members and bindings of its own, and a Compute Engine instance (Google provider 5). */
export const GCP_SAMPLE = [
  google('google_storage_bucket', 'site', {
    id: 'acme-site',
    name: 'acme-site',
    location: 'EU',
    project: 'acme-prod',
    self_link: 'https://www.googleapis.com/storage/v1/b/acme-site',
    uniform_bucket_level_access: true,
    public_access_prevention: 'inherited',
    versioning: [{ enabled: true }],
    logging: [{ log_bucket: 'acme-logs', log_object_prefix: '' }],
    labels: { team: 'web' },
  }),
  google('google_storage_bucket_iam_member', 'public', {
    id: 'b/acme-site/roles/storage.objectViewer/allUsers',
    bucket: 'b/acme-site',
    role: 'roles/storage.objectViewer',
    member: 'allUsers',
    condition: [],
  }),
  google('google_storage_bucket_iam_binding', 'admins', {
    id: 'b/acme-site/roles/storage.admin',
    bucket: 'b/acme-site',
    role: 'roles/storage.admin',
    members: ['group:web-admins@acme.example'],
    condition: [],
  }),
  google('google_compute_instance', 'web', {
    id: 'projects/acme-prod/zones/europe-west1-b/instances/web-1',
    instance_id: '1234567890',
    name: 'web-1',
    zone: 'europe-west1-b',
    machine_type: 'e2-small',
    can_ip_forward: false,
    metadata: { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'true' },
    network_interface: [
      {
        network: 'https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default',
        subnetwork: 'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/europe-west1/subnetworks/default',
        network_ip: '10.132.0.2',
        access_config: [{ nat_ip: '34.76.1.2', network_tier: 'PREMIUM', public_ptr_domain_name: '' }],
      },
    ],
    service_account: [{ email: '123456789-compute@developer.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/cloud-platform'] }],
    shielded_instance_config: [{ enable_integrity_monitoring: true, enable_secure_boot: false, enable_vtpm: true }],
  }),
];

/** An azurerm 3 storage account, and network rules of its own kept apart. */
export const AZURE_SAMPLE = [
  {
    ...resource('azurerm_storage_account', 'data', {
      id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmedata',
      name: 'acmedata',
      resource_group_name: 'rg',
      location: 'westeurope',
      account_tier: 'Standard',
      account_replication_type: 'GRS',
      enable_https_traffic_only: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: true,
      infrastructure_encryption_enabled: false,
      network_rules: [{ default_action: 'Allow', bypass: ['AzureServices'], ip_rules: [], virtual_network_subnet_ids: [], private_link_access: [] }],
      primary_access_key: 'never-kept',
      primary_connection_string: 'never-kept',
    }),
    provider: 'provider["registry.terraform.io/hashicorp/azurerm"]',
  },
  {
    ...resource('azurerm_storage_account_network_rules', 'data', {
      id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmedata',
      storage_account_id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmedata',
      default_action: 'Deny',
      bypass: ['AzureServices'],
      ip_rules: ['203.0.113.0/24'],
      virtual_network_subnet_ids: [],
    }),
    provider: 'provider["registry.terraform.io/hashicorp/azurerm"]',
  },
];

const azurerm = (type: string, name: string, attributes: object) => ({
  ...resource(type, name, attributes),
  provider: 'provider["registry.terraform.io/hashicorp/azurerm"]',
});
const VM_ID = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines';

/** A Linux and a Windows machine (azurerm 3), and a legacy azurerm_virtual_machine on a VHD. */
export const AZURE_VM_SAMPLE = [
  azurerm('azurerm_linux_virtual_machine', 'web', {
    id: `${VM_ID}/web-1`,
    name: 'web-1',
    resource_group_name: 'rg',
    location: 'westeurope',
    size: 'Standard_B2s',
    admin_username: 'azureuser',
    admin_password: 'never-kept',
    custom_data: 'never-kept',
    disable_password_authentication: false,
    encryption_at_host_enabled: true,
    secure_boot_enabled: true,
    vtpm_enabled: true,
    os_disk: [{ caching: 'ReadWrite', storage_account_type: 'Premium_LRS', disk_encryption_set_id: 'des-1', name: 'web-1-os' }],
  }),
  azurerm('azurerm_windows_virtual_machine', 'app', {
    id: `${VM_ID}/app-1`,
    name: 'app-1',
    admin_username: 'azureuser',
    admin_password: 'never-kept',
    encryption_at_host_enabled: false,
    secure_boot_enabled: false,
    vtpm_enabled: false,
    os_disk: [{ caching: 'ReadWrite', storage_account_type: 'Standard_LRS', disk_encryption_set_id: '', name: 'app-1-os' }],
  }),
  azurerm('azurerm_virtual_machine', 'old', {
    id: `${VM_ID}/old-1`,
    name: 'old-1',
    os_profile: [{ admin_username: 'azureuser', computer_name: 'old-1', custom_data: 'never-kept' }],
    os_profile_linux_config: [{ disable_password_authentication: true, ssh_keys: [] }],
    os_profile_windows_config: [],
    storage_os_disk: [
      {
        name: 'old-1-os',
        vhd_uri: 'https://acmevhds.blob.core.windows.net/vhds/old-1.vhd',
        managed_disk_id: '',
        managed_disk_type: '',
        create_option: 'FromImage',
      },
    ],
  }),
];

/** Every sample above as a whole state, with a file name. */
export const SAMPLE_STATES: ReadonlyArray<[file: string, state: object]> = [
  ['s3.tfstate', bucketState(...S3_COMPANIONS)],
  ['iam.tfstate', stateOf(...IAM_SAMPLE)],
  ['compute.tfstate', stateOf(...COMPUTE_SAMPLE)],
  ['gcp.tfstate', stateOf(...GCP_SAMPLE)],
  ['azure.tfstate', stateOf(...AZURE_SAMPLE)],
  ['azure-vm.tfstate', stateOf(...AZURE_VM_SAMPLE)],
];
