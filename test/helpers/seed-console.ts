// A small, realistic organization written through the product's own writers (inventory ingest with the built-in rules,
// directory, service catalog, CloudTrail events), then inferred by the real worker. No fakes.
import type { Db } from '../../src/store/db.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import type { AuditEvent, Directory, Service } from '../../src/ownership/signals.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { importAuditEvents, importDirectory, importServices } from '../../src/ownership/signal-imports.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import type { TestServer } from './server.js';

export const ACCOUNT = '111122223333';
/** An EC2 instance whose ARN holds `/` and `:`; tagged with a service the catalog gives to `payments` and an owner. */
export const CHECKOUT_INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718`;
/** A bucket that came with its own `team:platform` tag. */
export const PLATFORM_BUCKET = 'arn:aws:s3:::acme-platform-artifacts';
/** A bucket created by `carol` (IAM user) according to CloudTrail, with no tags. */
export const CAROL_BUCKET = 'arn:aws:s3:::acme-carol-scratch';
/** A bucket nothing says anything about. */
export const ORPHAN_BUCKET = 'arn:aws:s3:::zz-orphan-bucket';

export const DIRECTORY: Directory = {
  users: [
    { handle: 'alice', email: 'alice@acme.example', display_name: 'Alice Ng', active: true, teams: ['payments'] },
    { handle: 'bob', email: 'bob@acme.example', display_name: 'Bob Stone', active: true, teams: ['payments'] },
    { handle: 'carol', email: 'carol@acme.example', display_name: 'Carol Diaz', active: true, teams: ['platform'] },
    { handle: 'dave', email: 'dave@acme.example', display_name: 'Dave Kim', active: false, teams: ['data'] },
  ],
  teams: [
    { handle: 'payments', name: 'Payments', members: ['alice', 'bob'] },
    { handle: 'platform', name: 'Platform Engineering', members: ['carol'] },
    { handle: 'data', name: 'Data', members: ['dave'] },
  ],
};

export const SERVICES: Service[] = [
  {
    name: 'checkout',
    team: 'payments',
    additional_owners: [],
    contacts: [{ type: 'slack', contact: 'https://acme.slack.com/archives/payments' }],
    repositories: [{ url: 'https://github.com/acme/checkout' }],
    links: [],
    tags: ['tier:1'],
    schema_version: 'v2.2',
    source: 'datadog_service_catalog',
    languages: ['go'],
    ci_pipeline_fingerprints: [],
  },
];

function resources(now: number, only?: string[]): ResourceRecord[] {
  return allResources(now).filter((r) => !only || only.includes(r.resource_id));
}

function allResources(now: number): ResourceRecord[] {
  const base = { cloud_provider: 'aws' as const, account: ACCOUNT, observed_at: now };
  return [
    {
      ...base,
      resource_id: CHECKOUT_INSTANCE,
      resource_type: 'aws_ec2_instance',
      name: 'checkout-api-1',
      region: 'us-east-1',
      tags: ['service:checkout', 'owner:alice', 'env:prod'],
      // IMDSv1 allowed, public address, no instance profile: three failing rules.
      configuration: {
        instance_id: 'i-0a1b2c3d4e5f60718',
        metadata_options: { http_tokens: 'optional', http_endpoint: 'enabled' },
        public_ip_address: '54.210.10.20',
      },
    },
    {
      ...base,
      resource_id: PLATFORM_BUCKET,
      resource_type: 'aws_s3_bucket',
      name: 'acme-platform-artifacts',
      region: 'us-east-1',
      tags: ['team:platform', 'env:prod'],
      configuration: { bucket: 'acme-platform-artifacts' },
    },
    {
      ...base,
      resource_id: CAROL_BUCKET,
      resource_type: 'aws_s3_bucket',
      name: 'acme-carol-scratch',
      region: 'us-east-1',
      tags: [],
      configuration: { bucket: 'acme-carol-scratch' },
    },
    {
      ...base,
      resource_id: ORPHAN_BUCKET,
      resource_type: 'aws_s3_bucket',
      name: 'zz-orphan-bucket',
      region: 'eu-west-1',
      tags: [],
      configuration: { bucket: 'zz-orphan-bucket' },
    },
  ];
}

/** A CloudTrail CreateBucket by IAM user `user` of ACCOUNT, a day before `now`. */
export function bucketCreatedBy(user: string, bucket: string, eventId: string, now: number): AuditEvent {
  return {
    event_id: eventId,
    event_time: now - 86_400_000,
    event_source: 's3.amazonaws.com',
    event_name: 'CreateBucket',
    account: ACCOUNT,
    region: 'us-east-1',
    principal: { kind: 'iam_user', name: user, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, account: ACCOUNT, automation: false },
    resource_ids: [bucket],
    resources: [{ id: bucket, resource_type: 'aws_s3_bucket', action: 'created' }],
  };
}

function auditEvents(now: number): AuditEvent[] {
  return [
    {
      ...bucketCreatedBy('carol', CAROL_BUCKET, '3f1c2a7e-9b41-4d0c-a7c2-5d8e1f6a0b11', now),
      user_agent: 'aws-cli/2.15.0',
      source_ip: '203.0.113.7',
    },
  ];
}

/** Imports the organization into `orgId` (all its resources, or those named) and runs the worker until the queue is empty. */
export async function seedOwnershipOrganization(db: Db, orgId: string, opts: { now?: number; resources?: string[] } = {}): Promise<void> {
  const now = opts.now ?? Date.now();
  await db.transaction(async (tx) => {
    await importDirectory(tx, orgId, DIRECTORY, 'hr-directory', now);
    await importServices(tx, orgId, SERVICES, 'datadog_service_catalog', now);
  });
  // Whole canonical configurations, written as an NDJSON import would: a field they leave out is unset, so the rules'
  // defaults hold (an unknown source would leave most bucket rules not evaluated).
  await ingestResources(db, orgId, resources(now, opts.resources), builtInRuleEngine(), { source: 'import:resources', now });
  await db.transaction((tx) => importAuditEvents(tx, orgId, auditEvents(now), now));
  await recomputeUntilEmpty(db, { orgId });
}

/**
 * What the console's end-to-end test needs (see test/e2e/console.test.ts): failing findings, the first failing one in
 * API order (severity, then id) on the checkout instance, which has suggested team and user inferences; a directory
 * with several teams and active users; default settings.
 */
export async function seedConsoleScenario(server: TestServer): Promise<void> {
  // Only resources whose team and user answers are suggested: whichever failing finding comes first, its first two
  // owner cards (team, user) can be confirmed and corrected.
  await seedOwnershipOrganization(server.server.db, server.orgId, { resources: [CHECKOUT_INSTANCE, CAROL_BUCKET] });
}
