import { ApiError } from '../api.js';

/** An API failure as a short alert; auth failures never reach here (they sign the reviewer out). */
export function ErrorMessage({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? error.status === 429
        ? 'Too many requests for now: wait a minute and try again.'
        : `${error.message} (HTTP ${error.status})`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p class="error" role="alert">
      {context ? `${context}: ` : ''}
      {text}
    </p>
  );
}
