// The Security Findings search syntax: examples, every operator, precedence, errors with their columns, and
// seeded properties (printed trees parse back to equal trees; operators group by precedence).
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseSearchQuery, printSearchQuery, SearchQueryError, SEARCH_QUERY_LIMITS } from '../../src/findings/search-syntax.js';
import { canonicalFilter, NUMBER_FIELDS, TEXT_FIELDS, type Comparison, type FilterNode, type TextField } from '../../src/findings/filter-tree.js';
import { SEARCH_ATTRIBUTES } from '../../src/findings/search-attributes.js';
import { buildCountQuery, buildPageQuery, compileFilter, Params } from '../../src/store/findings-query.js';
import { parseListQuery } from '../../src/findings/list-query.js';
import { SEVERITIES } from '../../src/posture/resource.js';
import { InvalidInput } from '../../src/errors.js';
import { INFERENCE_STATUSES } from '../../src/ownership/inference-status.js';
import { prng } from '../../bench/lib/prng.js';

const parse = (q: string) => parseSearchQuery(q);
const same = (a: FilterNode, b: FilterNode, message?: string) => assert.equal(canonicalFilter(a), canonicalFilter(b), message);
const sameQuery = (a: string, b: string) => same(parse(a), parse(b), `${a}  vs  ${b}`);

const tag = (t: string): FilterNode => ({ op: 'tags_all', tags: [t] });
const eq = (field: TextField, value: string): FilterNode => ({ op: 'eq', field, value });

test("the issue's example: severity group, workflow status, a tag", () => {
  assert.deepEqual(parse('@severity:(critical OR high) @status:open team:platform'), {
    op: 'and',
    nodes: [
      { op: 'in', field: 'status', values: ['critical', 'high'] },
      { op: 'muted', value: false },
      { op: 'eq', field: 'evaluation', value: 'fail' },
      { op: 'tags_all', tags: ['team:platform'] },
    ],
  });
});

test('an empty or blank query, or *, matches every finding', () => {
  for (const q of ['', '   ', '\t\n', '*']) assert.deepEqual(parse(q), { op: 'and', nodes: [] });
  same(parse('* @rule.id:r1'), eq('rule_id', 'r1'));
});

test('every attribute maps onto the legacy filter fields', () => {
  const cases: Array<[string, FilterNode]> = [
    ['@severity:High', eq('status', 'high')],
    ['@severity:crit*', { op: 'wildcard', field: 'status', pattern: 'crit*' }],
    // @status as the Security Findings serializer writes it: muted, else open when failing, resolved when passing.
    ['@status:open', { op: 'and', nodes: [{ op: 'muted', value: false }, eq('evaluation', 'fail')] }],
    ['@status:resolved', { op: 'and', nodes: [{ op: 'muted', value: false }, eq('evaluation', 'pass')] }],
    ['@status:muted', { op: 'muted', value: true }],
    ['@status:auto_closed', { op: 'or', nodes: [] }],
    ['@status:in-progress', { op: 'or', nodes: [] }],
    ['@workflow.mute.is_muted:true', { op: 'muted', value: true }],
    ['@workflow.mute.is_muted:false', { op: 'muted', value: false }],
    ['@compliance.evaluation:fail', eq('evaluation', 'fail')],
    ['@finding_type:identity_risk', eq('vulnerability_type', 'identity_risk')],
    ['@rule.id:def-000-abc', eq('rule_id', 'def-000-abc')],
    ['@rule.name:"S3 bucket is public"', eq('rule_name', 'S3 bucket is public')],
    ['@resource_id:arn:aws:s3:::my-bucket', eq('resource_id', 'arn:aws:s3:::my-bucket')],
    ['@resource_type:aws_s3_bucket', eq('resource_type', 'aws_s3_bucket')],
    ['@detection_changed_at:1700000000000', { op: 'compare', field: 'evaluation_changed_at', comparison: '=', value: 1_700_000_000_000 }],
  ];
  for (const [q, tree] of cases) assert.deepEqual(parse(q), tree, q);
});

