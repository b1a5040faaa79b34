// What each operation answers, for the OpenAPI document: its success status with the shape of its body, and the error
// statuses it can answer, each with the one JSON:API error document the error mapper writes (error-mapper.ts). A route's
// schema takes `response: responses(...)`; a route whose success shape only documents also takes `jsonAsIs`, so that
// declaring a shape never changes what it sends.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { FINDINGS_COMPONENTS } from './openapi-findings-schemas.js';
import { OWNERSHIP_COMPONENTS } from './openapi-ownership-schemas.js';
import { SECURITY_FINDINGS_COMPONENTS } from './openapi-security-findings-schemas.js';

/** The error document of every error answer, shared as one component schema. */
export const JSON_API_ERRORS = Type.Object(
  {
    errors: Type.Array(
      Type.Object({
        status: Type.String({ description: 'The HTTP status, as text' }),
        code: Type.String({ description: 'A stable STEWARD_ERR_* code (GET /docs lists them)' }),
        title: Type.String({ description: 'The status text' }),
        detail: Type.String({ description: 'What is wrong, in one sentence' }),
        source: Type.Optional(
          Type.Object(
            {
              parameter: Type.Optional(Type.String({ description: 'The query or path parameter at fault' })),
              pointer: Type.Optional(Type.String({ description: 'The JSON pointer of the body field at fault' })),
              header: Type.Optional(Type.String({ description: 'The request header at fault (Content-Type or Content-Encoding of a 415)' })),
            },
            { description: 'Where the fault is' },
          ),
        ),
      }),
      { minItems: 1 },
    ),
  },
  { $id: 'JsonApiErrors', description: 'A JSON:API error document' },
);

/** Registers the component schemas the route schemas refer to; before the routes, on the app they register on. */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const schema of [JSON_API_ERRORS, ...FINDINGS_COMPONENTS, ...OWNERSHIP_COMPONENTS, ...SECURITY_FINDINGS_COMPONENTS]) app.addSchema(schema);
}

const ERROR_MEANINGS = {
  400: 'A parameter or body field is not valid (source names it)',
  401: 'DD-API-KEY or DD-APPLICATION-KEY is missing',
  403: 'The keys are unknown or revoked, or their user is inactive',
  404: 'Nothing has that id',
  409: 'The state changed since the caller read it; read again',
  413: 'The body is larger than the server reads',
  415: 'The Content-Type is not one this operation reads or names a charset other than UTF-8, or the body is compressed (Content-Encoding)',
  422: 'A value is well formed but cannot be applied',
  429: 'The rate limit budget is spent; see Retry-After',
  501: 'Not served by this release of Steward',
} as const;
export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** What any operation behind the keys can answer. */
const COMMON_ERRORS: ErrorStatus[] = [400, 401, 403, 429];
/** What any operation reading a body can answer besides. */
export const BODY_ERRORS: ErrorStatus[] = [413, 415];

function errorResponse(status: ErrorStatus) {
  return { description: ERROR_MEANINGS[status], content: { 'application/json': { schema: Type.Ref(JSON_API_ERRORS) } } };
}

/** A success answer: a JSON body of that shape (its description says what it is), media types of their own, or `NO_BODY`. */
type Success = TSchema | { description: string; content: Record<string, { schema: TSchema }> };

/**
 * The `response` of a route schema: its success answers by status, then the common errors and those it adds.
 * (`not served` operations pass no success: they answer only errors.)
 */
export function responses(success: Partial<Record<200 | 201 | 202 | 204 | 304, Success>>, errors: ErrorStatus[] = []) {
  const all = [...new Set([...COMMON_ERRORS, ...errors])].sort((a, b) => a - b);
  return { ...success, ...Object.fromEntries(all.map((status) => [status, errorResponse(status)])) };
}

/** A body this document describes by its parts in words only (its shape is Steward's own and open). */
export const describedObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** No body: a 204, or a 304 (the client's copy is current). */
export const NO_BODY = (description: string) => Type.Null({ description });
