// Realistic AWS configurations of several types, in the canonical fields of rules/README.md, with a mix of good
// and bad settings so that rules both pass and fail.
import type { ResourceRecord } from '../../src/posture/resource.js';

export { prng as rng } from './prng.js';
import { prng as rng } from './prng.js';

const TEAMS = ['payments', 'platform', 'search', 'identity', 'data', 'growth', 'mobile', 'infra', 'security', 'billing'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ENVS = ['prod', 'staging', 'dev'];
const DAY = 86_400_000;

export function generateResource(i: number, rnd: () => number, now: number): ResourceRecord {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const yes = (p: number) => rnd() < p;
  const account = String(100000000000 + (i % 7) * 111111111);
  const region = pick(REGIONS);
  const team = pick(TEAMS);
  const tags = [`team:${team}`, `env:${pick(ENVS)}`, `cost-center:cc-${100 + (i % 40)}`];
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const iso = (ago: number) => new Date(now - ago).toISOString();
  const base = { account, region, tags, cloud_provider: 'aws' as const, observed_at: now };
  const kind = i % 10;
  if (kind <= 2) {
    const name = `${team}-${pick(['logs', 'assets', 'backups', 'exports', 'uploads'])}-${i}`;
    const block = yes(0.8);
    return {
      ...base,
      region,
      resource_id: `arn:aws:s3:::${name}`,
      resource_type: 'aws_s3_bucket',
      name,
      configuration: {
        name,
        bucket_arn: `arn:aws:s3:::${name}`,
        public_access_block_configuration: {
          block_public_acls: block,
          ignore_public_acls: block,
          block_public_policy: block || yes(0.5),
          restrict_public_buckets: block,
        },
        policy_status: { is_public: !block && yes(0.2) },
        bucket_policy_statement: yes(0.5)
          ? [
              {
                statement_effect: 'Deny',
                statement_action: ['s3:*'],
                policy_principal: { principal: '*' },
                statement_has_condition: true,
                condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ]
          : [],
        acl: { grants: [{ grantee: { type: 'CanonicalUser', id: hex(64) }, permission: 'FULL_CONTROL' }] },
        ownership_controls: { rules: [{ object_ownership: yes(0.7) ? 'BucketOwnerEnforced' : 'ObjectWriter' }] },
        server_side_encryption_configuration: {
          rules: [{ apply_server_side_encryption_by_default: { sse_algorithm: yes(0.4) ? 'aws:kms' : 'AES256' } }],
        },
        versioning: { status: yes(0.6) ? 'Enabled' : 'Suspended', mfa_delete: 'Disabled' },
        ...(yes(0.5) ? { logging: { target_bucket: `${team}-access-logs` } } : {}),
      },
    };
  }
  if (kind <= 4) {
    const id = `sg-${hex(17)}`;
    const open = yes(0.15);
    return {
      ...base,
      resource_id: `arn:aws:ec2:${region}:${account}:security-group/${id}`,
      resource_type: 'aws_security_group',
      name: `${team}-${pick(['web', 'db', 'internal', 'default'])}`,
      configuration: {
        group_id: id,
        group_name: yes(0.1) ? 'default' : `${team}-sg-${i}`,
        vpc_id: `vpc-${hex(8)}`,
        ip_permissions: [
          { ip_protocol: 'tcp', from_port: 443, to_port: 443, ip_ranges: [{ cidr_ip: '0.0.0.0/0' }], ipv6_ranges: [], user_id_group_pairs: [] },
          ...(open
            ? [
                {
                  ip_protocol: 'tcp',
                  from_port: pick([22, 3389, 5432, 3306]),
                  to_port: 22,
                  ip_ranges: [{ cidr_ip: '0.0.0.0/0' }],
                  ipv6_ranges: [],
                  user_id_group_pairs: [],
                },
              ]
            : []),
        ],
        ip_permissions_egress: [{ ip_protocol: '-1', ip_ranges: [{ cidr_ip: '0.0.0.0/0' }], ipv6_ranges: [], user_id_group_pairs: [] }],
      },
    };
  }
  if (kind <= 6) {
    const id = `i-${hex(17)}`;
    return {
      ...base,
      resource_id: `arn:aws:ec2:${region}:${account}:instance/${id}`,
      resource_type: 'aws_ec2_instance',
      name: `${team}-worker-${i}`,
      configuration: {
        instance_id: id,
        instance_type: pick(['t3.medium', 'm5.large', 'c6i.xlarge']),
        metadata_options: { http_tokens: yes(0.7) ? 'required' : 'optional', http_endpoint: 'enabled' },
        ...(yes(0.2) ? { public_ip_address: `54.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}` } : {}),
        ...(yes(0.8) ? { iam_instance_profile: { arn: `arn:aws:iam::${account}:instance-profile/${team}-worker` } } : {}),
      },
    };
  }
  if (kind === 7) {
    const id = `${team}-db-${i}`;
    return {
      ...base,
      resource_id: `arn:aws:rds:${region}:${account}:db:${id}`,
      resource_type: 'aws_rds_instance',
      name: id,
      configuration: {
        db_instance_identifier: id,
        db_instance_arn: `arn:aws:rds:${region}:${account}:db:${id}`,
        engine: pick(['postgres', 'mysql', 'aurora-postgresql']),
        storage_encrypted: yes(0.9),
        publicly_accessible: yes(0.05),
        multi_az: yes(0.5),
        deletion_protection: yes(0.6),
        auto_minor_version_upgrade: yes(0.8),
        iam_database_authentication_enabled: yes(0.3),
        backup_retention_period: pick([1, 7, 14, 35]),
      },
    };
  }
  if (kind === 8) {
    const role = `${team}-${pick(['deploy', 'reader', 'lambda', 'etl'])}-${i}`;
    return {
      ...base,
      region: '',
      resource_id: `arn:aws:iam::${account}:role/${role}`,
      resource_type: 'aws_iam_role',
      name: role,
      configuration: {
        role_name: role,
        arn: `arn:aws:iam::${account}:role/${role}`,
        path: '/',
        create_date: iso(400 * DAY),
        assume_role_policy_document: {
          statement: [{ effect: 'Allow', action: 'sts:AssumeRole', principal: yes(0.02) ? '*' : { service: 'ec2.amazonaws.com' } }],
        },
        attached_policies: yes(0.05)
          ? [{ policy_name: 'AdministratorAccess', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]
          : [{ policy_name: 'ReadOnlyAccess', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        role_last_used: { last_used_date: iso(Math.floor(rnd() * 200) * DAY) },
      },
    };
  }
  const user = `${team}.user${i}`;
  return {
    ...base,
    region: '',
    resource_id: `arn:aws:iam::${account}:user/${user}`,
    resource_type: 'aws_iam_user',
    name: user,
    configuration: {
      user_name: user,
      arn: `arn:aws:iam::${account}:user/${user}`,
      create_date: iso(500 * DAY),
      password_enabled: yes(0.5),
      password_last_used: iso(Math.floor(rnd() * 120) * DAY),
      mfa_active: yes(0.7),
      mfa_devices: [],
      access_keys: [
        {
          access_key_id: `AKIA${hex(16).toUpperCase()}`,
          status: 'Active',
          create_date: iso(Math.floor(rnd() * 300) * DAY),
          last_used_date: iso(Math.floor(rnd() * 60) * DAY),
        },
      ],
      attached_policies: yes(0.1) ? [{ policy_name: 'PowerUserAccess', policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }] : [],
      user_policy_list: [],
    },
  };
}

export function generateResources(count: number, seed = 7, now = Date.now()): ResourceRecord[] {
  const rnd = rng(seed);
  return Array.from({ length: count }, (_, i) => generateResource(i, rnd, now));
}
