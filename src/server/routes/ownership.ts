import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { getInference, listInferences } from '../../ownership/use-cases/inference-reads.js';
import { getEvidence } from '../../ownership/use-cases/inference-evidence.js';
import { submitFeedback } from '../../ownership/use-cases/submit-feedback.js';
import { SETTINGS_BODY, readSettings, untaggedFindings, updateSettings, type SettingsBody } from '../../ownership/use-cases/settings.js';
import { FEEDBACK_BODY, type FeedbackBody } from '../../ownership/feedback.js';
import { clientHas, sendConditional } from '../conditional-get.js';
import { HISTORY_QUERY, listHistory, parseOwnerType, type HistoryQuery } from '../ownership-requests.js';
import { idParameter } from '../input-checks.js';
import { OWNER_TYPES, type OwnerType } from '../../ownership/owner-type.js';
import { StringEnum } from '../../schema-types.js';
import { BODY_ERRORS, NO_BODY, responses } from '../openapi-responses.js';
import { jsonAsIs } from '../export-reply.js';
import {
  FEEDBACK_RESULT_RESPONSE,
  INFERENCE_LIST_RESPONSE,
  INFERENCE_RESPONSE,
  OWNERSHIP_EVIDENCE_RESPONSE,
  OWNERSHIP_HISTORY_RESPONSE,
  SETTINGS_RESPONSE,
  UNTAGGED_FINDINGS_RESPONSE,
} from '../openapi-ownership-schemas.js';
import { NO_PARAMETERS } from '../validation.js';
import { withoutTrailingSlashes } from '../../trailing-slashes.js';

const BASE = '/api/v2/csm/ownership';
const config = { rateLimit: 'ownership' };
// The response schemas document (the client's models describe these bodies); they are sent as built.
const options = { config, serializerCompiler: jsonAsIs };
/** A conditional read: the body with its ETag, or a 304 when If-None-Match names the current one. */
const conditional = (body: TSchema) => responses({ 200: body, 304: NO_BODY('The copy the client holds (If-None-Match) is current') }, [404]);
const tags = ['CSM Ownership'];
const RESOURCE_ID = Type.String({ description: 'The resource id, e.g. an ARN, URL-encoded as one path segment.' });
const ResourceParams = Type.Object({ resource_id: RESOURCE_ID });
const InferenceParams = Type.Object({ resource_id: RESOURCE_ID, owner_type: StringEnum(OWNER_TYPES) });
/** Resource ids longer than the router's parameter limit: the hidden wildcard twins take those. */
const WildcardParams = Type.Object({ '*': Type.String() });

/** What a path under BASE names once resolved: the dispatcher's one answer for a documented route and its wildcard twin. */
type Target =
  | { kind: 'list'; resourceId: string }
  | { kind: 'history'; resourceId: string; slot: OwnerType | null }
  | { kind: 'inference' | 'evidence' | 'feedback'; resourceId: string; slot: OwnerType };

/**
 * The path after /api/v2/csm/ownership/, split on its literal slashes and then decoded: a resource id (an ARN holding
 * `/` and `:`) travels as one URL-encoded segment, whatever its length.
 */
function segmentsOf(request: FastifyRequest): string[] {
  const path = withoutTrailingSlashes(request.url.split('?')[0]!.slice(BASE.length + 1));
  return path.split('/').map((s, i) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new InvalidInput('The path holds an invalid percent-encoding', { parameter: i === 0 ? 'resource_id' : 'owner_type' });
    }
  });
}

function resourceIdOf(segment: string): string {
  // `settings` and `review_queue` (routes of their own) are reserved in the resource id position.
  if (segment === '' || segment === 'settings' || segment === 'review_queue') throw new NotFound(`No resource ${segment}`);
  return idParameter('resource_id', segment);
}

/**
 * The raw path -> its target, judged in the order the path reads: an unknown route is a 404 and a bad resource id or
 * owner type a 400 naming it, before any query or body is looked at.
 */
function targetOf(request: FastifyRequest): Target {
  const [first, second, third, ...extra] = segmentsOf(request);
  const none = () => new NotFound(`No route ${request.method} ${request.url.split('?')[0]}`);
  if (first === undefined || extra.length > 0) throw none();
  if (request.method === 'POST') {
    if (second === undefined || third !== 'feedback') throw none();
    return { kind: 'feedback', resourceId: resourceIdOf(first), slot: parseOwnerType(second) };
  }
  const resourceId = resourceIdOf(first);
  if (second === undefined) return { kind: 'list', resourceId };
  if (second === 'history' && third === undefined) return { kind: 'history', resourceId, slot: null };
  const slot = parseOwnerType(second);
  if (third === undefined) return { kind: 'inference', resourceId, slot };
  if (third === 'history' || third === 'evidence') return { kind: third, resourceId, slot };
  throw none();
}

const targets = new WeakMap<FastifyRequest, Target>();

/** Resolves the target before the schemas run (preValidation), so a path error is answered before a query or body one. */
async function resolveTarget(request: FastifyRequest) {
  const target = targetOf(request);
  // The wildcard twin takes every GET under one query schema (the history one): only history reads a query.
  if (target.kind !== 'history' && target.kind !== 'feedback') {
    const name = Object.keys(request.query as object)[0];
    if (name !== undefined) throw new InvalidInput(`Invalid parameter ${name}: is not a parameter of this endpoint`, { parameter: name });
  }
  targets.set(request, target);
}

