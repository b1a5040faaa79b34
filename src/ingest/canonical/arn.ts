// Amazon Resource Names: arn:partition:service:region:account:resource
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[2]) return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

/**
 * The partition a region belongs to: China and GovCloud regions (and the isolated regions) live in their own, so
 * their ARNs start `arn:aws-cn:` / `arn:aws-us-gov:`. The same mapping CloudTrail's resource ids are built with.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export interface ArnParts {
  /** Given when the ARN has no region to derive it from (S3 buckets, IAM); otherwise `partitionOf(region)`. */
  partition?: string;
  service: string;
  /** Empty for global resources (`arn:aws:s3:::bucket`). */
  region: string;
  account: string;
  resource: string;
}

/** Every ARN Steward builds itself (when a source gives none) is built here, so its partition follows its region. */
export function buildArn(parts: ArnParts): string {
  const partition = parts.partition ?? partitionOf(parts.region);
  return `arn:${partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

/** An S3 bucket's ARN names neither region nor account: the caller knows the partition from where the bucket was seen. */
export function s3BucketArn(bucket: string, partition: string): string {
  return buildArn({ partition, service: 's3', region: '', account: '', resource: bucket });
}

/** The resource's own name from an ARN's resource part: `role/path/name` -> `name`, `function:bar` -> `bar`. */
export function arnResourceName(arn: Arn): string {
  const segments = arn.resource.split(/[/:]/).filter((s) => s !== '');
  return segments[segments.length - 1] ?? arn.resource;
}
