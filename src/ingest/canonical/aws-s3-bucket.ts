// aws_s3_bucket: the S3 API's names, as Datadog's resource catalog keeps them.
import { s3BucketArn } from './arn.js';
import type { TerraformContext, TypeMapping } from './mapping.js';
import { policyStatements } from './policy.js';
import { block, compact, isRecord, objects, parsePolicy, str, type Json } from './values.js';
import { ownEntry } from '../../own-entry.js';

function encryptionRule(rule: Json): Json {
  const byDefault = block(rule.apply_server_side_encryption_by_default);
  return compact({
    apply_server_side_encryption_by_default: byDefault
      ? compact({ sse_algorithm: str(byDefault.sse_algorithm), kms_master_key_id: str(byDefault.kms_master_key_id) })
      : undefined,
    bucket_key_enabled: typeof rule.bucket_key_enabled === 'boolean' ? rule.bucket_key_enabled : undefined,
  });
}

/** Terraform `server_side_encryption_configuration[0].rule[]` (also the standalone resource's `rule[]`). */
export function encryptionFromTerraform(value: unknown): Json | undefined {
  const config = block(value);
  const rules = config ? objects(config.rule) : [];
  return rules.length ? { rules: rules.map(encryptionRule) } : undefined;
}

/** Terraform `grant[]` ({id, type, uri, permissions[]}) -> the API's grants, one per permission. */
function grantsFromTerraform(value: unknown): Json[] | undefined {
  const grants = objects(value).flatMap((grant) =>
    (Array.isArray(grant.permissions) ? grant.permissions : []).map((permission) => ({
      grantee: compact({ id: str(grant.id), type: str(grant.type), uri: str(grant.uri) }),
      permission,
    })),
  );
  return grants.length ? grants : undefined;
}

const OWNER_FULL_CONTROL: Json = { grantee: { type: 'CanonicalUser' }, permission: 'FULL_CONTROL' };
const group = (name: string, permission: unknown): Json => ({
  grantee: { type: 'Group', uri: `http://acs.amazonaws.com/groups/${name}` },
  permission,
});

/** The grants S3 gives a bucket for each canned ACL (the owner's id is not in the state, only its full control). */
const CANNED_ACL_GRANTS: Record<string, Json[]> = {
  private: [OWNER_FULL_CONTROL],
  'public-read': [OWNER_FULL_CONTROL, group('global/AllUsers', 'READ')],
  'public-read-write': [OWNER_FULL_CONTROL, group('global/AllUsers', 'READ'), group('global/AllUsers', 'WRITE')],
  'authenticated-read': [OWNER_FULL_CONTROL, group('global/AuthenticatedUsers', 'READ')],
  'log-delivery-write': [OWNER_FULL_CONTROL, group('s3/LogDelivery', 'WRITE'), group('s3/LogDelivery', 'READ_ACP')],
};

/**
 * A bucket's ACL from Terraform: the grants it lists, else those its canned ACL stands for (`public-read` is a grant to
 * AllUsers, which the ACL rule must see); undefined when the state says neither.
 */
export function aclFromTerraform(canned: unknown, grants: Json[]): Json | undefined {
  const name = str(canned);
  if (!grants.length && !name) return undefined;
  return compact({ canned: name, grants: grants.length ? grants : (ownEntry(CANNED_ACL_GRANTS, name ?? '') ?? []) });
}

/** Config names the S3 groups and permissions as the Java SDK's enums do (`AllUsers`, `FullControl`). */
const CONFIG_GROUPS: Record<string, string> = {
  AllUsers: 'global/AllUsers',
  AuthenticatedUsers: 'global/AuthenticatedUsers',
  LogDelivery: 's3/LogDelivery',
};
const CONFIG_PERMISSIONS: Record<string, string> = {
  FullControl: 'FULL_CONTROL',
  Read: 'READ',
  Write: 'WRITE',
  ReadAcp: 'READ_ACP',
  WriteAcp: 'WRITE_ACP',
};

/** One grant of Config's ACL -> the API's grant: a group by its URI (which the ACL rule reads), a user by its id. */
function grantFromConfig(grant: Json): Json {
  const permission = typeof grant.permission === 'string' ? (ownEntry(CONFIG_PERMISSIONS, grant.permission) ?? grant.permission) : grant.permission;
  const grantee = grant.grantee;
  const configGroup = typeof grantee === 'string' ? ownEntry(CONFIG_GROUPS, grantee) : undefined;
  if (configGroup) return group(configGroup, permission);
  if (!isRecord(grantee)) return { grantee: { id: grantee }, permission };
  if (!str(grantee.id)) return { grantee, permission };
  return { grantee: compact({ id: grantee.id, type: 'CanonicalUser', display_name: str(grantee.displayName) }), permission };
}

