// Paths, addresses and repositories read from outside, without the slashes they end with.

const SLASH = 47;

/**
 * `text` without its trailing slashes. A loop rather than `/\/+$/`, which tries each slash of a long run as a start:
 * quadratic in the run (330 ms for a 16 KB request path of slashes).
 */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SLASH) end -= 1;
  return text.slice(0, end);
}
