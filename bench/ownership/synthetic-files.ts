// Renders the synthetic organization in the real import formats, so the benchmark goes through
// the product's importers: resources NDJSON, Backstage catalog, Datadog service definitions v2.2,
// CloudTrail log files, CODEOWNERS, Terraform state, the preferences CSV, and the truth file.
import { stringify } from 'yaml';
import { prng } from '../lib/prng.js';
import { PREFERENCE_COLUMNS } from '../../src/ingest/preferences-csv.js';
import type { OrgModel, SynthEvent, SynthResource, SynthResourceType, Truth } from './synthetic-org.js';

export function renderFiles(model: OrgModel, truth: Record<string, Truth>): Record<string, string> {
  const files: Record<string, string> = {};
  files['resources.ndjson'] = model.resources.map((r) => JSON.stringify(resourceItem(r))).join('\n') + '\n';
  files['catalog/backstage/catalog-info.yaml'] = backstageCatalog(model);
  for (const s of model.services.filter((x) => x.catalog === 'datadog')) {
    files[`catalog/datadog/${s.name}/service.datadog.yaml`] = stringify({
      'schema-version': 'v2.2',
      'dd-service': s.name,
      team: s.catalog_team,
      application: s.name.split('-')[0],
      tier: '2',
      type: 'web',
      languages: ['go'],
      contacts: [{ type: 'email', contact: `${s.catalog_team}@${model.org}.example` }],
      links: [{ name: 'Source', type: 'repo', provider: 'github', url: `https://github.com/${s.repo}` }],
      tags: [`version:${s.catalog_version}`],
    });
  }
  for (const repo of model.repos) {
    files[`repos/${repo.name}/.github/CODEOWNERS`] =
      `# Owners of ${repo.name}; the last matching pattern wins.\n` + repo.rules.map((r) => `${r.pattern} ${r.owners.join(' ')}`).join('\n') + '\n';
  }
  Object.assign(files, terraformStates(model));
  Object.assign(files, cloudTrailFiles(model));
  files['preferences.csv'] = preferencesCsv(model);
  // The HR view of people, in the directory document format of PUT /api/v2/csm/directory: it says who has left.
  files['directory/people.json'] = JSON.stringify(
    {
      source: 'hr',
      users: model.users.map((u) => ({ handle: u.handle, email: u.email, name: u.display_name, active: u.active, teams: u.teams })),
      teams: model.teams.map((t) => ({ handle: t.handle, name: t.handle })),
    },
    null,
    1,
  );
  files['manifest.json'] = JSON.stringify(
    {
      org: model.org,
      seed: model.seed,
      observed_at: model.observed_at,
      terraform: model.tf_roots
        .filter((root) => files[`terraform/${root.repo}/${root.path}/terraform.tfstate`])
        .map((root) => ({ file: `terraform/${root.repo}/${root.path}/terraform.tfstate`, repo: root.repo, path: root.path })),
      shared_roles: model.shared_roles,
    },
    null,
    1,
  );
  files['truth.json'] = JSON.stringify(truth);
  return files;
}

const CONFIGURATION: Record<SynthResourceType, (r: SynthResource) => Record<string, unknown>> = {
  aws_s3_bucket: (r) => ({ bucket_name: r.name, versioning: { status: 'Enabled' } }),
  aws_ec2_instance: (r) => ({ instance_id: r.native_id, instance_type: 't3.medium', state: { name: 'running' } }),
  aws_security_group: (r) => ({ group_id: r.native_id, group_name: r.name, ip_permissions: [] }),
  aws_iam_role: (r) => ({ role_name: r.name, path: '/' }),
  aws_rds_instance: (r) => ({ db_instance_identifier: r.name, engine: 'postgres', storage_encrypted: true }),
  aws_lambda_function: (r) => ({ function_name: r.name, runtime: 'nodejs20.x' }),
  aws_sqs_queue: (r) => ({ queue_name: r.name }),
  aws_dynamodb_table: (r) => ({ table_name: r.name }),
  aws_kms_key: (r) => ({ key_id: r.native_id, key_rotation_enabled: true }),
  aws_ebs_volume: (r) => ({ volume_id: r.native_id, encrypted: false, size: 100 }),
};

function resourceItem(r: SynthResource) {
  return {
    type: 'cloud_resource',
    id: r.arn,
    attributes: {
      resource_type: r.resource_type,
      name: r.name,
      cloud_provider: 'aws',
      account: r.account,
      region: r.resource_type === 'aws_iam_role' || r.resource_type === 'aws_s3_bucket' ? 'global' : r.region,
      tags: r.tags,
      configuration: CONFIGURATION[r.resource_type](r),
      observed_at: r.observed_at,
    },
  };
}

