// Key-case conversion into the canonical snake_case schema.
import { isObject } from './values.js';

/** `ipPermissionsEgress` -> `ip_permissions_egress`, `SSEAlgorithm` -> `sse_algorithm`, `MFADelete` -> `mfa_delete`. */
export function snakeCase(key: string): string {
  return key
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
}

/** Converts every object key to snake_case, deeply; arrays and scalars keep their values. */
export function deepSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepSnake);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[snakeCase(key)] = deepSnake(inner);
  return out;
}
