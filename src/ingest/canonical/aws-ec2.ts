// EC2 family: aws_security_group, aws_ec2_instance, aws_ebs_volume, aws_vpc, aws_subnet (EC2 API names).
import { buildArn } from './arn.js';
import type { TerraformContext, TypeMapping } from './mapping.js';
import { block, compact, list, objects, str, type Json } from './values.js';

const ALL_PROTOCOLS = new Set(['-1', 'all']);

/** One Terraform rule (`ingress[]` element or `aws_security_group_rule`) -> the API's IpPermission. */
export function ipPermissionFromTerraform(rule: Json, groupId: string | undefined): Json {
  const protocol = String(rule.protocol ?? '-1');
  const allProtocols = ALL_PROTOCOLS.has(protocol);
  const pairs = list(rule.security_groups).map((id) => ({ group_id: id }));
  const source = str(rule.source_security_group_id);
  if (source) pairs.push({ group_id: source });
  if (rule.self === true && groupId) pairs.push({ group_id: groupId });
  const description = str(rule.description);
  return compact({
    ip_protocol: allProtocols ? '-1' : protocol,
    // The API leaves ports out when every protocol is allowed; Terraform says 0.
    from_port: allProtocols ? undefined : rule.from_port,
    to_port: allProtocols ? undefined : rule.to_port,
    ip_ranges: list(rule.cidr_blocks).map((cidr) => compact({ cidr_ip: cidr, description })),
    ipv6_ranges: list(rule.ipv6_cidr_blocks).map((cidr) => compact({ cidr_ipv6: cidr, description })),
    prefix_list_ids: list(rule.prefix_list_ids).map((id) => ({ prefix_list_id: id })),
    user_id_group_pairs: pairs,
  });
}

/** Config keeps both `ipv4Ranges: [{cidrIp}]` and a flat `ipRanges: ["0.0.0.0/0"]`; the API has `ip_ranges: [{cidr_ip}]`. */
function ipPermissionFromConfig(permission: Json): Json {
  const out: Json = { ...permission };
  const v4 = objects(out.ipv4_ranges);
  const flat = list(out.ip_ranges).filter((r): r is string => typeof r === 'string');
  out.ip_ranges = v4.length || !flat.length ? v4 : flat.map((cidr) => ({ cidr_ip: cidr }));
  delete out.ipv4_ranges;
  return out;
}

export function regionFromZone(zone: unknown): string | undefined {
  return typeof zone === 'string' && /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) ? zone.slice(0, -1) : undefined;
}

/** `arn:<partition>:ec2:<region>:<owner>:<kind>/<id>` when the state says where the resource lives. */
function terraformEc2Arn(a: Json, c: TerraformContext, kind: string): string | undefined {
  const id = str(a.id);
  const account = str(a.owner_id) ?? c.account;
  return id && c.region && account
    ? buildArn({ partition: c.partition, service: 'ec2', region: c.region, account, resource: `${kind}/${id}` })
    : undefined;
}

export const awsSecurityGroup: TypeMapping = {
  resourceType: 'aws_security_group',
  terraformTypes: ['aws_security_group', 'aws_default_security_group'],
  terraformReplaces: ['ingress', 'egress', 'name', 'id'],
  terraformArn: (a, c) => terraformEc2Arn(a, c, 'security-group'),
  fromTerraform(a) {
    const groupId = str(a.id);
    return compact({
      group_id: groupId,
      group_name: str(a.name),
      ip_permissions: objects(a.ingress).map((rule) => ipPermissionFromTerraform(rule, groupId)),
      ip_permissions_egress: objects(a.egress).map((rule) => ipPermissionFromTerraform(rule, groupId)),
    });
  },
  awsConfigTypes: ['AWS::EC2::SecurityGroup'],
  fromAwsConfig(configuration) {
    return {
      ...configuration,
      ip_permissions: objects(configuration.ip_permissions).map(ipPermissionFromConfig),
      ip_permissions_egress: objects(configuration.ip_permissions_egress).map(ipPermissionFromConfig),
    };
  },
};