function backstageCatalog(model: OrgModel): string {
  const docs: unknown[] = [];
  for (const t of model.teams) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: t.handle },
      spec: {
        type: 'team',
        profile: { displayName: t.handle },
        children: [],
        members: model.users.filter((u) => u.teams.includes(t.handle)).map((u) => u.handle),
      },
    });
  }
  for (const u of model.users) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      // People who have left stay in the catalog (their resources remain); the annotation marks them.
      metadata: { name: u.handle, ...(u.active ? {} : { annotations: { 'steward.dev/active': 'false' } }) },
      spec: { profile: { displayName: u.display_name, email: u.email }, memberOf: u.teams },
    });
  }
  for (const s of model.services.filter((x) => x.catalog === 'backstage')) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: s.name, annotations: { 'github.com/project-slug': s.repo }, tags: [`v${s.catalog_version}`] },
      spec: { type: 'service', lifecycle: 'production', owner: `group:default/${s.catalog_team}` },
    });
  }
  return docs.map((d) => stringify(d)).join('---\n');
}

const TF_TYPE: Record<SynthResourceType, string> = {
  aws_s3_bucket: 'aws_s3_bucket',
  aws_ec2_instance: 'aws_instance',
  aws_security_group: 'aws_security_group',
  aws_iam_role: 'aws_iam_role',
  aws_rds_instance: 'aws_db_instance',
  aws_lambda_function: 'aws_lambda_function',
  aws_sqs_queue: 'aws_sqs_queue',
  aws_dynamodb_table: 'aws_dynamodb_table',
  aws_kms_key: 'aws_kms_key',
  aws_ebs_volume: 'aws_ebs_volume',
};

function tfAttributes(r: SynthResource): Record<string, unknown> {
  const tags = Object.fromEntries(r.tags.map((t) => [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)]));
  const base = { arn: r.arn, tags, tags_all: tags };
  switch (r.resource_type) {
    case 'aws_s3_bucket':
      return { ...base, id: r.name, bucket: r.name, region: r.region };
    case 'aws_ec2_instance':
      return { ...base, id: r.native_id, instance_type: 't3.medium', availability_zone: `${r.region}a` };
    case 'aws_security_group':
      return { ...base, id: r.native_id, name: r.name, ingress: [], egress: [] };
    case 'aws_iam_role':
      return { ...base, id: r.name, name: r.name, path: '/' };
    case 'aws_rds_instance':
      return { ...base, id: r.name, identifier: r.name, engine: 'postgres', storage_encrypted: true };
    case 'aws_lambda_function':
      return { ...base, id: r.name, function_name: r.name, runtime: 'nodejs20.x' };
    case 'aws_sqs_queue':
      return { ...base, id: `https://sqs.${r.region}.amazonaws.com/${r.account}/${r.name}`, name: r.name };
    case 'aws_dynamodb_table':
      return { ...base, id: r.name, name: r.name };
    case 'aws_kms_key':
      return { ...base, id: r.native_id, key_id: r.native_id, enable_key_rotation: true };
    case 'aws_ebs_volume':
      return { ...base, id: r.native_id, size: 100, encrypted: false, availability_zone: `${r.region}a` };
  }
}

function terraformStates(model: OrgModel): Record<string, string> {
  const byRoot = new Map<string, SynthResource[]>();
  for (const r of model.resources) if (r.tf_root) byRoot.set(r.tf_root, [...(byRoot.get(r.tf_root) ?? []), r]);
  const files: Record<string, string> = {};
  for (const root of model.tf_roots) {
    const resources = byRoot.get(root.id);
    if (!resources) continue;
    const state = {
      version: 4,
      terraform_version: '1.7.5',
      serial: resources.length,
      // A team's own stacks by team and stack; other stacks (the platform team's shared ones) by their path.
      lineage: root.path.startsWith('teams/') ? `lineage-${root.team}-${root.path.split('/').pop()}` : `lineage-${root.path.replace(/\//g, '-')}`,
      outputs: {},
      resources: resources.map((r, i) => ({
        mode: 'managed',
        type: TF_TYPE[r.resource_type],
        name: `${r.resource_type.replace('aws_', '')}_${i}`,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: tfAttributes(r), sensitive_attributes: [] }],
      })),
      check_results: null,
    };
    files[`terraform/${root.repo}/${root.path}/terraform.tfstate`] = JSON.stringify(state, null, 1);
  }
  return files;
}

const CLI_AGENT = 'aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off';
const TF_AGENT =
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.0 (go1.22.1; linux; amd64)';
const GHA_AGENT = 'aws-sdk-js/3.540.0 ua/2.0 os/linux#6.5.0-1017-azure lang/js md/nodejs#20.11.1 api/sts#3.540.0 configure-aws-credentials';

