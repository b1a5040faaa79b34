// A parameterized statement as plain SQL text, for a script of several statements sent in one round trip (which the
// protocol takes only without parameters). Each placeholder becomes the literal PostgreSQL would have read from the
// parameter: the same text, quoted and escaped, of unknown type until its cast or its context types it, as the
// parameter's was.
import pg from 'pg';

/** An array parameter as PostgreSQL's array input reads it: `{"a","b",NULL}`. */
function arrayText(values: unknown[]): string {
  const element = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayText(v);
    return `"${String(literalText(v)).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  };
  return `{${values.map(element).join(',')}}`;
}

/** The text of a scalar parameter, as the driver would send it. */
function literalText(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a literal`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') throw new Error(`cannot write a ${typeof value} as a literal`);
  // The statement's text ends at a NUL on the wire: no value may carry one (requests with one are refused before).
  if (value.includes('\u0000')) throw new Error('cannot write a NUL in a literal');
  return value;
}

/** The literal of one parameter value: a number, string, boolean, null, or an array of those. */
export function literalOf(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return pg.escapeLiteral(Array.isArray(value) ? arrayText(value) : literalText(value));
}

/**
 * The statement with each `$n` outside quoted text replaced: by `(expressions[n])` when given (SQL the caller wrote),
 * else by the literal of `params[n - 1]`. Throws on a placeholder without a value.
 */
export function inlineParameters(sql: string, params: readonly unknown[], expressions: Readonly<Record<number, string>> = {}): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      // Quoted text (in which a doubled quote is one quote) is copied as it is.
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const placeholder = ch === '$' ? /^\$(\d+)/.exec(sql.slice(i, i + 12)) : null;
    if (!placeholder) {
      out += ch;
      i++;
      continue;
    }
    const n = Number(placeholder[1]);
    if (expressions[n] !== undefined) out += `(${expressions[n]})`;
    else if (n >= 1 && n <= params.length) out += literalOf(params[n - 1]);
    else throw new Error(`no value for $${n}`);
    i += placeholder[0].length;
  }
  return out;
}
