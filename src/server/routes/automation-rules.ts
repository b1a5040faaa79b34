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
import { RULE_KINDS, ruleData, type RuleBody, type RuleKind, type RuleReorderBody } from '../../findings/automation-rule-kinds.js';
import { BODY_ERRORS, NO_BODY, responses } from '../openapi-responses.js';
import { jsonAsIs } from '../export-reply.js';
import { unixMs } from '../openapi-json-api.js';
import { NO_PARAMETERS } from '../validation.js';

const BASE = '/api/v2/security/findings/automation';
const tags = ['Security findings automation rules'];
// The same budget as the findings they act on.
const config = { rateLimit: 'findings' };
// The response schemas document; the bodies are sent as the handlers build them.
const options = { config, serializerCompiler: jsonAsIs };
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

/** The operation names of Datadog's client: mute_rules -> createSecurityFindingsAutomationMuteRule, ... */
function clientOperation(verb: string, segment: string, plural = false): string {
  const noun = segment
    .replace(/_rules$/, '')
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return `${verb}SecurityFindingsAutomation${noun}Rule${plural ? 's' : ''}`;
}

const USER = Type.Object({ id: Type.String(), name: Type.String(), type: Type.Literal('user') });

/** One rule as `ruleData` answers it (the client's <Type>RuleDataResponse). */
function ruleDataSchema(kind: RuleKind) {
  return Type.Object({
    id: Type.String(),
    type: Type.Literal(kind.wireType),
    attributes: Type.Object({
      name: Type.String(),
      enabled: Type.Boolean(),
      rule: Type.Object({ finding_types: Type.Array(Type.String()), query: Type.String() }),
      action: kind.action,
      created_at: unixMs('When it was created'),
      created_by: USER,
      modified_at: unixMs('When it was last changed'),
      modified_by: USER,
    }),
  });
}

/** The answers of each operation on one kind's rules. */
function ruleResponses(kind: RuleKind) {
  const one = Type.Object({ data: ruleDataSchema(kind) }, { description: `The ${kind.noun}` });
  const page = Type.Object(
    {
      data: Type.Array(ruleDataSchema(kind), { description: 'In their order' }),
      links: Type.Object({
        first: Type.String(),
        last: Type.String(),
        next: Type.Optional(Type.String()),
        prev: Type.Optional(Type.String()),
      }),
      meta: Type.Object({ page: Type.Object({ total_filtered_count: Type.Integer() }) }),
    },
    { description: `A page of ${kind.noun}s` },
  );
  const order = Type.Object(
    { data: Type.Array(Type.Object({ id: Type.String(), type: Type.Literal(kind.wireType) })) },
    { description: 'The rules in their new order' },
  );
  return {
    // 422: a value the rule cannot take (a mute rule's expiry in the past).
    create: responses({ 201: one }, [422, ...BODY_ERRORS]),
    list: responses({ 200: page }),
    reorder: responses({ 200: order }, BODY_ERRORS),
    get: responses({ 200: one }, [404]),
    update: responses({ 200: one }, [404, 422, ...BODY_ERRORS]),
    delete: responses({ 204: NO_BODY('Deleted') }, [404]),
  };
}

const NOT_READ = Type.Object({}, { additionalProperties: true, description: 'Not read' });
/** A not-served operation answers 501 (after the keys, the budget and its parameters are judged): no success. */
const NOT_SERVED_RESPONSES = (body: boolean) => responses({}, body ? [501, ...BODY_ERRORS] : [501]);

function pageLink(request: FastifyRequest, path: string, size: number, number: number): string {
  return `${request.publicBase}${path}?page%5Bsize%5D=${size}&page%5Bnumber%5D=${number}`;
}

