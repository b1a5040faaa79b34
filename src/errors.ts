// Errors the domain raises; the server maps each to its HTTP status and the JSON:API error shape, with its code.
import { ERROR_CODES, type ErrorCode, type ErrorCodeWithStatus } from './error-codes.js';
import { INPUT_LIMITS, omittedProblemsText } from './input-limits.js';

export interface ErrorSource {
  parameter?: string;
  pointer?: string;
  /** A request header (JSON:API 1.1), for what only a header got wrong. */
  header?: string;
}

export interface Problem {
  detail: string;
  source?: ErrorSource;
}

export class DomainError extends Error {
  /** Every problem when there are several (the first is also the message); each becomes one error on the wire. */
  problems?: Problem[];
  /** The HTTP status: the code's (`ERROR_CODES`). */
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly title: string,
    detail: string,
    readonly source?: ErrorSource,
  ) {
    super(detail);
    this.status = ERROR_CODES[code].status;
  }

  /**
   * Lists at most `INPUT_LIMITS.reportedProblems` problems; those beyond, and `omitted` more the collector only
   * counted, become one closing problem saying how many were left out.
   */
  setProblems(problems: Problem[], omitted = 0): this {
    const cap = INPUT_LIMITS.reportedProblems;
    const left = omitted + Math.max(0, problems.length - cap);
    this.problems = problems.slice(0, cap);
    if (left > 0) this.problems.push({ detail: omittedProblemsText(left), source: { pointer: '/' } });
    return this;
  }
}

/** A 400: by default `STEWARD_ERR_INVALID_BODY` when the source is a pointer, else `STEWARD_ERR_INVALID_PARAMETER`. */
export class InvalidInput extends DomainError {
  constructor(detail: string, source?: ErrorSource, code?: ErrorCodeWithStatus<400>) {
    super(code ?? (source?.pointer !== undefined ? 'STEWARD_ERR_INVALID_BODY' : 'STEWARD_ERR_INVALID_PARAMETER'), 'Bad Request', detail, source);
  }
}

/** A 415: a body in a media type or content coding the route does not read; the source names the header. */
export class UnsupportedMediaType extends DomainError {
  constructor(detail: string, source: ErrorSource) {
    super('STEWARD_ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type', detail, source);
  }
}

export class NotFound extends DomainError {
  constructor(detail: string, code: ErrorCodeWithStatus<404> = 'STEWARD_ERR_NOT_FOUND') {
    super(code, 'Not Found', detail);
  }
}

export class Conflict extends DomainError {
  constructor(detail: string, code: ErrorCodeWithStatus<409> = 'STEWARD_ERR_CONFLICT') {
    super(code, 'Conflict', detail);
  }
}

export class Unprocessable extends DomainError {
  constructor(detail: string, source?: ErrorSource, code: ErrorCodeWithStatus<422> = 'STEWARD_ERR_UNPROCESSABLE') {
    super(code, 'Unprocessable Entity', detail, source);
  }
}

/** A 501: an operation of Datadog's API this release does not serve yet; the detail says which and what to use. */
export class NotImplemented extends DomainError {
  constructor(detail: string) {
    super('STEWARD_ERR_NOT_IMPLEMENTED', 'Not Implemented', detail);
  }
}