/** The API call that creates or changes each resource type, as CloudTrail records it. */
function call(r: SynthResource, action: 'create' | 'modify'): { source: string; name: string; request: unknown; response: unknown } {
  const create = action === 'create';
  switch (r.resource_type) {
    case 'aws_s3_bucket':
      return create
        ? { source: 's3.amazonaws.com', name: 'CreateBucket', request: { bucketName: r.name, Host: `${r.name}.s3.amazonaws.com` }, response: null }
        : {
            source: 's3.amazonaws.com',
            name: 'PutBucketEncryption',
            request: { bucketName: r.name, Host: `${r.name}.s3.amazonaws.com` },
            response: null,
          };
    case 'aws_ec2_instance':
      return create
        ? {
            source: 'ec2.amazonaws.com',
            name: 'RunInstances',
            request: { instanceType: 't3.medium', minCount: 1, maxCount: 1 },
            response: { instancesSet: { items: [{ instanceId: r.native_id, instanceType: 't3.medium' }] } },
          }
        : {
            source: 'ec2.amazonaws.com',
            name: 'ModifyInstanceAttribute',
            request: { instanceId: r.native_id, instanceType: { value: 't3.large' } },
            response: { _return: true },
          };
    case 'aws_security_group':
      return create
        ? {
            source: 'ec2.amazonaws.com',
            name: 'CreateSecurityGroup',
            request: { groupName: r.name, groupDescription: r.name },
            response: { _return: true, groupId: r.native_id },
          }
        : {
            source: 'ec2.amazonaws.com',
            name: 'AuthorizeSecurityGroupIngress',
            request: { groupId: r.native_id, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443 }] } },
            response: { _return: true },
          };
    case 'aws_iam_role':
      return create
        ? {
            source: 'iam.amazonaws.com',
            name: 'CreateRole',
            request: { roleName: r.name, path: '/' },
            response: { role: { arn: r.arn, roleName: r.name, path: '/' } },
          }
        : {
            source: 'iam.amazonaws.com',
            name: 'AttachRolePolicy',
            request: { roleName: r.name, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            response: null,
          };
    case 'aws_rds_instance':
      return create
        ? {
            source: 'rds.amazonaws.com',
            name: 'CreateDBInstance',
            request: { dBInstanceIdentifier: r.name, engine: 'postgres' },
            response: { dBInstanceIdentifier: r.name, dBInstanceArn: r.arn },
          }
        : {
            source: 'rds.amazonaws.com',
            name: 'ModifyDBInstance',
            request: { dBInstanceIdentifier: r.name, applyImmediately: true },
            response: { dBInstanceIdentifier: r.name, dBInstanceArn: r.arn },
          };
    case 'aws_lambda_function':
      return create
        ? {
            source: 'lambda.amazonaws.com',
            name: 'CreateFunction20150331',
            request: { functionName: r.name, runtime: 'nodejs20.x' },
            response: { functionName: r.name, functionArn: r.arn },
          }
        : {
            source: 'lambda.amazonaws.com',
            name: 'UpdateFunctionConfiguration20150331v2',
            request: { functionName: r.name, timeout: 30 },
            response: { functionName: r.name, functionArn: r.arn },
          };
    case 'aws_sqs_queue':
      return create
        ? {
            source: 'sqs.amazonaws.com',
            name: 'CreateQueue',
            request: { queueName: r.name },
            response: { queueUrl: `https://sqs.${r.region}.amazonaws.com/${r.account}/${r.name}` },
          }
        : {
            source: 'sqs.amazonaws.com',
            name: 'SetQueueAttributes',
            request: { queueUrl: `https://sqs.${r.region}.amazonaws.com/${r.account}/${r.name}` },
            response: null,
          };
    case 'aws_dynamodb_table':
      return create
        ? {
            source: 'dynamodb.amazonaws.com',
            name: 'CreateTable',
            request: { tableName: r.name },
            response: { tableDescription: { tableName: r.name, tableArn: r.arn } },
          }
        : {
            source: 'dynamodb.amazonaws.com',
            name: 'UpdateTable',
            request: { tableName: r.name },
            response: { tableDescription: { tableName: r.name, tableArn: r.arn } },
          };
    case 'aws_kms_key':
      return create
        ? {
            source: 'kms.amazonaws.com',
            name: 'CreateKey',
            request: { keyUsage: 'ENCRYPT_DECRYPT' },
            response: { keyMetadata: { keyId: r.native_id, arn: r.arn } },
          }
        : { source: 'kms.amazonaws.com', name: 'EnableKeyRotation', request: { keyId: r.native_id }, response: null };
    case 'aws_ebs_volume':
      return create
        ? {
            source: 'ec2.amazonaws.com',
            name: 'CreateVolume',
            request: { size: 100, availabilityZone: `${r.region}a` },
            response: { volumeId: r.native_id, size: 100 },
          }
        : { source: 'ec2.amazonaws.com', name: 'ModifyVolume', request: { volumeId: r.native_id, size: 200 }, response: null };
  }
}