test('tags: exact values require the tag, wildcards match any tag of the pattern, several are required together', () => {
  assert.deepEqual(parse('team:platform'), tag('team:platform'));
  assert.deepEqual(parse('team:pay*'), { op: 'tag_wildcard', pattern: 'team:pay*' });
  assert.deepEqual(parse('env:*'), { op: 'tag_wildcard', pattern: 'env:*' });
  assert.deepEqual(parse('team:platform env:prod'), { op: 'tags_all', tags: ['team:platform', 'env:prod'] });
  assert.deepEqual(parse('k8s.io/app:web-1'), tag('k8s.io/app:web-1'));
  assert.deepEqual(parse('arn:aws:iam::1:role/x'), tag('arn:aws:iam::1:role/x'));
  assert.deepEqual(parse('team:"data platform"'), tag('team:data platform'));
  same(parse('team:(a OR b)'), { op: 'or', nodes: [tag('team:a'), tag('team:b')] });
});

test('the same query as the legacy parameters gives the same tree', () => {
  const pairs: Array<[string, string]> = [
    ['filter[status]=high&filter[evaluation]=fail', '@severity:high @compliance.evaluation:fail'],
    ['filter[tags]=team:platform&filter[tags]=env:prod', 'team:platform env:prod'],
    ['filter[muted]=true', '@workflow.mute.is_muted:true'],
    ['filter[rule_name]=-Rule*', '-@rule.name:Rule*'],
    ['filter[@resource_id]=arn:aws:s3:::bucket-2999*', '@resource_id:arn:aws:s3:::bucket-2999*'],
    ['filter[evaluation_changed_at]=>=5', '@detection_changed_at:>=5'],
    ['filter[evaluation_changed_at]=<9', '@detection_changed_at:<9'],
    ['filter[vulnerability_type]=misconfiguration&filter[vulnerability_type]=attack_path', '@finding_type:(misconfiguration OR attack_path)'],
  ];
  // The legacy tree is always an AND of its parameters' nodes.
  const asAnd = (n: FilterNode): FilterNode => (n.op === 'and' ? n : { op: 'and', nodes: [n] });
  for (const [legacy, search] of pairs) same(parseListQuery(new URLSearchParams(legacy)).filter, asAnd(parse(search)), search);
});

test('boolean operators, negation forms and parentheses', () => {
  sameQuery('team:a AND team:b', 'team:a team:b');
  same(parse('team:a OR team:b'), { op: 'or', nodes: [tag('team:a'), tag('team:b')] });
  for (const q of ['NOT team:a', '-team:a', 'NOT (team:a)', '-(team:a)']) same(parse(q), { op: 'not', node: tag('team:a') }, q);
  same(parse('NOT NOT team:a'), { op: 'not', node: { op: 'not', node: tag('team:a') } });
  same(parse('-(team:a OR team:b)'), { op: 'not', node: { op: 'or', nodes: [tag('team:a'), tag('team:b')] } });
  same(parse('@rule.id:(a OR b) -@rule.id:c'), {
    op: 'and',
    nodes: [
      { op: 'in', field: 'rule_id', values: ['a', 'b'] },
      { op: 'not', node: eq('rule_id', 'c') },
    ],
  });
  // Inside a value group the operators apply to values of that attribute.
  same(parse('@rule.id:(a* AND NOT ab*)'), {
    op: 'and',
    nodes: [
      { op: 'wildcard', field: 'rule_id', pattern: 'a*' },
      { op: 'not', node: { op: 'wildcard', field: 'rule_id', pattern: 'ab*' } },
    ],
  });
  // A - inside a value, or right after the colon, is part of the value.
  same(parse('@rule.id:-x'), eq('rule_id', '-x'));
  same(parse('@rule.id:a-b'), eq('rule_id', 'a-b'));
  // Lowercase words are not operators: `or` here would be free text.
  assert.throws(() => parse('team:a or team:b'), /free-text search/);
});

