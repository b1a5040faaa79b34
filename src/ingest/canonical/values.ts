// Small, total helpers for reading loosely typed provider data (Terraform attributes, Config items).
import { isRecord } from '../../json-values.js';

export { isRecord, str } from '../../json-values.js';

export type Json = Record<string, unknown>;

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value when it is a boolean; undefined for anything else. */
export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function objects(value: unknown): Json[] {
  return list(value).filter(isRecord);
}

/** Terraform keeps a nested block of at most one element as a list: `[ {...} ]`. */
export function block(value: unknown): Json | undefined {
  if (isRecord(value)) return value;
  const first = list(value)[0];
  return isRecord(first) ? first : undefined;
}

/** Drops keys whose value is undefined, so mapped objects carry only what the source said. */
export function compact<T extends Json>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

/** Parses a JSON policy document kept as a string (IAM, bucket and key policies); gives undefined when it is not JSON. */
export function parsePolicy(value: unknown): Json | undefined {
  if (isRecord(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
