import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

export const openapiRoutes: FastifyPluginAsync<AppContext> = async (app) => {
  app.get('/api/v2/openapi.json', { schema: { hide: true } as object, config: { rateLimit: 'meta' } }, async () => app.swagger());
};
