// Mute rules at work: a rule mutes the findings its scope matches when it is created or changed, and at every later
// evaluation the findings just written; a mute a rule wrote carries the rule's id and name, and stays when the rule is
// disabled or deleted (as a person's mute would).
import type { Db, Queryable } from '../store/db.js';
import { currentFindingsMatching, enabledRulesInOrder, shareRuleLock, type AutomationRuleRow } from '../store/automation-rules.js';
import { lockCurrentStates, resourcesOfFindings, writeMutes } from '../store/mutes.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import type { FilterNode } from './filter-tree.js';
import { ruleActor, ruleScope } from './rule-scope.js';

const APPLY_BATCH = 500;

/** The findings a mute rule selects: its scope, and not muted now (a mute already there stands). */
function muteRuleFilter(rule: AutomationRuleRow): FilterNode {
  return { op: 'and', nodes: [ruleScope(rule), { op: 'muted', value: false }] };
}

/**
 * Mutes every finding the (enabled, unexpired) rule matches now and that no mute holds: one new state each, whose mute
 * carries the rule's reason, description and expiry and the rule's id and name, written by `automation-rule:<id>`.
 * Batches of findings each take their resources' write locks; a finding that changed meanwhile is judged again under
 * them. Returns how many findings it muted.
 */
export async function applyMuteRule(db: Db, orgId: string, rule: AutomationRuleRow): Promise<number> {
  if (!rule.enabled || rule.rule_type !== 'mute') return 0;
  const candidates = await currentFindingsMatching(db, orgId, muteRuleFilter(rule), Date.now());
  let muted = 0;
  for (let i = 0; i < candidates.length; i += APPLY_BATCH) {
    const batch = candidates.slice(i, i + APPLY_BATCH);
    const resources = await resourcesOfFindings(db, orgId, batch);
    muted += await withFindingWriteLease(db, orgId, resources, async (tx, now) => (await muteByRule(tx, orgId, rule, batch, now)).length);
  }
  return muted;
}

/**
 * Within the caller's transaction, which holds the write locks of these findings' resources: mutes those of `findingIds`
 * the rule matches now (and no mute holds), at `now`. Returns the ids it muted.
 */
async function muteByRule(tx: Queryable, orgId: string, rule: AutomationRuleRow, findingIds: string[], now: number): Promise<string[]> {
  const expireAt = typeof rule.action.expire_at === 'number' ? rule.action.expire_at : null;
  if (findingIds.length === 0 || (expireAt !== null && expireAt <= now)) return [];
  const current = await lockCurrentStates(tx, orgId, findingIds);
  const still = new Set(await currentFindingsMatching(tx, orgId, muteRuleFilter(rule), now, findingIds));
  const states = [...current.values()].filter((s) => still.has(s.finding_id));
  if (states.length === 0) return [];
  const description = typeof rule.action.reason_description === 'string' ? rule.action.reason_description : undefined;
  const mute = {
    muted: true,
    reason: String(rule.action.reason).toUpperCase(),
    ...(description !== undefined ? { description } : {}),
    start_date: now,
    ...(expireAt !== null ? { expiration_date: expireAt } : {}),
    rule_id: rule.rule_id,
    rule_name: rule.name,
  };
  await writeMutes(tx, orgId, states, { muted: true, mute, expiresAt: expireAt }, now, ruleActor(rule.rule_id));
  return states.map((s) => s.finding_id);
}

/**
 * At evaluation time (an import, `steward rules reevaluate`): the organization's enabled mute rules, in their order,
 * mute those of the findings just written that they match; the first rule that matches a finding mutes it. Within
 * the evaluation's transaction, at its instant. Returns how many findings were muted.
 */
export async function applyMuteRulesAtEvaluation(tx: Queryable, orgId: string, findingIds: string[], now: number): Promise<number> {
  if (findingIds.length === 0) return 0;
  await shareRuleLock(tx, orgId);
  let left = [...new Set(findingIds)];
  let muted = 0;
  for (const rule of await enabledRulesInOrder(tx, orgId, 'mute')) {
    if (left.length === 0) break;
    const done = new Set(await muteByRule(tx, orgId, rule, left, now));
    muted += done.size;
    left = left.filter((id) => !done.has(id));
  }
  return muted;
}
