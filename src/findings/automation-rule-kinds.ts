// The automation rule types Steward serves (mute, severity modifier, due date), as Datadog's client speaks them: each
// one's request body (TypeBox: the routes' schemas, the OpenAPI document and the types in one place), its wire type and
// path, and what of its action is kept. All three share the scope (finding types and a query) and the CRUD service.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { InvalidInput, Unprocessable } from '../errors.js';
import { textFieldReason } from '../input-limits.js';
import { StringEnum } from '../schema-types.js';
import type { AutomationRuleRow, AutomationRuleType } from '../store/automation-rules.js';

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
export const MAX_DESCRIPTION = 10_000;
const MAX_RULES_A_REORDER = 1000;
const MAX_DUE_DAYS = 36_500;

export const RULE_SCOPE = Type.Object(
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
    expire_at: Type.Optional(
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Unix ms, in the future: the mutes end then' }),
    ),
  },
  { additionalProperties: false },
);

const SEVERITY_ACTION = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('set'),
        severity: StringEnum(['critical', 'high', 'medium', 'low', 'info_none'] as const),
        description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
      },
      { additionalProperties: false, description: 'Set the severity' },
    ),
    Type.Object(
      {
        type: Type.Literal('shift'),
        severity_delta: StringEnum(['up_one', 'down_one'] as const),
        description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
      },
      { additionalProperties: false, description: 'Shift the severity one step (no further than critical or info)' },
    ),
  ],
  { description: "The new severity, from the finding's own" },
);

const DUE_DATE_ACTION = Type.Object(
  {
    due_days_per_severity: Type.Array(
      Type.Object(
        {
          severity: StringEnum(['critical', 'high', 'medium', 'low', 'info', 'none', 'unknown'] as const),
          due_in_days: Type.Integer({ minimum: 0, maximum: MAX_DUE_DAYS }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 7, description: 'Days to remediate, per severity (each severity at most once)' },
    ),
    due_from: StringEnum(['first_seen', 'fix_available'] as const, {
      description: 'From when the days count; Steward has no fix-availability dates, so both count from first seen',
    }),
    reason_description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
  },
  { additionalProperties: false },
);

// Closed to fields they do not name: a misspelt `enable: false` created a rule at work, rather than being refused.
const closed = { additionalProperties: false } as const;

function ruleBody<T extends string, A extends TSchema>(type: T, action: A) {
  return Type.Object(
    {
      data: Type.Object(
        {
          type: Type.Literal(type),
          attributes: Type.Object(
            {
              name: Type.String({ minLength: 1 }),
              enabled: Type.Optional(Type.Boolean({ description: 'Defaults to true' })),
              rule: RULE_SCOPE,
              action,
            },
            closed,
          ),
        },
        closed,
      ),
    },
    closed,
  );
}

function reorderBody<T extends string>(type: T) {
  return Type.Object(
    { data: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), type: Type.Literal(type) }, closed), { maxItems: MAX_RULES_A_REORDER }) },
    closed,
  );
}

export const MUTE_RULE_BODY = ruleBody('mute_rules', MUTE_ACTION);
export const SEVERITY_RULE_BODY = ruleBody('severity_modifier_rules', SEVERITY_ACTION);
export const DUE_DATE_RULE_BODY = ruleBody('due_date_rules', DUE_DATE_ACTION);

/** Any of the three bodies: what the CRUD service reads of them is the same. */
export type RuleBody = Static<typeof MUTE_RULE_BODY> | Static<typeof SEVERITY_RULE_BODY> | Static<typeof DUE_DATE_RULE_BODY>;
export interface RuleReorderBody {
  data: Array<{ id: string; type: string }>;
}

export function checkedText(value: string, pointer: string, maxBytes: number): string {
  const unfit = textFieldReason(value, maxBytes);
  if (unfit) throw new InvalidInput(`Invalid body field ${pointer}: ${unfit}`, { pointer });
  return value;
}

const ACTION = '/data/attributes/action';

/** The action as kept: what the API took, with its texts checked as the store can keep them. */
function keptAction(action: Record<string, unknown>): Record<string, unknown> {
  for (const key of ['reason_description', 'description'] as const) {
    if (typeof action[key] === 'string') checkedText(action[key], `${ACTION}/${key}`, MAX_DESCRIPTION * 4);
  }
  return { ...action };
}

/** A mute rule's expiry in the past would mute nothing, ever: a 422, as for a mute of findings. */
function keptMuteAction(action: Record<string, unknown>, now: number): Record<string, unknown> {
  if (typeof action.expire_at === 'number' && action.expire_at <= now) {
    const pointer = `${ACTION}/expire_at`;
    throw new Unprocessable(`Invalid body field ${pointer}: must be in the future`, { pointer });
  }
  return keptAction(action);
}

/** Each severity of a due date rule at most once (a schema cannot say so). */
function keptDueDateAction(action: Record<string, unknown>): Record<string, unknown> {
  const seen = new Set<string>();
  (action.due_days_per_severity as Array<{ severity: string }>).forEach((d, i) => {
    const pointer = `${ACTION}/due_days_per_severity/${i}/severity`;
    if (seen.has(d.severity)) throw new InvalidInput(`Invalid body field ${pointer}: the severity ${d.severity} is named twice`, { pointer });
    seen.add(d.severity);
  });
  return keptAction(action);
}

export interface RuleKind {
  type: AutomationRuleType;
  /** The JSON:API type and the path segment under /api/v2/security/findings/automation/. */
  wireType: 'mute_rules' | 'severity_modifier_rules' | 'due_date_rules';
  /** How errors and summaries name one rule. */
  noun: string;
  body: TSchema;
  /** The body's action: the responses show it as kept. */
  action: TSchema;
  reorderBody: TSchema;
  /** The action as kept, at `now`; what it cannot take is an error naming its pointer. */
  keptAction(action: Record<string, unknown>, now: number): Record<string, unknown>;
}

export const RULE_KINDS: RuleKind[] = [
  {
    type: 'mute',
    wireType: 'mute_rules',
    noun: 'mute rule',
    body: MUTE_RULE_BODY,
    action: MUTE_ACTION,
    reorderBody: reorderBody('mute_rules'),
    keptAction: keptMuteAction,
  },
  {
    type: 'severity',
    wireType: 'severity_modifier_rules',
    noun: 'severity modifier rule',
    body: SEVERITY_RULE_BODY,
    action: SEVERITY_ACTION,
    reorderBody: reorderBody('severity_modifier_rules'),
    keptAction,
  },
  {
    type: 'due_date',
    wireType: 'due_date_rules',
    noun: 'due date rule',
    body: DUE_DATE_RULE_BODY,
    action: DUE_DATE_ACTION,
    reorderBody: reorderBody('due_date_rules'),
    keptAction: keptDueDateAction,
  },
];

/** A rule as the client's <Type>RuleDataResponse. */
export function ruleData(kind: RuleKind, rule: AutomationRuleRow) {
  return {
    id: rule.rule_id,
    type: kind.wireType,
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
