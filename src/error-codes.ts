// Every `code` an error answer carries (`errors[].code`), as Fastify names its own `FST_ERR_*`: stable strings a
// caller may branch on, each with the one HTTP status it comes with. A code is never renamed or reused for another
// meaning; a new one is added here (test/unit/error-codes.test.ts checks that each is used, and only these are sent).

export const ERROR_CODES = {
  STEWARD_ERR_INVALID_PARAMETER: { status: 400, meaning: 'A query, path or header parameter is not valid; `source.parameter` names it.' },
  STEWARD_ERR_INVALID_CURSOR: { status: 400, meaning: 'A page cursor is not one this server issued for this listing, filters and snapshot.' },
  STEWARD_ERR_INVALID_BODY: { status: 400, meaning: 'The body is not valid (JSON, shape, a field, a record); `source.pointer` names where.' },
  STEWARD_ERR_INVALID_URL: { status: 400, meaning: 'The request URL cannot be decoded (a malformed percent-encoding).' },
  STEWARD_ERR_BAD_REQUEST: {
    status: 400,
    meaning: 'Any other request the HTTP layer refuses: not valid HTTP, or a rarer 4xx of the framework (sent with that status).',
  },
  STEWARD_ERR_UNAUTHENTICATED: { status: 401, meaning: 'DD-API-KEY or DD-APPLICATION-KEY is missing.' },
  STEWARD_ERR_FORBIDDEN: { status: 403, meaning: 'The keys are unknown or revoked, or their user is inactive.' },
  STEWARD_ERR_NOT_FOUND: { status: 404, meaning: 'No such finding, resource, inference, or route.' },
  STEWARD_ERR_REQUEST_TIMEOUT: { status: 408, meaning: 'The request did not arrive in time.' },
  STEWARD_ERR_CONFLICT: { status: 409, meaning: "The state changed since the caller read it (an ownership inference's checksum); read again." },
  STEWARD_ERR_PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is larger than the server reads.' },
  STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning:
      'The Content-Type is not one the route reads or names a charset other than UTF-8, or the body is compressed (`Content-Encoding`); `source.header` names which.',
  },
  STEWARD_ERR_UNPROCESSABLE: { status: 422, meaning: 'The body is well formed but a value cannot be applied (a mute expiring in the past).' },
  STEWARD_ERR_RATE_LIMITED: {
    status: 429,
    meaning: 'The budget of this key (or client address) for this endpoint family is spent; see Retry-After.',
  },
  STEWARD_ERR_HEADERS_TOO_LARGE: { status: 431, meaning: 'The request line and headers exceed what the server reads.' },
  STEWARD_ERR_NOT_IMPLEMENTED: {
    status: 501,
    meaning:
      "The operation is one of the client's that this release does not serve yet (inbox, default inbox and ticket creation rules; mute, severity modifier and due date rules are served).",
  },
  STEWARD_ERR_INTERNAL: { status: 500, meaning: 'The server failed; the log has the cause under the request id.' },
  STEWARD_ERR_STORE_UNAVAILABLE: { status: 503, meaning: 'The store does not answer (`GET /ready`).' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes that come with one HTTP status, so a 404 cannot carry a 400's code. */
export type ErrorCodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never }[ErrorCode];

/** The code of an answer that names none: the source tells a parameter from a body field for a 400. */
export function codeForStatus(status: number, source?: { parameter?: string; pointer?: string }): ErrorCode {
  switch (status) {
    case 400:
      if (source?.pointer !== undefined) return 'STEWARD_ERR_INVALID_BODY';
      return source?.parameter !== undefined ? 'STEWARD_ERR_INVALID_PARAMETER' : 'STEWARD_ERR_BAD_REQUEST';
    case 401:
      return 'STEWARD_ERR_UNAUTHENTICATED';
    case 403:
      return 'STEWARD_ERR_FORBIDDEN';
    case 404:
      return 'STEWARD_ERR_NOT_FOUND';
    case 408:
      return 'STEWARD_ERR_REQUEST_TIMEOUT';
    case 409:
      return 'STEWARD_ERR_CONFLICT';
    case 413:
      return 'STEWARD_ERR_PAYLOAD_TOO_LARGE';
    case 415:
      return 'STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'STEWARD_ERR_UNPROCESSABLE';
    case 429:
      return 'STEWARD_ERR_RATE_LIMITED';
    case 431:
      return 'STEWARD_ERR_HEADERS_TOO_LARGE';
    case 503:
      return 'STEWARD_ERR_STORE_UNAVAILABLE';
    default:
      return status >= 500 ? 'STEWARD_ERR_INTERNAL' : 'STEWARD_ERR_BAD_REQUEST';
  }
}
