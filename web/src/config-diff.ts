// The difference between two versions of a resource's configuration, leaf by leaf: each path (`a.b[0].c`) that was
// added, removed or changed, in path order. Objects and arrays are walked; an empty one is a leaf of its own.

export interface DiffRow {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf of a JSON value by its path; `$` is the root when the value itself is a leaf. */
export function flatten(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  else if (isObject(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  else out.set(path || '$', value);
  return out;
}

export function diffValues(before: unknown, after: unknown): DiffRow[] {
  const a = flatten(before);
  const b = flatten(after);
  const rows: DiffRow[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const inA = a.has(path);
    const inB = b.has(path);
    if (inA && !inB) rows.push({ path, kind: 'removed', before: a.get(path) });
    else if (!inA && inB) rows.push({ path, kind: 'added', after: b.get(path) });
    else if (JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path)))
      rows.push({ path, kind: 'changed', before: a.get(path), after: b.get(path) });
  }
  return rows;
}

/** A leaf as the diff shows it: JSON, so that a string and a number of the same digits differ visibly. */
export const showLeaf = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));