export const ownershipRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const { db } = ctx;

  // Static routes win over the parametric and wildcard ones below: `settings` never reads as a resource id.
  app.get(
    `${BASE}/settings`,
    {
      ...options,
      schema: {
        tags,
        summary: 'Get ownership settings',
        operationId: 'getOwnershipSettings',
        querystring: NO_PARAMETERS,
        response: responses({ 200: SETTINGS_RESPONSE }),
      },
    },
    async (request) => readSettings(db, request.principal.orgId),
  );
  app.post<{ Body: SettingsBody }>(
    `${BASE}/settings`,
    {
      ...options,
      schema: {
        tags,
        summary: 'Update ownership settings',
        operationId: 'postOwnershipSettings',
        querystring: NO_PARAMETERS,
        body: SETTINGS_BODY,
        response: responses({ 200: SETTINGS_RESPONSE }, BODY_ERRORS),
      },
    },
    async (request) => updateSettings(db, request.principal.orgId, request.body),
  );
  app.get(
    `${BASE}/settings/untagged`,
    {
      ...options,
      schema: {
        tags,
        summary: 'Count findings without a team tag by confidence band',
        operationId: 'getOwnershipUntaggedFindings',
        querystring: NO_PARAMETERS,
        response: responses({ 200: UNTAGGED_FINDINGS_RESPONSE }),
      },
    },
    async (request) => untaggedFindings(db, request.principal.orgId),
  );

  // Documented routes and their hidden wildcard twins (ids longer than the router's parameter limit reach the wildcard)
  // share one dispatcher over the raw path, and the same query and body schemas.
  const getByPath = async (request: FastifyRequest<{ Querystring: HistoryQuery }>, reply: FastifyReply) => {
    const orgId = request.principal.orgId;
    const target = targets.get(request)!;
    switch (target.kind) {
      case 'list':
        return listInferences(db, orgId, target.resourceId);
      case 'history':
        return listHistory(db, orgId, target.resourceId, target.slot, request.query);
      case 'inference':
        return sendConditional(reply, await getInference(db, orgId, target.resourceId, target.slot, clientHas(request)));
      case 'evidence':
        return sendConditional(reply, await getEvidence(db, orgId, target.resourceId, target.slot, clientHas(request)));
      default:
        throw new NotFound(`No route GET ${request.url.split('?')[0]}`);
    }
  };

  const postByPath = async (request: FastifyRequest<{ Body: FeedbackBody }>, reply: FastifyReply) => {
    const target = targets.get(request)!;
    if (target.kind !== 'feedback') throw new NotFound(`No route POST ${request.url.split('?')[0]}`);
    const body = await submitFeedback(db, request.principal.orgId, target.resourceId, target.slot, request.body, {
      userHandle: request.principal.userHandle,
    });
    return reply.code(201).send(body);
  };

  // One component for both history listings: the response refers to it, with its description beside.
  const history = responses(
    {
      200: {
        description: OWNERSHIP_HISTORY_RESPONSE.description!,
        content: { 'application/json': { schema: Type.Ref(OWNERSHIP_HISTORY_RESPONSE) } },
      },
    },
    [404],
  );
  // The operation names are those of Datadog's client.
  const documented: Array<[string, { summary: string; operationId: string; params: object; querystring: object; response: object }]> = [
    [
      '/:resource_id',
      {
        summary: 'List ownership inferences for a resource',
        operationId: 'listOwnershipInferences',
        params: ResourceParams,
        querystring: NO_PARAMETERS,
        response: responses({ 200: INFERENCE_LIST_RESPONSE }, [404]),
      },
    ],
    [
      '/:resource_id/history',
      {
        summary: 'List ownership inference history for a resource',
        operationId: 'listOwnershipHistory',
        params: ResourceParams,
        querystring: HISTORY_QUERY,
        response: history,
      },
    ],
    [
      '/:resource_id/:owner_type',
      {
        summary: 'Get an ownership inference by owner type',
        operationId: 'getOwnershipInference',
        params: InferenceParams,
        querystring: NO_PARAMETERS,
        response: conditional(INFERENCE_RESPONSE),
      },
    ],
    [
      '/:resource_id/:owner_type/history',
      {
        summary: 'List ownership history by owner type',
        operationId: 'listOwnershipHistoryByOwnerType',
        params: InferenceParams,
        querystring: HISTORY_QUERY,
        response: history,
      },
    ],
    [
      '/:resource_id/:owner_type/evidence',
      {
        summary: 'Get the evidence for an ownership inference',
        operationId: 'getOwnershipEvidence',
        params: InferenceParams,
        querystring: NO_PARAMETERS,
        response: conditional(OWNERSHIP_EVIDENCE_RESPONSE),
      },
    ],
  ];
  for (const [path, schema] of documented) {
    app.get<{ Querystring: HistoryQuery }>(`${BASE}${path}`, { ...options, preValidation: resolveTarget, schema: { tags, ...schema } }, getByPath);
  }
  app.post<{ Body: FeedbackBody }>(
    `${BASE}/:resource_id/:owner_type/feedback`,
    {
      ...options,
      preValidation: resolveTarget,
      schema: {
        tags,
        summary: 'Submit feedback on an ownership inference',
        operationId: 'createOwnershipFeedback',
        params: InferenceParams,
        querystring: NO_PARAMETERS,
        body: FEEDBACK_BODY,
        // 409: the inference changed since the caller read its checksum.
        response: responses({ 201: FEEDBACK_RESULT_RESPONSE }, [404, 409, ...BODY_ERRORS]),
      },
    },
    postByPath,
  );
  app.get<{ Querystring: HistoryQuery }>(
    `${BASE}/*`,
    { config, preValidation: resolveTarget, schema: { hide: true, params: WildcardParams, querystring: HISTORY_QUERY } as object },
    getByPath,
  );
  app.post<{ Body: FeedbackBody }>(
    `${BASE}/*`,
    {
      config,
      preValidation: resolveTarget,
      schema: { hide: true, params: WildcardParams, querystring: NO_PARAMETERS, body: FEEDBACK_BODY } as object,
    },
    postByPath,
  );
};
