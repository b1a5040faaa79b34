// Key-case conversion into the canonical snake_case schema.
import { isRecord } from './values.js';

/** `ipPermissionsEgress` -> `ip_permissions_egress`, `SSEAlgorithm` -> `sse_algorithm`, `MFADelete` -> `mfa_delete`. */
export function snakeCase(key: string): string {
  return key
    .replace(/(?<![A-Z])([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
}

/**
 * AWS Config lower-cases only the first letter of the API's names, so an acronym loses half of itself:
 * `dBInstanceIdentifier`, `iAMDatabaseAuthenticationEnabled`, `cACertificateIdentifier`.
 */
export function configSnakeCase(key: string): string {
  return snakeCase(key.replace(/^([a-z])([A-Z])/, (_, a: string, b: string) => a.toUpperCase() + b));
}

/** Converts every object key to snake_case, deeply; arrays and scalars keep their values. */
export function deepSnake(value: unknown, convert: (key: string) => string = snakeCase): unknown {
  if (Array.isArray(value)) return value.map((item) => deepSnake(item, convert));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[convert(key)] = deepSnake(inner, convert);
  return out;
}
