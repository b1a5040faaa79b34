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

/** The resource's own name from an ARN's resource part: `role/path/name` -> `name`, `function:bar` -> `bar`. */
export function arnResourceName(arn: Arn): string {
  const segments = arn.resource.split(/[/:]/).filter((s) => s !== '');
  return segments[segments.length - 1] ?? arn.resource;
}
