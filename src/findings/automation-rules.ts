// Security findings automation rules through Datadog's operations (create, get, list, update, delete, reorder). Mute
// rules are served; the other types (severity modifier, due date, inbox, ticket creation) answer 501 until a later
// release. The TypeBox schemas are the one definition of the bodies (the routes' schemas, the OpenAPI document, the
// types); this judges what a schema cannot: the scope's query must parse, texts must be ones the store can keep.
import { Type, type Static } from '@sinclair/typebox';
import type { Db, Queryable } from '../store/db.js';
import { newId } from '../auth/key-material.js';
import { InvalidInput, NotFound } from '../errors.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import { StringEnum } from '../schema-types.js';
import { parseSearchQuery } from './search-syntax.js';
import {
  currentFindingsMatching,
  deleteAutomationRule,
  enabledRulesInOrder,
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
import { lockCurrentStates, resourcesOfFindings, writeMutes } from '../store/mutes.js';
import { withFindingWriteLease } from '../store/snapshot-clock.js';
import type { FilterNode } from './filter-tree.js';

/** Datadog's finding types (the client's SecurityFindingType). */
export const SECURITY_FINDING_TYPES = [
  'api_security',
  'attack_path',
  'host_and_container_vulnerability',
  'iac_misconfiguration',
  'identity_risk',
  'library_vulnerability',
  'misconfiguration',
  'runtime_code_vulnerability',
  'secret',
  'static_code_vulnerability',
  'workload_activity',
] as const;
/** The reasons of a mute rule's action (the client's MuteReason). */
export const MUTE_RULE_REASONS = ['duplicate', 'false_positive', 'no_fix', 'other', 'pending_fix', 'risk_accepted'] as const;
export const MUTE_RULES_TYPE = 'mute_rules';
const MAX_DESCRIPTION = 10_000;
const MAX_RULES_A_REORDER = 1000;
export const DEFAULT_RULES_PAGE_SIZE = 100;
const MAX_RULES_PAGE_SIZE = 1000;

const SCOPE = Type.Object(
  {
    finding_types: Type.Array(StringEnum(SECURITY_FINDING_TYPES), {
      minItems: 1,
      uniqueItems: true,
      description: 'The finding types the rule applies to',
    }),
    query: Type.Optional(
      Type.String({ description: "Which findings of those types: Datadog's log search syntax, as filter[query] of the findings listing" }),
    ),
  },
  { additionalProperties: false },
);

const MUTE_ACTION = Type.Object(
  {
    reason: StringEnum(MUTE_RULE_REASONS),
    reason_description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
    expire_at: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Unix ms: the mutes end then' })),
  },
  { additionalProperties: false },
);

export const MUTE_RULE_BODY = Type.Object({
  data: Type.Object({
    type: Type.Literal(MUTE_RULES_TYPE),
    attributes: Type.Object({
      name: Type.String({ minLength: 1 }),
      enabled: Type.Optional(Type.Boolean({ description: 'Defaults to true' })),
      rule: SCOPE,
      action: MUTE_ACTION,
    }),
  }),
});
export type MuteRuleBody = Static<typeof MUTE_RULE_BODY>;

export const MUTE_RULE_REORDER_BODY = Type.Object({
  data: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), type: Type.Literal(MUTE_RULES_TYPE) }), { maxItems: MAX_RULES_A_REORDER }),
});
export type MuteRuleReorderBody = Static<typeof MUTE_RULE_REORDER_BODY>;

export const RULES_PAGE_QUERY = Type.Object(
  {
    'page[size]': Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_RULES_PAGE_SIZE, description: `Rules a page (default ${DEFAULT_RULES_PAGE_SIZE})` }),
    ),
    'page[number]': Type.Optional(Type.Integer({ minimum: 0, description: 'Which page, from 0 (the default)' })),
  },
  { additionalProperties: false },
);
export type RulesPageQuery = Static<typeof RULES_PAGE_QUERY>;

function checkedText(value: string, pointer: string, maxBytes: number): string {
  const unfit = textFieldReason(value, maxBytes);
  if (unfit) throw new InvalidInput(`Invalid body field ${pointer}: ${unfit}`, { pointer });
  return value;
}

