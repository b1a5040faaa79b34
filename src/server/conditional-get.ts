// Conditional GET: a representation's ETag, and a 304 when the client's copy (If-None-Match) is current.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9110: If-None-Match compares weakly; `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/** Whether the request's If-None-Match names this ETag: handed to a domain function that can skip building the body. */
export function clientHas(request: FastifyRequest): (etag: string) => boolean {
  const v = request.headers['if-none-match'];
  const header = Array.isArray(v) ? v.join(',') : v;
  return (etag) => etagMatches(header, etag);
}

/** Sends the ETag, and the body, or a 304 when there is none (the client's copy is current). */
export function sendConditional<T>(reply: FastifyReply, answer: { etag: string; body?: T }) {
  reply.header('ETag', answer.etag);
  if (!answer.body) return reply.code(304).send();
  return answer.body;
}
