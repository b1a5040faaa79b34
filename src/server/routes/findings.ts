import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { LIST_PARAMETER_NAMES, parseInteger, parseListQuery } from '../../findings/list-query.js';
import { findingsSummary, getFinding, listFindings, type RuleMessages } from '../../findings/findings-service.js';
import { idParameter } from '../input-checks.js';
import { betaDetailBody, betaListBody, summaryBody, v2DetailBody, v2ListBody } from '../../findings/serializers.js';

/** The query string as sent: our parsers judge it (duplicates, unknown names, types), not Fastify's coercion. */
function searchParams(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
}

/** For routes that take only `snapshot_timestamp`. */
function snapshotOnly(request: FastifyRequest): number | undefined {
  let snapshot: number | undefined;
  let seen = false;
  for (const [key, raw] of searchParams(request)) {
    if (key !== 'snapshot_timestamp') throw new InvalidInput(`Invalid parameter ${key}: is not a parameter of this endpoint`, { parameter: key });
    if (seen) throw new InvalidInput('Invalid parameter snapshot_timestamp: is given more than once', { parameter: key });
    seen = true;
    snapshot = parseInteger(key, raw);
  }
  return snapshot;
}

// Declared for the OpenAPI document only; a pass-through validator leaves the judging to the parsers above.
const passThrough = () => () => true;
const listQuerySchema = {
  type: 'object',
  properties: Object.fromEntries(LIST_PARAMETER_NAMES.map((name) => [name, { type: name.includes('limit') || name === 'snapshot_timestamp' ? 'integer' : 'string' }])),
};
const snapshotQuerySchema = { type: 'object', properties: { snapshot_timestamp: { type: 'integer', description: 'Unix ms' } } };
const findingIdParams = { type: 'object', properties: { finding_id: { type: 'string' } }, required: ['finding_id'] };
const config = { rateLimit: 'findings' };

/** Finding ids from Datadog are longer than the router's parameter limit: the wildcard twin of each route takes those. */
function findingIdOf(request: FastifyRequest): string {
  const params = request.params as { finding_id?: string; '*'?: string };
  const id = params.finding_id ?? params['*'] ?? '';
  if (id === '' || id.includes('/')) throw new NotFound(`No finding ${id}`);
  return idParameter('finding_id', id);
}

export const findingsRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const ruleMessages: RuleMessages = (ruleId) => ctx.rules.ruleById(ruleId)?.message;

  for (const [prefix, beta] of [['/api/v2', false], ['/api/unstable', true]] as const) {
    const base = `${prefix}/posture_management/findings`;
    const tags = [beta ? 'Findings (beta envelope)' : 'Findings'];

    app.get(base, { config, validatorCompiler: passThrough, schema: { tags, summary: 'List findings', querystring: listQuerySchema } }, async (request) => {
      const page = await listFindings(ctx.db, request.principal.orgId, parseListQuery(searchParams(request)), ruleMessages);
      return beta ? betaListBody(page, randomUUID()) : v2ListBody(page);
    });

    if (!beta) {
      app.get(`${base}/summary`, { config, validatorCompiler: passThrough, schema: { tags, summary: 'Findings summary', querystring: snapshotQuerySchema } }, async (request) => {
        const { counts, at } = await findingsSummary(ctx.db, request.principal.orgId, snapshotOnly(request));
        return summaryBody(counts, at);
      });
    }

    const getOne = async (request: FastifyRequest) => {
      const found = await getFinding(ctx.db, request.principal.orgId, findingIdOf(request), snapshotOnly(request), ruleMessages);
      return beta ? betaDetailBody(found.row, found.detail, found.at, randomUUID()) : v2DetailBody(found.row, found.detail, found.at);
    };
    app.get(`${base}/:finding_id`, { config, validatorCompiler: passThrough, schema: { tags, summary: 'Get a finding', params: findingIdParams, querystring: snapshotQuerySchema } }, getOne);
    app.get(`${base}/*`, { config, validatorCompiler: passThrough, schema: { hide: true } as object }, getOne);
  }
};
