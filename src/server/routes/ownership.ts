import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { getInference, listInferences } from '../../ownership/use-cases/inference-reads.js';
import { getEvidence } from '../../ownership/use-cases/inference-evidence.js';
import { submitFeedback } from '../../ownership/use-cases/submit-feedback.js';
import { readSettings, untaggedFindings, updateSettings } from '../../ownership/use-cases/settings.js';
import { clientHas, sendConditional } from '../conditional-get.js';
import { listHistory, parseOwnerType } from '../ownership-requests.js';
import { idParameter } from '../input-checks.js';
import { OWNER_TYPES } from '../../ownership/owner-type.js';

const BASE = '/api/v2/csm/ownership';
const config = { rateLimit: 'ownership' };
const tags = ['CSM Ownership'];
// Bodies and parameters are judged by the service's parsers (400 with the pointer or parameter); schemas document.
const passThrough = () => () => true;
const resourceParam = { resource_id: { type: 'string', description: 'The resource id, e.g. an ARN, URL-encoded as one path segment.' } };
const ownerTypeParam = { owner_type: { type: 'string', enum: [...OWNER_TYPES] } };
const historyQuery = { type: 'object', properties: { cursor: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 100 } } };

/**
 * The path after /api/v2/csm/ownership/, split on its literal slashes and then decoded: a resource id (an ARN holding
 * `/` and `:`) travels as one URL-encoded segment, whatever its length.
 */
function segmentsOf(request: FastifyRequest): string[] {
  const path = request.url.split('?')[0]!.slice(BASE.length + 1).replace(/\/+$/, '');
  return path.split('/').map((s, i) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new InvalidInput('The path holds an invalid percent-encoding', { parameter: i === 0 ? 'resource_id' : 'owner_type' });
    }
  });
}

function queryOf(request: FastifyRequest): { cursor?: string; limit?: string } {
  const q = request.url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
  return { cursor: params.get('cursor') ?? undefined, limit: params.get('limit') ?? undefined };
}

function resourceIdOf(segment: string): string {
  // `settings` is reserved in the resource id position.
  if (segment === '' || segment === 'settings') throw new NotFound(`No resource ${segment}`);
  return idParameter('resource_id', segment);
}

export const ownershipRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const { db } = ctx;

  // Static routes win over the parametric and wildcard ones below: `settings` never reads as a resource id.
  app.get(`${BASE}/settings`, { config, schema: { tags, summary: 'Get ownership settings' } }, async (request) => readSettings(db, request.principal.orgId));
  app.post(
    `${BASE}/settings`,
    { config, validatorCompiler: passThrough, schema: { tags, summary: 'Update ownership settings', body: { type: 'object' } } },
    async (request) => updateSettings(db, request.principal.orgId, request.body),
  );
  app.get(`${BASE}/settings/untagged`, { config, schema: { tags, summary: 'Count findings without a team tag by confidence band' } }, async (request) =>
    untaggedFindings(db, request.principal.orgId),
  );

  const getByPath = async (request: FastifyRequest, reply: FastifyReply) => {
    const orgId = request.principal.orgId;
    const [first, second, third, ...extra] = segmentsOf(request);
    if (extra.length > 0 || first === undefined) throw new NotFound(`No route GET ${request.url.split('?')[0]}`);
    const resourceId = resourceIdOf(first);
    if (second === undefined) return listInferences(db, orgId, resourceId);
    if (second === 'history' && third === undefined) return listHistory(db, orgId, resourceId, null, queryOf(request));
    const slot = parseOwnerType(second);
    if (third === undefined) return sendConditional(reply, await getInference(db, orgId, resourceId, slot, clientHas(request)));
    if (third === 'history') return listHistory(db, orgId, resourceId, slot, queryOf(request));
    if (third === 'evidence') return sendConditional(reply, await getEvidence(db, orgId, resourceId, slot, clientHas(request)));
    throw new NotFound(`No route GET ${request.url.split('?')[0]}`);
  };

  const postByPath = async (request: FastifyRequest, reply: FastifyReply) => {
    const [first, second, third, ...extra] = segmentsOf(request);
    if (first === undefined || second === undefined || third !== 'feedback' || extra.length > 0) throw new NotFound(`No route POST ${request.url.split('?')[0]}`);
    const resourceId = resourceIdOf(first);
    const slot = parseOwnerType(second);
    const body = await submitFeedback(db, request.principal.orgId, resourceId, slot, request.body, { userHandle: request.principal.userHandle });
    return reply.code(201).send(body);
  };

  // Documented routes; they and the wildcard twins share one dispatcher over the raw path (ids longer than the
  // router's parameter limit reach the wildcard).
  const documented: Array<[string, string, Record<string, unknown>]> = [
    ['/:resource_id', 'List ownership inferences for a resource', { params: { type: 'object', properties: resourceParam } }],
    ['/:resource_id/history', 'List ownership inference history for a resource', { params: { type: 'object', properties: resourceParam }, querystring: historyQuery }],
    ['/:resource_id/:owner_type', 'Get an ownership inference by owner type', { params: { type: 'object', properties: { ...resourceParam, ...ownerTypeParam } } }],
    [
      '/:resource_id/:owner_type/history',
      'List ownership history by owner type',
      { params: { type: 'object', properties: { ...resourceParam, ...ownerTypeParam } }, querystring: historyQuery },
    ],
    ['/:resource_id/:owner_type/evidence', 'Get the evidence for an ownership inference', { params: { type: 'object', properties: { ...resourceParam, ...ownerTypeParam } } }],
  ];
  for (const [path, summary, schema] of documented) {
    app.get(`${BASE}${path}`, { config, validatorCompiler: passThrough, schema: { tags, summary, ...schema } }, getByPath);
  }
  app.post(
    `${BASE}/:resource_id/:owner_type/feedback`,
    {
      config,
      validatorCompiler: passThrough,
      schema: { tags, summary: 'Submit feedback on an ownership inference', params: { type: 'object', properties: { ...resourceParam, ...ownerTypeParam } }, body: { type: 'object' } },
    },
    postByPath,
  );
  app.get(`${BASE}/*`, { config, schema: { hide: true } }, getByPath);
  app.post(`${BASE}/*`, { config, schema: { hide: true } }, postByPath);
};
