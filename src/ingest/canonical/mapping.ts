// How one resource type's canonical configuration is built from each source format.
import type { Json } from './values.js';

export interface TerraformContext {
  region: string;
  account: string;
  /**
   * The AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...): the resource's ARN's, else its region's, else the one
   * the rest of the state is in (S3 buckets without a `region` attribute); `aws` when nothing in the state says.
   */
  partition: string;
  /** The state's own type name, e.g. aws_default_vpc for an aws_vpc. */
  terraformType: string;
}

export interface AwsConfigContext {
  arn: string;
  account: string;
  region: string;
}

export interface TypeMapping {
  /** Datadog's resource type name: the canonical type. */
  resourceType: string;
  /** Terraform resource types that are this type (aws_db_instance -> aws_rds_instance). */
  terraformTypes?: readonly string[];
  /** Canonical fields from Terraform attributes; they win over the attributes passed through unchanged. */
  fromTerraform?: (attributes: Json, context: TerraformContext) => Json;
  /** Terraform attributes that fromTerraform replaces, so they do not also pass through under Terraform's name. */
  terraformReplaces?: readonly string[];
  /** The canonical ARN when the state has no `arn` attribute. */
  terraformArn?: (attributes: Json, context: TerraformContext) => string | undefined;
  /** AWS Config resource types that are this type (AWS::RDS::DBInstance -> aws_rds_instance). */
  awsConfigTypes?: readonly string[];
  /**
   * Fix-ups after the generic deep snake_case conversion of `configuration` (already merged with the
   * snake_cased supplementary configuration); `supplementary` is the raw supplementaryConfiguration.
   */
  fromAwsConfig?: (configuration: Json, supplementary: Json, item: AwsConfigContext) => Json;
}
