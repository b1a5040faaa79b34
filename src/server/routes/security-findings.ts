import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../context.js';
import type { RuleMessages } from '../../findings/findings-service.js';
import { listSecurityFindings, type SecurityFindingsPage } from '../../findings/security-findings-service.js';
import { securityFindingsListBody } from '../../findings/security-finding-schema.js';
import {
  SECURITY_FINDINGS_QUERY,
  SECURITY_FINDINGS_SEARCH_BODY,
  securityFindingsFromBody,
  securityFindingsFromQuery,
  type SecurityFindingsRequest,
} from '../../findings/security-findings-request.js';
import { SECURITY_FINDINGS_CSV_COLUMNS, exportSecurityFindings } from '../../findings/findings-export.js';
import { exportingListResponse, jsonAsIs, requestedExport, sendExport } from '../export-reply.js';
import { BODY_ERRORS, responses } from '../openapi-responses.js';
import { LIST_SECURITY_FINDINGS_RESPONSE } from '../openapi-security-findings-schemas.js';
import { NO_PARAMETERS } from '../validation.js';

const LIST_PATH = '/api/v2/security/findings';
const tags = ['Security findings'];
// The same budget as the legacy findings listing.
const config = { rateLimit: 'findings' };
// Both operations export the whole listing (Accept: text/csv or application/x-ndjson).
const listing = exportingListResponse(SECURITY_FINDINGS_CSV_COLUMNS, Type.Ref(LIST_SECURITY_FINDINGS_RESPONSE));

/**
 * The longest next link given. Node reads at most 16 KiB of request line and headers; a query of the 8 KiB the language
 * takes can encode to three times that, and a link the server would refuse (431) is worse than none.
 */
export const MAX_NEXT_LINK_BYTES = 8192;

/**
 * The next page as a GET of the listing, whichever of the two operations asked: the query, sort and size carried over.
 * Undefined when that URL would be too long to follow: the search operation pages on by `meta.page.after` in its body.
 */
function nextLink(request: FastifyRequest, req: SecurityFindingsRequest, cursor: string): string | undefined {
  const params = new URLSearchParams();
  if (req.query !== '') params.set('filter[query]', req.query);
  params.set('page[cursor]', cursor);
  params.set('page[limit]', String(req.limit));
  params.set('sort', req.sort);
  const link = `${request.publicBase}${LIST_PATH}?${params.toString()}`;
  return Buffer.byteLength(link) <= MAX_NEXT_LINK_BYTES ? link : undefined;
}

export const securityFindingsRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const ruleMessages: RuleMessages = (ruleId) => ctx.rules.ruleById(ruleId)?.message;

  const answer = async (request: FastifyRequest, reply: FastifyReply, req: SecurityFindingsRequest) => {
    const format = requestedExport(request);
    if (format) {
      const exported = await exportSecurityFindings(ctx.db, request.principal.orgId, req, ruleMessages);
      return sendExport(reply, format, 'security-findings', exported, SECURITY_FINDINGS_CSV_COLUMNS);
    }
    const started = performance.now();
    const page: SecurityFindingsPage = await listSecurityFindings(ctx.db, request.principal.orgId, req, ruleMessages);
    return securityFindingsListBody(page, {
      requestId: randomUUID(),
      elapsedMs: Math.round(performance.now() - started),
      next: page.cursor === undefined ? undefined : nextLink(request, req, page.cursor),
    });
  };

  app.get<{ Querystring: Static<typeof SECURITY_FINDINGS_QUERY> }>(
    LIST_PATH,
    {
      config,
      schema: {
        tags,
        summary: 'List security findings',
        operationId: 'listSecurityFindings',
        querystring: SECURITY_FINDINGS_QUERY,
        response: responses(listing),
      },
      serializerCompiler: jsonAsIs,
    },
    async (request, reply) => answer(request, reply, securityFindingsFromQuery(request.query)),
  );

  app.post<{ Body: Static<typeof SECURITY_FINDINGS_SEARCH_BODY> }>(
    `${LIST_PATH}/search`,
    {
      config,
      schema: {
        tags,
        summary: 'Search security findings',
        operationId: 'searchSecurityFindings',
        querystring: NO_PARAMETERS,
        body: SECURITY_FINDINGS_SEARCH_BODY,
        response: responses(listing, BODY_ERRORS),
      },
      serializerCompiler: jsonAsIs,
    },
    async (request, reply) => answer(request, reply, securityFindingsFromBody(request.body)),
  );
};
