// The product's own record of a cloud resource; every importer produces these.
export type CloudProvider = 'aws' | 'gcp' | 'azure';

export interface ResourceRecord {
  /** The provider's canonical id: an ARN on AWS, the full resource name on GCP, the resource id on Azure. */
  resource_id: string;
  /** Datadog's resource type names: aws_s3_bucket, aws_security_group, gcp_storage_bucket, azure_storage_account, ... */
  resource_type: string;
  name: string;
  cloud_provider: CloudProvider;
  /** AWS account id, GCP project id, Azure subscription id. */
  account: string;
  region: string;
  /** `key:value` strings. */
  tags: string[];
  /** One canonical schema per type: the snake_case field names of the provider's API. */
  configuration: Record<string, unknown>;
  /** Unix milliseconds. */
  observed_at: number;
  /** Removes the resource: its findings stop being current, their history stays. */
  deleted?: boolean;
  /** Where the infrastructure-as-code root module that manages it lives (Terraform imports with --repo/--path). */
  iac?: { repo: string; path: string };
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VULNERABILITY_TYPES = ['misconfiguration', 'attack_path', 'identity_risk', 'api_security'] as const;
export type VulnerabilityType = (typeof VULNERABILITY_TYPES)[number];

/** A problem with one record of an import, named by its place (line or index) and field. */
export class RecordError extends Error {
  constructor(
    readonly place: string,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${place}${field ? `, field ${field}` : ''}: ${reason}`);
    this.name = 'RecordError';
  }
}
