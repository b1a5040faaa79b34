// The Security Findings API's `filter[query]`: Datadog's log search syntax over the findings schema's attributes,
// parsed into the same filter tree the legacy listing builds, so both APIs share one compiler, one set of indexes and
// one cursor discipline.
//
//   query    := or?
//   or       := and ('OR' and)*
//   and      := unary (('AND')? unary)*          whitespace between terms is an implicit AND
//   unary    := 'NOT' unary | '-' unary | primary
//   primary  := '(' or ')' | '@' attribute ':' values | tag-key ':' values
//   values   := '(' value-or ')' | value         value-or: the same operators over values of that attribute
//   value    := "quoted phrase" | >=v | >v | <=v | <v | [a TO b] | {a TO b} | bare (with * wildcards)
//
// NOT binds tighter than AND, AND tighter than OR. A backslash makes the next character literal. Errors give the
// column, counted from 1, where the query stops making sense, and what was expected there.
import { InvalidInput, type ErrorSource } from '../errors.js';
import { INPUT_LIMITS, textFieldReason, unsafeTextReason } from '../input-limits.js';
import { ALL, validateFilter, type Comparison, type FilterNode, type NumberField, type TextField } from './filter-tree.js';
import { SEARCH_ATTRIBUTES, searchAttribute, type AttributeSpec, type ValueTerm } from './search-attributes.js';

/**
 * `queryBytes`: the query as a whole (UTF-8 bytes); `depth`: how deep operators and parentheses may nest.
 *
 * `tagWildcards`: a wildcard over a tag's values (`team:pay*`) is matched against every tag of every finding the rest
 * of the query leaves, with no index to narrow it: about a microsecond and a half per finding and term on the embedded
 * store (256 of them over 20,000 findings took 6.6 s, and over 78,000 held the server 45 s, as the embedded store runs
 * on its thread). 32 bound a query to about what a findings page of a large organization costs anyway.
 *
 * `ownerLookups`: each owner facet value (`@owner.team:payments`; `@owner.team_status:*` is one a status) looks up the
 * finding's resource's inference as it stood, a subquery for every finding the rest of the query leaves: 1,024 of them
 * in one severity rule held the store minutes each time the rules were set to work.
 */
export const SEARCH_QUERY_LIMITS = { queryBytes: 8192, depth: 32, terms: 256, tagWildcards: 32, ownerLookups: 32 } as const;

const OWNER_LOOKUPS = new Set<FilterNode['op']>(['owner', 'owner_confidence', 'owner_status']);

/** How many owner lookups a node makes (its ORs and ANDs of them included). */
function ownerLookups(node: FilterNode): number {
  if (OWNER_LOOKUPS.has(node.op)) return 1;
  if (node.op === 'and' || node.op === 'or') return node.nodes.reduce((sum, n) => sum + ownerLookups(n), 0);
  if (node.op === 'not') return ownerLookups(node.node);
  return 0;
}

export const DEFAULT_QUERY_SOURCE: ErrorSource = { parameter: 'filter[query]' };

/** A query that does not parse: `offset` is 0-based in UTF-16 code units, `column` the same place counted from 1. */
export class SearchQueryError extends InvalidInput {
  readonly column: number;
  constructor(
    readonly offset: number,
    readonly reason: string,
    source: ErrorSource,
  ) {
    const name = source.parameter !== undefined ? `parameter ${source.parameter}` : `body field ${source.pointer}`;
    super(`Invalid ${name} at column ${offset + 1}: ${reason}`, source);
    this.column = offset + 1;
  }
}

const KEYWORD = /^(AND|OR|NOT)(?=[\s()]|$)/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+/;
const TAG_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*/;
/** Characters that end a bare value. */
const BARE_STOP = /[\s()]/;

type Leaf = (p: Parser) => FilterNode;

class Parser {
  pos = 0;
  private terms = 0;
  /** Wildcards over tag values so far (SEARCH_QUERY_LIMITS.tagWildcards). */
  tagWildcards = 0;
  /** Owner lookups so far (SEARCH_QUERY_LIMITS.ownerLookups). */
  ownerLookups = 0;
  constructor(
    readonly text: string,
    readonly source: ErrorSource,
  ) {}

