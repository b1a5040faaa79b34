// The resources a CloudTrail call created or changed, by the ARN the inventory keys them by.
// ARNs the response gives are preferred; otherwise they are built from the call's account and region.
import type { AuditEvent, ResourceChange } from '../ownership/signals.js';
import type { ResourceReference } from '../posture/referenced-resources.js';
import { isRecord, str } from '../json-values.js';
import { arnResourceName, parseArn, partitionOf } from './canonical/arn.js';
import { withoutTrailingSlashes } from '../trailing-slashes.js';
import { ownEntry } from '../own-entry.js';

export interface CallScope {
  account: string;
  region: string;
}

type Fields = Record<string, unknown>;

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) {
    if (!isRecord(at)) return undefined;
    at = at[key];
  }
  return at;
}

function text(value: unknown, ...path: string[]): string | undefined {
  return str(field(value, ...path));
}

function items(value: unknown, ...path: string[]): Fields[] {
  const found = field(value, ...path);
  return Array.isArray(found) ? found.filter(isRecord) : [];
}

/** `CreateFunction20150331`, `UpdateFunctionCode20150331v2`, `CreateDistribution2020_05_31` -> the plain API name. */
export function baseEventName(eventName: string): string {
  return eventName.replace(/(?:\d{8}|\d{4}_\d{2}_\d{2})(?:v\d+)?$/, '');
}

