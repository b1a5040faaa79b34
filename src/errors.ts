// Errors the domain raises; the server maps each to its HTTP status and the JSON:API error shape.
import { INPUT_LIMITS, omittedProblemsText } from './input-limits.js';

export interface ErrorSource {
  parameter?: string;
  pointer?: string;
}

export interface Problem {
  detail: string;
  source?: ErrorSource;
}

export class DomainError extends Error {
  /** Every problem when there are several (the first is also the message); each becomes one error on the wire. */
  problems?: Problem[];
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly source?: ErrorSource,
  ) {
    super(detail);
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

export class InvalidInput extends DomainError {
  constructor(detail: string, source?: ErrorSource) {
    super(400, 'Bad Request', detail, source);
  }
}

export class NotFound extends DomainError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}

export class Conflict extends DomainError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}

export class Unprocessable extends DomainError {
  constructor(detail: string, source?: ErrorSource) {
    super(422, 'Unprocessable Entity', detail, source);
  }
}
