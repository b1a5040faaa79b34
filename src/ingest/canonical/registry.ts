// Which canonical type a Terraform or AWS Config type is, and the mapping that builds its configuration.
import type { CloudProvider } from '../../posture/resource.js';
import { snakeCase } from './case.js';
import type { TypeMapping } from './mapping.js';
import { awsS3Bucket } from './aws-s3-bucket.js';
import { awsEbsVolume, awsEc2Instance, awsSecurityGroup, awsSubnet, awsVpc } from './aws-ec2.js';
import { awsRdsCluster, awsRdsInstance } from './aws-rds.js';
import { awsIamPolicy, awsIamRole, awsIamUser } from './aws-iam.js';
import { gcpComputeInstance, gcpStorageBucket } from './gcp.js';
import { azureStorageAccount, azureVirtualMachine } from './azure.js';
import {
  awsCloudfrontDistribution,
  awsCloudtrailTrail,
  awsDynamodbTable,
  awsEcrRepository,
  awsElb,
  awsElbv2LoadBalancer,
  awsKmsKey,
  awsLambdaFunction,
  awsSnsTopic,
  awsSqsQueue,
} from './aws-services.js';
import { ownEntry } from '../../own-entry.js';

export const MAPPINGS: readonly TypeMapping[] = [
  awsS3Bucket,
  awsSecurityGroup,
  awsEc2Instance,
  awsEbsVolume,
  awsVpc,
  awsSubnet,
  awsRdsInstance,
  awsRdsCluster,
  awsIamUser,
  awsIamRole,
  awsIamPolicy,
  awsCloudtrailTrail,
  awsKmsKey,
  awsLambdaFunction,
  awsDynamodbTable,
  awsEcrRepository,
  awsSqsQueue,
  awsSnsTopic,
  awsCloudfrontDistribution,
  awsElb,
  awsElbv2LoadBalancer,
  gcpStorageBucket,
  gcpComputeInstance,
  azureStorageAccount,
  azureVirtualMachine,
];

const byTerraformType = new Map(MAPPINGS.flatMap((m) => (m.terraformTypes ?? []).map((t) => [t, m] as const)));
const byAwsConfigType = new Map(MAPPINGS.flatMap((m) => (m.awsConfigTypes ?? []).map((t) => [t, m] as const)));

/** Terraform types named differently in Datadog's catalog, beyond those with a mapping of their own. */
const TERRAFORM_RENAMES: Record<string, string> = {
  aws_lb_listener: 'aws_elbv2_listener',
  aws_alb_listener: 'aws_elbv2_listener',
  aws_lb_target_group: 'aws_elbv2_target_group',
  aws_alb_target_group: 'aws_elbv2_target_group',
  aws_route53_zone: 'aws_route53_hosted_zone',
  aws_ami: 'aws_ec2_image',
  aws_ebs_snapshot: 'aws_ebs_snapshot',
  aws_eip: 'aws_ec2_eip',
  aws_key_pair: 'aws_ec2_key_pair',
};

const TERRAFORM_PROVIDERS: ReadonlyArray<[prefix: string, provider: CloudProvider, datadogPrefix: string]> = [
  ['aws_', 'aws', 'aws_'],
  ['google_', 'gcp', 'gcp_'],
  ['azurerm_', 'azure', 'azure_'],
];

export interface TerraformTypeInfo {
  resourceType: string;
  provider: CloudProvider;
  mapping?: TypeMapping;
}

/** undefined for types of no cloud provider (random_id, null_resource, tls_private_key, ...). */
export function terraformType(type: string): TerraformTypeInfo | undefined {
  const entry = TERRAFORM_PROVIDERS.find(([prefix]) => type.startsWith(prefix));
  if (!entry) return undefined;
  const [prefix, provider, datadogPrefix] = entry;
  const mapping = byTerraformType.get(type);
  if (mapping) return { resourceType: mapping.resourceType, provider, mapping };
  const renamed = ownEntry(TERRAFORM_RENAMES, type);
  if (renamed) return { resourceType: renamed, provider };
  // aws_default_network_acl and friends adopt a default resource: the resource is of the plain type.
  const plain = type.startsWith(`${prefix}default_`) ? `${prefix}${type.slice(prefix.length + 'default_'.length)}` : type;
  return { resourceType: datadogPrefix + plain.slice(prefix.length), provider };
}

const CONFIG_SERVICES: Record<string, string> = {
  ElasticLoadBalancingV2: 'elbv2',
  ElasticLoadBalancing: 'elb',
  CloudTrail: 'cloudtrail',
  CloudFront: 'cloudfront',
  DynamoDB: 'dynamodb',
  ApiGateway: 'apigateway',
  ApiGatewayV2: 'apigatewayv2',
  AutoScaling: 'autoscaling',
  ElasticBeanstalk: 'elasticbeanstalk',
  OpenSearch: 'opensearch',
  SecretsManager: 'secretsmanager',
  StepFunctions: 'sfn',
};

/** `AWS::RDS::DBInstance` -> aws_rds_instance; unmapped types become aws_<service>_<type in snake_case>. */
export function awsConfigType(type: string): { resourceType: string; mapping?: TypeMapping } | undefined {
  const mapping = byAwsConfigType.get(type);
  if (mapping) return { resourceType: mapping.resourceType, mapping };
  const match = /^AWS::([A-Za-z0-9]+)::([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const service = ownEntry(CONFIG_SERVICES, match[1]) ?? match[1].toLowerCase();
  return { resourceType: `aws_${service}_${snakeCase(match[2])}` };
}