test('precedence: NOT binds tighter than AND, AND (explicit or implicit) tighter than OR', () => {
  const [a, b, c, d] = ['t:a', 't:b', 't:c', 't:d'];
  sameQuery(`${a} OR ${b} ${c}`, `${a} OR (${b} ${c})`);
  sameQuery(`${a} OR ${b} AND ${c}`, `${a} OR (${b} AND ${c})`);
  sameQuery(`${a} ${b} OR ${c}`, `(${a} ${b}) OR ${c}`);
  sameQuery(`${a} AND ${b} OR ${c} AND ${d}`, `(${a} ${b}) OR (${c} ${d})`);
  sameQuery(`NOT ${a} ${b}`, `(NOT ${a}) ${b}`);
  sameQuery(`-${a} OR ${b}`, `(NOT ${a}) OR ${b}`);
  sameQuery(`NOT ${a} OR ${b}`, `(NOT ${a}) OR ${b}`);
  same(parse(`${a} OR ${b} ${c}`), { op: 'or', nodes: [tag(a), { op: 'tags_all', tags: [b, c] }] });
});

test('quoted phrases, escapes and wildcards', () => {
  same(parse('@rule.name:"a (b) OR c*"'), eq('rule_name', 'a (b) OR c*'));
  same(parse('@rule.name:"say \\"hi\\" \\\\ bye"'), eq('rule_name', 'say "hi" \\ bye'));
  same(parse('@rule.name:a\\ b\\(c\\)'), eq('rule_name', 'a b(c)'));
  same(parse('@rule.name:100\\*'), eq('rule_name', '100*'));
  same(parse('@rule.name:what\\?'), eq('rule_name', 'what?'));
  same(parse('@rule.name:*public*'), { op: 'wildcard', field: 'rule_name', pattern: '*public*' });
  same(parse('@rule.name:"OR"'), eq('rule_name', 'OR'));
  same(parse('@rule.name:""'), eq('rule_name', ''));
  same(parse('@rule.id:*'), { op: 'wildcard', field: 'rule_id', pattern: '*' });
});

test('time comparisons and ranges: Unix ms or ISO 8601, bounds included with [ ], excluded with { }', () => {
  const cmp = (comparison: Comparison, value: number): FilterNode => ({ op: 'compare', field: 'evaluation_changed_at', comparison, value });
  const day = Date.UTC(2024, 0, 1);
  same(parse('@detection_changed_at:>=5'), cmp('>=', 5));
  same(parse('@detection_changed_at:>5'), cmp('>', 5));
  same(parse('@detection_changed_at:<=5'), cmp('<=', 5));
  same(parse('@detection_changed_at:<2024-01-01'), cmp('<', day));
  same(parse('@detection_changed_at:>2024-01-01T10:30:00Z'), cmp('>', day + 10.5 * 3_600_000));
  same(parse('@detection_changed_at:>2024-01-01T10:30:00+02:00'), cmp('>', day + 8.5 * 3_600_000));
  same(parse('@detection_changed_at:>"2024-01-01 10:30"'), cmp('>', day + 10.5 * 3_600_000));
  same(parse('@detection_changed_at:[5 TO 9]'), { op: 'and', nodes: [cmp('>=', 5), cmp('<=', 9)] });
  same(parse('@detection_changed_at:{5 TO 9}'), { op: 'and', nodes: [cmp('>', 5), cmp('<', 9)] });
  same(parse('@detection_changed_at:[5 TO 9}'), { op: 'and', nodes: [cmp('>=', 5), cmp('<', 9)] });
  same(parse('@detection_changed_at:[2024-01-01 TO *]'), cmp('>=', day));
  same(parse('@detection_changed_at:{* TO 9}'), cmp('<', 9));
  // A leap day and the last second of a day are on the calendar.
  same(parse('@detection_changed_at:>=2024-02-29'), cmp('>=', Date.UTC(2024, 1, 29)));
  same(parse('@detection_changed_at:<2024-12-31T23:59:59+01:00'), cmp('<', Date.UTC(2024, 11, 31, 22, 59, 59)));
});

/** The error a query raises, checked to be a 400 naming filter[query]. */
function errorOf(q: string): SearchQueryError {
  try {
    parse(q);
  } catch (e) {
    assert.ok(e instanceof SearchQueryError, String(e));
    assert.ok(e instanceof InvalidInput);
    assert.equal(e.status, 400);
    assert.deepEqual(e.source, { parameter: 'filter[query]' });
    return e;
  }
  return assert.fail(`${JSON.stringify(q)} parsed`);
}

