// Issue 5: `steward import cloudtrail` (importCloudTrailFiles, the command's own function) on a generated
// {"Records":[...]} file of 1,000,000 records, streamed to disk; peak RSS sampled every 50 ms.
// Run alone: npx tsx bench/cloudtrail.ts
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCloudTrailFiles } from '../src/cli/commands/import-cloudtrail.js';
import { ensureOrg } from '../src/store/orgs.js';
import { createBenchStore } from './lib/store.js';
import { rng } from './lib/resources.js';
import { int, rssSampler, scaled } from './lib/stats.js';
import { writeSection } from './lib/readme.js';

const ACCOUNT = '123456789012';

function record(i: number, rnd: () => number, t0: number): object {
  const team = `team-${1 + Math.floor(rnd() * 20)}`;
  const user = `user${Math.floor(rnd() * 500)}@acme.example`;
  const region = ['us-east-1', 'eu-west-1', 'us-west-2'][i % 3]!;
  const identity = {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${team.toUpperCase()}:${user}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_${team}_0123456789abcdef/${user}`,
    accountId: ACCOUNT,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${team.toUpperCase()}`,
        arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${team}_0123456789abcdef`,
        accountId: ACCOUNT,
        userName: `AWSReservedSSO_${team}_0123456789abcdef`,
      },
      attributes: { creationDate: new Date(t0 + i * 1000).toISOString(), mfaAuthenticated: 'false' },
    },
  };
  const base = {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: new Date(t0 + i * 1000).toISOString(),
    awsRegion: region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    requestID: `req-${i}`,
  };
  switch (i % 4) {
    case 0:
      return {
        ...base,
        eventSource: 's3.amazonaws.com',
        eventName: 'CreateBucket',
        requestParameters: { bucketName: `${team}-bucket-${i}`, Host: `${team}-bucket-${i}.s3.amazonaws.com` },
        responseElements: null,
      };
    case 1: {
      const id = `i-${i.toString(16).padStart(17, '0')}`;
      return {
        ...base,
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        requestParameters: { instanceType: 't3.medium', minCount: 1, maxCount: 1 },
        responseElements: { instancesSet: { items: [{ instanceId: id, instanceType: 't3.medium' }] } },
      };
    }
    case 2:
      return {
        ...base,
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateRole',
        requestParameters: { roleName: `${team}-role-${i}`, assumeRolePolicyDocument: '{"Version":"2012-10-17"}' },
        responseElements: {
          role: { roleName: `${team}-role-${i}`, arn: `arn:aws:iam::${ACCOUNT}:role/${team}-role-${i}`, createDate: base.eventTime },
        },
      };
    default:
      return {
        ...base,
        eventSource: 'rds.amazonaws.com',
        eventName: 'CreateDBInstance',
        requestParameters: { dBInstanceIdentifier: `${team}-db-${i}`, engine: 'postgres' },
        responseElements: { dBInstanceArn: `arn:aws:rds:${region}:${ACCOUNT}:db:${team}-db-${i}`, dBInstanceIdentifier: `${team}-db-${i}` },
      };
  }
}

/** Writes the log file record by record (never the whole document in memory). */
export async function writeCloudTrailFile(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const rnd = rng(11);
  const t0 = Date.UTC(2024, 0, 1);
  out.write('{"Records":[');
  for (let i = 0; i < count; i++) {
    if (!out.write((i ? ',' : '') + JSON.stringify(record(i, rnd, t0)))) await once(out, 'drain');
  }
  out.end(']}\n');
  await once(out, 'finish');
}

export async function benchCloudTrail(): Promise<string> {
  const count = scaled(1_000_000, 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'steward-bench-cloudtrail-'));
  const file = join(dir, 'cloudtrail.json');
  const store = await createBenchStore('cloudtrail');
  const db = await store.open();
  try {
    await writeCloudTrailFile(file, count);
    const org = await ensureOrg(db, 'bench-cloudtrail');
    const before = process.memoryUsage().rss;
    const sampler = rssSampler();
    const started = performance.now();
    const r = await importCloudTrailFiles(db, org.org_id, [file]);
    const s = (performance.now() - started) / 1000;
    const peak = sampler.stop();
    const mb = (x: number) => (x / 2 ** 20).toFixed(0);
    console.log(`cloudtrail: ${count} records in ${s.toFixed(1)} s, peak RSS ${mb(peak)} MiB`);
    return [
      `### CloudTrail import (issue 5)`,
      ``,
      `A generated \`{"Records":[...]}\` file of ${int(count)} records (CreateBucket, RunInstances, CreateRole, CreateDBInstance by SSO users), ${mb(statSync(file).size)} MiB, ` +
        `imported with \`importCloudTrailFiles\` (the \`steward import cloudtrail\` command's function: a checking pass, then one writing transaction).`,
      ``,
      `- **${int(count / s)} records/s** (${s.toFixed(1)} s for both passes; ${int(r.events)} events, ${int(r.resources)} resources touched)`,
      `- RSS before ${mb(before)} MiB, **peak ${mb(peak)} MiB** during the import (sampled every 50 ms, whole process incl. the ${store.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL client'}).`,
    ].join('\n');
  } finally {
    await db.close();
    await store.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection('cloudtrail', await benchCloudTrail());
}
