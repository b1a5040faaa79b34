import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { InvalidInput } from '../../errors.js';
import { MUTE_REASONS, parseMuteRequest } from '../../findings/mute-request.js';
import { muteFindings } from '../../findings/findings-service.js';

const bodySchema = {
  type: 'object',
  properties: {
    data: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['mute'] },
        attributes: {
          type: 'object',
          properties: {
            mute: {
              type: 'object',
              properties: {
                is_muted: { type: 'boolean' },
                reason: { type: 'string', enum: [...MUTE_REASONS] },
                description: { type: 'string' },
                expire_at: { type: 'integer', description: 'Unix ms, in the future' },
              },
            },
          },
        },
        relationships: { type: 'object', properties: { findings: { type: 'object', properties: { data: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' } } } } } } } },
      },
    },
  },
};

export const muteRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  app.patch(
    '/api/v2/security/findings/mute',
    // The schema documents the body; parseMuteRequest judges it (400 for structure, 422 for values).
    { config: { rateLimit: 'findings' }, validatorCompiler: () => () => true, schema: { tags: ['Findings'], summary: 'Mute or unmute findings', body: bodySchema } },
    async (request, reply) => {
      if (request.url.includes('?')) {
        const key = [...new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)).keys()][0];
        if (key !== undefined) throw new InvalidInput(`Invalid parameter ${key}: is not a parameter of this endpoint`, { parameter: key });
      }
      const req = parseMuteRequest(request.body, Date.now());
      const { muteId } = await muteFindings(ctx.db, request.principal.orgId, request.principal, req);
      return reply.code(202).send({ data: { id: muteId, type: 'mute' } });
    },
  );
};
