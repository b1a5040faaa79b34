import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AppContext } from '../context.js';

/** The API reference page, and the OpenAPI document it renders (src/server/routes/openapi.ts). */
export const API_REFERENCE_PATH = '/docs';
const OPENAPI_PATH = '/api/v2/openapi.json';

// Redoc's standalone bundle, served from this process: the page loads nothing from anywhere else. The bundle's one
// outside address is the Redocly logo of its sidebar footer; it is replaced by an empty image, so the browser asks for
// nothing (the policy below would block it anyway). Its source map is not shipped: the comment naming it goes too.
const REDOC_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

function redocBundle(): string {
  const path = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  return readFileSync(path, 'utf8')
    .replaceAll(REDOC_LOGO, EMPTY_IMAGE)
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

// The page names an empty icon of its own, so a browser does not ask for /favicon.ico (which is not served).
// Scripts only from this origin; Redoc's styles are injected at run time (styled-components), and its search index is
// built in a worker it starts from a blob. It fetches the document from this origin and nothing else.
const REFERENCE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const page = (bundleUrl: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward API reference</title>
<link rel="icon" href="data:,">
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="${OPENAPI_PATH}"></redoc>
<script src="${bundleUrl}"></script>
</body>
</html>
`;

const AssetParams = Type.Object({ name: Type.String() });

function commonHeaders(reply: FastifyReply) {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
}

/**
 * GET /docs: a browsable reference of the API (Redoc over /api/v2/openapi.json). Public like the document it shows,
 * and like it spending the `meta` budget of the client address. The bundle's name carries its content hash, so a
 * browser keeps it for good; the page itself is revalidated.
 */
export const apiReferenceRoutes: FastifyPluginAsync<AppContext> = async (app) => {
  const bundle = redocBundle();
  const bundleName = `redoc.standalone-${createHash('sha256').update(bundle).digest('hex').slice(0, 12)}.js`;
  const html = page(`${API_REFERENCE_PATH}/assets/${bundleName}`);
  const config = { public: true, rateLimit: 'meta' };

  app.get(API_REFERENCE_PATH, { config, schema: { hide: true } }, async (_request, reply) => {
    commonHeaders(reply);
    reply.header('Content-Security-Policy', REFERENCE_CSP);
    reply.header('Cache-Control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get<{ Params: { name: string } }>(
    `${API_REFERENCE_PATH}/assets/:name`,
    { config, schema: { hide: true, params: AssetParams } },
    async (request, reply) => {
      if (request.params.name !== bundleName) return reply.callNotFound();
      commonHeaders(reply);
      reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      return reply.type('text/javascript; charset=utf-8').send(bundle);
    },
  );
};