function blockDevice(device: Json): Json {
  return compact({
    device_name: str(device.device_name),
    ebs: compact({
      volume_id: str(device.volume_id),
      delete_on_termination: device.delete_on_termination,
      encrypted: device.encrypted,
      kms_key_id: str(device.kms_key_id),
      volume_size: device.volume_size,
      volume_type: str(device.volume_type),
    } as Json),
  });
}

export const awsEc2Instance: TypeMapping = {
  resourceType: 'aws_ec2_instance',
  terraformTypes: ['aws_instance'],
  terraformReplaces: [
    'id',
    'ami',
    'instance_state',
    'public_ip',
    'private_ip',
    'public_dns',
    'private_dns',
    'iam_instance_profile',
    'metadata_options',
    'monitoring',
    'vpc_security_group_ids',
    'security_groups',
    'root_block_device',
    'ebs_block_device',
    'availability_zone',
    'tenancy',
    'credit_specification',
    'user_data',
    'user_data_base64',
  ],
  fromTerraform(a) {
    const metadata = block(a.metadata_options);
    const root = block(a.root_block_device);
    const groupIds = list(a.vpc_security_group_ids);
    const groupNames = list(a.security_groups);
    return compact({
      instance_id: str(a.id),
      image_id: str(a.ami),
      state: str(a.instance_state) ? { name: a.instance_state } : undefined,
      public_ip_address: str(a.public_ip),
      private_ip_address: str(a.private_ip),
      public_dns_name: str(a.public_dns),
      private_dns_name: str(a.private_dns),
      iam_instance_profile: str(a.iam_instance_profile) ? { arn: a.iam_instance_profile } : undefined,
      metadata_options: metadata
        ? compact({
            http_tokens: str(metadata.http_tokens),
            http_endpoint: str(metadata.http_endpoint),
            http_put_response_hop_limit: metadata.http_put_response_hop_limit,
            instance_metadata_tags: str(metadata.instance_metadata_tags),
          } as Json)
        : undefined,
      monitoring: typeof a.monitoring === 'boolean' ? { state: a.monitoring ? 'enabled' : 'disabled' } : undefined,
      security_groups: groupIds.length
        ? groupIds.map((id, index) => compact({ group_id: id, group_name: groupNames[index] as string | undefined }))
        : groupNames.map((name) => ({ group_name: name })),
      root_device_name: root ? str(root.device_name) : undefined,
      block_device_mappings: [...(root ? [root] : []), ...objects(a.ebs_block_device)].map(blockDevice),
      placement: compact({ availability_zone: str(a.availability_zone), tenancy: str(a.tenancy) }),
      // The user data is kept out: it often holds secrets.
      has_user_data: a.user_data !== null && a.user_data !== undefined && a.user_data !== '' ? true : undefined,
    });
  },
  awsConfigTypes: ['AWS::EC2::Instance'],
};

export const awsEbsVolume: TypeMapping = {
  resourceType: 'aws_ebs_volume',
  terraformTypes: ['aws_ebs_volume'],
  terraformReplaces: ['id', 'type'],
  fromTerraform: (a) => compact({ volume_id: str(a.id), volume_type: str(a.type) }),
  awsConfigTypes: ['AWS::EC2::Volume'],
};

export const awsVpc: TypeMapping = {
  resourceType: 'aws_vpc',
  terraformTypes: ['aws_vpc', 'aws_default_vpc'],
  terraformReplaces: ['id'],
  terraformArn: (a, c) => terraformEc2Arn(a, c, 'vpc'),
  fromTerraform: (a, c) => compact({ vpc_id: str(a.id), is_default: c.terraformType === 'aws_default_vpc' }),
  awsConfigTypes: ['AWS::EC2::VPC'],
};

export const awsSubnet: TypeMapping = {
  resourceType: 'aws_subnet',
  terraformTypes: ['aws_subnet', 'aws_default_subnet'],
  terraformReplaces: ['id', 'arn'],
  terraformArn: (a, c) => terraformEc2Arn(a, c, 'subnet'),
  fromTerraform: (a) => compact({ subnet_id: str(a.id), subnet_arn: str(a.arn) }),
  awsConfigTypes: ['AWS::EC2::Subnet'],
};
