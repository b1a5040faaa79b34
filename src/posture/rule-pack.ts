// Loads the rule pack: one YAML file per rule, validated and compiled once. A broken file is
// reported with its line and skipped, so one bad rule never takes the others down.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, Pair, Scalar, YAMLMap, isMap, isScalar, parseDocument } from 'yaml';
import { SEVERITIES, VULNERABILITY_TYPES, type Severity, type VulnerabilityType } from './resource.js';
import { compileExpression, type CompiledExpression } from './rule-expression.js';
import type { DecisionNode } from './rule-partial-evaluation.js';
import { groupBy } from '../group-by.js';
import { isRecord } from '../json-values.js';
import { INPUT_LIMITS } from '../input-limits.js';
import { yamlNestsDeeper } from '../yaml-documents.js';

/**
 * Sample configurations kept beside the rule: each `pass` one must pass and each `fail` one must fail from a source that
 * can fill every field (the rule's defaults hold); each `not_evaluated` one must leave the rule unable to judge from a
 * source that fills none of the fields it lacks.
 */
export interface RuleTests {
  pass: Record<string, unknown>[];
  fail: Record<string, unknown>[];
  not_evaluated: Record<string, unknown>[];
  /** The evaluation instant (Unix ms) the samples assume, for rules that read ages. */
  now?: number;
}

export interface Rule {
  id: string;
  name: string;
  resource_type: string;
  severity: Severity;
  vulnerability_type: VulnerabilityType;
  tags: string[];
  expression: string;
  message: string;
  /**
   * Values that hold for deciding fields a configuration lacks, when its source can fill them (so that absence means
   * "unset", not "unknown"), by canonical dotted path. Empty when the rule states none.
   */
  defaults: Record<string, unknown>;
  /** The canonical paths the expression reads from `resource`: without one of them (and no default) it may not decide. */
  fields: string[];
  /** The expression's boolean frame, for configurations that lack some fields. */
  tree: DecisionNode;
  /** The YAML file the rule came from. */
  file: string;
  tests?: RuleTests;
  /** The expression, compiled once. */
  compiled: CompiledExpression;
}

export interface RuleLoadError {
  file: string;
  /** 1-based; 0 when the error is about the whole file or folder. */
  line: number;
  message: string;
}

/** The package's rules/ folder: two levels above src/posture/ (tsx) and dist/posture/ (compiled). */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