test('errors give the column (counted from 1) and what was expected there', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['team:a @owner:x', 8, /unknown attribute @owner; known: @severity/],
    ['(team:a', 8, /expected "\)" to close the "\(" at column 1, found the end of the query/],
    ['team:a)', 7, /"\)" with no "\("/],
    ['team:a OR', 10, /expected a term, found the end/],
    ['team:a AND OR team:b', 12, /expected a term before OR/],
    ['NOT', 4, /expected a term after NOT/],
    ['hello', 1, /free-text search is not supported/],
    ['"hello world"', 1, /free-text search is not supported/],
    ['@severity:', 11, /expected a value after @severity:/],
    ['@severity: high', 11, /expected a value after @severity:/],
    ['@rule.id', 9, /expected ":" after @rule.id/],
    ['@detection_changed_at:abc', 23, /takes Unix ms or an ISO 8601 date or time, not "abc"/],
    ['@detection_changed_at:>', 24, /expected a value after >/],
    ['@detection_changed_at:[1 9]', 26, /expected TO in the range opened at column 23/],
    ['@detection_changed_at:[1 TO 9', 30, /expected "\]" or "\}" to close the range/],
    ['@detection_changed_at:[* TO *]', 23, /at least one bound/],
    ['@detection_changed_at:1*', 23, /takes times, not wildcards/],
    ['@workflow.mute.is_muted:yes', 25, /takes true or false/],
    ['@status:closed', 9, /takes one of open, resolved, muted, auto_closed, in-progress/],
    ['@rule.id:>5', 10, /takes text values, not a comparison/],
    ['team:>5', 6, /the tag team takes text values/],
    ['@rule.name:"abc', 12, /closing quote/],
    ['@rule.name:ab"c', 14, /a quote may only open a value/],
    ['@rule.name:ab?', 14, /escape it as \\\?/],
    ['@rule.name:a\\*b*', 12, /both a literal \\\* and a \* wildcard/],
    ['@rule.id:()', 11, /expected a value inside @rule.id:\( \)/],
    ['@rule.id:(a OR b', 17, /expected "\)" to close the "\(" at column 10/],
    ['()', 2, /expected a term inside the parentheses/],
    ['@detection_changed_at:2023-02-29', 23, /takes Unix ms or an ISO 8601 date or time, not "2023-02-29"/],
    ['@detection_changed_at:>2023-02-30', 23, /not "2023-02-30"/],
    ['@detection_changed_at:2024-04-31T10:00', 23, /not "2024-04-31T10:00"/],
    ['@detection_changed_at:2024-01-01T24:00:00Z', 23, /not "2024-01-01T24:00:00Z"/],
    ['@detection_changed_at:2024-01-01T10:60', 23, /not "2024-01-01T10:60"/],
    ['@detection_changed_at:2024-01-01T10:00+24:00', 23, /not "2024-01-01T10:00\+24:00"/],
    ['@owner.team:""', 13, /takes an owner handle, not an empty value/],
    ['@owner.team_status:""', 20, /takes one of suggested, persisted, overridden, failed, unknown/],
    ['@owner.team_status:confirmed', 20, /takes one of suggested, persisted, overridden, failed, unknown/],
    ['@owner.user_status:x*', 20, /takes one of suggested/],
    ['@owner.user:("" OR x)', 14, /takes an owner handle, not an empty value/],
  ];
  for (const [q, column, detail] of cases) {
    const e = errorOf(q);
    assert.equal(e.column, column, `${q}: ${e.message}`);
    assert.equal(e.offset, column - 1);
    assert.match(e.message, detail, q);
    assert.match(e.message, new RegExp(`^Invalid parameter filter\\[query\\] at column ${column}: `), q);
  }
});