  fail(reason: string, at = this.pos): never {
    throw new SearchQueryError(at, reason, this.source);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  keyword(): string | undefined {
    return KEYWORD.exec(this.text.slice(this.pos, this.pos + 4))?.[1];
  }

  /** What stands at the cursor, for "found ..." in errors. */
  found(): string {
    if (this.atEnd()) return 'the end of the query';
    const word = /^\S{1,20}/.exec(this.text.slice(this.pos))![0];
    return JSON.stringify(word);
  }

  or(leaf: Leaf, depth: number): FilterNode {
    if (depth > SEARCH_QUERY_LIMITS.depth) this.fail(`operators and parentheses nest deeper than ${SEARCH_QUERY_LIMITS.depth}`);
    const nodes = [this.and(leaf, depth)];
    for (;;) {
      this.skipSpace();
      if (this.keyword() !== 'OR') break;
      this.pos += 2;
      this.skipSpace();
      nodes.push(this.and(leaf, depth));
    }
    return anyOf(nodes);
  }

  and(leaf: Leaf, depth: number): FilterNode {
    const nodes = [this.unary(leaf, depth)];
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.text[this.pos] === ')' || this.keyword() === 'OR') break;
      if (this.keyword() === 'AND') {
        this.pos += 3;
        this.skipSpace();
      }
      nodes.push(this.unary(leaf, depth));
    }
    return allOf(nodes);
  }

  unary(leaf: Leaf, depth: number): FilterNode {
    if (depth > SEARCH_QUERY_LIMITS.depth) this.fail(`operators and parentheses nest deeper than ${SEARCH_QUERY_LIMITS.depth}`);
    const start = this.pos;
    if (this.keyword() === 'NOT') {
      this.pos += 3;
      this.skipSpace();
      if (this.atEnd()) this.fail('expected a term after NOT, found the end of the query');
      return { op: 'not', node: this.unary(leaf, depth + 1) };
    }
    if (this.text[this.pos] === '-' && this.pos + 1 < this.text.length && !/\s/.test(this.text[this.pos + 1]!)) {
      this.pos++;
      return { op: 'not', node: this.unary(leaf, depth + 1) };
    }
    if (this.text[this.pos] === '(') {
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ')') this.fail('expected a term inside the parentheses, found ")"');
      const node = this.or(leaf, depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail(`expected ")" to close the "(" at column ${start + 1}, found ${this.found()}`);
      this.pos++;
      return node;
    }
    const k = this.keyword();
    if (k) this.fail(`expected a term before ${k} (quote the word to search for it)`);
    if (this.atEnd()) this.fail('expected a term, found the end of the query');
    if (this.text[this.pos] === ')') this.fail('expected a term, found ")" with no "(" before it');
    if (++this.terms > SEARCH_QUERY_LIMITS.terms) this.fail(`the query holds more than ${SEARCH_QUERY_LIMITS.terms} terms`);
    return leaf(this);
  }

  /** A top-level term: `@attribute:values` or `tag-key:values`. */
  term(): FilterNode {
    const start = this.pos;
    // `*` alone matches every finding, as in Datadog's search bar.
    if (this.text[start] === '*' && (start + 1 === this.text.length || BARE_STOP.test(this.text[start + 1]!))) {
      this.pos++;
      return ALL;
    }
    if (this.text[this.pos] === '@') {
      this.pos++;
      const name = ATTRIBUTE_NAME.exec(this.text.slice(this.pos))?.[0];
      if (!name) this.fail('expected an attribute name after "@"');
      this.pos += name.length;
      const spec = searchAttribute(name);
      if (!spec)
        this.fail(
          `unknown attribute @${name}; known: ${Object.keys(SEARCH_ATTRIBUTES)
            .map((a) => `@${a}`)
            .join(', ')}`,
          start,
        );
      this.expectColon(`@${name}`);
      return this.values(`@${name}`, (term, at) => attributeNode(this, spec, `@${name}`, term, at));
    }
    const key = TAG_KEY.exec(this.text.slice(this.pos))?.[0];
    if (!key || this.text[this.pos + key.length] !== ':') {
      if (this.text[this.pos] === '"' || key)
        this.fail(`expected @attribute:value or tag:value, found ${this.found()} (free-text search is not supported)`);
      this.fail(`expected a term, found ${this.found()}`);
    }
    this.pos += key.length;
    this.expectColon(key);
    return this.values(key, (term, at) => tagNode(this, key, term, at));
  }

  expectColon(name: string): void {
    if (this.text[this.pos] !== ':') this.fail(`expected ":" after ${name}, found ${this.found()}`);
    this.pos++;
  }

  /** One value, or a parenthesized expression over values, of the attribute or tag `name`. */
  values(name: string, node: (term: ValueTerm, at: number) => FilterNode): FilterNode {
    if (this.atEnd() || /\s/.test(this.text[this.pos]!)) this.fail(`expected a value after ${name}:`);
    if (this.text[this.pos] === '(') {
      const start = this.pos;
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ')') this.fail(`expected a value inside ${name}:( )`);
      const group = this.or((p) => p.value(node), 1);
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail(`expected ")" to close the "(" at column ${start + 1}, found ${this.found()}`);
      this.pos++;
      return group;
    }
    return this.value(node);
  }

  value(node: (term: ValueTerm, at: number) => FilterNode): FilterNode {
    const at = this.pos;
    const c = this.text[at];
    if (c === '[' || c === '{') return this.range(node);
    const comparison = /^(>=|<=|>|<)/.exec(this.text.slice(at))?.[1] as Exclude<Comparison, '='> | undefined;
    if (comparison) {
      this.pos += comparison.length;
      if (this.atEnd() || BARE_STOP.test(this.text[this.pos]!)) this.fail(`expected a value after ${comparison}`);
      const v = this.scalar(BARE_STOP);
      if (v.kind === 'wildcard') this.fail(`a comparison takes one value, not a wildcard`, at);
      return node({ kind: 'compare', comparison, value: v.value }, at);
    }
    return node(this.scalar(BARE_STOP), at);
  }

  /** `[a TO b]` includes its bounds, `{a TO b}` excludes them (the brackets may be mixed); `*` leaves a side open. */
  range(node: (term: ValueTerm, at: number) => FilterNode): FilterNode {
    const open = this.pos;
    const inclusiveLow = this.text[this.pos] === '[';
    this.pos++;
    this.skipSpace();
    const stop = /[\s\]}]/;
    const lowAt = this.pos;
    const low = this.bound(stop);
    this.skipSpace();
    if (!/^TO\s/.test(this.text.slice(this.pos, this.pos + 3)))
      this.fail(`expected TO in the range opened at column ${open + 1}, found ${this.found()}`);
    this.pos += 2;
    this.skipSpace();
    const highAt = this.pos;
    const high = this.bound(stop);
    this.skipSpace();
    const close = this.text[this.pos];
    if (close !== ']' && close !== '}') this.fail(`expected "]" or "}" to close the range opened at column ${open + 1}, found ${this.found()}`);
    this.pos++;
    const sides: FilterNode[] = [];
    if (low !== undefined) sides.push(node({ kind: 'compare', comparison: inclusiveLow ? '>=' : '>', value: low }, lowAt));
    if (high !== undefined) sides.push(node({ kind: 'compare', comparison: close === ']' ? '<=' : '<', value: high }, highAt));
    if (sides.length === 0) this.fail('a range needs at least one bound that is not *', open);
    return allOf(sides);
  }

  /** One bound of a range: a value, or undefined for `*`. */
  bound(stop: RegExp): string | undefined {
    const at = this.pos;
    if (this.atEnd() || stop.test(this.text[at]!)) this.fail(`expected a bound of the range, found ${this.found()}`);
    const v = this.scalar(stop);
    if (v.kind === 'wildcard') {
      if (v.pattern === '*') return undefined;
      this.fail('a range bound takes one value, not a wildcard', at);
    }
    return v.value;
  }

  /** A quoted phrase (always exact) or a bare value (a wildcard when it holds an unescaped `*`). */
  scalar(stop: RegExp): { kind: 'exact'; value: string } | { kind: 'wildcard'; pattern: string } {
    const start = this.pos;
    if (this.text[this.pos] === '"') {
      this.pos++;
      let value = '';
      for (;;) {
        if (this.atEnd()) this.fail('expected a closing quote for the phrase opened here', start);
        const c = this.text[this.pos++]!;
        if (c === '"') break;
        if (c === '\\') {
          if (this.atEnd()) this.fail('expected a character after the backslash');
          value += this.text[this.pos++];
        } else value += c;
      }
      this.checkValue(value, start);
      return { kind: 'exact', value };
    }
    let value = '';
    let wildcard = false;
    let literalStar = false;
    while (!this.atEnd() && !stop.test(this.text[this.pos]!)) {
      const c = this.text[this.pos]!;
      if (c === '\\') {
        this.pos++;
        if (this.atEnd()) this.fail('expected a character after the backslash');
        const escaped = this.text[this.pos++]!;
        if (escaped === '*') literalStar = true;
        value += escaped;
        continue;
      }
      if (c === '"') this.fail('a quote may only open a value; escape it as \\" inside one');
      if (c === '?') this.fail('? is not a wildcard here; escape it as \\? to search for it');
      if (c === '*') wildcard = true;
      value += c;
      this.pos++;
    }
    if (value === '') this.fail(`expected a value, found ${this.found()}`);
    this.checkValue(value, start);
    if (wildcard && literalStar) this.fail('a value cannot hold both a literal \\* and a * wildcard', start);
    return wildcard ? { kind: 'wildcard', pattern: value } : { kind: 'exact', value };
  }

  checkValue(value: string, at: number): void {
    const unfit = textFieldReason(value, INPUT_LIMITS.filterBytes);
    if (unfit) this.fail(`the value ${unfit}`, at);
  }
}

