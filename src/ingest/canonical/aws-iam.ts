// aws_iam_user, aws_iam_role, aws_iam_policy: the IAM API's names; policy documents become objects.
import { arnResourceName, parseArn } from './arn.js';
import type { TypeMapping } from './mapping.js';
import { canonicalPolicy } from './policy.js';
import { block, compact, objects, str, type Json } from './values.js';

/** One `attached_policies` entry from a policy ARN, named as ListAttachedUserPolicies names it (the ARN's last part). */
export function attachedPolicy(policyArn: unknown): Json {
  const arn = typeof policyArn === 'string' ? parseArn(policyArn) : undefined;
  return compact({ policy_name: arn ? arnResourceName(arn) : undefined, policy_arn: policyArn });
}

function boundary(value: unknown): Json | undefined {
  return str(value) ? { permissions_boundary_arn: value, permissions_boundary_type: 'Policy' } : undefined;
}

/** Config gives inline and versioned policy documents URL-encoded; rules read them as objects. */
function decodeDocuments(configuration: Json, listKey: string, documentKey: string): Json[] | undefined {
  if (!Array.isArray(configuration[listKey])) return undefined;
  return objects(configuration[listKey]).map((entry) => ({
    ...entry,
    [documentKey]: canonicalPolicy(entry[documentKey]) ?? entry[documentKey],
  }));
}

/** Config says attachedManagedPolicies; the IAM API (ListAttachedUserPolicies) and the rules say attached_policies. */
function withDecodedPolicies(configuration: Json, inlineList: string): Json {
  const out = compact({
    ...configuration,
    [inlineList]: decodeDocuments(configuration, inlineList, 'policy_document'),
  });
  if (out.attached_managed_policies !== undefined) {
    out.attached_policies = out.attached_managed_policies;
    delete out.attached_managed_policies;
  }
  return out;
}

export const awsIamUser: TypeMapping = {
  resourceType: 'aws_iam_user',
  terraformTypes: ['aws_iam_user'],
  terraformReplaces: ['id', 'name', 'unique_id', 'permissions_boundary', 'force_destroy'],
  fromTerraform: (a) =>
    compact({
      user_name: str(a.name) ?? str(a.id),
      user_id: str(a.unique_id),
      permissions_boundary: boundary(a.permissions_boundary),
    }),
  awsConfigTypes: ['AWS::IAM::User'],
  fromAwsConfig: (configuration) => withDecodedPolicies(configuration, 'user_policy_list'),
};

export const awsIamRole: TypeMapping = {
  resourceType: 'aws_iam_role',
  terraformTypes: ['aws_iam_role'],
  terraformReplaces: [
    'id',
    'name',
    'unique_id',
    'permissions_boundary',
    'assume_role_policy',
    'force_detach_policies',
    'inline_policy',
    'managed_policy_arns',
    'role_last_used',
  ],
  fromTerraform: (a) => {
    // Providers since 3.x read these back from IAM; an older state has no such attribute, and then nothing is known.
    const lastUsed = block(a.role_last_used);
    return compact({
      role_name: str(a.name) ?? str(a.id),
      role_id: str(a.unique_id),
      assume_role_policy_document: canonicalPolicy(a.assume_role_policy),
      permissions_boundary: boundary(a.permissions_boundary),
      role_policy_list: Array.isArray(a.inline_policy)
        ? objects(a.inline_policy)
            .filter((p) => str(p.name))
            .map((p) => ({ policy_name: p.name, policy_document: canonicalPolicy(p.policy) }))
        : undefined,
      attached_policies: Array.isArray(a.managed_policy_arns) ? a.managed_policy_arns.map(attachedPolicy) : undefined,
      // GetRole gives an empty RoleLastUsed for a role never used; Terraform an empty date.
      role_last_used: lastUsed ? compact({ last_used_date: str(lastUsed.last_used_date), region: str(lastUsed.region) }) : undefined,
    });
  },
  awsConfigTypes: ['AWS::IAM::Role'],
  fromAwsConfig: (configuration) => {
    const out = withDecodedPolicies(configuration, 'role_policy_list');
    const trust = canonicalPolicy(out.assume_role_policy_document);
    if (trust) out.assume_role_policy_document = trust;
    return out;
  },
};

export const awsIamPolicy: TypeMapping = {
  resourceType: 'aws_iam_policy',
  terraformTypes: ['aws_iam_policy'],
  terraformReplaces: ['id', 'name', 'policy', 'policy_id'],
  fromTerraform: (a) => {
    const document = canonicalPolicy(a.policy);
    return compact({
      policy_name: str(a.name),
      policy_id: str(a.policy_id),
      policy_document: document,
      // The state holds the default version only.
      policy_version_list: document ? [{ document, is_default_version: true }] : undefined,
    });
  },
  awsConfigTypes: ['AWS::IAM::Policy'],
  fromAwsConfig: (configuration) => {
    const versions = decodeDocuments(configuration, 'policy_version_list', 'document');
    const current = versions?.find((v) => v.is_default_version === true) ?? versions?.[0];
    return compact({ ...configuration, policy_version_list: versions, policy_document: current?.document as Json | undefined });
  },
};
