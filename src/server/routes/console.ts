import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../context.js';

/** Where `vite build web` writes the console: <repo>/dist/web, both from src/ (tsx) and from dist/ (compiled). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

// The console loads only its own files and talks only to this origin; finding messages can never run script.
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function consoleHeaders(reply: FastifyReply) {
  reply.header('Content-Security-Policy', CONSOLE_CSP);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
}

/** Paths the console never claims: the API and the probes keep their own answers, including their 404s. */
function isServicePath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/health' || path === '/ready';
}

/** The console's pages of one thing (web/src/router.ts): /resources/<id>, /teams/<handle>, /services/<handle>. */
function isItemPage(path: string): boolean {
  return /^\/(resources|teams|services)\/./.test(path);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Steward</title></head>
<body><main><h1>The review console is not built</h1><p>Run <code>npm run build:web</code>; the API is served at /api/v2/.</p></main></body></html>`;

/**
 * The review console: hashed assets under /assets/, index.html at / and at every other
 * non-API path without a file extension (client-side routes such as /overview).
 */
export function consoleRoutesFrom(webRoot: string): FastifyPluginAsync<AppContext> {
  return async (app) => {
    // Every route of this plugin (the static assets' too) is the console's, served without keys.
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true };
    });
    const index = join(webRoot, 'index.html');
    if (!existsSync(index)) {
      app.log.warn({ webRoot }, 'review console not built; serving a notice at /');
      app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT));
      return;
    }

    await app.register(fastifyStatic, {
      root: join(webRoot, 'assets'),
      prefix: '/assets/',
      schemaHide: true,
      decorateReply: true,
      // File names carry a content hash: a browser may keep them for good.
      immutable: true,
      maxAge: '365d',
      setHeaders: (res: FastifyReply) => {
        res.header('X-Content-Type-Options', 'nosniff');
      },
    });

    const sendIndex = (reply: FastifyReply) => {
      consoleHeaders(reply);
      // index.html names the current asset hashes, so it is revalidated on every load.
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', webRoot, { cacheControl: false });
    };

    app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      // The router's decoded path, not the raw URL (which may be percent-encoded).
      const path = `/${(request.params as { '*'?: string })['*'] ?? ''}`;
      const last = path.split('/').pop() ?? '';
      // A missing file (favicon.ico, a stale asset) is a 404, not the app; a page of one resource, team or service
      // is the app whatever its id holds (a bucket name has dots).
      if (isServicePath(path) || (last.includes('.') && !isItemPage(path))) return reply.callNotFound();
      return sendIndex(reply);
    });
  };
}

export const consoleRoutes: FastifyPluginAsync<AppContext> = consoleRoutesFrom(DEFAULT_WEB_ROOT);
