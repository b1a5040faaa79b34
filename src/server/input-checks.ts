import { isUtf8 } from 'node:buffer';
import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInput, UnsupportedMediaType } from '../errors.js';
import { INPUT_LIMITS, findJsonProblem, jsonPointer, textFieldReason, unsafeTextReason } from '../input-limits.js';

/** A query string's part decoded (`+` a space), or undefined when its escapes are malformed or not UTF-8. */
function decodedQueryPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The first query parameter whose escapes do not decode: the routes' parser kept `%ED%A0%80` (a lone surrogate's bytes)
 * or `%FF` as that literal text, and the check below read them as U+FFFD, so the two disagreed on what was asked.
 */
function rejectUndecodableQuery(query: string): void {
  for (const pair of query.split('&')) {
    const [rawKey = '', ...rawValue] = pair.split('=');
    const key = decodedQueryPart(rawKey);
    if (key !== undefined && decodedQueryPart(rawValue.join('=')) !== undefined) continue;
    const name = key ?? rawKey;
    throw new InvalidInput(`Invalid parameter ${name}: holds a malformed percent-encoding or bytes that are not UTF-8`, { parameter: name });
  }
}

/** The first query parameter (name or value) no store can take as text: a NUL (`%00`), bytes that are not UTF-8. */
function rejectUnsafeQuery(request: FastifyRequest): void {
  const q = request.url.indexOf('?');
  if (q < 0) return;
  rejectUndecodableQuery(request.url.slice(q + 1));
  for (const [key, value] of new URLSearchParams(request.url.slice(q + 1))) {
    const reason = unsafeTextReason(key) ?? unsafeTextReason(value);
    if (reason) throw new InvalidInput(`Invalid parameter ${key}: ${reason}`, { parameter: key });
  }
}

/** The first place of a parsed JSON body no store can take (NUL, lone surrogate, deep nesting), as a JSON pointer. */
function rejectUnsafeBody(request: FastifyRequest): void {
  const body = request.body;
  if (body === null || typeof body !== 'object') return;
  const problem = findJsonProblem(body);
  if (!problem) return;
  const pointer = jsonPointer(problem.path);
  throw new InvalidInput(`Invalid body field ${pointer}: ${problem.reason}`, { pointer });
}

/** An id taken from the path (a finding id, a resource id): text the store can keep, no longer than an id may be. */
export function idParameter(name: string, value: string): string {
  const reason = textFieldReason(value, INPUT_LIMITS.idBytes);
  if (reason) throw new InvalidInput(`Invalid parameter ${name}: ${reason}`, { parameter: name });
  return value;
}

const hasBody = (request: FastifyRequest) => request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * A body in a content coding other than identity: no route decompresses, and a gzip body read as JSON failed as "not
 * valid JSON" while a Brotli one claimed but sent plain was read as if the header were absent.
 */
function rejectEncodedBody(request: FastifyRequest): void {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (!encoding || encoding === 'identity' || !hasBody(request)) return;
  throw new UnsupportedMediaType(`Unsupported Content-Encoding: ${encoding}; send the body uncompressed`, { header: 'Content-Encoding' });
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * A body in a character set other than UTF-8: every body is read as UTF-8, so a Latin-1 one was kept with U+FFFD in
 * place of each accented letter, and a UTF-16 one failed as "not valid JSON".
 */
function rejectOtherCharset(request: FastifyRequest): void {
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || !hasBody(request)) return;
  throw new UnsupportedMediaType(`Unsupported charset: ${charset}; send the body in UTF-8`, { header: 'Content-Type' });
}

/**
 * A body parser reading the body's bytes as UTF-8 text and handing it to `parse`; bytes that are not UTF-8 are a 400
 * (the framework's own string parsing read them as U+FFFD, and they were kept).
 */
export function utf8BodyParser(parse: FastifyBodyParser<string>): FastifyBodyParser<Buffer> {
  return (request, body, done) => {
    if (!isUtf8(body)) {
      done(new InvalidInput('The body is not valid UTF-8: send text in UTF-8', { pointer: '/' }), undefined);
      return;
    }
    return parse(request, body.toString('utf8'), done);
  };
}

/**
 * The framework's JSON parser, whose refusal of a `__proto__` or `constructor.prototype` key says so: it answered "not
 * valid JSON" for JSON that is valid, leaving the caller to look for a syntax error that is not there.
 */
function withPrototypeKeysNamed(parse: FastifyBodyParser<string>): FastifyBodyParser<string> {
  return (request, body, done) =>
    parse(request, body, (err, value) => {
      if (err && isValidJson(body)) {
        done(
          new InvalidInput('The body holds a __proto__ or constructor.prototype key, which is refused: rename the key', { pointer: '/' }),
          undefined,
        );
      } else done(err, value);
    });
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every request's query string and JSON body are checked once, before any route reads them: what fails is a 400
 * naming the parameter or pointer. Field lengths and ranges are judged by each route's own parser.
 */
export function registerInputChecks(app: FastifyInstance) {
  app.addHook('preParsing', async (request) => {
    rejectEncodedBody(request);
    rejectOtherCharset(request);
  });
  // The framework's JSON parser (its own handling of __proto__ and constructor keys), given text only once it is UTF-8;
  // JSON:API's own media type is JSON too.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/vnd.api+json'],
    { parseAs: 'buffer' },
    utf8BodyParser(withPrototypeKeysNamed(app.getDefaultJsonParser('error', 'error'))),
  );
  app.addHook('preValidation', async (request) => {
    rejectUnsafeQuery(request);
    rejectUnsafeBody(request);
  });
}
