import type { FastifyInstance } from 'fastify';
import type { RateLimitRule } from '../config.js';
import type { RateLimiter } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The endpoint family whose budget this route spends. */
    rateLimit?: string;
  }
}

/** Spends one request of the route's family budget for the request's API key; 429 once spent. */
export function registerRateLimits(app: FastifyInstance, limiter: RateLimiter, rules: Record<string, RateLimitRule>) {
  app.addHook('onRequest', async (request, reply) => {
    const family = request.routeOptions.config?.rateLimit;
    if (!family || !request.principal) return;
    const rule = rules[family];
    if (!rule) return;
    const { count, resetSeconds } = await limiter.hit(family, request.principal.apiKeyId, rule);
    reply.header('X-RateLimit-Limit', rule.limit);
    reply.header('X-RateLimit-Period', rule.periodSeconds);
    reply.header('X-RateLimit-Remaining', Math.max(0, rule.limit - count));
    reply.header('X-RateLimit-Reset', resetSeconds);
    reply.header('X-RateLimit-Name', family);
    if (count > rule.limit) {
      reply.header('Retry-After', resetSeconds);
      return reply.code(429).type('application/json').send({ errors: ['Too many requests'] });
    }
  });
}
