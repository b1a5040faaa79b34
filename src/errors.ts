// Errors the domain raises; the server maps each to its HTTP status and the JSON:API error shape.
export interface ErrorSource {
  parameter?: string;
  pointer?: string;
}

export class DomainError extends Error {
  /** Every problem when there are several (the first is also the message); each becomes one error on the wire. */
  problems?: Array<{ detail: string; source?: ErrorSource }>;
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly source?: ErrorSource,
  ) {
    super(detail);
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
