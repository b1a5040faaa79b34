import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { sendError } from '../error-mapper.js';
import { pingStore } from '../../store/db.js';

export const healthRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const answer = { type: 'object', properties: { status: { type: 'string' } } };
  app.get('/health', { schema: { hide: true, response: { 200: answer } } as object }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true, response: { 200: answer } } as object }, async (request, reply) => {
    try {
      await pingStore(ctx.db);
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'store not ready');
      return sendError(reply, 503, 'The store does not answer.');
    }
  });
};
