import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { MUTE_BODY, parseMuteRequest, type MuteBody } from '../../findings/mute-request.js';
import { muteFindings } from '../../findings/findings-service.js';

const NO_PARAMETERS = Type.Object({}, { additionalProperties: false });

export const muteRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.patch<{ Body: MuteBody }>(
    '/api/v2/security/findings/mute',
    {
      config: { rateLimit: 'findings' },
      schema: { tags: ['Findings'], summary: 'Mute or unmute findings', querystring: NO_PARAMETERS, body: MUTE_BODY },
    },
    async (request, reply) => {
      const req = parseMuteRequest(request.body, Date.now());
      const { muteId } = await muteFindings(ctx.db, request.principal.orgId, request.principal, req);
      return reply.code(202).send({ data: { id: muteId, type: 'mute' } });
    },
  );
};