function attributeNode(p: Parser, spec: AttributeSpec, name: string, term: ValueTerm, at: number): FilterNode {
  const node = spec.node(term);
  if ('reason' in node) p.fail(`${name} ${node.reason}`, at);
  p.ownerLookups += ownerLookups(node);
  if (p.ownerLookups > SEARCH_QUERY_LIMITS.ownerLookups)
    p.fail(`the query looks up owners more than ${SEARCH_QUERY_LIMITS.ownerLookups} times (each reads every finding's inference)`, at);
  return node;
}

function tagNode(p: Parser, key: string, term: ValueTerm, at: number): FilterNode {
  if (term.kind === 'compare') p.fail(`the tag ${key} takes text values, not a comparison`, at);
  if (term.kind === 'wildcard') {
    if (++p.tagWildcards > SEARCH_QUERY_LIMITS.tagWildcards) {
      p.fail(`the query holds more than ${SEARCH_QUERY_LIMITS.tagWildcards} wildcards over tag values (each reads every finding's tags)`, at);
    }
    return { op: 'tag_wildcard', pattern: `${key}:${term.pattern}` };
  }
  return { op: 'tags_all', tags: [`${key}:${term.value}`] };
}

/**
 * An AND of nodes: nested ANDs flattened, the tags it requires gathered into one `tags_all` (one index lookup, as the
 * legacy `filter[tags]` builds), a single node left bare.
 */
