import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { errorBody } from '../error-mapper.js';
import { pingStore } from '../../store/db.js';
import type { RateLimiterState } from '../rate-limiter.js';

type DependencyState = 'up' | 'down' | 'unreachable' | 'not configured';

const REDIS_STATE: Record<RateLimiterState, DependencyState> = { redis: 'up', degraded: 'unreachable', process: 'not configured' };

/**
 * /ready names each dependency and its state. The store is required (503 without it); Redis is not: while it is
 * unreachable the service answers with per-process rate limits, and says so here.
 */
export const healthRoutes: FastifyPluginAsync<AppContext> = async (app, ctx) => {
  const answer = Type.Object({ status: Type.Literal('ok') });
  app.get('/health', { config: { public: true }, schema: { hide: true, response: { 200: answer } } as object }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: { public: true }, schema: { hide: true } as object }, async (request, reply) => {
    const redis = REDIS_STATE[ctx.limiter.state()];
    const rateLimits = ctx.limiter.state() === 'redis' ? 'shared' : 'per process';
    let store: DependencyState = 'up';
    try {
      await pingStore(ctx.db);
    } catch (err) {
      request.log.warn({ err }, 'store not ready');
      store = 'down';
    }
    const dependencies = { store: { state: store, kind: ctx.db.kind }, redis: { state: redis, rate_limits: rateLimits } };
    if (store !== 'up')
      return reply.code(503).send({ ...errorBody('STEWARD_ERR_STORE_UNAVAILABLE', 'The store does not answer.'), status: 'not ready', dependencies });
    return { status: redis === 'unreachable' ? 'degraded' : 'ready', dependencies };
  });
};
