import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { idParameter } from '../input-checks.js';
import type { AppContext } from '../context.js';
import { NotImplemented } from '../../errors.js';
import {
  DEFAULT_RULES_PAGE_SIZE,
  MUTE_RULE_BODY,
  MUTE_RULE_REORDER_BODY,
  MUTE_RULES_TYPE,
  RULES_PAGE_QUERY,
  createMuteRule,
  deleteMuteRule,
  getMuteRule,
  listMuteRules,
  muteRuleData,
  reorderMuteRules,
  updateMuteRule,
  type MuteRuleBody,
  type MuteRuleReorderBody,
  type RulesPageQuery,
} from '../../findings/automation-rules.js';

const BASE = '/api/v2/security/findings/automation';
const MUTE = `${BASE}/mute_rules`;
const tags = ['Security findings automation rules'];
// The same budget as the findings they act on.
const config = { rateLimit: 'findings' };
const NO_PARAMETERS = Type.Object({}, { additionalProperties: false });
const RULE_ID = Type.Object({ rule_id: Type.String({ minLength: 1, description: 'The rule id' }) });
type RuleIdParams = Static<typeof RULE_ID>;

/** The rule types of the client this release does not serve yet, by their path segment. */
const NOT_SERVED = [
  { segment: 'severity_modifier_rules', name: 'Severity modifier rules' },
  { segment: 'due_date_rules', name: 'Due date rules' },
  { segment: 'inbox_rules', name: 'Inbox rules' },
  { segment: 'ticket_creation_rules', name: 'Ticket creation rules' },
] as const;
const ANY_BODY = Type.Object(
  {},
  { additionalProperties: true, description: "The client's request body for this rule type (not read: the operation answers 501)" },
);

function pageLink(request: FastifyRequest, size: number, number: number): string {
  return `${request.protocol}://${request.host}${MUTE}?page%5Bsize%5D=${size}&page%5Bnumber%5D=${number}`;
}

export const automationRuleRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.post<{ Body: MuteRuleBody }>(
    MUTE,
    { config, schema: { tags, summary: 'Create a mute rule', querystring: NO_PARAMETERS, body: MUTE_RULE_BODY } },
    async (request, reply) => {
      const rule = await createMuteRule(ctx.db, request.principal, request.body, Date.now());
      return reply.code(201).send({ data: muteRuleData(rule) });
    },
  );

  app.get<{ Querystring: RulesPageQuery }>(
    MUTE,
    { config, schema: { tags, summary: 'List mute rules, in their order', querystring: RULES_PAGE_QUERY } },
    async (request) => {
      const size = request.query['page[size]'] ?? DEFAULT_RULES_PAGE_SIZE;
      const number = request.query['page[number]'] ?? 0;
      const { rules, total } = await listMuteRules(ctx.db, request.principal.orgId, size, number);
      const last = Math.max(0, Math.ceil(total / size) - 1);
      return {
        data: rules.map(muteRuleData),
        links: {
          first: pageLink(request, size, 0),
          last: pageLink(request, size, last),
          ...(number < last ? { next: pageLink(request, size, number + 1) } : {}),
          ...(number > 0 ? { prev: pageLink(request, size, Math.min(number - 1, last)) } : {}),
        },
        meta: { page: { total_filtered_count: total } },
      };
    },
  );

  app.post<{ Body: MuteRuleReorderBody }>(
    `${MUTE}/reorder`,
    { config, schema: { tags, summary: 'Reorder the mute rules', querystring: NO_PARAMETERS, body: MUTE_RULE_REORDER_BODY } },
    async (request) => {
      const ids = await reorderMuteRules(ctx.db, request.principal.orgId, request.body);
      return { data: ids.map((id) => ({ id, type: MUTE_RULES_TYPE })) };
    },
  );

  app.get<{ Params: RuleIdParams }>(
    `${MUTE}/:rule_id`,
    { config, schema: { tags, summary: 'Get a mute rule', params: RULE_ID, querystring: NO_PARAMETERS } },
    async (request) => ({ data: muteRuleData(await getMuteRule(ctx.db, request.principal.orgId, idParameter('rule_id', request.params.rule_id))) }),
  );

  app.put<{ Params: RuleIdParams; Body: MuteRuleBody }>(
    `${MUTE}/:rule_id`,
    { config, schema: { tags, summary: 'Update a mute rule', params: RULE_ID, querystring: NO_PARAMETERS, body: MUTE_RULE_BODY } },
    async (request) => ({
      data: muteRuleData(await updateMuteRule(ctx.db, request.principal, idParameter('rule_id', request.params.rule_id), request.body, Date.now())),
    }),
  );

  app.delete<{ Params: RuleIdParams }>(
    `${MUTE}/:rule_id`,
    { config, schema: { tags, summary: 'Delete a mute rule', params: RULE_ID, querystring: NO_PARAMETERS } },
    async (request, reply) => {
      await deleteMuteRule(ctx.db, request.principal.orgId, idParameter('rule_id', request.params.rule_id));
      return reply.code(204).send();
    },
  );

  for (const { segment, name } of NOT_SERVED) {
    const path = `${BASE}/${segment}`;
    const refuse = async (): Promise<never> => {
      throw new NotImplemented(`${name} are not served by this release of Steward (only mute rules are); ${path} answers 501 until a later one`);
    };
    const summary = `${name}: not served yet (501)`;
    const open = { config, schema: { tags, summary, querystring: Type.Object({}, { additionalProperties: true, description: 'Not read' }) } };
    app.get(path, open, refuse);
    app.post(path, { config, schema: { ...open.schema, body: ANY_BODY } }, refuse);
    app.post(`${path}/reorder`, { config, schema: { ...open.schema, body: ANY_BODY } }, refuse);
    app.get(`${path}/:rule_id`, { config, schema: { ...open.schema, params: RULE_ID } }, refuse);
    app.put(`${path}/:rule_id`, { config, schema: { ...open.schema, params: RULE_ID, body: ANY_BODY } }, refuse);
    app.delete(`${path}/:rule_id`, { config, schema: { ...open.schema, params: RULE_ID } }, refuse);
  }
};
