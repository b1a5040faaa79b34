import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { NotFound } from '../../errors.js';
import { LIST_QUERY, SNAPSHOT_QUERY, parseListQuery } from '../../findings/list-query.js';
import { findingsSummary, getFinding, listFindings, type RuleMessages } from '../../findings/findings-service.js';
import { idParameter } from '../input-checks.js';
import { betaDetailBody, betaListBody, summaryBody, v2DetailBody, v2ListBody } from '../../findings/serializers.js';
import { FINDINGS_CSV_COLUMNS, exportFindings } from '../../findings/findings-export.js';
import { exportingListResponse, jsonAsIs, requestedExport, sendExport } from '../export-reply.js';
import { responses } from '../openapi-responses.js';
import {
  BETA_GET_FINDING_RESPONSE,
  BETA_LIST_FINDINGS_RESPONSE,
  FINDINGS_SUMMARY_RESPONSE,
  GET_FINDING_RESPONSE,
  LIST_FINDINGS_RESPONSE,
} from '../openapi-findings-schemas.js';

/** The query string as sent, in order: the listing's parser reads aliases and comparison prefixes from it. */
function searchParams(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
}

const FindingIdParams = Type.Object({ finding_id: Type.String() });
/** Finding ids from Datadog are longer than the router's parameter limit: the wildcard twin of each route takes those. */
const WildcardParams = Type.Object({ '*': Type.String() });
type SnapshotRequest = FastifyRequest<{
  Querystring: Static<typeof SNAPSHOT_QUERY>;
  Params: Partial<Static<typeof FindingIdParams> & Static<typeof WildcardParams>>;
}>;
const config = { rateLimit: 'findings' };

/** The operation names: Datadog's client's for the v2 routes, Steward's own for the beta envelope it does not call. */
const operationIds = (beta: boolean) =>
  beta ? { list: 'listFindingsBeta', get: 'getFindingBeta' } : { list: 'listFindings', get: 'getFinding', summary: 'getFindingsSummary' };

function findingIdOf(request: SnapshotRequest): string {
  const id = request.params.finding_id ?? request.params['*'] ?? '';
  if (id === '' || id.includes('/')) throw new NotFound(`No finding ${id}`);
  return idParameter('finding_id', id);
}

export const findingsRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const ruleMessages: RuleMessages = (ruleId) => ctx.rules.ruleById(ruleId)?.message;

  for (const [prefix, beta] of [
    ['/api/v2', false],
    ['/api/unstable', true],
  ] as const) {
    const base = `${prefix}/posture_management/findings`;
    const tags = [beta ? 'Findings (beta envelope)' : 'Findings'];
    const names = operationIds(beta);

    app.get<{ Querystring: Static<typeof LIST_QUERY> }>(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'List findings',
          operationId: names.list,
          querystring: LIST_QUERY,
          // The v2 listing exports (Accept: text/csv or application/x-ndjson); the beta envelope answers JSON only.
          response: responses(beta ? { 200: BETA_LIST_FINDINGS_RESPONSE } : exportingListResponse(FINDINGS_CSV_COLUMNS, LIST_FINDINGS_RESPONSE)),
        },
        serializerCompiler: jsonAsIs,
      },
      async (request, reply) => {
        const req = parseListQuery(searchParams(request));
        const format = beta ? undefined : requestedExport(request);
        if (format) {
          const exported = await exportFindings(ctx.db, request.principal.orgId, req, ruleMessages);
          return sendExport(reply, format, 'findings', exported, FINDINGS_CSV_COLUMNS);
        }
        const page = await listFindings(ctx.db, request.principal.orgId, req, ruleMessages);
        return beta ? betaListBody(page, randomUUID()) : v2ListBody(page);
      },
    );

    if (!beta) {
      app.get<{ Querystring: Static<typeof SNAPSHOT_QUERY> }>(
        `${base}/summary`,
        {
          config,
          serializerCompiler: jsonAsIs,
          schema: {
            tags,
            summary: 'Findings summary',
            operationId: names.summary,
            querystring: SNAPSHOT_QUERY,
            response: responses({ 200: FINDINGS_SUMMARY_RESPONSE }),
          },
        },
        async (request) => {
          const { counts, at } = await findingsSummary(ctx.db, request.principal.orgId, request.query.snapshot_timestamp);
          return summaryBody(counts, at);
        },
      );
    }

    const getOne = async (request: SnapshotRequest) => {
      const found = await getFinding(ctx.db, request.principal.orgId, findingIdOf(request), request.query.snapshot_timestamp, ruleMessages);
      return beta ? betaDetailBody(found.row, found.detail, found.at, randomUUID()) : v2DetailBody(found.row, found.detail, found.at);
    };
    app.get(
      `${base}/:finding_id`,
      {
        config,
        serializerCompiler: jsonAsIs,
        schema: {
          tags,
          summary: 'Get a finding',
          operationId: names.get,
          params: FindingIdParams,
          querystring: SNAPSHOT_QUERY,
          response: responses({ 200: beta ? BETA_GET_FINDING_RESPONSE : GET_FINDING_RESPONSE }, [404]),
        },
      },
      getOne,
    );
    app.get(`${base}/*`, { config, schema: { hide: true, params: WildcardParams, querystring: SNAPSHOT_QUERY } as object }, getOne);
  }
};
