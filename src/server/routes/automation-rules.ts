import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { idParameter } from '../input-checks.js';
import type { AppContext } from '../context.js';
import { NotImplemented } from '../../errors.js';
import {
  DEFAULT_RULES_PAGE_SIZE,
  RULES_PAGE_QUERY,
  createRule,
  deleteRule,
  getRule,
  listRules,
  reorderRules,
  updateRule,
  type RulesPageQuery,
} from '../../findings/automation-rules.js';
import { RULE_KINDS, ruleData, type RuleBody, type RuleReorderBody } from '../../findings/automation-rule-kinds.js';

const BASE = '/api/v2/security/findings/automation';
const tags = ['Security findings automation rules'];
// The same budget as the findings they act on.
const config = { rateLimit: 'findings' };
const NO_PARAMETERS = Type.Object({}, { additionalProperties: false });
const RULE_ID = Type.Object({ rule_id: Type.String({ minLength: 1, description: 'The rule id' }) });
type RuleIdParams = Static<typeof RULE_ID>;

/** The rule types of the client this release does not serve yet, by their path segment. */
const NOT_SERVED = [
  { segment: 'inbox_rules', name: 'Inbox rules' },
  { segment: 'ticket_creation_rules', name: 'Ticket creation rules' },
] as const;
const ANY_BODY = Type.Object(
  {},
  { additionalProperties: true, description: "The client's request body for this rule type (not read: the operation answers 501)" },
);

function pageLink(request: FastifyRequest, path: string, size: number, number: number): string {
  return `${request.protocol}://${request.host}${path}?page%5Bsize%5D=${size}&page%5Bnumber%5D=${number}`;
}

export const automationRuleRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  for (const kind of RULE_KINDS) {
    const path = `${BASE}/${kind.wireType}`;
    const noun = kind.noun;
    const ruleId = (request: FastifyRequest<{ Params: RuleIdParams }>) => idParameter('rule_id', request.params.rule_id);

    app.post<{ Body: RuleBody }>(
      path,
      { config, schema: { tags, summary: `Create a ${noun}`, querystring: NO_PARAMETERS, body: kind.body } },
      async (request, reply) => {
        const rule = await createRule(ctx.db, request.principal, kind, request.body, Date.now());
        return reply.code(201).send({ data: ruleData(kind, rule) });
      },
    );

    app.get<{ Querystring: RulesPageQuery }>(
      path,
      { config, schema: { tags, summary: `List ${noun}s, in their order`, querystring: RULES_PAGE_QUERY } },
      async (request) => {
        const size = request.query['page[size]'] ?? DEFAULT_RULES_PAGE_SIZE;
        const number = request.query['page[number]'] ?? 0;
        const { rules, total } = await listRules(ctx.db, request.principal.orgId, kind, size, number);
        const last = Math.max(0, Math.ceil(total / size) - 1);
        return {
          data: rules.map((rule) => ruleData(kind, rule)),
          links: {
            first: pageLink(request, path, size, 0),
            last: pageLink(request, path, size, last),
            ...(number < last ? { next: pageLink(request, path, size, number + 1) } : {}),
            ...(number > 0 ? { prev: pageLink(request, path, size, Math.min(number - 1, last)) } : {}),
          },
          meta: { page: { total_filtered_count: total } },
        };
      },
    );

    app.post<{ Body: RuleReorderBody }>(
      `${path}/reorder`,
      { config, schema: { tags, summary: `Reorder the ${noun}s`, querystring: NO_PARAMETERS, body: kind.reorderBody } },
      async (request) => {
        const ids = await reorderRules(ctx.db, request.principal.orgId, kind, request.body);
        return { data: ids.map((id) => ({ id, type: kind.wireType })) };
      },
    );

    app.get<{ Params: RuleIdParams }>(
      `${path}/:rule_id`,
      { config, schema: { tags, summary: `Get a ${noun}`, params: RULE_ID, querystring: NO_PARAMETERS } },
      async (request) => ({ data: ruleData(kind, await getRule(ctx.db, request.principal.orgId, kind, ruleId(request))) }),
    );

    app.put<{ Params: RuleIdParams; Body: RuleBody }>(
      `${path}/:rule_id`,
      { config, schema: { tags, summary: `Update a ${noun}`, params: RULE_ID, querystring: NO_PARAMETERS, body: kind.body } },
      async (request) => ({
        data: ruleData(kind, await updateRule(ctx.db, request.principal, kind, ruleId(request), request.body, Date.now())),
      }),
    );

    app.delete<{ Params: RuleIdParams }>(
      `${path}/:rule_id`,
      { config, schema: { tags, summary: `Delete a ${noun}`, params: RULE_ID, querystring: NO_PARAMETERS } },
      async (request, reply) => {
        await deleteRule(ctx.db, request.principal.orgId, kind, ruleId(request));
        return reply.code(204).send();
      },
    );
  }

  for (const { segment, name } of NOT_SERVED) {
    const path = `${BASE}/${segment}`;
    const refuse = async (): Promise<never> => {
      throw new NotImplemented(
        `${name} are not served by this release of Steward (mute, severity modifier and due date rules are); ${path} answers 501 until a later one`,
      );
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

  // Datadog's default inbox rules (listed, read, enabled and disabled; never created): they route to inboxes too.
  const defaults = `${BASE}/default_inbox_rules`;
  const refuseDefaults = async (): Promise<never> => {
    throw new NotImplemented(`Default inbox rules are not served by this release of Steward; ${defaults} answers 501 until a later one`);
  };
  const notRead = Type.Object({}, { additionalProperties: true, description: 'Not read' });
  const defaultsSchema = { tags, summary: 'Default inbox rules: not served yet (501)', querystring: notRead };
  app.get(defaults, { config, schema: defaultsSchema }, refuseDefaults);
  app.get(`${defaults}/:rule_id`, { config, schema: { ...defaultsSchema, params: RULE_ID } }, refuseDefaults);
  for (const action of ['enable', 'disable'])
    app.post(
      `${defaults}/:rule_id/${action}`,
      // The client sends enable and disable without a body: read as an empty one, so that the answer is the 501.
      { config, schema: { ...defaultsSchema, params: RULE_ID, body: ANY_BODY }, preValidation: async (request) => void (request.body ??= {}) },
      refuseDefaults,
    );
};
