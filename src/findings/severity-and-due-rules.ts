// Severity modifier and due date rules at work: for each finding, the first enabled rule of each type (in their order)
// whose scope matches decides its severity and its due date; a finding no rule matches keeps its own severity and has
// no due date. Each change is one more state in the finding's history, written by the rule (`automation-rule:<id>`) and
// marked with it, so a snapshot answers what the rules had done by then.
import type { Db, Queryable } from '../store/db.js';
import {
  currentFindingsMatching,
  currentFindingsWithAutomation,
  enabledRulesInOrder,
  shareRuleLock,
  type AutomationRuleRow,
} from '../store/automation-rules.js';
import { stateOf, writeStates, type StoredState } from '../store/finding-states.js';
import { firstSeenAt } from '../store/findings-query.js';
import { lockCurrentStates, resourcesOfFindings } from '../store/mutes.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import { baseSeverityOf, type FindingAutomation, type FindingState } from '../posture/finding-state.js';
import { dueAt, modifiedSeverity, type DueDateAction, type SeverityAction } from './rule-actions.js';
import { onOwnSeverity, ruleActor, ruleScope } from './rule-scope.js';

const BATCH = 500;

/** Each finding of `ids` that some rule matches now -> the first such rule. */
async function firstMatchingRule(tx: Queryable, orgId: string, rules: AutomationRuleRow[], ids: string[], now: number) {
  const out = new Map<string, AutomationRuleRow>();
  let left = ids;
  for (const rule of rules) {
    if (left.length === 0) break;
    for (const id of await currentFindingsMatching(tx, orgId, onOwnSeverity(ruleScope(rule)), now, left)) out.set(id, rule);
    left = left.filter((id) => !out.has(id));
  }
  return out;
}

function sameAutomation(a: FindingAutomation | null | undefined, b: FindingAutomation | null): boolean {
  return (
    a?.severity?.rule_id === b?.severity?.rule_id &&
    a?.severity?.rule_name === b?.severity?.rule_name &&
    a?.due?.rule_id === b?.due?.rule_id &&
    a?.due?.rule_name === b?.due?.rule_name &&
    (a?.due ? Number(a.due.due_at) : undefined) === b?.due?.due_at
  );
}

/**
 * Within the caller's transaction, which holds these states' resources' write locks: judges the states (current,
 * locked) against the organization's enabled severity modifier and due date rules and writes the states that change,
 * at `now`. Returns how many changed.
 */
export async function applySeverityAndDueRules(tx: Queryable, orgId: string, states: StoredState[], now: number): Promise<number> {
  if (states.length === 0) return 0;
  await shareRuleLock(tx, orgId);
  const [severityRules, dueRules] = await Promise.all([enabledRulesInOrder(tx, orgId, 'severity'), enabledRulesInOrder(tx, orgId, 'due_date')]);
  if (severityRules.length === 0 && dueRules.length === 0 && states.every((s) => !s.automation && !s.base_status)) return 0;
  const ids = states.map((s) => s.finding_id);
  const bySeverityRule = await firstMatchingRule(tx, orgId, severityRules, ids, now);
  const byDueRule = await firstMatchingRule(tx, orgId, dueRules, ids, now);
  const firstSeen = dueRules.length > 0 ? await firstSeenAt(tx, orgId, ids, now) : new Map<string, number>();
  const byActor = new Map<string, FindingState[]>();
  for (const s of states) {
    const own = baseSeverityOf(s);
    const severityRule = bySeverityRule.get(s.finding_id);
    const status = severityRule ? modifiedSeverity(own, severityRule.action as SeverityAction) : own;
    const dueRule = byDueRule.get(s.finding_id);
    const due = dueRule ? dueAt(status, firstSeen.get(s.finding_id) ?? now, dueRule.action as unknown as DueDateAction) : null;
    const marks: FindingAutomation = {
      ...(severityRule ? { severity: { rule_id: severityRule.rule_id, rule_name: severityRule.name } } : {}),
      ...(dueRule && due !== null ? { due: { rule_id: dueRule.rule_id, rule_name: dueRule.name, due_at: due } } : {}),
    };
    const automation = Object.keys(marks).length > 0 ? marks : null;
    const baseStatus = severityRule ? own : null;
    if (s.status === status && (s.base_status ?? null) === baseStatus && sameAutomation(s.automation, automation)) continue;
    // The rule that made the change (or whose change is undone) writes it.
    const severityMoved = s.status !== status || (s.base_status ?? null) !== baseStatus;
    const by = severityMoved
      ? (severityRule?.rule_id ?? s.automation?.severity?.rule_id)
      : (dueRule?.rule_id ?? s.automation?.due?.rule_id ?? s.automation?.severity?.rule_id);
    const actor = by ? ruleActor(by) : 'automation-rules';
    const list = byActor.get(actor) ?? [];
    list.push({ ...stateOf(s), status, base_status: baseStatus, automation });
    byActor.set(actor, list);
  }
  let changed = 0;
  for (const [actor, next] of byActor) {
    await writeStates(
      tx,
      orgId,
      next.map((s) => s.finding_id),
      next,
      now,
      actor,
    );
    changed += next.length;
  }
  return changed;
}

/** At evaluation time, within its transaction and at its instant: the rules judge the findings just written. */
export async function applySeverityAndDueRulesAtEvaluation(tx: Queryable, orgId: string, findingIds: string[], now: number): Promise<number> {
  if (findingIds.length === 0) return 0;
  const states = await lockCurrentStates(tx, orgId, [...new Set(findingIds)]);
  return applySeverityAndDueRules(tx, orgId, [...states.values()], now);
}

/**
 * After a severity modifier or due date rule was created, changed, deleted or reordered: every finding some enabled
 * rule matches, or that a rule had marked, is judged again, in batches that each hold their resources' write locks.
 * Returns how many findings changed.
 */
export async function reapplySeverityAndDueRules(db: Db, orgId: string): Promise<number> {
  const rules = [...(await enabledRulesInOrder(db, orgId, 'severity')), ...(await enabledRulesInOrder(db, orgId, 'due_date'))];
  // One statement a rule: the OR of every rule's scope in one went past PostgreSQL's 65,535 parameters a statement.
  const now = Date.now();
  const candidates = new Set(await currentFindingsWithAutomation(db, orgId));
  for (const rule of rules) for (const id of await currentFindingsMatching(db, orgId, onOwnSeverity(ruleScope(rule)), now)) candidates.add(id);
  return applyInBatches(db, orgId, [...candidates].sort());
}

/** applySeverityAndDueRules over `candidates`, a batch at a time, each holding its resources' write locks. */
async function applyInBatches(db: Db, orgId: string, candidates: string[]): Promise<number> {
  let changed = 0;
  for (let i = 0; i < candidates.length; i += BATCH) {
    const batch = candidates.slice(i, i + BATCH);
    const resources = await resourcesOfFindings(db, orgId, batch);
    changed += await withFindingWriteLease(db, orgId, resources, async (tx, now) =>
      applySeverityAndDueRules(tx, orgId, [...(await lockCurrentStates(tx, orgId, batch)).values()], now),
    );
  }
  return changed;
}
