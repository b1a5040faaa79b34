// Reads the SQL of the store's modules and checks that no statement combines rows of two organizations: wherever two
// org-scoped relations meet (a JOIN, a comma join, a correlated or uncorrelated subquery, a CTE or a derived table read
// beside another), their org_id must be proven equal, either to each other or to the same value (one bind parameter).
//
// Extraction: every string and template literal of the given TypeScript files, with each `${...}` replaced by the text it
// stands for when the compiler can see it (a constant, or a local function returning one template: the fragments the
// store composes its queries from), or else by an opaque placeholder named by its expression (two `${org}` of one query
// are the same value). Literals that read as a statement (SELECT, WITH, INSERT, UPDATE, DELETE, alone or in parentheses)
// are checked.
//
// Checking: a small parser splits a statement into blocks (SELECT cores, UPDATE, DELETE, INSERT ... SELECT), their FROM
// items (tables, CTEs, derived tables, set-returning functions, LATERAL) and their conditions. Equalities that hold for
// every row the block produces (top-level AND conjuncts of ON and WHERE, casts ignored) join their two sides in one
// equivalence class; an OR, a NOT or any other operator proves nothing. A derived table or CTE takes the class of the
// org_id of the rows inside it (a CTE read more than once only when that class holds a bound value). Then, in every block
// (with the subqueries of its expressions), every org-scoped relation's org_id must be in one class, and an INSERT ...
// SELECT must write the org_id of the rows it reads. Column names written without a table resolve as PostgreSQL does for
// org_id (the innermost block with exactly one org-scoped relation); a table alias the fragment does not define is an
// enclosing query's row (a correlated fragment), taken as org-scoped.
import ts from 'typescript';
import { relative } from 'node:path';

export interface SqlSource {
  /** Relative to the root given to extractSql. */
  file: string;
  line: number;
  /** The top-level declaration (function or constant) the literal is in. */
  fn: string;
  sql: string;
}

