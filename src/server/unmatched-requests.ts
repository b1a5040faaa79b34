import type { FastifyInstance } from 'fastify';
import type { RateLimitRule } from '../config.js';
import type { RateLimiter } from './rate-limiter.js';
import { sendError } from './error-mapper.js';
import { spendAddressBudget, UNMATCHED_FAMILY } from './authentication.js';

/** A path no route serves is a 404 that spends a budget of the client address: scanning costs the scanner. */
export function registerUnmatchedRequests(app: FastifyInstance, limiter: RateLimiter, rules: Record<string, RateLimitRule>) {
  app.setNotFoundHandler(async (request, reply) => {
    if (await spendAddressBudget(limiter, rules[UNMATCHED_FAMILY], UNMATCHED_FAMILY, request, reply)) return reply;
    return sendError(reply, 'STEWARD_ERR_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
  });
}