const ID_PATTERN = /^[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$/;
const RESOURCE_TYPE_PATTERN = /^(aws|gcp|azure)_[a-z0-9_]+$/;
const TAG_PATTERN = /^[a-z_]+:\S+$/;
const KNOWN_KEYS = new Set(['id', 'name', 'resource_type', 'severity', 'vulnerability_type', 'tags', 'expression', 'message', 'defaults', 'tests']);
const RULE_VULNERABILITY_TYPES: readonly string[] = ['misconfiguration', 'identity_risk'];

class FieldError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

function yamlFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadRulePack(dir: string = DEFAULT_RULES_DIR): { rules: Rule[]; errors: RuleLoadError[] } {
  const rules: Rule[] = [];
  const errors: RuleLoadError[] = [];
  let files: string[];
  try {
    files = yamlFiles(dir);
  } catch (err) {
    return { rules, errors: [{ file: dir, line: 0, message: `cannot read rule folder: ${(err as Error).message}` }] };
  }
  const firstFileById = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push({ file, line: 0, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseRuleText(text, file);
    if ('error' in parsed) {
      errors.push({ file, ...parsed.error });
      continue;
    }
    const earlier = firstFileById.get(parsed.rule.id);
    if (earlier) {
      errors.push({ file, line: parsed.idLine, message: `duplicate rule id ${parsed.rule.id} (first defined in ${earlier})` });
      continue;
    }
    firstFileById.set(parsed.rule.id, file);
    rules.push(parsed.rule);
  }
  return { rules, errors };
}

/** Rules grouped by the resource type they apply to. */
export function rulesByType(rules: Rule[]): Map<string, Rule[]> {
  return groupBy(rules, (rule) => rule.resource_type);
}

type ParsedRule = { rule: Rule; idLine: number } | { error: { line: number; message: string } };

/** Parses one rule file's text; exported for tests and for tools that check a single rule. */
export function parseRuleText(text: string, file: string): ParsedRule {
  // Refused before the composer, which recurses once per level of nesting.
  if (yamlNestsDeeper(text, INPUT_LIMITS.jsonDepth))
    return { error: { line: 1, message: `YAML error: nests deeper than ${INPUT_LIMITS.jsonDepth} levels` } };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line;
    return { error: { line, message: `YAML error: ${first.message.split('\n')[0]}` } };
  }
  const root = doc.contents;
  if (!isMap(root)) return { error: { line: 1, message: 'a rule file must be a YAML mapping' } };

  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined, fallback = 1) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  const pairs = new Map<string, Pair>();
  for (const item of (root as YAMLMap).items) {
    const key = isScalar(item.key) ? String((item.key as Scalar).value) : String(item.key);
    pairs.set(key, item as Pair);
  }
  const keyLine = (key: string) => lineOf(pairs.get(key)?.key as Scalar | undefined, lineOf(root));

  try {
    for (const key of pairs.keys()) if (!KNOWN_KEYS.has(key)) throw new FieldError(keyLine(key), `unknown field ${key}`);
    const data = doc.toJS() as Record<string, unknown>;
    const stringField = (key: string, check?: (v: string) => string | undefined): string => {
      if (!pairs.has(key)) throw new FieldError(lineOf(root), `missing field ${key}`);
      const value = data[key];
      if (typeof value !== 'string' || value.trim() === '') throw new FieldError(keyLine(key), `${key} must be a non-empty string`);
      const problem = check?.(value);
      if (problem) throw new FieldError(keyLine(key), problem);
      return value;
    };
    const id = stringField('id', (v) =>
      ID_PATTERN.test(v) ? undefined : `id ${v} is not three groups of three lowercase letters or digits (abc-def-123)`,
    );
    const name = stringField('name');
    const resourceType = stringField('resource_type', (v) =>
      RESOURCE_TYPE_PATTERN.test(v) ? undefined : `resource_type ${v} is not <aws|gcp|azure>_<type>`,
    );
    const severity = stringField('severity', (v) =>
      (SEVERITIES as readonly string[]).includes(v) ? undefined : `unknown severity ${v} (one of ${SEVERITIES.join(', ')})`,
    ) as Severity;
    const vulnerabilityType = stringField('vulnerability_type', (v) =>
      RULE_VULNERABILITY_TYPES.includes(v) && (VULNERABILITY_TYPES as readonly string[]).includes(v)
        ? undefined
        : `unknown vulnerability_type ${v} (one of ${RULE_VULNERABILITY_TYPES.join(', ')})`,
    ) as VulnerabilityType;
    const tags = readTags(data, pairs.has('tags'), keyLine('tags'), lineOf(root));
    const expression = stringField('expression');
    const message = stringField('message');
    const tests = readTests(data.tests, keyLine('tests'));
    const compiled = compileExpression(expression);
    if (!compiled.ok) throw new FieldError(keyLine('expression'), compiled.message);
    const defaults = readDefaults(data.defaults, compiled.fields, keyLine('defaults'));
    const rule: Rule = {
      id,
      name,
      resource_type: resourceType,
      severity,
      vulnerability_type: vulnerabilityType,
      tags,
      expression,
      message,
      defaults,
      fields: compiled.fields,
      tree: compiled.tree,
      file,
      ...(tests ? { tests } : {}),
      compiled: compiled.evaluate,
    };
    return { rule, idLine: keyLine('id') };
  } catch (err) {
    if (err instanceof FieldError) return { error: { line: err.line, message: err.message } };
    throw err;
  }
}

function readTags(data: Record<string, unknown>, present: boolean, line: number, rootLine: number): string[] {
  if (!present) throw new FieldError(rootLine, 'missing field tags');
  const tags = data.tags;
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new FieldError(line, 'tags must be a list of strings');
  const bad = (tags as string[]).find((t) => !TAG_PATTERN.test(t));
  if (bad !== undefined) throw new FieldError(line, `tag ${JSON.stringify(bad)} is not key:value`);
  return tags as string[];
}

function readTests(value: unknown, line: number): RuleTests | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FieldError(line, 'tests must be a mapping with pass and fail lists');
  const { pass = [], fail = [], not_evaluated: notEvaluated = [], now, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new FieldError(line, `unknown field tests.${extra[0]}`);
  const isConfigList = (v: unknown) => Array.isArray(v) && v.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c));
  if (!isConfigList(pass) || !isConfigList(fail) || !isConfigList(notEvaluated))
    throw new FieldError(line, 'tests.pass and tests.fail must be lists of mappings, and so must tests.not_evaluated');
  if (now !== undefined && typeof now !== 'number') throw new FieldError(line, 'tests.now must be Unix milliseconds');
  return {
    pass: pass as Record<string, unknown>[],
    fail: fail as Record<string, unknown>[],
    not_evaluated: notEvaluated as Record<string, unknown>[],
    ...(now !== undefined ? { now: now as number } : {}),
  };
}

function readDefaults(value: unknown, fields: string[], line: number): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new FieldError(line, 'defaults must be a mapping of field paths to the values that hold when they are unset');
  const unread = Object.keys(value).find((path) => !fields.includes(path));
  if (unread !== undefined) throw new FieldError(line, `defaults.${unread} is not a field the expression reads (${fields.join(', ')})`);
  return value as Record<string, unknown>;
}
