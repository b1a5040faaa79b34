// JSON kept as text inside a record (a Terraform state's policy documents, AWS Config's configuration strings and
// URL-encoded IAM policies) is parsed by the canonical mappings, after the document itself was checked. What it holds
// must meet the same limits, or a NUL reaches the store as an error naming no file, and deep nesting overflows the
// mappings' recursion.
import { fieldOfPath, findJsonProblem, type JsonPath } from '../input-limits.js';

/** What a string holds when the mappings would read it as JSON (as it is, or URL-encoded), else undefined. */
function embeddedValue(text: string): unknown {
  const start = text.trimStart();
  let json = text;
  if (/^%(7B|5B)/i.test(start)) {
    try {
      json = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  } else if (!start.startsWith('{') && !start.startsWith('[')) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

export interface EmbeddedJsonProblem {
  /** Where the value's problem is: the path to the string holding the JSON, or to the value itself. */
  field: string | undefined;
  reason: string;
}

/**
 * The first problem of `value` (findJsonProblem) or of JSON any of its strings holds, at any depth of embedding: named
 * by the path to that string, the reason saying where inside its JSON the problem is.
 */
export function findEmbeddedJsonProblem(value: unknown): EmbeddedJsonProblem | undefined {
  const own = findJsonProblem(value);
  if (own) return { field: fieldOfPath(own.path), reason: own.reason };
  return findInStrings(value, []);
}

/** Walks a value findJsonProblem accepted (so its depth is bounded) for strings that hold JSON. */
function findInStrings(value: unknown, path: JsonPath): EmbeddedJsonProblem | undefined {
  if (typeof value === 'string') {
    const inner = embeddedValue(value);
    if (inner === undefined) return undefined;
    const problem = findEmbeddedJsonProblem(inner);
    if (!problem) return undefined;
    const at = problem.field === undefined ? '' : ` at ${problem.field}`;
    return { field: fieldOfPath(path), reason: `holds JSON that cannot be read${at}: ${problem.reason}` };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, item] of entries) {
    const problem = findInStrings(item, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}