export function allOf(nodes: FilterNode[]): FilterNode {
  const flat = nodes.flatMap((n) => (n.op === 'and' ? n.nodes : [n]));
  const tags = flat.flatMap((n) => (n.op === 'tags_all' ? n.tags : []));
  const rest = flat.filter((n) => n.op !== 'tags_all');
  const out = tags.length > 0 ? [...rest, { op: 'tags_all' as const, tags: [...new Set(tags)] }] : rest;
  return out.length === 1 ? out[0]! : { op: 'and', nodes: out };
}

/** An OR of nodes: nested ORs flattened; exact values of one field become one `in` (as `filter[vulnerability_type]`). */
export function anyOf(nodes: FilterNode[]): FilterNode {
  const flat = nodes.flatMap((n) => (n.op === 'or' && n.nodes.length > 0 ? n.nodes : [n]));
  if (flat.length === 1) return flat[0]!;
  const first = flat[0]!;
  if (first.op === 'eq' || first.op === 'in') {
    const field = first.field;
    if (flat.every((n) => (n.op === 'eq' || n.op === 'in') && n.field === field)) {
      const values = flat.flatMap((n) => (n.op === 'eq' ? [n.value] : n.op === 'in' ? n.values : []));
      return { op: 'in', field, values: [...new Set(values)] };
    }
  }
  return { op: 'or', nodes: flat };
}

