// After an upgrade of the rule pack, `steward rules reevaluate` judges the inventory again: a store filled under rules
// that decided without their data loses those findings for gaps, and ends where a fresh import under the new rules
// would; what was said before stays in the history. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../helpers/db.js';
import { fixturePath } from '../helpers/fixtures.js';
import type { Db } from '../../src/store/db.js';
import { ensureOrg } from '../../src/store/orgs.js';
import { parseTerraformState } from '../../src/ingest/terraform-state.js';
import type { ResourceRecord } from '../../src/posture/resource.js';
import { ingestResources } from '../../src/posture/inventory-service.js';
import { reevaluateInventory } from '../../src/posture/reevaluate.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import type { RuleEngine } from '../../src/posture/rule-engine.js';
import { listingInstant } from '../../src/store/snapshot-clock.js';

const rules = builtInRuleEngine();
/** Rules as they were before pairs could go unjudged: a rule lacking its data failed. */
const decidingWithoutData: RuleEngine = {
  ...rules,
  evaluate: (rule, configuration, source) => {
    const verdict = rules.evaluate(rule, configuration, source);
    return typeof verdict === 'string' ? verdict : 'fail';
  },
};

let store: { db: Db; close(): Promise<void> };
const states: ResourceRecord[] = [];

before(async () => {
  store = await openTestStore();
  const dir = fixturePath('terraform-state');
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    states.push(...parseTerraformState(JSON.parse(readFileSync(file, 'utf8')), file, { now: 1_700_000_000_000 }));
  }
});
after(async () => store?.close());

/** Current rule-pack findings and gaps of an organization, keyed by resource and rule. */
async function judged(orgId: string) {
  const findings = await store.db.query<{ key: string; evaluation: string }>(
    `SELECT s.resource_id || ' ' || s.rule_id AS key, s.evaluation FROM finding_states s
       JOIN findings f ON f.org_id = s.org_id AND f.finding_id = s.finding_id AND f.origin = 'rule'
      WHERE s.org_id = $1 AND s.valid_to = 9223372036854775807 ORDER BY 1`,
    [orgId],
  );
  const gaps = await store.db.query<{ key: string; missing: string[] }>(
    `SELECT resource_id || ' ' || rule_id AS key, missing_fields AS missing FROM evaluation_gaps
      WHERE org_id = $1 AND valid_to = 9223372036854775807 ORDER BY 1`,
    [orgId],
  );
  return { findings: findings.rows, gaps: gaps.rows };
}

async function failsAt(orgId: string, at: number): Promise<number> {
  const r = await store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM finding_states WHERE org_id = $1 AND evaluation = 'fail' AND valid_from <= $2 AND $2 < valid_to`,
    [orgId, at],
  );
  return r.rows[0]!.n;
}

test('reevaluating a store filled under rules that decided without data ends where a fresh import under the new rules does', async () => {
  const upgraded = (await ensureOrg(store.db, 'upgraded')).org_id;
  const fresh = (await ensureOrg(store.db, 'fresh')).org_id;
  await ingestResources(store.db, upgraded, states, decidingWithoutData, { source: 'import:terraform-state' });
  await ingestResources(store.db, fresh, states, rules, { source: 'import:terraform-state' });
  const before = await judged(upgraded);
  assert.equal(before.gaps.length, 0, 'the old rules left no pair unjudged');
  const beforeInstant = await listingInstant(store.db, upgraded);
  const failsBefore = await failsAt(upgraded, beforeInstant);

  const summary = await reevaluateInventory(store.db, upgraded, rules);
  const expected = await judged(fresh);
  assert.ok(expected.gaps.length > 0, 'the fixtures hold pairs the new rules cannot judge');
  assert.deepEqual(await judged(upgraded), expected);
  assert.equal(summary.resources, new Set(states.map((r) => r.resource_id)).size);
  assert.equal(summary.gaps_opened, expected.gaps.length);
  assert.equal(summary.findings_closed, expected.gaps.length, 'each false fail closed, with no successor');
  assert.equal(summary.findings_opened, 0);

  // What the old rules said stays in the history: the instant before answers as it did.
  assert.equal(await failsAt(upgraded, beforeInstant), failsBefore);
  assert.ok((await failsAt(upgraded, await listingInstant(store.db, upgraded))) < failsBefore);

  const again = await reevaluateInventory(store.db, upgraded, rules);
  assert.deepEqual(
    { ...again, resources: 0 },
    { resources: 0, findings_opened: 0, findings_closed: 0, gaps_opened: 0, gaps_closed: 0 },
    'a second pass writes nothing',
  );
});