test('the caller names where the query came from; limits keep parsing bounded', () => {
  assert.throws(
    () => parseSearchQuery('(', { pointer: '/data/attributes/filter' }),
    (e: SearchQueryError) =>
      e.code === 'STEWARD_ERR_INVALID_BODY' &&
      e.source?.pointer === '/data/attributes/filter' &&
      /^Invalid body field \/data\/attributes\/filter at column 2/.test(e.message),
  );
  assert.match(errorOf('('.repeat(100) + 'a:b' + ')'.repeat(100)).message, /nest deeper than/);
  assert.match(errorOf('-'.repeat(100) + 'a:b').message, /nest deeper than/);
  assert.match(errorOf(Array.from({ length: SEARCH_QUERY_LIMITS.terms + 1 }, (_, i) => `t:${i}`).join(' ')).message, /more than 256 terms/);
  assert.match(errorOf(`t:${'x'.repeat(SEARCH_QUERY_LIMITS.queryBytes)}`).message, /bytes long/);
  // A wildcard over tag values reads every finding's tags: 32 in a query, whether as terms or as one term's values.
  const wildcards = (n: number) => Array.from({ length: n }, (_, i) => `-t${i}:*x*y*`).join(' ');
  assert.doesNotThrow(() => parseSearchQuery(wildcards(SEARCH_QUERY_LIMITS.tagWildcards)));
  const tooMany = errorOf(wildcards(SEARCH_QUERY_LIMITS.tagWildcards + 1));
  assert.match(tooMany.message, /more than 32 wildcards over tag values/);
  const query = wildcards(SEARCH_QUERY_LIMITS.tagWildcards + 1);
  assert.equal(tooMany.column, query.lastIndexOf('*x*y*') + 1, 'the 33rd wildcard is named where it stands');
  assert.match(errorOf(`team:(${Array.from({ length: 33 }, (_, i) => `p${i}*`).join(' OR ')})`).message, /more than 32 wildcards/);
  assert.doesNotThrow(
    () => parseSearchQuery(Array.from({ length: 200 }, (_, i) => `@rule.name:*x${i}*`).join(' OR ')),
    'column wildcards are not counted',
  );
  // An owner facet value looks up every finding's inference: 32 in a query; a status wildcard looks up each status it matches.
  const owners = (n: number) => Array.from({ length: n }, (_, i) => `@owner.team:t${i}`).join(' OR ');
  assert.doesNotThrow(() => parseSearchQuery(owners(SEARCH_QUERY_LIMITS.ownerLookups)));
  const tooManyOwners = errorOf(owners(SEARCH_QUERY_LIMITS.ownerLookups + 1));
  assert.match(tooManyOwners.message, /looks up owners more than 32 times/);
  assert.equal(tooManyOwners.column, owners(SEARCH_QUERY_LIMITS.ownerLookups + 1).lastIndexOf(':t32') + 2, 'named at the 33rd value');
  const statuses = (n: number) => Array.from({ length: n }, () => '@owner.team_status:*').join(' OR ');
  const fit = Math.floor(SEARCH_QUERY_LIMITS.ownerLookups / INFERENCE_STATUSES.length);
  assert.doesNotThrow(() => parseSearchQuery(statuses(fit)));
  assert.match(errorOf(statuses(fit + 1)).message, /looks up owners more than 32 times/);
  assert.match(errorOf(`t:${'x'.repeat(2000)}`).message, /the value is 2000 bytes long/);
  assert.match(errorOf('t:a\u0000').message, /NUL/);
  // Within the limits, nesting parses.
  same(parse('('.repeat(20) + 'a:b' + ')'.repeat(20)), tag('a:b'));
});

test('every attribute of the map accepts a value and compiles to parameterized SQL', () => {
  for (const name of Object.keys(SEARCH_ATTRIBUTES)) {
    const value =
      SEARCH_ATTRIBUTES[name]!.type === 'time'
        ? '5'
        : SEARCH_ATTRIBUTES[name]!.type === 'boolean'
          ? 'true'
          : SEARCH_ATTRIBUTES[name]!.type === 'number'
            ? '0.85'
            : name === 'status'
              ? 'open'
              : /^owner\.\w+_status$/.test(name)
                ? 'suggested'
                : 'v';
    const p = new Params();
    const sql = compileFilter(parse(`@${name}:${value}`), p, '$0');
    assert.ok(sql.length > 0 && !sql.includes("'"), sql);
  }
  // Severities, alone or in a group, are matched on their rank (the leading column of the order indexes).
  const p = new Params();
  assert.equal(compileFilter(parse('@severity:(Critical OR high)'), p, '$0'), '(severity_rank = ANY($1::smallint[]))');
  assert.deepEqual(p.values, [[0, 1]]);
  const evil = "x'; DROP TABLE findings; --";
  const filter = parse(`@rule.name:"${evil}" OR team:${evil.replace(/[ ;']/g, (c) => `\\${c}`)}* -@resource_id:"${evil}"`);
  for (const { sql, params } of [buildPageQuery('org', { filter, at: 5, limit: 10 }), buildCountQuery('org', filter, 5)]) {
    assert.ok(!sql.includes('DROP'), sql);
    assert.equal(params.filter((p) => typeof p === 'string' && p.includes('DROP')).length, 3);
  }
});