export interface Violation {
  file: string;
  line: number;
  fn: string;
  message: string;
  sql: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Extraction

const STATEMENT_START = /^[\s(]*(select|with|insert|update|delete)\b/i;
const MAX_INLINE_DEPTH = 8;

/** The SQL statements written in the given TypeScript files. */
export function extractSql(files: string[], root: string): SqlSource[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const out: SqlSource[] = [];

  const placeholder = (expr: ts.Node) => `⟪${expr.getText().replace(/\s+/g, ' ')}⟫`;

  const declarationOf = (id: ts.Node): ts.Declaration | undefined => {
    let symbol = checker.getSymbolAtLocation(id);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  };

  /** The single expression a function returns, if it is that simple. */
  const returned = (fn: ts.Node): ts.Expression | undefined => {
    if (!(ts.isArrowFunction(fn) || ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) || !fn.body) return undefined;
    if (!ts.isBlock(fn.body)) return fn.body;
    const returns = fn.body.statements.filter(ts.isReturnStatement);
    return returns.length === 1 && fn.body.statements.at(-1) === returns[0] ? returns[0]!.expression : undefined;
  };

  const isText = (e: ts.Node): e is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression =>
    ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e);

  const render = (node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression, depth: number): string => {
    if (!ts.isTemplateExpression(node)) return node.text;
    let text = node.head.text;
    for (const span of node.templateSpans) text += renderExpression(span.expression, depth) + span.literal.text;
    return text;
  };

  const renderExpression = (expr: ts.Expression, depth: number): string => {
    if (depth > MAX_INLINE_DEPTH) return placeholder(expr);
    if (isText(expr)) return render(expr, depth + 1);
    if (ts.isParenthesizedExpression(expr)) return renderExpression(expr.expression, depth);
    if (ts.isIdentifier(expr)) {
      const decl = declarationOf(expr);
      if (
        decl &&
        ts.isVariableDeclaration(decl) &&
        decl.initializer &&
        isText(decl.initializer) &&
        ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const
      )
        return render(decl.initializer, depth + 1);
      return placeholder(expr);
    }
    if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression)) {
      const decl = declarationOf(expr.expression);
      const fn = decl && ts.isVariableDeclaration(decl) ? decl.initializer : decl;
      const body = fn && returned(fn);
      if (body && isText(body)) return render(body, depth + 1);
    }
    return placeholder(expr);
  };

  const topLevelName = (node: ts.Node): string => {
    let n: ts.Node = node;
    while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
    if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) return n.name?.text ?? '(anonymous)';
    if (ts.isVariableStatement(n)) return n.declarationList.declarations.map((d) => d.name.getText()).join(', ');
    return '(module)';
  };

  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`cannot read ${file}`);
    const visit = (node: ts.Node): void => {
      if (isText(node) && !(node.parent && ts.isImportDeclaration(node.parent)) && !(node.parent && ts.isExportDeclaration(node.parent))) {
        const sql = render(node, 0);
        if (STATEMENT_START.test(sql))
          out.push({ file: relative(root, file), line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, fn: topLevelName(node), sql });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: 'word'; v: string } // lower-cased keyword or identifier
  | { t: 'ident'; v: string } // "quoted identifier"
  | { t: 'value'; v: string } // $1, 'text', 42, ⟪placeholder⟫
  | { t: 'op'; v: string }
  | { t: 'punct'; v: string } // , . ; ::
  | { t: 'group'; v: string; items: Token[] }; // ( ... ) or [ ... ]

function tokenize(sql: string): Token[] {
  const flat: Array<Token | { t: 'open' | 'close'; v: string }> = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    let m: RegExpMatchArray | null;
    if (/\s/.test(c)) i++;
    else if (rest.startsWith('--')) i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (rest.startsWith('/*')) i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 2;
    else if (c === '⟪') {
      const end = sql.indexOf('⟫', i);
      const stop = end < 0 ? sql.length : end + 1;
      flat.push({ t: 'value', v: sql.slice(i, stop) });
      i = stop;
    } else if ((m = rest.match(/^'(?:[^']|'')*'?/))) {
      flat.push({ t: 'value', v: m[0] });
      i += m[0].length;
    } else if ((m = rest.match(/^"((?:[^"]|"")*)"?/))) {
      flat.push({ t: 'ident', v: m[1]! });
      i += m[0].length;
    } else if ((m = rest.match(/^\$\d+/)) || (m = rest.match(/^\d+(\.\d+)?(e[+-]?\d+)?/i))) {
      flat.push({ t: 'value', v: m[0] });
      i += m[0].length;
    } else if ((m = rest.match(/^[A-Za-z_][A-Za-z0-9_$]*/))) {
      flat.push({ t: 'word', v: m[0].toLowerCase() });
      i += m[0].length;
    } else if (rest.startsWith('::')) {
      flat.push({ t: 'punct', v: '::' });
      i += 2;
    } else if ('(['.includes(c)) flat.push({ t: 'open', v: sql[i++]! });
    else if (')]'.includes(c)) flat.push({ t: 'close', v: sql[i++]! });
    else if (',.;'.includes(c)) flat.push({ t: 'punct', v: sql[i++]! });
    else if ((m = rest.match(/^[+\-*/<>=~!@#%^&|`?:]+/))) {
      flat.push({ t: 'op', v: m[0] });
      i += m[0].length;
    } else i++;
  }
  // Nest groups; an unbalanced closing bracket (a fragment cut from a larger query) is dropped.
  const root: Token[] = [];
  const stack: Token[][] = [root];
  for (const tok of flat) {
    if (tok.t === 'open') {
      const g: Token = { t: 'group', v: tok.v, items: [] };
      stack.at(-1)!.push(g);
      stack.push(g.items);
    } else if (tok.t === 'close') {
      if (stack.length > 1) stack.pop();
    } else stack.at(-1)!.push(tok as Token);
  }
  return root;
}

const isWord = (tok: Token | undefined, ...words: string[]): boolean => tok?.t === 'word' && (words.length === 0 || words.includes(tok.v));
const isGroup = (tok: Token | undefined): tok is Token & { t: 'group' } => tok?.t === 'group';
const startsQuery = (items: Token[]): boolean => isWord(items[0], 'select', 'with', 'values') || (isGroup(items[0]) && startsQuery(items[0].items));

/** Splits at top-level tokens matching `at` (the separators are dropped). */
function splitTop(tokens: Token[], at: (tok: Token, i: number) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  tokens.forEach((tok, i) => (at(tok, i) ? parts.push([]) : parts.at(-1)!.push(tok)));
  return parts;
}

/** The positions of the first top-level occurrence of each clause keyword. */
function clauses(tokens: Token[], keywords: string[]): Map<string, number> {
  const found = new Map<string, number>();
  tokens.forEach((tok, i) => {
    if (tok.t === 'word' && keywords.includes(tok.v) && !found.has(tok.v)) found.set(tok.v, i);
  });
  return found;
}

function slice(tokens: Token[], from: number | undefined, stops: Array<number | undefined>): Token[] {
  if (from === undefined) return [];
  const end = Math.min(...stops.filter((s): s is number => s !== undefined && s > from), tokens.length);
  return tokens.slice(from + 1, end);
}

// ---------------------------------------------------------------------------------------------------------------------
// Relations, scopes and equivalence classes

interface Rel {
  id: number;
  alias: string;
  label: string;
  org: boolean;
}

interface Cte {
  name: string;
  branches: Branch[];
}

interface Scope {
  rels: Rel[];
  ctes: Map<string, Cte>;
  parent?: Scope;
  /** The root scope stands for the enclosing query of a fragment: a table alias nobody defines is one of its rows. */
  synthetic?: boolean;
}

/** What one branch of a query (one SELECT core, or UPDATE/DELETE) exposes to whoever reads it. */
interface Branch {
  /** The org_id nodes of every org-scoped relation of the block and of its expressions' subqueries. */
  nodes: string[];
  /** The select list's items as nodes (undefined: not a plain column or value). */
  outputs: Array<string | undefined>;
}

type Event =
  | { kind: 'check'; what: string; branches: Branch[] }
  | { kind: 'link'; node: string; branches: Branch[]; pinnedOnly: boolean }
  | { kind: 'insert'; table: string; column: number; branches: Branch[] };

const SELECT_CLAUSES = ['from', 'where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'fetch', 'for'];
const JOIN_WORDS = ['join', 'left', 'right', 'inner', 'full', 'cross', 'natural', 'outer'];
const NOT_ALIAS = new Set([
  ...SELECT_CLAUSES,
  ...JOIN_WORDS,
  'on',
  'using',
  'lateral',
  'union',
  'intersect',
  'except',
  'returning',
  'set',
  'tablesample',
]);

class Analysis {
  private nextId = 0;
  private readonly parentOf = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly events: Event[] = [];
  readonly problems: string[] = [];

  constructor(private readonly orgTables: ReadonlySet<string>) {}

  private find(n: string): string {
    let r = n;
    while (this.parentOf.has(r)) r = this.parentOf.get(r)!;
    return r;
  }

  private union(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parentOf.set(ra, rb);
  }

  private newRel(scope: Scope, alias: string, label: string, org: boolean): Rel {
    const rel = { id: this.nextId++, alias, label, org };
    scope.rels.push(rel);
    this.labels.set(this.orgNode(rel), label);
    return rel;
  }

  private orgNode(rel: Rel): string {
    return `r${rel.id}.org_id`;
  }

  private lookupAlias(scope: Scope, alias: string): Rel | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const rel = [...s.rels].reverse().find((r) => r.alias === alias);
      if (rel) return rel;
      if (s.synthetic && alias !== 'excluded') return this.newRel(s, alias, `${alias} (an enclosing query's row)`, !this.isPlainTable(alias));
    }
    return undefined;
  }

  private isPlainTable(name: string): boolean {
    return !this.isOrgScoped(name);
  }

  /** A table of the schema with an org_id column, or a name the schema does not have (to be safe); PostgreSQL's own catalogs are not. */
  private isOrgScoped(table: string): boolean {
    if (table.startsWith('pg_') || table === 'information_schema') return false;
    return this.orgTables.has(table) || !this.knownTables.has(table);
  }

  knownTables: ReadonlySet<string> = new Set();

  /** The equivalence-class node of a simple operand: a column, a bound value or a literal (casts and parentheses dropped). */
  private operand(tokens: Token[], scope: Scope): string | undefined {
    let toks = tokens;
    const cast = toks.findIndex((t) => t.t === 'punct' && t.v === '::');
    if (cast >= 0) toks = toks.slice(0, cast);
    if (toks.length === 1 && isGroup(toks[0]) && !startsQuery(toks[0].items)) return this.operand(toks[0].items, scope);
    if (toks.length === 1 && toks[0]!.t === 'value') {
      this.labels.set(`v:${toks[0]!.v}`, toks[0]!.v);
      return `v:${toks[0]!.v}`;
    }
    const name = (t: Token | undefined) => (t?.t === 'word' || t?.t === 'ident' ? t.v : undefined);
    if (toks.length === 3 && toks[1]!.t === 'punct' && toks[1]!.v === '.' && name(toks[0]) && name(toks[2])) {
      const rel = this.lookupAlias(scope, name(toks[0])!);
      if (!rel) return undefined;
      return name(toks[2]) === 'org_id' ? this.orgNode(rel) : `r${rel.id}.${name(toks[2])}`;
    }
    if (toks.length === 1 && name(toks[0]) === 'org_id') {
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const org = s.rels.filter((r) => r.org);
        if (org.length === 1) return this.orgNode(org[0]!);
        if (org.length > 1) return undefined;
      }
    }
    return undefined;
  }

  /** Records the equalities every row satisfies: the top-level AND conjuncts of a condition of the form a = b. */
  private condition(tokens: Token[], scope: Scope): void {
    let between = false;
    const conjuncts = splitTop(tokens, (tok) => {
      if (isWord(tok, 'between')) between = true;
      if (!isWord(tok, 'and')) return false;
      if (between) return (between = false);
      return true;
    });
    for (const c of conjuncts) {
      if (c.length === 1 && isGroup(c[0]) && !startsQuery(c[0].items)) {
        this.condition(c[0].items, scope);
        continue;
      }
      if (c.some((t) => isWord(t, 'or', 'not', 'is', 'any', 'all', 'some'))) continue;
      const eq = c.flatMap((t, i) => (t.t === 'op' ? [i] : []));
      if (eq.length !== 1 || c[eq[0]!]!.v !== '=') continue;
      const [a, b] = [this.operand(c.slice(0, eq[0]), scope), this.operand(c.slice(eq[0]! + 1), scope)];
      if (a && b) this.union(a, b);
    }
  }

  /** Subqueries anywhere in an expression: their org-scoped relations join the enclosing block's. */
  private expressions(tokens: Token[], scope: Scope, nodes: string[]): void {
    for (const tok of tokens) {
      if (!isGroup(tok)) continue;
      if (startsQuery(tok.items)) {
        for (const b of this.query(tok.items, { rels: [], ctes: new Map(), parent: scope })) nodes.push(...b.nodes);
      } else this.expressions(tok.items, scope, nodes);
    }
  }

  /** A query: WITH, then branches joined by UNION / INTERSECT / EXCEPT. */
  query(tokens: Token[], scope: Scope): Branch[] {
    let toks = tokens;
    while (toks.length === 1 && isGroup(toks[0])) toks = toks[0].items;
    if (isWord(toks[0], 'with')) {
      let i = isWord(toks[1], 'recursive') ? 2 : 1;
      while (i < toks.length && (toks[i]!.t === 'word' || toks[i]!.t === 'ident')) {
        const name = toks[i]!.v;
        i++;
        if (isGroup(toks[i]) && !isWord(toks[i - 1], 'as')) i++; // column names
        if (isWord(toks[i], 'as')) i++;
        while (isWord(toks[i], 'not', 'materialized')) i++;
        const body = toks[i];
        if (!isGroup(body)) throw new Error(`cannot read the body of CTE ${name}`);
        const branches = this.query(body.items, { rels: [], ctes: new Map(), parent: scope });
        this.events.push({ kind: 'check', what: `CTE ${name}`, branches });
        scope = { rels: [], ctes: new Map([[name, { name, branches }]]), parent: scope };
        i++;
        if (toks[i]?.t === 'punct' && toks[i]!.v === ',') i++;
        else break;
      }
      toks = toks.slice(i);
    }
    const first = toks[0];
    if (isWord(first, 'insert')) return this.insert(toks, scope);
    if (isWord(first, 'update')) return [this.update(toks, scope)];
    if (isWord(first, 'delete')) return [this.delete(toks, scope)];
    const branches = splitTop(toks, (tok) => isWord(tok, 'union', 'intersect', 'except')).map((b) =>
      isWord(b[0], 'all', 'distinct') ? b.slice(1) : b,
    );
    return branches.flatMap((b) => {
      // ORDER BY / LIMIT after the last branch belong to the whole query; they hold no relations.
      if (b.length >= 1 && isGroup(b[0]) && startsQuery(b[0].items)) {
        const inner = this.query([b[0]], scope);
        // `(SELECT ...) + (SELECT ...)`: an expression that begins with a subquery.
        if (b.length > 1 && inner[0]) this.expressions(b.slice(1), scope, inner[0].nodes);
        return inner;
      }
      if (isWord(b[0], 'values')) {
        const nodes: string[] = [];
        this.expressions(b, scope, nodes);
        return [{ nodes, outputs: [] }];
      }
      return [this.select(b, { rels: [], ctes: new Map(), parent: scope })];
    });
  }

  private select(tokens: Token[], scope: Scope): Branch {
    if (!isWord(tokens[0], 'select')) throw new Error(`expected SELECT, read ${tokens[0]?.v ?? 'nothing'}`);
    const at = clauses(tokens, SELECT_CLAUSES);
    const stops = [...at.values()];
    const list = slice(tokens, 0, stops);
    const from = slice(tokens, at.get('from'), stops);
    const where = slice(tokens, at.get('where'), stops);
    const nodes: string[] = [];
    this.from(from, scope, nodes);
    this.condition(where, scope);
    const firstClause = Math.min(...stops, tokens.length);
    this.expressions(list, scope, nodes);
    this.expressions(where, scope, nodes);
    this.expressions(
      tokens.filter((_, i) => i > firstClause && !from.includes(tokens[i]!) && !where.includes(tokens[i]!)),
      scope,
      nodes,
    );
    const items = splitTop(
      isWord(list[0], 'distinct') ? list.slice(isGroup(list[2]) && isWord(list[1], 'on') ? 3 : 1) : list,
      (t) => t.t === 'punct' && t.v === ',',
    );
    const outputs = items.map((item) => {
      const as = item.findIndex((t) => isWord(t, 'as'));
      const expr = as >= 0 ? item.slice(0, as) : item.length === 2 && item[1]!.t === 'word' ? item.slice(0, 1) : item;
      return this.operand(expr, scope);
    });
    for (const rel of scope.rels) if (rel.org) nodes.push(this.orgNode(rel));
    return { nodes, outputs };
  }

  /** FROM items: tables, CTEs, derived tables, functions; ON conditions; USING (org_id). */
  private from(tokens: Token[], scope: Scope, nodes: string[]): void {
    let i = 0;
    while (i < tokens.length) {
      while (i < tokens.length && ((tokens[i]!.t === 'punct' && tokens[i]!.v === ',') || isWord(tokens[i], ...JOIN_WORDS))) i++;
      if (i >= tokens.length) break;
      const lateral = isWord(tokens[i], 'lateral');
      if (lateral) i++;
      const tok = tokens[i]!;
      let rel: Rel;
      const alias = (t: Token | undefined) => (t && (t.t === 'ident' || (t.t === 'word' && !NOT_ALIAS.has(t.v))) ? t.v : undefined);
      const readAlias = (fallback: string): string => {
        if (isWord(tokens[i], 'as')) i++;
        const a = alias(tokens[i]);
        if (a === undefined) return fallback;
        i++;
        if (isGroup(tokens[i])) i++; // column names
        return a;
      };
      if (isGroup(tok)) {
        i++;
        const inner: Scope = { rels: [], ctes: new Map(), parent: lateral ? scope : scope.parent };
        const branches = startsQuery(tok.items) ? this.query(tok.items, inner) : [];
        const name = readAlias('(derived)');
        rel = this.newRel(scope, name, `${name} (derived table)`, branches.some((b) => b.nodes.length > 0) || !startsQuery(tok.items));
        this.events.push({ kind: 'check', what: `derived table ${name}`, branches });
        this.events.push({ kind: 'link', node: this.orgNode(rel), branches, pinnedOnly: false });
      } else if ((tok.t === 'word' || tok.t === 'ident') && isGroup(tokens[i + 1])) {
        // A set-returning function (unnest, jsonb_to_recordset, ...): values of the row or of parameters, no table.
        const args = tokens[i + 1]!;
        i += 2;
        if (isWord(tokens[i], 'with') && isWord(tokens[i + 1], 'ordinality')) i += 2;
        const name = readAlias(tok.v);
        rel = this.newRel(scope, name, `${name} (function ${tok.v})`, false);
        this.expressions([args], scope, nodes);
      } else if (tok.t === 'word' || tok.t === 'ident') {
        i++;
        let table = tok.v;
        while (tokens[i]?.t === 'punct' && tokens[i]!.v === '.' && tokens[i + 1]) {
          table = tokens[i + 1]!.v;
          i += 2;
        }
        const cte = this.cte(scope, table);
        const name = readAlias(table);
        if (cte) {
          rel = this.newRel(
            scope,
            name,
            `${name} (CTE ${table})`,
            cte.branches.some((b) => b.nodes.length > 0),
          );
          this.events.push({ kind: 'link', node: this.orgNode(rel), branches: cte.branches, pinnedOnly: true });
        } else rel = this.newRel(scope, name, `${name} (${table})`, this.isOrgScoped(table));
      } else if (tok.t === 'value' && tok.v.startsWith('⟪')) {
        // A relation the extraction could not see into: it may hold any organization's rows.
        i++;
        rel = this.newRel(scope, tok.v, `${tok.v} (unknown relation)`, true);
      } else {
        i++;
        continue;
      }
      // Whatever the extraction could not see (an optional clause) may follow an item.
      while (tokens[i]?.t === 'value' && tokens[i]!.v.startsWith('⟪')) i++;
      if (isWord(tokens[i], 'on')) {
        const start = ++i;
        while (i < tokens.length && !(tokens[i]!.t === 'punct' && tokens[i]!.v === ',') && !isWord(tokens[i], ...JOIN_WORDS)) i++;
        const on = tokens.slice(start, i);
        this.condition(on, scope);
        this.expressions(on, scope, nodes);
      } else if (isWord(tokens[i], 'using') && isGroup(tokens[i + 1])) {
        const columns = tokens[i + 1]!.t === 'group' ? (tokens[i + 1] as Token & { t: 'group' }).items.map((t) => t.v) : [];
        const left = scope.rels
          .slice(0, -1)
          .reverse()
          .find((r) => r.org);
        if (columns.includes('org_id') && left) this.union(this.orgNode(left), this.orgNode(rel));
        i += 2;
      }
    }
  }

  private cte(scope: Scope, name: string): Cte | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.ctes.has(name)) return s.ctes.get(name);
    return undefined;
  }

  private target(tokens: Token[], i: number, scope: Scope): { rel: Rel; next: number; table: string } {
    let table = tokens[i]?.v ?? '';
    i++;
    while (tokens[i]?.t === 'punct' && tokens[i]!.v === '.' && tokens[i + 1]) {
      table = tokens[i + 1]!.v;
      i += 2;
    }
    if (isWord(tokens[i], 'as')) i++;
    let alias = table;
    if (
      (tokens[i]?.t === 'word' && !NOT_ALIAS.has(tokens[i]!.v) && !isWord(tokens[i], 'values', 'select', 'with', 'default')) ||
      tokens[i]?.t === 'ident'
    ) {
      alias = tokens[i]!.v;
      i++;
    }
    return { rel: this.newRel(scope, alias, `${alias} (${table})`, this.orgTables.has(table)), next: i, table };
  }

  private update(tokens: Token[], outer: Scope): Branch {
    const scope: Scope = { rels: [], ctes: new Map(), parent: outer };
    const { next } = this.target(tokens, isWord(tokens[1], 'only') ? 2 : 1, scope);
    const at = clauses(tokens.slice(next), ['set', 'from', 'where', 'returning']);
    const rest = tokens.slice(next);
    const stops = [...at.values()];
    const nodes: string[] = [];
    this.from(slice(rest, at.get('from'), stops), scope, nodes);
    const where = slice(rest, at.get('where'), stops);
    this.condition(where, scope);
    this.expressions(slice(rest, at.get('set'), stops), scope, nodes);
    this.expressions(where, scope, nodes);
    for (const rel of scope.rels) if (rel.org) nodes.push(this.orgNode(rel));
    return { nodes, outputs: [] };
  }

  private delete(tokens: Token[], outer: Scope): Branch {
    const scope: Scope = { rels: [], ctes: new Map(), parent: outer };
    if (!isWord(tokens[1], 'from')) throw new Error('expected DELETE FROM');
    const { next } = this.target(tokens, isWord(tokens[2], 'only') ? 3 : 2, scope);
    const rest = tokens.slice(next);
    const at = clauses(rest, ['using', 'where', 'returning']);
    const stops = [...at.values()];
    const nodes: string[] = [];
    this.from(slice(rest, at.get('using'), stops), scope, nodes);
    const where = slice(rest, at.get('where'), stops);
    this.condition(where, scope);
    this.expressions(where, scope, nodes);
    for (const rel of scope.rels) if (rel.org) nodes.push(this.orgNode(rel));
    return { nodes, outputs: [] };
  }

  /** INSERT INTO t (columns) SELECT ... | VALUES ...: the SELECT is checked as a query, and must write the org_id it reads. */
  private insert(tokens: Token[], outer: Scope): Branch[] {
    if (!isWord(tokens[1], 'into')) throw new Error('expected INSERT INTO');
    const scope: Scope = { rels: [], ctes: new Map(), parent: outer.parent ?? outer };
    const { next, table } = this.target(tokens, 2, scope);
    let i = next;
    let columns: string[] | undefined;
    if (isGroup(tokens[i]) && !startsQuery((tokens[i] as Token & { t: 'group' }).items)) {
      columns = (tokens[i] as Token & { t: 'group' }).items.filter((t) => t.t === 'word' || t.t === 'ident').map((t) => t.v);
      i++;
    }
    let end = tokens.length;
    for (let j = i; j < tokens.length; j++)
      if ((isWord(tokens[j], 'on') && isWord(tokens[j + 1], 'conflict')) || isWord(tokens[j], 'returning')) {
        end = j;
        break;
      }
    const source = tokens.slice(i, end);
    this.expressions(tokens.slice(end), scope, []);
    if (source.length === 0 || isWord(source[0], 'default')) return [];
    const branches = this.query(source, outer);
    this.events.push({ kind: 'check', what: `INSERT INTO ${table} ... SELECT`, branches });
    if (this.orgTables.has(table)) {
      const column = columns ? columns.indexOf('org_id') : -1;
      if (column < 0 && !isWord(source[0], 'values')) this.problems.push(`INSERT INTO ${table} ... SELECT names no org_id column`);
      else this.events.push({ kind: 'insert', table, column, branches });
    }
    return [];
  }

  /** Runs a whole statement (or fragment) and returns what it found wrong. */
  statement(sql: string): string[] {
    const tokens = tokenize(sql);
    const root: Scope = { rels: [], ctes: new Map(), synthetic: true };
    let body = tokens;
    while (body.length === 1 && isGroup(body[0])) body = body[0].items;
    let branches: Branch[];
    if (startsQuery(body) || isWord(body[0], 'insert', 'update', 'delete')) branches = this.query(body, root);
    else {
      // An expression holding subqueries (a filter the store composes into a query).
      const nodes: string[] = [];
      this.expressions(body, root, nodes);
      branches = [{ nodes, outputs: [] }];
    }
    this.events.push({ kind: 'check', what: 'the statement', branches: branches.map((b) => ({ ...b, nodes: [...b.nodes] })) });
    const statementCheck = this.events.at(-1) as Event & { kind: 'check' };
    for (const event of this.events) {
      if (event === statementCheck) {
        // Rows of an enclosing query a fragment refers to meet the fragment's relations too.
        const outerNodes = root.rels.filter((r) => r.org).map((r) => this.orgNode(r));
        for (const b of event.branches) b.nodes.push(...outerNodes);
      }
      if (event.kind === 'check') {
        for (const b of event.branches) {
          const classes = this.classes(b.nodes);
          if (classes.length > 1)
            this.problems.push(
              `${event.what} combines rows of relations whose org_id is not proven equal: ${classes.map((c) => c.map((n) => this.labels.get(n) ?? n).join(' = ')).join(' | ')}`,
            );
        }
      } else if (event.kind === 'link') {
        const classes = event.branches.filter((b) => b.nodes.length > 0).map((b) => this.classes(b.nodes));
        if (classes.length === 0 || classes.some((c) => c.length !== 1)) continue;
        const roots = new Set(classes.map((c) => this.find(c[0]![0]!)));
        if (roots.size !== 1) continue;
        const [r] = roots;
        if (event.pinnedOnly && ![...this.labels.keys()].some((n) => n.startsWith('v:') && this.find(n) === r)) continue;
        this.union(event.node, r!);
      } else {
        for (const b of event.branches) {
          if (b.nodes.length === 0) continue;
          const written = b.outputs[event.column];
          if (!written || this.find(written) !== this.find(b.nodes[0]!))
            this.problems.push(`INSERT INTO ${event.table} writes an org_id not proven equal to the org_id of the rows it reads`);
        }
      }
    }
    return this.problems;
  }

  /** The nodes grouped by equivalence class. */
  private classes(nodes: string[]): string[][] {
    const byRoot = new Map<string, string[]>();
    for (const n of nodes) {
      const r = this.find(n);
      if (!byRoot.has(r)) byRoot.set(r, []);
      if (!byRoot.get(r)!.includes(n)) byRoot.get(r)!.push(n);
    }
    return [...byRoot.values()];
  }
}

/**
 * What is wrong with one statement: an empty list when every place two org-scoped relations meet proves their org_id
 * equal. `orgTables` are the tables with an org_id column; `tables` every table of the schema (a name in neither is taken
 * as org-scoped, to be safe).
 */
export function checkOrgScopedSql(sql: string, orgTables: ReadonlySet<string>, tables: ReadonlySet<string> = orgTables): string[] {
  const a = new Analysis(orgTables);
  a.knownTables = tables;
  try {
    return a.statement(sql);
  } catch (e) {
    return [`cannot read the statement: ${(e as Error).message}`];
  }
}

/** Every statement of the sources, checked. */
export function checkSources(sources: SqlSource[], orgTables: ReadonlySet<string>, tables: ReadonlySet<string>): Violation[] {
  return sources.flatMap((s) =>
    checkOrgScopedSql(s.sql, orgTables, tables).map((message) => ({ file: s.file, line: s.line, fn: s.fn, message, sql: s.sql })),
  );
}
