// Route schemas are TypeBox types: one definition gives the OpenAPI document, the TypeScript type (Static<>) and the
// check every request part goes through before the handler runs. A failure is a Fastify validation error whose
// instancePath names the parameter (query string, path) or the JSON pointer (body); the error mapper answers it.
import type { FastifySchemaCompiler } from 'fastify';
import { Kind, Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { isRecord } from '../json-values.js';

/** Fastify's name of the request part: 'body', 'querystring', 'params' or 'headers'. */
type Part = string;

interface SchemaViolation {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Query strings and path parameters arrive as text: a value is turned into the declared integer or boolean only when
 * it is exactly one (`2.5` and `1e3` stay text, and fail), and a single value becomes a list where a list is declared.
 */
function fromText(schema: TSchema, value: unknown): unknown {
  if (schema.type === 'array') return typeof value === 'string' ? [value] : value;
  if (typeof value !== 'string') return value;
  // Only an exact integer reads as a number; a longer one stays text, which the schema refuses.
  if (schema.type === 'integer' && /^-?\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** Parameters named by a pattern (Datadog's unencoded `filter[x]>=N` reads as the key `filter[x]>`): checked apart. */
function patternChecks(schema: TSchema): Array<[RegExp, TSchema, TypeCheck<TSchema>]> {
  const patterns = (schema as { patternProperties?: Record<string, TSchema> }).patternProperties ?? {};
  return Object.entries(patterns).map(([p, s]) => [new RegExp(p), s, compile(s)]);
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
const compile = (schema: TSchema): TypeCheck<TSchema> => {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  return check;
};

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

function messageOf(error: ValueError, part: Part): string {
  const s = error.schema as Record<string, unknown>;
  if (typeof s['x-error-message'] === 'string') return s['x-error-message'];
  if (part !== 'body' && Array.isArray(error.value) && s.type !== 'array') return 'is given more than once';
  if (Array.isArray(s.enum) && error.type === ValueErrorType.Kind) return `${shown(error.value)} is not one of ${s.enum.join(', ')}`;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return part === 'body' ? 'is not a field of this body' : 'is not a parameter of this endpoint';
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.Union: {
      const members = (s.anyOf as TSchema[] | undefined) ?? [];
      const allowed = members.map((a) => a.const as unknown);
      if (allowed.length > 0 && allowed.every((a) => a !== undefined)) return `${shown(error.value)} is not one of ${allowed.join(', ')}`;
      // A value or null: the value's own rule says more than "no member matched".
      const [only, ...others] = members.filter((m) => m.type !== 'null');
      if (only && others.length === 0) {
        const inner = compile(only).Errors(error.value).First();
        if (inner) return `${messageOf({ ...inner, path: error.path }, part)}${members.length > 1 ? ' (or null)' : ''}`;
      }
      return `must be ${members.map((m) => String(m.type)).join(' or ')}`;
    }
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Integer:
      if (part === 'body') return 'must be an integer';
      return typeof error.value === 'string' && /^\d+$/.test(error.value)
        ? `${shown(error.value)} is past the largest integer taken, ${Number.MAX_SAFE_INTEGER}`
        : `${shown(error.value)} is not a non-negative integer`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return part === 'body'
        ? `must be at least ${String(s.minimum)}`
        : `must be between ${String(s.minimum)} and ${String(s.maximum ?? Number.MAX_SAFE_INTEGER)}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return part === 'body' ? `must be at most ${String(s.maximum)}` : `must be between ${String(s.minimum ?? 0)} and ${String(s.maximum)}`;
    case ValueErrorType.Boolean:
      return part === 'body' ? 'must be a boolean' : `${shown(error.value)} is not true or false`;
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'is empty' : `must be at least ${String(s.minLength)} characters`;
    case ValueErrorType.StringPattern:
      return `${shown(error.value)} is not of the form ${String(s.pattern)}`;
    case ValueErrorType.Object:
      return part === 'body' ? 'must be an object' : 'must be a single value';
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.ArrayMinItems:
      return `must hold at least ${String(s.minItems)} item${s.minItems === 1 ? '' : 's'}`;
    case ValueErrorType.ArrayMaxItems:
      return `may hold at most ${String(s.maxItems)} items`;
    default:
      return error.message.replace(/^Expected/, 'must be');
  }
}

/** The status a violation answers: 400, or what its schema declares with `x-invalid-status` (a value the request cannot take). */
const statusOf = (error: ValueError): number => Number((error.schema as Record<string, unknown>)['x-invalid-status'] ?? 400);

function violation(error: ValueError, part: Part, prefix = ''): SchemaViolation {
  const params = { status: statusOf(error) };
  return {
    keyword: ValueErrorType[error.type] ?? 'schema',
    instancePath: prefix + error.path,
    schemaPath: '',
    params,
    message: messageOf(error, part),
  };
}

/**
 * The violation to answer: the first one of the structure (400) before any about values (a declared status), so a
 * body that is wrong in both ways is answered as malformed. Reads at most a few errors (a body may hold thousands).
 */
function firstViolation(check: TypeCheck<TSchema>, value: unknown, part: Part): SchemaViolation {
  let first: ValueError | undefined;
  let seen = 0;
  for (const error of check.Errors(value)) {
    first ??= error;
    if (statusOf(error) === 400) return violation(error, part);
    if (++seen >= 32) break;
  }
  return violation(first!, part);
}

/** Fastify's validator compiler for every route: TypeBox schemas only (a plain JSON schema is a mistake caught at startup). */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart, method, url }) => {
  if (!(Kind in schema)) throw new Error(`${method} ${url}: the ${httpPart} schema must be a TypeBox type (Type.*)`);
  const part: Part = httpPart ?? 'body';
  const check = compile(schema);
  const patterns = part === 'body' ? [] : patternChecks(schema);
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return (data: unknown) => {
    let value = data;
    if (part !== 'body' && isRecord(data)) {
      // No prototype: a parameter named __proto__ is a parameter like any other (and unknown).
      const converted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [key, raw] of Object.entries(data)) {
        const matched = Object.hasOwn(properties, key) ? undefined : patterns.find(([re]) => re.test(key));
        if (matched) {
          const [, s, c] = matched;
          const v = fromText(s, raw);
          if (!c.Check(v)) return { error: [violation(c.Errors(v).First()!, part, `/${escapePointer(key)}`)] };
          continue;
        }
        converted[key] = Object.hasOwn(properties, key) ? fromText(properties[key]!, raw) : raw;
      }
      value = converted;
    }
    if (check.Check(value)) return { value: part === 'body' ? data : value };
    return { error: [firstViolation(check, value, part)] };
  };
};

/** The query string of an operation that takes no parameter: any one sent is a 400 naming it, as on every operation. */
export const NO_PARAMETERS = Type.Object({}, { additionalProperties: false });