export const automationRuleRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  for (const kind of RULE_KINDS) {
    const path = `${BASE}/${kind.wireType}`;
    const noun = kind.noun;
    const ruleId = (request: FastifyRequest<{ Params: RuleIdParams }>) => idParameter('rule_id', request.params.rule_id);
    const response = ruleResponses(kind);
    const operationId = (verb: string, plural = false) => clientOperation(verb, kind.wireType, plural);

    app.post<{ Body: RuleBody }>(
      path,
      {
        ...options,
        schema: {
          tags,
          summary: `Create a ${noun}`,
          operationId: operationId('create'),
          querystring: NO_PARAMETERS,
          body: kind.body,
          response: response.create,
        },
      },
      async (request, reply) => {
        const rule = await createRule(ctx.db, request.principal, kind, request.body, Date.now());
        return reply.code(201).send({ data: ruleData(kind, rule) });
      },
    );

    app.get<{ Querystring: RulesPageQuery }>(
      path,
      {
        ...options,
        schema: {
          tags,
          summary: `List ${noun}s, in their order`,
          operationId: operationId('list', true),
          querystring: RULES_PAGE_QUERY,
          response: response.list,
        },
      },
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
      {
        ...options,
        schema: {
          tags,
          summary: `Reorder the ${noun}s`,
          operationId: operationId('reorder', true),
          querystring: NO_PARAMETERS,
          body: kind.reorderBody,
          response: response.reorder,
        },
      },
      async (request) => {
        const ids = await reorderRules(ctx.db, request.principal.orgId, kind, request.body);
        return { data: ids.map((id) => ({ id, type: kind.wireType })) };
      },
    );

    app.get<{ Params: RuleIdParams }>(
      `${path}/:rule_id`,
      {
        ...options,
        schema: {
          tags,
          summary: `Get a ${noun}`,
          operationId: operationId('get'),
          params: RULE_ID,
          querystring: NO_PARAMETERS,
          response: response.get,
        },
      },
      async (request) => ({ data: ruleData(kind, await getRule(ctx.db, request.principal.orgId, kind, ruleId(request))) }),
    );

    app.put<{ Params: RuleIdParams; Body: RuleBody }>(
      `${path}/:rule_id`,
      {
        ...options,
        schema: {
          tags,
          summary: `Update a ${noun}`,
          operationId: operationId('update'),
          params: RULE_ID,
          querystring: NO_PARAMETERS,
          body: kind.body,
          response: response.update,
        },
      },
      async (request) => ({
        data: ruleData(kind, await updateRule(ctx.db, request.principal, kind, ruleId(request), request.body, Date.now())),
      }),
    );

    app.delete<{ Params: RuleIdParams }>(
      `${path}/:rule_id`,
      {
        ...options,
        schema: {
          tags,
          summary: `Delete a ${noun}`,
          operationId: operationId('delete'),
          params: RULE_ID,
          querystring: NO_PARAMETERS,
          response: response.delete,
        },
      },
      async (request, reply) => {
        await deleteRule(ctx.db, request.principal.orgId, kind, ruleId(request));
        return reply.code(204).send();
      },
    );
  }

  // Which rules are served, so that a caller refused one type learns which it can use.
  const notServed = (name: string, path: string) =>
    new NotImplemented(
      `${name} are not served by this release of Steward (mute, severity modifier and due date rules are); ${path} answers 501 until a later one`,
    );
  for (const { segment, name } of NOT_SERVED) {
    const path = `${BASE}/${segment}`;
    const refuse = async (): Promise<never> => {
      throw notServed(name, path);
    };
    const summary = `${name}: not served yet (501)`;
    const refused = (verb: string, plural = false, body = false) => ({
      ...options,
      schema: {
        tags,
        summary,
        operationId: clientOperation(verb, segment, plural),
        querystring: NOT_READ,
        ...(body ? { body: ANY_BODY } : {}),
        response: NOT_SERVED_RESPONSES(body),
      },
    });
    const withId = (verb: string, body = false) => {
      const route = refused(verb, false, body);
      return { ...route, schema: { ...route.schema, params: RULE_ID } };
    };
    app.get(path, refused('list', true), refuse);
    app.post(path, refused('create', false, true), refuse);
    app.post(`${path}/reorder`, refused('reorder', true, true), refuse);
    app.get(`${path}/:rule_id`, withId('get'), refuse);
    app.put(`${path}/:rule_id`, withId('update', true), refuse);
    app.delete(`${path}/:rule_id`, withId('delete'), refuse);
  }

  // Datadog's default inbox rules (listed, read, enabled and disabled; never created): they route to inboxes too.
  const defaults = `${BASE}/default_inbox_rules`;
  const refuseDefaults = async (): Promise<never> => {
    throw notServed('Default inbox rules', defaults);
  };
  const defaultsSchema = { tags, summary: 'Default inbox rules: not served yet (501)', querystring: NOT_READ };
  const defaultsOperation = (verb: string, plural = false) => clientOperation(verb, 'default_inbox_rules', plural);
  app.get(
    defaults,
    { ...options, schema: { ...defaultsSchema, operationId: defaultsOperation('list', true), response: NOT_SERVED_RESPONSES(false) } },
    refuseDefaults,
  );
  app.get(
    `${defaults}/:rule_id`,
    { ...options, schema: { ...defaultsSchema, operationId: defaultsOperation('get'), params: RULE_ID, response: NOT_SERVED_RESPONSES(false) } },
    refuseDefaults,
  );
  for (const action of ['enable', 'disable'])
    app.post(
      `${defaults}/:rule_id/${action}`,
      {
        ...options,
        schema: {
          ...defaultsSchema,
          operationId: defaultsOperation(action),
          params: RULE_ID,
          body: ANY_BODY,
          response: NOT_SERVED_RESPONSES(true),
        },
        // The client sends enable and disable without a body: read as an empty one, so that the answer is the 501.
        preValidation: async (request) => void (request.body ??= {}),
      },
      refuseDefaults,
    );
};
