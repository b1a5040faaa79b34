import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../store/orgs.js';
import type { Db } from '../store/db.js';
import type { RateLimitRule } from '../config.js';
import type { RateLimiter } from './rate-limiter.js';
import { sendError } from './error-mapper.js';
import { sendTooManyRequests } from './rate-limits.js';
import { KeyCache } from './key-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Served without keys (the console, the probes, the API's description). Every other route needs both keys: nothing is public by accident. */
    public?: boolean;
  }
}

/** The per-address budgets of requests that name no route, and of requests whose keys fail. */
export const UNMATCHED_FAMILY = 'unmatched';
export const UNAUTHENTICATED_FAMILY = 'unauthenticated';

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Spends one request of a per-address budget; answers 429 once spent. Returns whether it answered. */
export async function spendAddressBudget(
  limiter: RateLimiter,
  rule: RateLimitRule | undefined,
  family: string,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (!rule) return false;
  const { count, resetSeconds } = await limiter.hit(family, request.ip, rule);
  if (count <= rule.limit) return false;
  sendTooManyRequests(reply, rule, family, count, resetSeconds);
  return true;
}

/**
 * Protection follows the route the router matched, never the raw URL (which may be percent-encoded or in absolute
 * form): a route needs both keys unless it says `config.public`, and the organization comes from the keys alone.
 * Requests whose keys fail spend a budget of their client address, and once an address has spent it, its keys are
 * not even looked up: guessing costs the guesser. (Requests that match no route spend theirs in the 404 handler.)
 */
/** The principal of a pair of keys: from this process's cache when it holds the pair, else from the store. */
async function principalOf(db: Db, keys: KeyCache, apiKey: string, appKey: string): Promise<Principal | undefined> {
  const key = KeyCache.keyOf(apiKey, appKey);
  const cached = keys.get(key);
  if (cached) return cached;
  const begun = keys.begin();
  const principal = await authenticate(db, apiKey, appKey);
  if (principal) keys.keep(key, principal, begun);
  return principal;
}

export function registerAuthentication(app: FastifyInstance, db: Db, limiter: RateLimiter, rules: Record<string, RateLimitRule>, keys: KeyCache) {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    if (request.routeOptions.config?.public) return;
    // What a keyed route answers is one organization's data: a shared cache (a proxy) must never keep it, and a client
    // keeping its own copy asks again (a conditional request answers 304 where the data has not changed).
    reply.header('Cache-Control', 'private, no-cache');
    const failures = rules[UNAUTHENTICATED_FAMILY];
    if (failures && (await limiter.peek(UNAUTHENTICATED_FAMILY, request.ip, failures)) >= failures.limit) {
      if (await spendAddressBudget(limiter, failures, UNAUTHENTICATED_FAMILY, request, reply)) return;
    }
    const apiKey = header(request, 'dd-api-key');
    const appKey = header(request, 'dd-application-key');
    const principal = apiKey && appKey ? await principalOf(db, keys, apiKey, appKey) : undefined;
    if (principal) {
      request.principal = principal;
      return;
    }
    if (await spendAddressBudget(limiter, failures, UNAUTHENTICATED_FAMILY, request, reply)) return;
    if (!apiKey || !appKey)
      return sendError(reply, 'STEWARD_ERR_UNAUTHENTICATED', `Missing ${!apiKey ? 'DD-API-KEY' : 'DD-APPLICATION-KEY'} header.`);
    return sendError(reply, 'STEWARD_ERR_FORBIDDEN', 'Forbidden: unknown or revoked API key or application key, or an inactive user.');
  });
}
