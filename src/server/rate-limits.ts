import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RateLimitRule } from '../config.js';
import type { RateLimiter } from './rate-limiter.js';
import { sendError } from './error-mapper.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The endpoint family whose budget this route spends. */
    rateLimit?: string;
  }
}

function budgetHeaders(reply: FastifyReply, rule: RateLimitRule, family: string, count: number, resetSeconds: number) {
  reply.header('X-RateLimit-Limit', rule.limit);
  reply.header('X-RateLimit-Period', rule.periodSeconds);
  reply.header('X-RateLimit-Remaining', Math.max(0, rule.limit - count));
  reply.header('X-RateLimit-Reset', resetSeconds);
  reply.header('X-RateLimit-Name', family);
}

export function sendTooManyRequests(reply: FastifyReply, rule: RateLimitRule, family: string, count: number, resetSeconds: number) {
  budgetHeaders(reply, rule, family, count, resetSeconds);
  reply.header('Retry-After', resetSeconds);
  return sendError(
    reply,
    'STEWARD_ERR_RATE_LIMITED',
    `Too many requests: the ${family} budget of ${rule.limit} per ${rule.periodSeconds} s is spent; retry in ${resetSeconds} s.`,
  );
}

/**
 * Every route that needs keys names the family whose budget it spends: a route added without one stops the server
 * at start instead of going unlimited. Checked when the app is ready, after every plugin has set its routes' config.
 */
export function requireRateLimitFamilies(app: FastifyInstance, rules: Record<string, RateLimitRule>) {
  const routes: Array<{ method: unknown; url: string; config?: unknown }> = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    for (const route of routes) {
      const config = route.config as { public?: boolean; rateLimit?: string } | undefined;
      if (config?.public) continue;
      if (!config?.rateLimit || !rules[config.rateLimit]) {
        throw new Error(`Route ${String(route.method)} ${route.url} needs keys but names no rate-limit family (config.rateLimit)`);
      }
    }
  });
}

/**
 * Spends one request of the route's family budget for the request's API key (a public route's: its client address,
 * as it is served without keys); 429 once spent.
 */
export function registerRateLimits(app: FastifyInstance, limiter: RateLimiter, rules: Record<string, RateLimitRule>) {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const family = config?.rateLimit;
    const spender = config?.public ? request.ip : request.principal?.apiKeyId;
    if (!family || !spender) return;
    const rule = rules[family];
    if (!rule) return;
    const { count, resetSeconds } = await limiter.hit(family, spender, rule);
    if (count > rule.limit) return sendTooManyRequests(reply, rule, family, count, resetSeconds);
    budgetHeaders(reply, rule, family, count, resetSeconds);
  });
}
