// Settings of security groups, EBS volumes, Lambda functions and KMS keys kept in resources of their own: security group
// rules, volume attachments, Lambda permissions (the function's resource-based policy) and function URLs, key policies.
import { ipPermissionFromTerraform } from './aws-ec2.js';
import { canonicalPolicy } from './policy.js';
import { appendOnce, type FindParent, type Fold } from './terraform-fold.js';
import { compact, isRecord, str, type Json } from './values.js';

/** `aws_vpc_security_group_{ingress,egress}_rule` (provider 5): one source per rule, `-1` for every protocol. */
function ipPermissionFromVpcRule(rule: Json): Json {
  const protocol = String(rule.ip_protocol ?? '-1');
  const all = protocol === '-1';
  const description = str(rule.description);
  return compact({
    ip_protocol: all ? '-1' : protocol,
    from_port: all ? undefined : rule.from_port,
    to_port: all ? undefined : rule.to_port,
    ip_ranges: str(rule.cidr_ipv4) ? [compact({ cidr_ip: rule.cidr_ipv4, description })] : [],
    ipv6_ranges: str(rule.cidr_ipv6) ? [compact({ cidr_ipv6: rule.cidr_ipv6, description })] : [],
    prefix_list_ids: str(rule.prefix_list_id) ? [{ prefix_list_id: rule.prefix_list_id }] : [],
    user_id_group_pairs: str(rule.referenced_security_group_id) ? [{ group_id: rule.referenced_security_group_id }] : [],
  } as Json);
}

const groupOf = (child: Json, find: FindParent) => find('aws_security_group', 'group_id', child.security_group_id);

/** The unqualified function a permission or URL belongs to (by name or ARN); one on an alias or version is not its. */
function functionOf(child: Json, find: FindParent) {
  if (str(child.qualifier)) return undefined;
  return find('aws_lambda_function', 'function_name', child.function_name) ?? find('aws_lambda_function', 'function_arn', child.function_name);
}

/** Lambda's own words for a permission's principal: `*`, an account (`{aws}`) or a service (`{service}`). */
function lambdaPrincipal(principal: string): unknown {
  if (principal === '*') return '*';
  return /^\d{12}$/.test(principal) || principal.startsWith('arn:') ? { aws: principal } : { service: principal };
}

/** The statement AddPermission writes into the function's policy, in the rule pack's policy convention. */
function permissionStatement(child: Json, functionArn: unknown): Json {
  const stringEquals = compact({
    'AWS:SourceAccount': str(child.source_account),
    'aws:PrincipalOrgID': str(child.principal_org_id),
    'lambda:EventSourceToken': str(child.event_source_token),
    'lambda:FunctionUrlAuthType': str(child.function_url_auth_type),
  });
  const condition = compact({
    ArnLike: str(child.source_arn) ? { 'AWS:SourceArn': child.source_arn } : undefined,
    StringEquals: Object.keys(stringEquals).length ? stringEquals : undefined,
  });
  return compact({
    sid: str(child.statement_id),
    effect: 'Allow',
    principal: lambdaPrincipal(String(child.principal ?? '')),
    action: str(child.action),
    resource: functionArn,
    condition: Object.keys(condition).length ? condition : undefined,
  });
}

export const COMPUTE_COMPANIONS: Record<string, Fold> = {
  aws_security_group_rule(child, find) {
    const group = groupOf(child, find);
    if (!group) return;
    const field = child.type === 'egress' ? 'ip_permissions_egress' : 'ip_permissions';
    appendOnce(group.configuration, field, ipPermissionFromTerraform(child, str(child.security_group_id)));
  },
  aws_vpc_security_group_ingress_rule(child, find) {
    const group = groupOf(child, find);
    if (group) appendOnce(group.configuration, 'ip_permissions', ipPermissionFromVpcRule(child));
  },
  aws_vpc_security_group_egress_rule(child, find) {
    const group = groupOf(child, find);
    if (group) appendOnce(group.configuration, 'ip_permissions_egress', ipPermissionFromVpcRule(child));
  },
  /** An attachment in the state is a volume in use: DescribeVolumes' `in-use` and its attachment. */
  aws_volume_attachment(child, find) {
    const volume = find('aws_ebs_volume', 'volume_id', child.volume_id);
    if (!volume || !str(child.instance_id)) return;
    appendOnce(
      volume.configuration,
      'attachments',
      compact({ instance_id: str(child.instance_id), device: str(child.device_name), state: 'attached' }),
    );
    volume.configuration.state = 'in-use';
  },
  aws_lambda_permission(child, find) {
    const fn = functionOf(child, find);
    if (!fn) return;
    if (!isRecord(fn.configuration.policy)) fn.configuration.policy = { version: '2012-10-17', id: 'default', statement: [] };
    appendOnce(fn.configuration.policy as Json, 'statement', permissionStatement(child, fn.configuration.function_arn ?? fn.resource_id));
  },
  aws_lambda_function_url(child, find) {
    const fn = functionOf(child, find);
    if (fn) fn.configuration.function_url_config = compact({ auth_type: str(child.authorization_type), function_url: str(child.function_url) });
  },
  /** The key policy managed apart from its key (provider 5). */
  aws_kms_key_policy(child, find) {
    const key = find('aws_kms_key', 'key_id', child.key_id) ?? find('aws_kms_key', 'arn', child.key_id);
    const policy = canonicalPolicy(child.policy);
    if (key && policy) key.configuration.key_policy = policy;
  },
};