/** Parses a search query; an empty (or blank) query matches every finding. `source` names the input in errors. */
export function parseSearchQuery(query: string, source: ErrorSource = DEFAULT_QUERY_SOURCE): FilterNode {
  const unsafe = unsafeTextReason(query);
  if (unsafe) throw new SearchQueryError(0, `the query ${unsafe}`, source);
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes > SEARCH_QUERY_LIMITS.queryBytes)
    throw new SearchQueryError(0, `the query is ${bytes} bytes long: at most ${SEARCH_QUERY_LIMITS.queryBytes}`, source);
  const p = new Parser(query, source);
  p.skipSpace();
  if (p.atEnd()) return ALL;
  const tree = p.or((q) => q.term(), 0);
  p.skipSpace();
  if (!p.atEnd()) p.fail(p.text[p.pos] === ')' ? 'found ")" with no "(" before it' : `expected AND, OR or a term, found ${p.found()}`);
  return validateFilter(tree);
}

// ---- Printing: a tree back to the syntax (tests read trees through it; a client can show a tree as a query) ----

/** The attribute that reads each tree field (`@severity` for `status`, ...), from the attribute map. */
const ATTRIBUTE_OF_FIELD = new Map(Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, spec]) => (spec.field ? [[spec.field, name] as const] : [])));

function attributeOf(field: TextField | NumberField): string {
  const name = ATTRIBUTE_OF_FIELD.get(field);
  if (name === undefined) throw new Error(`no search attribute reads the field ${field}`);
  return `@${name}`;
}

/** A bare value that reads back as itself: no character the syntax gives a meaning, no keyword. */
const PLAIN = /^[A-Za-z0-9_.:/@+=,;!#$%&'^|~-]+$/;

function exactValue(value: string): string {
  if (PLAIN.test(value) && !KEYWORD.test(value) && !value.startsWith('-')) return value;
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A wildcard pattern bare, every special character but `*` escaped. */
function patternValue(pattern: string): string {
  const escaped = pattern.replace(/[^A-Za-z0-9_.:/@*]/g, (c) => `\\${c}`);
  return KEYWORD.test(escaped) ? `\\${escaped}` : escaped;
}

function tagTerm(tag: string, value: (v: string) => string): string {
  const colon = tag.indexOf(':');
  const key = tag.slice(0, colon);
  if (colon <= 0 || TAG_KEY.exec(key)?.[0] !== key) throw new Error(`tag ${JSON.stringify(tag)} has no key the syntax can write`);
  return `${key}:${value(tag.slice(colon + 1))}`;
}

function printNode(node: FilterNode, parent: 'or' | 'and' | 'not' | 'top'): string {
  switch (node.op) {
    case 'and': {
      if (node.nodes.length === 0) return parent === 'top' ? '' : '-@status:auto_closed';
      const s = node.nodes.map((n) => printNode(n, 'and')).join(' ');
      return parent === 'not' ? `(${s})` : s;
    }
    case 'or': {
      if (node.nodes.length === 0) return '@status:auto_closed';
      const s = node.nodes.map((n) => printNode(n, 'or')).join(' OR ');
      return parent === 'or' || parent === 'top' ? s : `(${s})`;
    }
    case 'not':
      return node.node.op === 'and' || node.node.op === 'or' ? `NOT ${printNode(node.node, 'not')}` : `-${printNode(node.node, 'not')}`;
    case 'eq':
      return `${attributeOf(node.field)}:${exactValue(node.value)}`;
    case 'in':
      return `${attributeOf(node.field)}:(${node.values.map(exactValue).join(' OR ')})`;
    case 'wildcard':
      return `${attributeOf(node.field)}:${patternValue(node.pattern)}`;
    case 'compare':
      return `${attributeOf(node.field)}:${node.comparison === '=' ? '' : node.comparison}${node.value}`;
    case 'muted':
      return `@workflow.mute.is_muted:${node.value}`;
    case 'tags_all': {
      const s = node.tags.map((t) => tagTerm(t, exactValue)).join(' ');
      return node.tags.length > 1 && parent !== 'and' && parent !== 'top' ? `(${s})` : s;
    }
    case 'tag_wildcard':
      return tagTerm(node.pattern, patternValue);
    case 'owner':
      return `@owner.${node.slot}:${exactValue(node.handle)}`;
    case 'owner_confidence':
      return `@owner.${node.slot}_confidence:${node.comparison === '=' ? '' : node.comparison}${node.value}`;
    case 'owner_status':
      return `@owner.${node.slot}_status:${exactValue(node.value)}`;
  }
}

/** The query text of a tree, which parseSearchQuery reads back to an equal tree (equal canonicalFilter). */
export function printSearchQuery(node: FilterNode): string {
  return printNode(node, 'top');
}