function userIdentity(model: OrgModel, r: SynthResource, e: SynthEvent, hex: (n: number) => string) {
  const account = r.account;
  const user = e.user ? model.users.find((u) => u.handle === e.user) : undefined;
  const roleId = `AROA${hex(17).toUpperCase()}`;
  const issuer = (role: string, path = '') => ({
    type: 'Role',
    principalId: roleId,
    arn: `arn:aws:iam::${account}:role/${path}${role}`,
    accountId: account,
    userName: role,
  });
  const attributes = { creationDate: e.time, mfaAuthenticated: 'false' };
  const assumed = (role: string, session: string, path = '', extra: Record<string, unknown> = {}) => ({
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${hex(16).toUpperCase()}`,
    sessionContext: { sessionIssuer: issuer(role, path), ...extra, attributes },
  });
  switch (e.form) {
    case 'iam_user':
      return {
        identity: {
          type: 'IAMUser',
          principalId: `AIDA${hex(17).toUpperCase()}`,
          arn: `arn:aws:iam::${account}:user/${user!.handle}`,
          accountId: account,
          accessKeyId: `AKIA${hex(16).toUpperCase()}`,
          userName: user!.handle,
        },
        agent: CLI_AGENT,
      };
    case 'sso':
      return { identity: assumed(e.role!, user!.email, `aws-reserved/sso.amazonaws.com/${r.region}/`), agent: CLI_AGENT };
    case 'assumed_role':
      return { identity: assumed(e.role!, user!.handle), agent: CLI_AGENT };
    case 'github_actions': {
      const repoName = e.repo!.split('/')[1];
      const session = `GitHubActions-${repoName}-${e.session!.slice('GitHubActions-'.length)}`;
      return {
        identity: assumed(e.role!, session, '', {
          webIdFederationData: {
            federatedProvider: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
            attributes: { 'token.actions.githubusercontent.com:sub': `repo:${e.repo}:ref:refs/heads/main` },
          },
        }),
        agent: GHA_AGENT,
      };
    }
    case 'terraform':
      return { identity: assumed(e.role!, e.session!), agent: TF_AGENT };
    case 'shared_role':
      return { identity: assumed(e.role!, e.session!), agent: CLI_AGENT };
  }
}

function cloudTrailFiles(model: OrgModel): Record<string, string> {
  const hex = (() => {
    const rnd = prng(model.seed ^ 0xc10d);
    return (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  })();
  const groups = new Map<string, unknown[]>();
  for (const r of model.resources) {
    for (const e of r.events) {
      const c = call(r, e.action);
      const { identity, agent } = userIdentity(model, r, e, hex);
      const region = r.region;
      const record = {
        eventVersion: '1.09',
        userIdentity: identity,
        eventTime: e.time,
        eventSource: c.source,
        eventName: c.name,
        awsRegion: region,
        sourceIPAddress:
          e.form === 'github_actions'
            ? `20.${Number.parseInt(hex(2), 16)}.${Number.parseInt(hex(2), 16)}.7`
            : `203.0.113.${Number.parseInt(hex(2), 16)}`,
        userAgent: agent,
        requestParameters: c.request,
        responseElements: c.response,
        requestID: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
        eventID: e.id,
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: r.account,
        eventCategory: 'Management',
      };
      const key = `${r.account}/${region}/${e.time.slice(0, 7)}`;
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
  }
  const files: Record<string, string> = {};
  for (const [key, records] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [account, region, month] = key.split('/');
    const [y, m] = month.split('-');
    (records as { eventTime: string }[]).sort((a, b) => a.eventTime.localeCompare(b.eventTime));
    files[`cloudtrail/AWSLogs/${account}/CloudTrail/${region}/${y}/${m}/01/${account}_CloudTrail_${region}_${y}${m}01T0000Z_${hex(16)}.json`] =
      JSON.stringify({ Records: records });
  }
  return files;
}

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function preferencesCsv(model: OrgModel): string {
  const lines = [PREFERENCE_COLUMNS.join(',')];
  for (const p of model.preferences) lines.push(PREFERENCE_COLUMNS.map((c) => csvCell((p as unknown as Record<string, unknown>)[c])).join(','));
  return lines.join('\n') + '\n';
}
