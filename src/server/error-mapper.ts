import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { codeForStatus, ERROR_CODES, type ErrorCode } from '../error-codes.js';
import { DomainError, type ErrorSource } from '../errors.js';

export interface JsonApiError {
  status: string;
  /** Stable, from `ERROR_CODES` (src/error-codes.ts); JSON:API allows `code` in an error object. */
  code: ErrorCode;
  title: string;
  detail: string;
  source?: ErrorSource;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error code (its status is the registry's), or a bare status whose code `codeForStatus` picks. */
export type ErrorAnswer = ErrorCode | number;

function statusAndCode(answer: ErrorAnswer, source: ErrorSource | undefined): [number, ErrorCode] {
  return typeof answer === 'number' ? [answer, codeForStatus(answer, source)] : [ERROR_CODES[answer].status, answer];
}

export function errorBody(answer: ErrorAnswer, detail: string, source?: ErrorSource): { errors: JsonApiError[] } {
  const [status, code] = statusAndCode(answer, source);
  const error: JsonApiError = { status: String(status), code, title: TITLES[status] ?? 'Error', detail };
  if (source) error.source = source;
  return { errors: [error] };
}

export function sendError(reply: FastifyReply, answer: ErrorAnswer, detail: string, source?: ErrorSource) {
  return reply
    .code(statusAndCode(answer, source)[0])
    .type('application/json')
    .send(errorBody(answer, detail, source));
}

/** The first segment of a URL's path that does not decode (shortened to 64 characters), so the caller sees which one. */
function undecodablePathSegment(url: string): string | undefined {
  const path = url.split('?', 1)[0]!;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment.length > 64 ? `${segment.slice(0, 63)}…` : segment;
    }
  }
  return undefined;
}

/** Errors Fastify answers before routing (a URL it cannot decode, a bad header). */
export function sendFrameworkError(reply: FastifyReply, err: FastifyError, url: string) {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  if (err.code === 'FST_ERR_BAD_URL') {
    const segment = undecodablePathSegment(url);
    const where = segment === undefined ? 'it' : `its path segment ${JSON.stringify(segment)}`;
    return sendError(reply, 'STEWARD_ERR_INVALID_URL', `The request URL is not valid: ${where} holds a malformed percent-encoding.`);
  }
  return sendError(reply, status, err.message);
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (a request line or headers too large, a timeout,
 * bytes that are not HTTP): answered on the socket, in the same error shape.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request did not arrive in time.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request line and headers exceed the size this server reads.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(errorBody(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

type Validation = NonNullable<FastifyError['validation']>[number];

/**
 * Names the offending parameter (query, path, header) or JSON pointer (body) of the first schema violation. The
 * checker of src/server/validation.ts puts a missing or unknown property's name at the end of the path itself.
 */
function validationSource(context: string | undefined, v: Validation): ErrorSource {
  if (context === 'body') return { pointer: v.instancePath || '/' };
  return { parameter: v.instancePath.replace(/^\//, '').split('/')[0]!.replace(/~1/g, '/').replace(/~0/g, '~') };
}

/** Every error a route throws, and Fastify's own, answered in the JSON:API error shape. */
export function registerErrorMapper(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DomainError) {
      if (!err.problems?.length) return sendError(reply, err.code, err.message, err.source);
      const errors = err.problems.map((p) => errorBody(err.code, p.detail, p.source).errors[0]!);
      return reply.code(err.status).type('application/json').send({ errors });
    }
    if (err.validation && err.validation.length > 0) {
      const v = err.validation[0]!;
      const source = validationSource(err.validationContext, v);
      const name = source.parameter ?? source.pointer;
      // A schema may declare that a wrong value is a 422 (src/server/validation.ts); structure errors are a 400.
      const status = (v.params as { status?: unknown }).status === 422 ? 422 : 400;
      return sendError(reply, status, `Invalid ${err.validationContext === 'body' ? 'body field' : 'parameter'} ${name}: ${v.message}`, source);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong content type): their messages hold no internals.
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        return sendError(reply, status, `Unsupported content type: ${request.headers['content-type'] ?? 'none'}`, { header: 'Content-Type' });
      return sendError(reply, status, err.message, status === 400 ? { pointer: '/' } : undefined);
    }
    request.log.error({ err }, 'request failed');
    return sendError(reply, 'STEWARD_ERR_INTERNAL', 'The server could not answer this request.');
  });
}
