// Seeds findings through the store's own write functions, for the findings tests.
import type { Queryable } from '../../src/store/db.js';
import type { FindingState } from '../../src/posture/finding-state.js';
import { SEVERITIES, VULNERABILITY_TYPES } from '../../src/posture/resource.js';
import { insertFindingIdentities, writeStates } from '../../src/store/finding-states.js';

export const BASE_TIME = 1_700_000_000_000;
const TYPES = ['aws_s3_bucket', 'aws_iam_role', 'gcp_storage_bucket', 'azure_storage_account'];
const TEAMS = ['payments', 'search', 'identity'];

/** A varied but deterministic finding: every listed field differs across i. */
export function makeState(i: number, overrides: Partial<FindingState> = {}): FindingState {
  const type = TYPES[i % TYPES.length]!;
  const provider = type.split('_')[0]!;
  return {
    finding_id: `f-${String(i).padStart(6, '0')}-${(i * 7919) % 1000}`,
    resource_id: provider === 'aws' ? `arn:aws:s3:::bucket-${i}` : `${provider}/${type}/res-${i}`,
    resource_name: `resource-${i}`,
    resource_type: type,
    rule_id: `rule-${i % 7}`,
    rule_name: `Rule number ${i % 7} is ${i % 2 ? 'strict' : 'lenient'}`,
    vulnerability_type: VULNERABILITY_TYPES[i % 5 === 0 ? 1 : 0]!,
    status: SEVERITIES[i % SEVERITIES.length]!,
    evaluation: i % 3 === 0 ? 'pass' : 'fail',
    evaluation_changed_at: BASE_TIME + i * 1000,
    resource_discovery_date: BASE_TIME - i * 500,
    tags: [`cloud_provider:${provider}`, `env:${i % 2 ? 'prod' : 'dev'}`, `team:${TEAMS[i % TEAMS.length]}`],
    muted: false,
    mute: null,
    mute_expires_at: null,
    ...overrides,
  };
}

export async function seedStates(db: Queryable, orgId: string, states: FindingState[], now: number): Promise<void> {
  for (let i = 0; i < states.length; i += 2000) {
    const batch = states.slice(i, i + 2000);
    await insertFindingIdentities(
      db,
      orgId,
      batch.map((s) => ({ finding_id: s.finding_id, resource_id: s.resource_id, rule_id: s.rule_id, origin: 'rule' as const })),
    );
    await writeStates(db, orgId, [], batch, now, null);
  }
}

export async function seedFindings(db: Queryable, orgId: string, count: number, now = Date.now() - 60_000): Promise<FindingState[]> {
  const states = Array.from({ length: count }, (_, i) => makeState(i));
  await seedStates(db, orgId, states, now);
  return states;
}

/** The listing's order: severity, then finding id (byte order, as the tests' ids are ASCII). */
export function listingOrder(a: FindingState, b: FindingState): number {
  const r = SEVERITIES.indexOf(a.status as never) - SEVERITIES.indexOf(b.status as never);
  return r !== 0 ? r : a.finding_id < b.finding_id ? -1 : a.finding_id > b.finding_id ? 1 : 0;
}
