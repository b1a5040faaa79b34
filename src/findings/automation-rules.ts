// Security findings automation rules through Datadog's operations (create, get, list, update, delete, reorder), one
// service for the three types Steward serves (automation-rule-kinds.ts); inbox and ticket creation rules answer 501.
// This judges what a schema cannot (the scope's query parses, texts are ones the store can keep) and sets the rules to
// work after each change: a mute rule mutes what it matches (mute-rule-effects.ts); a change to severity modifier or
// due date rules has every finding they touch judged again (severity-and-due-rules.ts).
import { Type, type Static } from '@sinclair/typebox';
import type { Db, Queryable } from '../store/db.js';
import { newId } from '../auth/key-material.js';
import { InvalidInput, NotFound } from '../errors.js';
import { INPUT_LIMITS } from '../input-limits.js';
import { parseSearchQuery } from './search-syntax.js';
import {
  deleteAutomationRule,
  getAutomationRule,
  insertAutomationRule,
  listAutomationRules,
  lockedRuleOrder,
  updateAutomationRule,
  writeRuleOrder,
  type AutomationRuleFields,
  type AutomationRuleRow,
  type RuleActor,
} from '../store/automation-rules.js';
import type { Principal } from '../store/orgs.js';
import { checkedText, MAX_DESCRIPTION, type RuleBody, type RuleKind, type RuleReorderBody } from './automation-rule-kinds.js';
import { applyMuteRule } from './mute-rule-effects.js';
import { reapplySeverityAndDueRules } from './severity-and-due-rules.js';

export const DEFAULT_RULES_PAGE_SIZE = 100;
const MAX_RULES_PAGE_SIZE = 1000;
const MAX_RULES_PAGE_NUMBER = Math.floor(Number.MAX_SAFE_INTEGER / MAX_RULES_PAGE_SIZE);

export const RULES_PAGE_QUERY = Type.Object(
  {
    'page[size]': Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_RULES_PAGE_SIZE, description: `Rules a page (default ${DEFAULT_RULES_PAGE_SIZE})` }),
    ),
    // Bounded so that the offset (size × number) stays an exact integer the store can take.
    'page[number]': Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RULES_PAGE_NUMBER, description: 'Which page, from 0 (the default)' })),
  },
  { additionalProperties: false },
);
export type RulesPageQuery = Static<typeof RULES_PAGE_QUERY>;

/** A body the kind's schema accepted -> the rule's fields: the query parses (an error names /data/attributes/rule/query). */
export function ruleFields(kind: RuleKind, body: RuleBody, now: number): AutomationRuleFields {
  const { name, enabled, rule, action } = body.data.attributes;
  const query = checkedText(rule.query ?? '', '/data/attributes/rule/query', MAX_DESCRIPTION);
  parseSearchQuery(query, { pointer: '/data/attributes/rule/query' });
  return {
    name: checkedText(name, '/data/attributes/name', INPUT_LIMITS.nameBytes),
    enabled: enabled ?? true,
    finding_types: [...rule.finding_types],
    query,
    action: kind.keptAction(action as Record<string, unknown>, now),
  };
}

const actorOf = (principal: Principal): RuleActor => ({ id: principal.userId, name: principal.userHandle });
const notFound = (kind: RuleKind, ruleId: string) => new NotFound(`No ${kind.noun} ${ruleId}`);

/** Sets the rules of the kind to work after `rule` (or the order) changed. */
async function putToWork(db: Db, orgId: string, kind: RuleKind, rule: AutomationRuleRow | null): Promise<void> {
  if (kind.type === 'mute') {
    if (rule) await applyMuteRule(db, orgId, rule);
  } else {
    await reapplySeverityAndDueRules(db, orgId);
  }
}

export async function createRule(db: Db, principal: Principal, kind: RuleKind, body: RuleBody, now: number): Promise<AutomationRuleRow> {
  const fields = ruleFields(kind, body, now);
  const rule = await db.transaction((tx) => insertAutomationRule(tx, principal.orgId, newId(), kind.type, fields, actorOf(principal), now));
  await putToWork(db, principal.orgId, kind, rule);
  return rule;
}

export async function getRule(db: Queryable, orgId: string, kind: RuleKind, ruleId: string): Promise<AutomationRuleRow> {
  const rule = await getAutomationRule(db, orgId, kind.type, ruleId);
  if (!rule) throw notFound(kind, ruleId);
  return rule;
}

export async function listRules(db: Queryable, orgId: string, kind: RuleKind, size: number, number: number) {
  return listAutomationRules(db, orgId, kind.type, size, size * number);
}

export async function updateRule(
  db: Db,
  principal: Principal,
  kind: RuleKind,
  ruleId: string,
  body: RuleBody,
  now: number,
): Promise<AutomationRuleRow> {
  const fields = ruleFields(kind, body, now);
  const rule = await db.transaction((tx) => updateAutomationRule(tx, principal.orgId, kind.type, ruleId, fields, actorOf(principal), now));
  if (!rule) throw notFound(kind, ruleId);
  await putToWork(db, principal.orgId, kind, rule);
  return rule;
}

export async function deleteRule(db: Db, orgId: string, kind: RuleKind, ruleId: string): Promise<void> {
  if (!(await db.transaction((tx) => deleteAutomationRule(tx, orgId, kind.type, ruleId)))) throw notFound(kind, ruleId);
  await putToWork(db, orgId, kind, null);
}

/** The new order must name every rule of the kind exactly once; else a 400 naming the item. */
export async function reorderRules(db: Db, orgId: string, kind: RuleKind, body: RuleReorderBody): Promise<string[]> {
  const ids = body.data.map((item) => item.id);
  await db.transaction(async (tx) => {
    const current = await lockedRuleOrder(tx, orgId, kind.type);
    const known = new Set(current);
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      const pointer = `/data/${i}/id`;
      if (!known.has(id)) throw new InvalidInput(`Invalid body field ${pointer}: no ${kind.noun} ${id}`, { pointer });
      if (seen.has(id)) throw new InvalidInput(`Invalid body field ${pointer}: ${kind.noun} ${id} is named twice`, { pointer });
      seen.add(id);
    });
    if (seen.size !== current.length) {
      const missing = current.filter((id) => !seen.has(id));
      throw new InvalidInput(`Invalid body field /data: the order must name every ${kind.noun}; missing ${missing.join(', ')}`, { pointer: '/data' });
    }
    await writeRuleOrder(tx, orgId, kind.type, ids);
  });
  await putToWork(db, orgId, kind, null);
  return ids;
}
