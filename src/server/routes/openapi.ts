import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * The OpenAPI 3 document of the API, generated from the route schemas. It holds no secret, and tools fetch it without
 * keys: it is public, and spends the `meta` budget of the client address (a public route has no API key to charge).
 */
export const openapiRoutes: FastifyPluginAsync<AppContext> = async (app) => {
  app.get('/api/v2/openapi.json', { schema: { hide: true } as object, config: { public: true, rateLimit: 'meta' } }, async () => app.swagger());
};