/** A body MUTE_RULE_BODY accepted -> the rule's fields: the query parses (an error names /data/attributes/rule/query). */
export function muteRuleFields(body: MuteRuleBody): AutomationRuleFields {
  const { name, enabled, rule, action } = body.data.attributes;
  const query = checkedText(rule.query ?? '', '/data/attributes/rule/query', MAX_DESCRIPTION);
  parseSearchQuery(query, { pointer: '/data/attributes/rule/query' });
  const stored: Record<string, unknown> = { reason: action.reason };
  if (action.reason_description !== undefined)
    stored.reason_description = checkedText(action.reason_description, '/data/attributes/action/reason_description', MAX_DESCRIPTION * 4);
  if (action.expire_at !== undefined) stored.expire_at = action.expire_at;
  return {
    name: checkedText(name, '/data/attributes/name', INPUT_LIMITS.nameBytes),
    enabled: enabled ?? true,
    finding_types: [...rule.finding_types],
    query,
    action: stored,
  };
}

const actorOf = (principal: Principal): RuleActor => ({ id: principal.userId, name: principal.userHandle });
const notFound = (ruleId: string) => new NotFound(`No mute rule ${ruleId}`);

/** A rule as the client's MuteRuleDataResponse. */
export function muteRuleData(rule: AutomationRuleRow) {
  return {
    id: rule.rule_id,
    type: MUTE_RULES_TYPE,
    attributes: {
      name: rule.name,
      enabled: rule.enabled,
      rule: { finding_types: rule.finding_types, query: rule.query },
      action: rule.action,
      created_at: rule.created_at,
      created_by: { id: rule.created_by.id, name: rule.created_by.name, type: 'user' },
      modified_at: rule.modified_at,
      modified_by: { id: rule.modified_by.id, name: rule.modified_by.name, type: 'user' },
    },
  };
}

export async function createMuteRule(db: Db, principal: Principal, body: MuteRuleBody, now: number): Promise<AutomationRuleRow> {
  const fields = muteRuleFields(body);
  const rule = await db.transaction((tx) => insertAutomationRule(tx, principal.orgId, newId(), 'mute', fields, actorOf(principal), now));
  await applyMuteRule(db, principal.orgId, rule);
  return rule;
}

/** Who the history names as having written a rule's mutes (finding_states.changed_by). */
export const ruleActor = (ruleId: string): string => `automation-rule:${ruleId}`;
const APPLY_BATCH = 500;

/** The findings a mute rule selects: its finding types, its query, and not muted now (a mute already there stands). */
function muteRuleFilter(rule: AutomationRuleRow): FilterNode {
  return {
    op: 'and',
    nodes: [
      { op: 'in', field: 'vulnerability_type', values: rule.finding_types },
      parseSearchQuery(rule.query, { pointer: '/data/attributes/rule/query' }),
      { op: 'muted', value: false },
    ],
  };
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

export async function getMuteRule(db: Queryable, orgId: string, ruleId: string): Promise<AutomationRuleRow> {
  const rule = await getAutomationRule(db, orgId, 'mute', ruleId);
  if (!rule) throw notFound(ruleId);
  return rule;
}

export async function listMuteRules(db: Queryable, orgId: string, size: number, number: number) {
  return listAutomationRules(db, orgId, 'mute', size, size * number);
}

export async function updateMuteRule(db: Db, principal: Principal, ruleId: string, body: MuteRuleBody, now: number): Promise<AutomationRuleRow> {
  const fields = muteRuleFields(body);
  const rule = await db.transaction((tx) => updateAutomationRule(tx, principal.orgId, 'mute', ruleId, fields, actorOf(principal), now));
  if (!rule) throw notFound(ruleId);
  await applyMuteRule(db, principal.orgId, rule);
  return rule;
}

export async function deleteMuteRule(db: Db, orgId: string, ruleId: string): Promise<void> {
  if (!(await db.transaction((tx) => deleteAutomationRule(tx, orgId, 'mute', ruleId)))) throw notFound(ruleId);
}

/** The new order must name every mute rule of the organization exactly once; else a 400 naming the item. */
export async function reorderMuteRules(db: Db, orgId: string, body: MuteRuleReorderBody): Promise<string[]> {
  const ids = body.data.map((item) => item.id);
  await db.transaction(async (tx) => {
    const current = await lockedRuleOrder(tx, orgId, 'mute');
    const known = new Set(current);
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      const pointer = `/data/${i}/id`;
      if (!known.has(id)) throw new InvalidInput(`Invalid body field ${pointer}: no mute rule ${id}`, { pointer });
      if (seen.has(id)) throw new InvalidInput(`Invalid body field ${pointer}: mute rule ${id} is named twice`, { pointer });
      seen.add(id);
    });
    if (seen.size !== current.length) {
      const missing = current.filter((id) => !seen.has(id));
      throw new InvalidInput(`Invalid body field /data: the order must name every mute rule; missing ${missing.join(', ')}`, { pointer: '/data' });
    }
    await writeRuleOrder(tx, orgId, 'mute', ids);
  });
  return ids;
}
