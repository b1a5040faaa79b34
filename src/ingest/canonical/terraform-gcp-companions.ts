// A Cloud Storage bucket's IAM policy, which the Google provider keeps in resources of their own: the whole policy
// (google_storage_bucket_iam_policy), all members of one role (…_iam_binding) or one member (…_iam_member). Each names
// its bucket as `b/<name>`.
import type { ResourceRecord } from '../../posture/resource.js';
import { policyDocument } from './policy.js';
import type { FindParent, Fold } from './terraform-fold.js';
import { block, compact, isRecord, list, objects, str, type Json } from './values.js';

const bucketOf = (child: Json, find: FindParent) => find('gcp_storage_bucket', 'name', str(child.bucket)?.replace(/^b\//, ''));

function bindingsOf(bucket: ResourceRecord): Json[] {
  const policy = isRecord(bucket.configuration.iam_policy) ? bucket.configuration.iam_policy : {};
  const bindings = objects(policy.bindings);
  bucket.configuration.iam_policy = { ...policy, bindings };
  return bindings;
}

/** The binding of `role` (and condition) in the bucket's policy, added when missing. */
function bindingFor(bucket: ResourceRecord, child: Json): Json {
  const condition = block(child.condition);
  const wanted = compact({
    role: child.role,
    condition: condition ? compact({ title: str(condition.title), expression: str(condition.expression) }) : undefined,
  });
  const bindings = bindingsOf(bucket);
  const key = JSON.stringify(wanted);
  const found = bindings.find((b) => JSON.stringify(compact({ role: b.role, condition: b.condition })) === key);
  if (found) return found;
  const binding: Json = { ...wanted, members: [] };
  bindings.push(binding);
  return binding;
}

export const GCP_COMPANIONS: Record<string, Fold> = {
  google_storage_bucket_iam_policy(child, find) {
    const bucket = bucketOf(child, find);
    const policy = policyDocument(child.policy_data);
    if (bucket && policy) bucket.configuration.iam_policy = { bindings: objects(policy.bindings) };
  },
  google_storage_bucket_iam_binding(child, find) {
    const bucket = bucketOf(child, find);
    if (bucket) bindingFor(bucket, child).members = list(child.members);
  },
  google_storage_bucket_iam_member(child, find) {
    const bucket = bucketOf(child, find);
    if (!bucket || !str(child.member)) return;
    const binding = bindingFor(bucket, child);
    const members = list(binding.members);
    if (!members.includes(child.member)) binding.members = [...members, child.member];
  },
};