/** Terraform `aws_s3_bucket_public_access_block` (or the same fields anywhere) -> the API's block. */
export function publicAccessBlock(attributes: Json): Json {
  return compact({
    block_public_acls: attributes.block_public_acls,
    block_public_policy: attributes.block_public_policy,
    ignore_public_acls: attributes.ignore_public_acls,
    restrict_public_buckets: attributes.restrict_public_buckets,
  } as Json);
}

export function bucketPolicyStatements(policy: unknown, bucketArn: string | undefined, account: string | undefined): Json[] {
  return policyStatements(policy, compact({ bucket_arn: bucketArn, account_id: account || undefined }));
}

function terraformBucketArn(a: Json, context: TerraformContext): string | undefined {
  const bucket = str(a.bucket);
  return bucket ? s3BucketArn(bucket, context.partition) : undefined;
}

export const awsS3Bucket: TypeMapping = {
  resourceType: 'aws_s3_bucket',
  terraformTypes: ['aws_s3_bucket'],
  terraformArn: terraformBucketArn,
  terraformReplaces: ['bucket', 'arn', 'grant', 'acl', 'logging', 'versioning', 'server_side_encryption_configuration', 'policy'],
  fromTerraform(a, context) {
    const arn = str(a.arn) ?? terraformBucketArn(a, context);
    const versioning = block(a.versioning);
    const logging = block(a.logging);
    const statements = bucketPolicyStatements(a.policy, arn, context.account);
    return compact({
      name: str(a.bucket),
      bucket_arn: arn,
      account_id: context.account || undefined,
      bucket_region: str(a.region),
      server_side_encryption_configuration: encryptionFromTerraform(a.server_side_encryption_configuration),
      versioning: versioning
        ? compact({
            // GetBucketVersioning gives no status for a bucket never versioned; Terraform says `enabled: false`.
            status: versioning.enabled === true ? 'Enabled' : undefined,
            mfa_delete: versioning.mfa_delete === true ? 'Enabled' : 'Disabled',
          })
        : undefined,
      logging: logging ? compact({ target_bucket: str(logging.target_bucket), target_prefix: str(logging.target_prefix) }) : undefined,
      acl: a.grant !== undefined ? (aclFromTerraform(a.acl, grantsFromTerraform(a.grant) ?? []) ?? { grants: [] }) : aclFromTerraform(a.acl, []),
      bucket_policy_statement: statements.length ? statements : undefined,
    });
  },
  awsConfigTypes: ['AWS::S3::Bucket'],
  fromAwsConfig(configuration, supplementary, item) {
    const out: Json = { ...configuration, bucket_arn: item.arn, account_id: item.account || undefined };
    compact(out);
    delete out.bucket_versioning_configuration;
    delete out.bucket_logging_configuration;
    delete out.bucket_policy;
    delete out.access_control_list;

    const versioning = supplementary.BucketVersioningConfiguration;
    if (isRecord(versioning)) {
      // Config says `Off` for a bucket never versioned, which GetBucketVersioning answers with no status; a null MFA
      // delete is one never configured.
      const status = str(versioning.status);
      out.versioning = compact({
        status: status === 'Off' ? undefined : status,
        mfa_delete: versioning.isMfaDeleteEnabled === true ? 'Enabled' : 'Disabled',
      });
    }
    const logging = supplementary.BucketLoggingConfiguration;
    if (isRecord(logging) && str(logging.destinationBucketName)) {
      out.logging = compact({ target_bucket: str(logging.destinationBucketName), target_prefix: str(logging.logFilePrefix) });
    }
    const policy = supplementary.BucketPolicy;
    const statements = bucketPolicyStatements(isRecord(policy) ? policy.policyText : undefined, item.arn, item.account);
    if (statements.length) out.bucket_policy_statement = statements;
    // Config keeps the ACL as a JSON string: {grantList:[{grantee, permission}], owner}.
    const acl = parsePolicy(supplementary.AccessControlList);
    if (acl && Array.isArray(acl.grantList)) out.acl = { grants: objects(acl.grantList).map(grantFromConfig) };
    return out;
  },
};
