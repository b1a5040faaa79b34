// A bucket's settings kept in resources of their own (AWS provider 4 and later): policy, public access block, ACL,
// ownership controls, default encryption, versioning and access logging, each matched to its bucket by name.
import { aclFromTerraform, bucketPolicyStatements, encryptionFromTerraform, publicAccessBlock } from './aws-s3-bucket.js';
import type { FindParent, Fold } from './terraform-fold.js';
import { block, compact, objects, str, type Json } from './values.js';

const bucketOf = (child: Json, find: FindParent) => find('aws_s3_bucket', 'name', child.bucket);

/** `access_control_policy[0].grant[]` ({grantee: [{id, type, uri}], permission}) -> the API's grants. */
function grantsFromPolicy(policy: Json | undefined): Json[] {
  return objects(policy?.grant).map((grant) => {
    const grantee = block(grant.grantee) ?? {};
    return { grantee: compact({ id: str(grantee.id), type: str(grantee.type), uri: str(grantee.uri) }), permission: grant.permission };
  });
}

export const S3_COMPANIONS: Record<string, Fold> = {
  aws_s3_bucket_public_access_block(child, find) {
    const bucket = bucketOf(child, find);
    if (bucket) bucket.configuration.public_access_block_configuration = publicAccessBlock(child);
  },
  aws_s3_bucket_policy(child, find) {
    const bucket = bucketOf(child, find);
    if (bucket) {
      bucket.configuration.bucket_policy_statement = bucketPolicyStatements(child.policy, bucket.resource_id, bucket.account);
    }
  },
  aws_s3_bucket_server_side_encryption_configuration(child, find) {
    const bucket = bucketOf(child, find);
    const encryption = encryptionFromTerraform([{ rule: child.rule }]);
    if (bucket && encryption) bucket.configuration.server_side_encryption_configuration = encryption;
  },
  aws_s3_bucket_versioning(child, find) {
    const bucket = bucketOf(child, find);
    const versioning = block(child.versioning_configuration);
    if (bucket && versioning) {
      // `Disabled` is Terraform's word for a bucket never versioned, which GetBucketVersioning answers with no status.
      const status = str(versioning.status);
      bucket.configuration.versioning = compact({
        status: status === 'Disabled' ? undefined : status,
        mfa_delete: str(versioning.mfa_delete) ?? 'Disabled',
      });
    }
  },
  aws_s3_bucket_logging(child, find) {
    const bucket = bucketOf(child, find);
    if (bucket && str(child.target_bucket)) {
      bucket.configuration.logging = compact({ target_bucket: str(child.target_bucket), target_prefix: str(child.target_prefix) });
    }
  },
  aws_s3_bucket_ownership_controls(child, find) {
    const bucket = bucketOf(child, find);
    const rule = block(child.rule);
    if (bucket && rule) bucket.configuration.ownership_controls = { rules: [{ object_ownership: rule.object_ownership }] };
  },
  aws_s3_bucket_acl(child, find) {
    const bucket = bucketOf(child, find);
    const acl = aclFromTerraform(child.acl, grantsFromPolicy(block(child.access_control_policy)));
    if (bucket && acl) bucket.configuration.acl = acl;
  },
};