test('docs/security-findings-query.md lists every attribute the map answers, and those it refuses are refused', () => {
  const doc = readFileSync(new URL('../../docs/security-findings-query.md', import.meta.url), 'utf8');
  const rows = new Set([...doc.matchAll(/^\| `@([a-z_.]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...rows].sort(), Object.keys(SEARCH_ATTRIBUTES).sort());
  for (const name of ['first_seen_at', 'resource_name', 'workflow.mute.reason', 'rule.type']) {
    assert.ok(doc.includes(`\`@${name}\``), name);
    assert.match(errorOf(`@${name}:x`).message, /unknown attribute/);
  }
});

test('printing refuses what the syntax cannot say', () => {
  assert.throws(() => printSearchQuery({ op: 'compare', field: 'resource_discovery_date', comparison: '>', value: 1 }), /no search attribute reads/);
  assert.throws(() => printSearchQuery({ op: 'tags_all', tags: ['no-key'] }), /no key the syntax can write/);
  assert.equal(printSearchQuery({ op: 'and', nodes: [] }), '');
});

// ---- Properties, from a seeded generator (mulberry32): the same seed gives the same cases on every run ----

/** Severity fields read back lowercased, so the generator writes real severities into them. */
const isSeverity = (field: TextField): boolean => field === 'status' || field === 'base_status';

