// The address page links (`links.next`, `first`, `last`) are built on: STEWARD_PUBLIC_URL when set, else each
// request's own scheme and Host (which a client can set to anything, and which a proxy in front may have rewritten).
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Scheme, host and path prefix clients reach this server at, without a trailing slash. */
    publicBase: string;
  }
}

export function registerPublicBase(app: FastifyInstance, publicUrl: string | undefined): void {
  app.decorateRequest('publicBase', '');
  app.addHook('onRequest', async (request) => {
    request.publicBase = publicUrl ?? `${request.protocol}://${request.host}`;
  });
}
