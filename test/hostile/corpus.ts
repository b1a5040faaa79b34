// Hostile inputs every route must answer without a 5xx: what an outsider sends to find the edges of a parser, a
// database or a stack. Values are given as they travel: query and path values already percent-encoded (some of them
// deliberately invalid), body values as JSON values.

const LONG_RANDOM = Array.from({ length: 2800 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');

/** Percent-encoded text for a query string or a path segment. */
export const HOSTILE_URL_VALUES: string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80', // a lone surrogate in UTF-8 form: not valid UTF-8
  '%FF%FE',
  '%zz',
  '%',
  '',
  '%20',
  encodeURIComponent(LONG_RANDOM),
  '1e30',
  '-1',
  '-9223372036854775809',
  '9300000000000000', // sixteen digits, past the exact integers: times a page size, past bigint
  '9007199254740992', // 2^53, the first integer a double cannot tell from the next
  '99999999999999999999999999',
  'NaN',
  'Infinity',
  'true',
  'null',
  '%5B%5D', // []
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('"; DROP TABLE findings; --'),
  encodeURIComponent('../../../../etc/passwd'),
  encodeURIComponent('<script>alert(1)</script>'),
  encodeURIComponent('{"$gt":""}'),
  encodeURIComponent('team:*'),
  encodeURIComponent('a:b:c:d'),
  encodeURIComponent('\u202e\ufeff🦜'),
  '%0D%0ASet-Cookie:%20x=1',
  encodeURIComponent('\\'),
];

/** JSON text nested `depth` deep (written as text: building it as a value would overflow the stack of the sender). */
function deepJson(depth: number): string {
  return '{"a":['.repeat(depth / 2) + '"bottom"' + ']}'.repeat(depth / 2);
}

/** Stands in a value for JSON text that `toJsonText` puts in its place. */
const DEEP_MARKER = '\u0001deep-nesting\u0001';

/** A body as JSON text, with the deep-nesting marker replaced by 5,000 levels of nesting. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(DEEP_MARKER), deepJson(5000));
}

/** JSON values put in the place of any one field of a valid body. */
export const HOSTILE_JSON_VALUES: unknown[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  LONG_RANDOM,
  '',
  1e30,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  null,
  [],
  {},
  [null, '\u0000'],
  { '\u0000': 'key' },
  DEEP_MARKER,
  "' OR 1=1 --",
  '<script>alert(1)</script>',
];

/** Whole bodies sent as JSON to every route that takes one. */
export const HOSTILE_JSON_BODIES: string[] = [
  '',
  'null',
  '[]',
  '"text"',
  '12',
  '{',
  '{"data":',
  JSON.stringify({ data: null }),
  JSON.stringify({ data: [] }),
  JSON.stringify({ data: { type: '\u0000', attributes: { '\ud800': '\u0000' } } }),
  deepJson(5000),
  `{"data":${deepJson(3000)}}`,
  JSON.stringify({ data: { attributes: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])) } }),
  JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  '{"a":1,"a":2}',
  '{"data":{"type":"x"}}\u0000',
];

/** Every leaf of a JSON value, as a path of keys and indexes. */
export function leafPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leafPaths(v, [...path, i])) : [path];
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...path, k])) : [path];
  }
  return [path];
}

/** A copy of `value` with the leaf at `path` replaced. */
export function withLeaf(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  copy[head!] = withLeaf(copy[head!], rest, leaf);
  return copy;
}