class Gen {
  constructor(readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Text with the characters the syntax gives meanings to, keywords and awkward starts. */
  text(star: boolean): string {
    const special = ['OR', 'AND', 'NOT', 'TO', '-x', '>1', '[a', '{b', '', 'a b', 'é', '"', '\\', '(', ')', ':', '?', '@', ' '];
    if (!star && this.random() < 0.25) return this.pick(special);
    const alphabet = 'abcXYZ019_-.:/ "\\()[]{}<>?@,+=!#é' + (star ? '*' : '');
    let s = '';
    const n = 1 + this.int(8);
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return star && !s.includes('*') ? `${s.slice(0, this.int(s.length + 1))}*${s.slice(s.length)}` : s;
  }
  textField(): TextField {
    return this.pick(TEXT_FIELDS);
  }
  leaf(): FilterNode {
    switch (this.int(9)) {
      case 0: {
        const field = this.textField();
        return { op: 'eq', field, value: isSeverity(field) ? this.pick(SEVERITIES) : this.text(false) };
      }
      case 1: {
        const field = this.textField();
        const values = new Set<string>();
        while (values.size < 2 + this.int(3)) values.add(isSeverity(field) ? this.pick(SEVERITIES) : this.text(false));
        return { op: 'in', field, values: [...values] };
      }
      case 2: {
        const field = this.textField();
        return { op: 'wildcard', field, pattern: isSeverity(field) ? `${this.pick(SEVERITIES).slice(0, 2)}*` : this.text(true) };
      }
      case 3:
        return {
          op: 'compare',
          field: this.pick(NUMBER_FIELDS.filter((f) => f === 'evaluation_changed_at')),
          comparison: this.pick(['>', '>=', '<', '<=', '='] as const),
          value: this.int(2 ** 48),
        };
      case 4: {
        const tags = new Set<string>();
        while (tags.size < 1 + this.int(3)) tags.add(`${this.pick(['team', 'env', 'k8s.io/app', 'x-y', '_k'])}:${this.text(false)}`);
        return { op: 'tags_all', tags: [...tags] };
      }
      case 5:
        return { op: 'tag_wildcard', pattern: `${this.pick(['team', 'env'])}:${this.text(true)}` };
      case 6:
        return { op: 'muted', value: this.random() < 0.5 };
      case 7:
        return { op: 'or', nodes: [] };
      default:
        return { op: 'eq', field: 'rule_id', value: this.text(false) };
    }
  }
  /** A tree in the shape the parser builds: no AND directly under AND (nor OR under OR), one tags_all per AND. */
  tree(depth: number): FilterNode {
    const r = this.random();
    if (depth === 0 || r < 0.35) return this.leaf();
    if (r < 0.5) return { op: 'not', node: this.tree(depth - 1) };
    const op = r < 0.75 ? 'and' : 'or';
    for (;;) {
      const nodes = Array.from({ length: 2 + this.int(2) }, () => this.tree(depth - 1)).filter(
        (n) => n.op !== op && !(n.op === 'and' && n.nodes.length === 0),
      );
      if (nodes.length < 2) continue;
      if (op === 'and' && nodes.filter((n) => n.op === 'tags_all').length > 1) continue;
      // An OR of exact values of one field is read as one `in`.
      const first = nodes[0]!;
      if (op === 'or' && (first.op === 'eq' || first.op === 'in') && nodes.every((n) => (n.op === 'eq' || n.op === 'in') && n.field === first.field))
        continue;
      return { op, nodes };
    }
  }
}

test('property: a printed tree parses back to an equal tree (2000 seeded trees)', () => {
  const gen = new Gen(prng(15));
  for (let i = 0; i < 2000; i++) {
    const tree = gen.tree(4);
    const text = printSearchQuery(tree);
    let back: FilterNode;
    try {
      back = parseSearchQuery(text);
    } catch (e) {
      assert.fail(`case ${i}: ${text}\n${(e as Error).message}\n${JSON.stringify(tree)}`);
    }
    assert.equal(canonicalFilter(back), canonicalFilter(tree), `case ${i}: ${text}`);
    assert.equal(printSearchQuery(back), printSearchQuery(parseSearchQuery(printSearchQuery(back))), `case ${i}: printing is stable`);
  }
});

test('property: chains of terms joined by AND, OR, implicit AND and negations group by precedence (1000 seeded chains)', () => {
  const gen = new Gen(prng(16));
  for (let i = 0; i < 1000; i++) {
    const n = 1 + gen.int(7);
    const terms = Array.from({ length: n }, (_, j) => ({ negation: gen.pick(['', '', 'NOT ', '-']), tag: `t${j}:v` }));
    const joins = Array.from({ length: n - 1 }, () => gen.pick([' ', ' AND ', ' OR ']));
    const text = terms.map((t, j) => `${t.negation}${t.tag}${joins[j] ?? ''}`).join('');
    // Expected: split at OR into groups, each group an AND of its (possibly negated) terms.
    const groups: FilterNode[][] = [[]];
    terms.forEach((t, j) => {
      groups.at(-1)!.push(t.negation ? { op: 'not', node: tag(t.tag) } : tag(t.tag));
      if (joins[j] === ' OR ') groups.push([]);
    });
    const conj = (g: FilterNode[]): FilterNode => {
      const tags = g.flatMap((x) => (x.op === 'tags_all' ? x.tags : []));
      const rest = g.filter((x) => x.op !== 'tags_all');
      const nodes = tags.length ? [...rest, { op: 'tags_all' as const, tags }] : rest;
      return nodes.length === 1 ? nodes[0]! : { op: 'and', nodes };
    };
    const expected: FilterNode = groups.length === 1 ? conj(groups[0]!) : { op: 'or', nodes: groups.map(conj) };
    same(parse(text), expected, text);
  }
});

test('property: printed queries survive arbitrary whitespace between tokens', () => {
  const gen = new Gen(prng(17));
  for (let i = 0; i < 300; i++) {
    const tree = gen.tree(3);
    const text = printSearchQuery(tree);
    // Spaces around parentheses and operators are optional; padding the query changes nothing.
    same(parse(`  \t${text}\n `), tree, text);
  }
});
