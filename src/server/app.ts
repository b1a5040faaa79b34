import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import type { AppContext } from './context.js';
import { answerClientError, registerErrorMapper, sendFrameworkError } from './error-mapper.js';
import { registerAuthentication } from './authentication.js';
import { watchedKeyCache } from './key-cache.js';
import { registerUnmatchedRequests } from './unmatched-requests.js';
import { registerRateLimits, requireRateLimitFamilies } from './rate-limits.js';
import { routeFamilies } from './routes/index.js';
import { registerInputChecks } from './input-checks.js';
import { typeboxValidatorCompiler } from './validation.js';
import { addSharedSchemas } from './openapi-responses.js';
import { registerPublicBase } from './public-url.js';
import { capConnections } from './connection-cap.js';

export async function buildApp(ctx: AppContext, log?: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    ...(log ? { loggerInstance: log } : { logger: { level: ctx.config.logLevel } }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // A client that trickles its body would otherwise hold its connection (and what it sent) for as long as it likes:
    // the framework sets no request timeout of its own. Node checks the connections on an interval, so the interval
    // is a fraction of the timeout, and the headers' own limit no longer than it.
    requestTimeout: ctx.config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, ctx.config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(ctx.config.requestTimeoutMs / 4))),
    },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Datadog's parameters are named like filter[tags]; they stay flat keys, repeated ones become arrays.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // A URL the router cannot decode is answered before any hook: in the same error shape as every other answer.
    frameworkErrors: (err, request, reply) => sendFrameworkError(reply, err, request.raw.url ?? ''),
    clientErrorHandler: answerClientError,
  });
  capConnections(app.server, ctx.config.maxConnections, app.log);
  // Closing waits for every connection to end, and an answer sent on a keep-alive connection leaves it open for the
  // keep-alive timeout (72 s): so a server stopping while a request runs answers it with the connection closed.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  registerErrorMapper(app);
  // Every body the API reads is JSON (or a route's own type, such as text/csv): a text/plain body is answered 415, not
  // parsed as a string that then fails its schema as "must be an object".
  app.removeContentTypeParser('text/plain');
  // Route schemas are TypeBox types; this checks every request part against them (see validation.ts).
  app.setValidatorCompiler(typeboxValidatorCompiler);
  addSharedSchemas(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Steward API',
        version: '1',
        description: "Cloud security findings and resource ownership on Datadog's public API.",
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      // The document is served by the server it describes, at whatever address that one is reached: relative.
      servers: [{ url: '/', description: 'The server this document is served from' }],
      components: {
        securitySchemes: {
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'DD-API-KEY' },
          appKeyAuth: { type: 'apiKey', in: 'header', name: 'DD-APPLICATION-KEY' },
        },
      },
      security: [{ apiKeyAuth: [], appKeyAuth: [] }],
    },
    // A shared schema is its component by its own $id (JsonApiErrors), not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  requireRateLimitFamilies(app, ctx.config.rateLimits);
  const keys = await watchedKeyCache(ctx.db, (err) => app.log.warn({ err }, 'cannot listen for key changes: keys are looked up on every request'));
  app.addHook('onClose', async () => keys.stop());
  registerAuthentication(app, ctx.db, ctx.limiter, ctx.config.rateLimits, keys.cache);
  registerRateLimits(app, ctx.limiter, ctx.config.rateLimits);
  registerUnmatchedRequests(app, ctx.limiter, ctx.config.rateLimits);
  registerInputChecks(app);
  registerPublicBase(app, ctx.config.publicUrl);
  for (const family of routeFamilies) await app.register(family, ctx);
  return app;
}
