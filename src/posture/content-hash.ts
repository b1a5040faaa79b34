import { createHash } from 'node:crypto';
import type { ResourceRecord } from './resource.js';

/** Canonical JSON (sorted keys) so that the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes a new version of a resource: any change but the time it was observed. */
export function resourceContentHash(r: ResourceRecord): string {
  const { observed_at: _observed, ...content } = r;
  return createHash('sha256').update(canonicalJson(content)).digest('base64url');
}