const TYPE_BY_ARN: [RegExp, string][] = [
  [/^arn:[^:]+:s3:::[^/]+$/, 'aws_s3_bucket'],
  [/^arn:[^:]+:ec2:[^:]*:[^:]*:instance\//, 'aws_ec2_instance'],
  [/^arn:[^:]+:ec2:[^:]*:[^:]*:volume\//, 'aws_ebs_volume'],
  [/^arn:[^:]+:ec2:[^:]*:[^:]*:security-group\//, 'aws_security_group'],
  [/^arn:[^:]+:rds:[^:]*:[^:]*:db:/, 'aws_rds_instance'],
  [/^arn:[^:]+:rds:[^:]*:[^:]*:cluster:/, 'aws_rds_cluster'],
  [/^arn:[^:]+:iam::[^:]*:role\//, 'aws_iam_role'],
  [/^arn:[^:]+:iam::[^:]*:user\//, 'aws_iam_user'],
  [/^arn:[^:]+:iam::[^:]*:policy\//, 'aws_iam_policy'],
  [/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/, 'aws_lambda_function'],
  [/^arn:[^:]+:kms:[^:]*:[^:]*:key\//, 'aws_kms_key'],
  [/^arn:[^:]+:cloudfront::[^:]*:distribution\//, 'aws_cloudfront_distribution'],
  [/^arn:[^:]+:ecr:[^:]*:[^:]*:repository\//, 'aws_ecr_repository'],
  [/^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+$/, 'aws_dynamodb_table'],
];

/** The inventory's resource type for an ARN, when it is one of the types above. */
export function resourceTypeOfArn(arn: string): string | undefined {
  return TYPE_BY_ARN.find(([pattern]) => pattern.test(arn))?.[1];
}

/** A Lambda ARN without its `:version` or `:alias` qualifier, which the inventory does not key by. */
function unqualifiedFunctionArn(arn: string): string {
  const match = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(?::.+)?$/.exec(arn);
  return match ? match[1] : arn;
}

class Builder {
  readonly changes: ResourceChange[] = [];
  readonly p: string;

  constructor(readonly scope: CallScope) {
    this.p = partitionOf(scope.region);
  }

  add(id: string | undefined, resource_type: string, action: ResourceChange['action']): void {
    if (id && !this.changes.some((c) => c.id === id)) this.changes.push({ id, resource_type, action });
  }

  regional(service: string, resource: string): string {
    return `arn:${this.p}:${service}:${this.scope.region}:${this.scope.account}:${resource}`;
  }

  iam(resource: string): string {
    return `arn:${this.p}:iam::${this.scope.account}:${resource}`;
  }

  /** `role/` + path + name; IAM paths start and end with `/`. */
  iamPathed(kind: 'role' | 'user' | 'policy', name: string | undefined, path: string | undefined): string | undefined {
    if (!name) return undefined;
    if (name.startsWith('arn:')) return name;
    const cleanPath = path && path !== '/' ? `${withoutTrailingSlashes(path.replace(/^\/+/, ''))}/` : '';
    return this.iam(`${kind}/${cleanPath}${name}`);
  }

  lambda(nameOrArn: string | undefined): string | undefined {
    if (!nameOrArn) return undefined;
    if (nameOrArn.startsWith('arn:')) return unqualifiedFunctionArn(nameOrArn);
    // A partial ARN (`123456789012:function:name`) or a plain name, either possibly `name:qualifier`.
    const name = nameOrArn.includes(':function:') ? nameOrArn.split(':function:')[1] : nameOrArn;
    return this.regional('lambda', `function:${name.split(':')[0]}`);
  }
}

type Handler = (b: Builder, request: unknown, response: unknown, record: Fields) => void;

const S3: Handler = (b, request) => {
  const bucket = text(request, 'bucketName');
  if (bucket) b.add(`arn:${b.p}:s3:::${bucket}`, 'aws_s3_bucket', 'changed');
};

const IAM_ROLE_CHANGE: Handler = (b, request) => b.add(b.iamPathed('role', text(request, 'roleName'), undefined), 'aws_iam_role', 'changed');
const IAM_USER_CHANGE: Handler = (b, request, response, record) => {
  // CreateAccessKey without userName creates a key for the caller itself.
  const name =
    text(request, 'userName') ??
    text(response, 'accessKey', 'userName') ??
    (text(record, 'userIdentity', 'type') === 'IAMUser' ? text(record, 'userIdentity', 'userName') : undefined);
  b.add(b.iamPathed('user', name, undefined), 'aws_iam_user', 'changed');
};
const LAMBDA_CHANGE: Handler = (b, request, response) =>
  b.add(b.lambda(text(response, 'functionArn') ?? text(request, 'functionName')), 'aws_lambda_function', 'changed');
const SG_CHANGE: Handler = (b, request, response) => {
  const groupId = text(request, 'groupId') ?? items(response, 'securityGroupRuleSet', 'items')[0]?.groupId;
  if (typeof groupId === 'string') b.add(b.regional('ec2', `security-group/${groupId}`), 'aws_security_group', 'changed');
};
// RDS stores identifiers in lower case, and so do its ARNs.
const rdsInstance =
  (action: ResourceChange['action']): Handler =>
  (b, request, response) => {
    const id = text(response, 'dBInstanceIdentifier') ?? text(request, 'dBInstanceIdentifier');
    b.add(text(response, 'dBInstanceArn') ?? (id ? b.regional('rds', `db:${id.toLowerCase()}`) : undefined), 'aws_rds_instance', action);
  };
const rdsCluster =
  (action: ResourceChange['action']): Handler =>
  (b, request, response) => {
    const id = text(response, 'dBClusterIdentifier') ?? text(request, 'dBClusterIdentifier');
    b.add(text(response, 'dBClusterArn') ?? (id ? b.regional('rds', `cluster:${id.toLowerCase()}`) : undefined), 'aws_rds_cluster', action);
  };
const KMS_CHANGE: Handler = (b, request) => {
  const keyId = text(request, 'keyId');
  // Aliases name no key by themselves.
  if (keyId && !keyId.includes('alias/')) b.add(keyId.startsWith('arn:') ? keyId : b.regional('kms', `key/${keyId}`), 'aws_kms_key', 'changed');
};
const ECR_CHANGE: Handler = (b, request) => {
  const name = text(request, 'repositoryName');
  if (name) b.add(b.regional('ecr', `repository/${name}`), 'aws_ecr_repository', 'changed');
};
const DYNAMODB_CHANGE: Handler = (b, request, response) => {
  const name = text(request, 'tableName');
  b.add(
    text(response, 'tableDescription', 'tableArn') ?? (name ? (name.startsWith('arn:') ? name : b.regional('dynamodb', `table/${name}`)) : undefined),
    'aws_dynamodb_table',
    'changed',
  );
};
/** Tagging calls name the resource by ARN under one of these keys, whatever the service. */
const TAGGED_ARN: Handler = (b, request) => {
  for (const key of ['resourceArn', 'resourceARN', 'ResourceArn', 'resource', 'resourceName', 'arn']) {
    const arn = text(request, key);
    if (arn?.startsWith('arn:')) {
      const id = arn.includes(':lambda:') ? unqualifiedFunctionArn(arn) : arn;
      b.add(id, resourceTypeOfArn(id) ?? 'unknown', 'changed');
      return;
    }
  }
};

/** Handlers by `eventSource` and base event name. */
const HANDLERS: Record<string, Record<string, Handler>> = {
  's3.amazonaws.com': {
    CreateBucket: (b, request) => {
      const bucket = text(request, 'bucketName');
      if (bucket) b.add(`arn:${b.p}:s3:::${bucket}`, 'aws_s3_bucket', 'created');
    },
  },
  'ec2.amazonaws.com': {
    RunInstances: (b, _request, response) => {
      for (const item of items(response, 'instancesSet', 'items')) {
        if (typeof item.instanceId === 'string') b.add(b.regional('ec2', `instance/${item.instanceId}`), 'aws_ec2_instance', 'created');
      }
    },
    CreateVolume: (b, _request, response) => {
      const id = text(response, 'volumeId');
      if (id) b.add(b.regional('ec2', `volume/${id}`), 'aws_ebs_volume', 'created');
    },
    CreateSecurityGroup: (b, _request, response) => {
      const id = text(response, 'groupId');
      if (id) b.add(b.regional('ec2', `security-group/${id}`), 'aws_security_group', 'created');
    },
    AuthorizeSecurityGroupIngress: SG_CHANGE,
    AuthorizeSecurityGroupEgress: SG_CHANGE,
    RevokeSecurityGroupIngress: SG_CHANGE,
    RevokeSecurityGroupEgress: SG_CHANGE,
    ModifySecurityGroupRules: SG_CHANGE,
    ModifyInstanceAttribute: (b, request) => {
      const id = text(request, 'instanceId');
      if (id) b.add(b.regional('ec2', `instance/${id}`), 'aws_ec2_instance', 'changed');
    },
  },
  'rds.amazonaws.com': {
    CreateDBInstance: rdsInstance('created'),
    CreateDBCluster: rdsCluster('created'),
    ModifyDBInstance: rdsInstance('changed'),
    ModifyDBCluster: rdsCluster('changed'),
  },
  'iam.amazonaws.com': {
    CreateRole: (b, request, response) =>
      b.add(text(response, 'role', 'arn') ?? b.iamPathed('role', text(request, 'roleName'), text(request, 'path')), 'aws_iam_role', 'created'),
    CreateUser: (b, request, response) =>
      b.add(text(response, 'user', 'arn') ?? b.iamPathed('user', text(request, 'userName'), text(request, 'path')), 'aws_iam_user', 'created'),
    CreatePolicy: (b, request, response) =>
      b.add(
        text(response, 'policy', 'arn') ?? b.iamPathed('policy', text(request, 'policyName'), text(request, 'path')),
        'aws_iam_policy',
        'created',
      ),
    CreatePolicyVersion: (b, request) => {
      const arn = text(request, 'policyArn');
      // AWS-managed policies (arn:aws:iam::aws:policy/...) cannot be versioned by anyone but AWS; only customer policies count.
      if (arn && !arn.includes(':iam::aws:')) b.add(arn, 'aws_iam_policy', 'changed');
    },
    AttachRolePolicy: IAM_ROLE_CHANGE,
    DetachRolePolicy: IAM_ROLE_CHANGE,
    PutRolePolicy: IAM_ROLE_CHANGE,
    DeleteRolePolicy: IAM_ROLE_CHANGE,
    UpdateAssumeRolePolicy: IAM_ROLE_CHANGE,
    PutRolePermissionsBoundary: IAM_ROLE_CHANGE,
    AttachUserPolicy: IAM_USER_CHANGE,
    DetachUserPolicy: IAM_USER_CHANGE,
    PutUserPolicy: IAM_USER_CHANGE,
    DeleteUserPolicy: IAM_USER_CHANGE,
    CreateLoginProfile: IAM_USER_CHANGE,
    UpdateLoginProfile: IAM_USER_CHANGE,
    CreateAccessKey: IAM_USER_CHANGE,
    AddUserToGroup: IAM_USER_CHANGE,
  },
  'lambda.amazonaws.com': {
    CreateFunction: (b, request, response) =>
      b.add(b.lambda(text(response, 'functionArn') ?? text(request, 'functionName')), 'aws_lambda_function', 'created'),
    UpdateFunctionCode: LAMBDA_CHANGE,
    UpdateFunctionConfiguration: LAMBDA_CHANGE,
    AddPermission: LAMBDA_CHANGE,
    RemovePermission: LAMBDA_CHANGE,
    PutFunctionConcurrency: LAMBDA_CHANGE,
    CreateFunctionUrlConfig: LAMBDA_CHANGE,
    TagResource: TAGGED_ARN,
  },
  'kms.amazonaws.com': {
    CreateKey: (b, _request, response) => {
      const arn = text(response, 'keyMetadata', 'arn');
      const id = text(response, 'keyMetadata', 'keyId');
      b.add(arn ?? (id ? b.regional('kms', `key/${id}`) : undefined), 'aws_kms_key', 'created');
    },
    PutKeyPolicy: KMS_CHANGE,
    EnableKeyRotation: KMS_CHANGE,
    DisableKeyRotation: KMS_CHANGE,
    ScheduleKeyDeletion: KMS_CHANGE,
  },
  'cloudfront.amazonaws.com': {
    CreateDistribution: (b, _request, response) => {
      const arn = text(response, 'distribution', 'aRN') ?? text(response, 'distribution', 'arn') ?? text(response, 'distribution', 'ARN');
      const id = text(response, 'distribution', 'id');
      b.add(arn ?? (id ? `arn:${b.p}:cloudfront::${b.scope.account}:distribution/${id}` : undefined), 'aws_cloudfront_distribution', 'created');
    },
    UpdateDistribution: (b, request, response) => {
      const arn = text(response, 'distribution', 'aRN') ?? text(response, 'distribution', 'arn');
      const id = text(request, 'id');
      b.add(arn ?? (id ? `arn:${b.p}:cloudfront::${b.scope.account}:distribution/${id}` : undefined), 'aws_cloudfront_distribution', 'changed');
    },
    TagResource: TAGGED_ARN,
  },
  'ecr.amazonaws.com': {
    CreateRepository: (b, request, response) => {
      const name = text(request, 'repositoryName');
      b.add(
        text(response, 'repository', 'repositoryArn') ?? (name ? b.regional('ecr', `repository/${name}`) : undefined),
        'aws_ecr_repository',
        'created',
      );
    },
    SetRepositoryPolicy: ECR_CHANGE,
    PutLifecyclePolicy: ECR_CHANGE,
    PutImageScanningConfiguration: ECR_CHANGE,
    PutImageTagMutability: ECR_CHANGE,
  },
  'dynamodb.amazonaws.com': {
    CreateTable: (b, request, response) => {
      const name = text(request, 'tableName');
      b.add(
        text(response, 'tableDescription', 'tableArn') ?? (name ? b.regional('dynamodb', `table/${name}`) : undefined),
        'aws_dynamodb_table',
        'created',
      );
    },
    UpdateTable: DYNAMODB_CHANGE,
    UpdateContinuousBackups: DYNAMODB_CHANGE,
  },
};

/** S3 configuration calls: PutBucketPolicy, PutBucketAcl, PutBucketEncryption, DeleteBucketPolicy, ... */
const S3_BUCKET_CONFIG = /^(?:Put|Delete)Bucket[A-Z]\w*$/;

/** What a successful call created or changed. Failed calls (with errorCode) changed nothing: the caller checks that. */
export function resourcesOfCall(record: Fields, scope: CallScope): ResourceChange[] {
  const source = text(record, 'eventSource') ?? '';
  const name = baseEventName(text(record, 'eventName') ?? '');
  const builder = new Builder(scope);
  const handler = ownEntry(ownEntry(HANDLERS, source) ?? {}, name) ?? (source === 's3.amazonaws.com' && S3_BUCKET_CONFIG.test(name) ? S3 : undefined);
  handler?.(builder, record.requestParameters, record.responseElements, record);
  return builder.changes;
}

/**
 * The resources the events created or changed, as much as a call says of them: the ARN, its type, account and region
 * (the call's own region for an S3 bucket, whose ARN names none; none for IAM and CloudFront, which are global), its name
 * from the ARN; no tags, no configuration. First seen at the earliest event, observed at the latest. Failed calls
 * changed nothing, and ARNs of a type the inventory does not know name no resource.
 */
export function resourcesNamedByEvents(events: AuditEvent[]): ResourceReference[] {
  const refs = new Map<string, ResourceReference>();
  for (const event of events) {
    if (event.error_code) continue;
    for (const change of event.resources) {
      const arn = parseArn(change.id);
      if (!arn || change.resource_type === 'unknown') continue;
      const known = refs.get(change.id);
      if (known) {
        known.first_seen_at = Math.min(known.first_seen_at, event.event_time);
        known.record.observed_at = Math.max(known.record.observed_at, event.event_time);
        continue;
      }
      refs.set(change.id, {
        record: {
          resource_id: change.id,
          resource_type: change.resource_type,
          name: arnResourceName(arn),
          cloud_provider: 'aws',
          account: arn.account || event.account,
          region: arn.region || (arn.service === 's3' ? event.region : ''),
          tags: [],
          configuration: {},
          observed_at: event.event_time,
        },
        knowsConfiguration: false,
        first_seen_at: event.event_time,
      });
    }
  }
  return [...refs.values()];
}
