import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../store/orgs.js';
import type { Db } from '../store/db.js';
import { sendError } from './error-mapper.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Every /api/ route needs both keys; the organization comes from the keys alone. */
export function registerAuthentication(app: FastifyInstance, db: Db) {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const apiKey = header(request, 'dd-api-key');
    const appKey = header(request, 'dd-application-key');
    if (!apiKey || !appKey) {
      return sendError(reply, 401, `Missing ${!apiKey ? 'DD-API-KEY' : 'DD-APPLICATION-KEY'} header.`);
    }
    const principal = await authenticate(db, apiKey, appKey);
    if (!principal) return sendError(reply, 403, 'Forbidden: unknown or revoked API key or application key.');
    request.principal = principal;
  });
}
