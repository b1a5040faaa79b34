// An IAM user's or role's settings kept in resources of their own: managed policy attachments, inline policies, access
// keys, the console password (login profile) and virtual MFA devices, each matched to its user or role by name.
import { attachedPolicy } from './aws-iam.js';
import { canonicalPolicy } from './policy.js';
import { appendOnce, type FindParent, type Fold } from './terraform-fold.js';
import { compact, list, str } from './values.js';

const userOf = (name: unknown, find: FindParent) => find('aws_iam_user', 'user_name', name);
const roleOf = (name: unknown, find: FindParent) => find('aws_iam_role', 'role_name', name);

function attach(parent: ReturnType<FindParent>, policyArn: unknown): void {
  if (parent && str(policyArn)) appendOnce(parent.configuration, 'attached_policies', attachedPolicy(policyArn));
}

export const IAM_COMPANIONS: Record<string, Fold> = {
  aws_iam_user_policy_attachment(child, find) {
    attach(userOf(child.user, find), child.policy_arn);
  },
  aws_iam_role_policy_attachment(child, find) {
    attach(roleOf(child.role, find), child.policy_arn);
  },
  /** The exclusive attachment of one policy to users, roles and groups. */
  aws_iam_policy_attachment(child, find) {
    for (const user of list(child.users)) attach(userOf(user, find), child.policy_arn);
    for (const role of list(child.roles)) attach(roleOf(role, find), child.policy_arn);
  },
  aws_iam_user_policy(child, find) {
    const user = userOf(child.user, find);
    if (user)
      appendOnce(user.configuration, 'user_policy_list', compact({ policy_name: child.name, policy_document: canonicalPolicy(child.policy) }));
  },
  aws_iam_role_policy(child, find) {
    const role = roleOf(child.role, find);
    if (role)
      appendOnce(role.configuration, 'role_policy_list', compact({ policy_name: child.name, policy_document: canonicalPolicy(child.policy) }));
  },
  aws_iam_access_key(child, find) {
    const user = userOf(child.user, find);
    if (user) {
      appendOnce(
        user.configuration,
        'access_keys',
        compact({ access_key_id: str(child.id), status: str(child.status), create_date: str(child.create_date) }),
      );
    }
  },
  /** A login profile is the user's console password: its presence is what the credential report calls password_enabled. */
  aws_iam_user_login_profile(child, find) {
    const user = userOf(child.user, find);
    if (user) user.configuration.password_enabled = true;
  },
  /** Providers since 5.x record the user a virtual MFA device is enabled for (`user_name`) and since when. */
  aws_iam_virtual_mfa_device(child, find) {
    const user = userOf(child.user_name, find);
    const serial = str(child.arn) ?? str(child.id);
    if (user && serial) appendOnce(user.configuration, 'mfa_devices', compact({ serial_number: serial, enable_date: str(child.enable_date) }));
  },
};
