import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { MUTE_BODY, parseMuteRequest, type MuteBody } from '../../findings/mute-request.js';
import { muteFindings } from '../../findings/findings-service.js';
import { BODY_ERRORS, responses } from '../openapi-responses.js';
import { jsonAsIs } from '../export-reply.js';
import { MUTE_FINDINGS_RESPONSE } from '../openapi-security-findings-schemas.js';
import { NO_PARAMETERS } from '../validation.js';

export const muteRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.patch<{ Body: MuteBody }>(
    '/api/v2/security/findings/mute',
    {
      config: { rateLimit: 'findings' },
      serializerCompiler: jsonAsIs,
      schema: {
        tags: ['Findings'],
        summary: 'Mute or unmute findings',
        operationId: 'muteSecurityFindings',
        querystring: NO_PARAMETERS,
        body: MUTE_BODY,
        // 404: a finding id is unknown; 422: a value cannot be applied (an expiry in the past).
        response: responses({ 202: MUTE_FINDINGS_RESPONSE }, [404, 422, ...BODY_ERRORS]),
      },
    },
    async (request, reply) => {
      const req = parseMuteRequest(request.body, Date.now());
      const { muteId } = await muteFindings(ctx.db, request.principal.orgId, request.principal, req);
      return reply.code(202).send({ data: { id: muteId, type: 'mute' } });
    },
  );
};
