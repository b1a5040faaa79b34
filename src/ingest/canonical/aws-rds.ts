// aws_rds_instance and aws_rds_cluster: DescribeDBInstances / DescribeDBClusters names.
import type { TypeMapping } from './mapping.js';
import { compact, list, str, type Json } from './values.js';

function securityGroups(ids: unknown): Json[] {
  return list(ids).map((id) => ({ vpc_security_group_id: id, status: 'active' }));
}

export const awsRdsInstance: TypeMapping = {
  resourceType: 'aws_rds_instance',
  terraformTypes: ['aws_db_instance'],
  terraformReplaces: [
    'id',
    'identifier',
    'arn',
    'resource_id',
    'instance_class',
    'ca_cert_identifier',
    'name',
    'db_name',
    'username',
    'vpc_security_group_ids',
    'db_subnet_group_name',
    'address',
    'endpoint',
    'port',
    'hosted_zone_id',
  ],
  fromTerraform: (a) =>
    compact({
      db_instance_identifier: str(a.identifier) ?? str(a.id),
      db_instance_arn: str(a.arn),
      dbi_resource_id: str(a.resource_id),
      db_instance_class: str(a.instance_class),
      ca_certificate_identifier: str(a.ca_cert_identifier),
      db_name: str(a.db_name) ?? str(a.name),
      master_username: str(a.username),
      vpc_security_groups: securityGroups(a.vpc_security_group_ids),
      db_subnet_group: str(a.db_subnet_group_name) ? { db_subnet_group_name: a.db_subnet_group_name } : undefined,
      endpoint: str(a.address) ? compact({ address: a.address, port: a.port, hosted_zone_id: str(a.hosted_zone_id) }) : undefined,
    }),
  awsConfigTypes: ['AWS::RDS::DBInstance'],
};

export const awsRdsCluster: TypeMapping = {
  resourceType: 'aws_rds_cluster',
  terraformTypes: ['aws_rds_cluster'],
  terraformReplaces: [
    'id',
    'cluster_identifier',
    'arn',
    'cluster_resource_id',
    'vpc_security_group_ids',
    'db_subnet_group_name',
    'enable_http_endpoint',
    'iam_roles',
    'cluster_members',
  ],
  fromTerraform: (a) =>
    compact({
      db_cluster_identifier: str(a.cluster_identifier) ?? str(a.id),
      db_cluster_arn: str(a.arn),
      db_cluster_resource_id: str(a.cluster_resource_id),
      vpc_security_groups: securityGroups(a.vpc_security_group_ids),
      db_subnet_group: str(a.db_subnet_group_name),
      http_endpoint_enabled: typeof a.enable_http_endpoint === 'boolean' ? a.enable_http_endpoint : undefined,
      associated_roles: list(a.iam_roles).map((arn) => ({ role_arn: arn })),
      db_cluster_members: list(a.cluster_members).map((id) => ({ db_instance_identifier: id })),
    }),
  awsConfigTypes: ['AWS::RDS::DBCluster'],
};
