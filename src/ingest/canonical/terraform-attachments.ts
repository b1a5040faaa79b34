// Terraform splits one API resource into several state resources (a bucket and its public access block,
// a security group and its rules, a user and its policy attachments). The API, and so the canonical
// configuration, has them on the parent: these fold each child into its parent when both are in one state.
import type { ResourceRecord } from '../../posture/resource.js';
import { encryptionFromTerraform, bucketPolicyStatements, publicAccessBlock } from './aws-s3-bucket.js';
import { ipPermissionFromTerraform } from './aws-ec2.js';
import { canonicalPolicy } from './policy.js';
import { block, list, str, type Json } from './values.js';

export interface TerraformChild {
  terraformType: string;
  attributes: Json;
}

type Fold = (child: Json, find: (type: string, key: string, value: string) => ResourceRecord | undefined) => void;

function append(record: ResourceRecord, field: string, value: unknown): void {
  const current = record.configuration[field];
  record.configuration[field] = [...list(current), value];
}

const FOLDS: Record<string, Fold> = {
  aws_s3_bucket_public_access_block(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    if (bucket) bucket.configuration.public_access_block_configuration = publicAccessBlock(child);
  },
  aws_s3_bucket_policy(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    if (bucket) {
      bucket.configuration.bucket_policy_statement = bucketPolicyStatements(child.policy, bucket.resource_id, bucket.account);
    }
  },
  aws_s3_bucket_server_side_encryption_configuration(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    const encryption = encryptionFromTerraform([{ rule: child.rule }]);
    if (bucket && encryption) bucket.configuration.server_side_encryption_configuration = encryption;
  },
  aws_s3_bucket_versioning(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    const versioning = block(child.versioning_configuration);
    if (bucket && versioning) {
      bucket.configuration.versioning = { status: str(versioning.status), mfa_delete: str(versioning.mfa_delete) ?? 'Disabled' };
    }
  },
  aws_security_group_rule(child, find) {
    const group = find('aws_security_group', 'group_id', String(child.security_group_id));
    if (!group) return;
    const field = child.type === 'egress' ? 'ip_permissions_egress' : 'ip_permissions';
    append(group, field, ipPermissionFromTerraform(child, str(child.security_group_id)));
  },
  aws_iam_user_policy_attachment(child, find) {
    const user = find('aws_iam_user', 'user_name', String(child.user));
    if (user) append(user, 'attached_policies', { policy_arn: child.policy_arn });
  },
  aws_iam_role_policy_attachment(child, find) {
    const role = find('aws_iam_role', 'role_name', String(child.role));
    if (role) append(role, 'attached_policies', { policy_arn: child.policy_arn });
  },
  aws_iam_access_key(child, find) {
    const user = find('aws_iam_user', 'user_name', String(child.user));
    if (user) append(user, 'access_keys', { access_key_id: child.id, status: child.status, create_date: child.create_date });
  },
  aws_s3_bucket_ownership_controls(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    const rule = block(child.rule);
    if (bucket && rule) bucket.configuration.ownership_controls = { rules: [{ object_ownership: rule.object_ownership }] };
  },
  aws_s3_bucket_acl(child, find) {
    const bucket = find('aws_s3_bucket', 'name', String(child.bucket));
    const policy = block(child.access_control_policy);
    if (!bucket) return;
    const grants = policy
      ? list(policy.grant).map((g) => {
          const grant = g as Json;
          const grantee = block(grant.grantee) ?? {};
          return { grantee: { id: str(grantee.id), type: str(grantee.type), uri: str(grantee.uri) }, permission: grant.permission };
        })
      : [];
    bucket.configuration.acl = { canned: str(child.acl), grants };
  },
  aws_iam_user_policy(child, find) {
    const user = find('aws_iam_user', 'user_name', String(child.user));
    if (user) append(user, 'user_policy_list', { policy_name: child.name, policy_document: canonicalPolicy(child.policy) });
  },
  aws_iam_role_policy(child, find) {
    const role = find('aws_iam_role', 'role_name', String(child.role));
    if (role) append(role, 'role_policy_list', { policy_name: child.name, policy_document: canonicalPolicy(child.policy) });
  },
};

/** Folds every child whose parent is among `records` into that parent's configuration (in place). */
export function foldTerraformChildren(records: ResourceRecord[], children: TerraformChild[]): void {
  const find = (type: string, key: string, value: string) => records.find((r) => r.resource_type === type && r.configuration[key] === value);
  for (const child of children) FOLDS[child.terraformType]?.(child.attributes, find);
}

export function isTerraformChild(terraformType: string): boolean {
  return terraformType in FOLDS;
}
