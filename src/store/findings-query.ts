// The listing's SQL: a filter tree compiled to one parameterized WHERE clause (values only ever travel as parameters),
// used by one query for the page (keyset on severity, then id) and one for the exact count.
//
// State at instant T = current rows opened by T (partial indexes WHERE valid_to = max) plus closed rows with
// valid_from <= T < valid_to. Each branch is ordered and limited on its own, then merged.
import type { Queryable } from './db.js';
import type { FilterNode, NumberField, TextField } from '../findings/filter-tree.js';
import type { FindingState, MuteState } from '../posture/finding-state.js';
import { severityRank } from '../posture/finding-identity.js';
import { OPEN_ENDED } from './finding-states.js';

/** A finding state as a listing reads it: the state itself, plus its sort rank and when and by whom it began. */
export interface FindingRow extends Omit<FindingState, 'mute'> {
  severity_rank: number;
  mute: (MuteState & Record<string, unknown>) | null;
  valid_from: number;
  changed_by: string | null;
}

const COLUMNS = `finding_id, severity_rank, status, evaluation, evaluation_changed_at, resource_discovery_date, resource_id,
  resource_name, resource_type, rule_id, rule_name, vulnerability_type, tags, muted, mute, mute_expires_at, valid_from, changed_by,
  base_status, automation`;

const COLUMN: Record<TextField | NumberField, string> = {
  status: 'status',
  // The severity before any severity modifier rule (NULL base_status: no rule changed it).
  base_status: 'COALESCE(base_status, status)',
  evaluation: 'evaluation',
  vulnerability_type: 'vulnerability_type',
  rule_id: 'rule_id',
  rule_name: 'rule_name',
  resource_type: 'resource_type',
  resource_id: 'resource_id',
  evaluation_changed_at: 'evaluation_changed_at',
  resource_discovery_date: 'resource_discovery_date',
};

const COMPARISONS = new Set(['>', '>=', '<', '<=', '=']);

/** Collects parameter values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `*` matches any run; LIKE's own wildcards and its escape character are literal. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/**
 * One column of the finding's resource's inference of one owner type as it stood at the snapshot instant: its newest
 * history entry written at or before it (history ids grow with time within a resource).
 */
function ownerAt(slot: string, column: 'owner_handle' | 'confidence' | 'status', params: Params, at: string): string {
  return `(SELECT h.${column} FROM ownership_history h WHERE h.org_id = finding_states.org_id AND h.resource_id = finding_states.resource_id
    AND h.slot = ${params.add(slot)}::text AND h.created_at <= ${at} ORDER BY h.id DESC LIMIT 1)`;
}

/** Compiles a (validated) filter tree; `at` is the placeholder of the snapshot instant. */
export function compileFilter(node: FilterNode, params: Params, at: string): string {
  switch (node.op) {
    case 'and':
      return node.nodes.length === 0 ? 'TRUE' : `(${node.nodes.map((n) => compileFilter(n, params, at)).join(' AND ')})`;
    case 'or':
      return node.nodes.length === 0 ? 'FALSE' : `(${node.nodes.map((n) => compileFilter(n, params, at)).join(' OR ')})`;
    case 'not':
      return `(NOT ${compileFilter(node.node, params, at)})`;
    case 'eq':
      // Status filters on its rank: the leading column of the listing's order indexes.
      if (node.field === 'status') return `(severity_rank = ${params.add(severityRank(node.value))}::smallint)`;
      return `(${COLUMN[node.field]} = ${params.add(node.value)}::text)`;
    case 'in':
      // As for eq: severities are matched on their rank, the leading column of the order indexes.
      if (node.field === 'status') return `(severity_rank = ANY(${params.add(node.values.map(severityRank))}::smallint[]))`;
      return `(${COLUMN[node.field]} = ANY(${params.add(node.values)}::text[]))`;
    case 'wildcard':
      return `(${COLUMN[node.field]} LIKE ${params.add(likePattern(node.pattern))}::text)`;
    case 'compare':
      if (!COMPARISONS.has(node.comparison)) throw new Error(`unknown comparison ${node.comparison}`);
      return `(${COLUMN[node.field]} ${node.comparison} ${params.add(node.value)}::bigint)`;
    case 'tags_all':
      return `(tags @> ${params.add(node.tags)}::text[])`;
    case 'tag_wildcard':
      return `(EXISTS (SELECT 1 FROM unnest(tags) AS tag WHERE tag LIKE ${params.add(likePattern(node.pattern))}::text))`;
    case 'muted': {
      const muted = `(muted AND (mute_expires_at IS NULL OR mute_expires_at > ${at}))`;
      return node.value ? muted : `(NOT ${muted})`;
    }
    case 'owner':
      // IS TRUE: a resource with no inference (or no owner) at the instant is simply not that owner's, so NOT selects it.
      return `((lower(${ownerAt(node.slot, 'owner_handle', params, at)}) = lower(${params.add(node.handle)}::text)) IS TRUE)`;
    case 'owner_confidence':
      if (!COMPARISONS.has(node.comparison)) throw new Error(`unknown comparison ${node.comparison}`);
      return `((${ownerAt(node.slot, 'confidence', params, at)} ${node.comparison} ${params.add(node.value)}::double precision) IS TRUE)`;
    case 'owner_status':
      return `((${ownerAt(node.slot, 'status', params, at)} = ${params.add(node.value)}::text) IS TRUE)`;
  }
}

/**
 * The two halves of "the rows valid at $at". Closed rows are written `valid_to < max` rather than `<> max`: with the
 * range on one column the planner sees that few rows closed after a recent instant (read by the closed-rows index,
 * then sorted); with `<>` it judged every closed row to qualify and walked every row the organization ever had.
 */
export function branches(at: string): [string, string] {
  return [`valid_to = ${OPEN_ENDED} AND valid_from <= ${at}`, `valid_to < ${OPEN_ENDED} AND valid_to > ${at} AND valid_from <= ${at}`];
}

/**
 * The legacy listing pages by severity then id; the security findings listing by when the evaluation last changed
 * (Datadog's detection_changed_at), ascending or descending, then id the same way (a unique tie-break).
 */
export type PageOrder =
  | { by: 'severity'; after?: { severityRank: number; findingId: string } }
  | { by: 'changed_at'; descending: boolean; after?: { changedAt: number; findingId: string } };

export interface PageQuery {
  filter: FilterNode;
  at: number;
  after?: { severityRank: number; findingId: string };
  /** Absent: the legacy order, keyed by `after`. */
  order?: PageOrder;
  limit: number;
}

/** The ORDER BY and the keyset condition past the previous page's last row, for one order. */
function ordering(order: PageOrder, p: Params): { orderBy: string; keyset: string } {
  if (order.by === 'severity') {
    const keyset = order.after
      ? ` AND (severity_rank, finding_id) > (${p.add(order.after.severityRank)}::smallint, ${p.add(order.after.findingId)}::text)`
      : '';
    return { orderBy: 'severity_rank, finding_id', keyset };
  }
  const direction = order.descending ? 'DESC' : 'ASC';
  const keyset = order.after
    ? ` AND (evaluation_changed_at, finding_id) ${order.descending ? '<' : '>'} (${p.add(order.after.changedAt)}::bigint, ${p.add(order.after.findingId)}::text)`
    : '';
  return { orderBy: `evaluation_changed_at ${direction}, finding_id ${direction}`, keyset };
}

/** A page's statement. Its instant is always its second parameter (`$2`): reading-script.ts reads it in its place. */
export function buildPageQuery(orgId: string, q: PageQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  const org = p.add(orgId);
  const at = p.add(q.at);
  const where = compileFilter(q.filter, p, at);
  const { orderBy, keyset } = ordering(q.order ?? { by: 'severity', ...(q.after ? { after: q.after } : {}) }, p);
  const limit = p.add(q.limit);
  const branch = (validity: string) =>
    `(SELECT ${COLUMNS} FROM finding_states WHERE org_id = ${org} AND ${validity} AND ${where}${keyset} ORDER BY ${orderBy} LIMIT ${limit})`;
  const [current, closed] = branches(at);
  return {
    sql: `SELECT ${COLUMNS} FROM (${branch(current)} UNION ALL ${branch(closed)}) page ORDER BY ${orderBy} LIMIT ${limit}`,
    params: p.values,
  };
}

export function buildCountQuery(orgId: string, filter: FilterNode, at: number): { sql: string; params: unknown[] } {
  const p = new Params();
  const org = p.add(orgId);
  const atP = p.add(at);
  const where = compileFilter(filter, p, atP);
  const [current, closed] = branches(atP);
  const count = (validity: string) => `(SELECT count(*) FROM finding_states WHERE org_id = ${org} AND ${validity} AND ${where})`;
  return { sql: `SELECT ${count(current)} + ${count(closed)} AS total`, params: p.values };
}

export async function queryFindingsPage(db: Queryable, orgId: string, q: PageQuery): Promise<FindingRow[]> {
  const { sql, params } = buildPageQuery(orgId, q);
  return (await db.query<FindingRow>(sql, params)).rows.map(normalizeRow);
}

export async function countFindings(db: Queryable, orgId: string, filter: FilterNode, at: number): Promise<number> {
  const { sql, params } = buildCountQuery(orgId, filter, at);
  return Number((await db.query<{ total: number | string }>(sql, params)).rows[0]!.total);
}

/** One finding's state at an instant, or undefined when it had none (or belongs to another organization). */
export async function findingAt(db: Queryable, orgId: string, findingId: string, at: number): Promise<FindingRow | undefined> {
  const row = (
    await db.query<FindingRow>(`SELECT ${COLUMNS} FROM finding_states WHERE org_id = $1 AND finding_id = $2 AND valid_from <= $3 AND valid_to > $3`, [
      orgId,
      findingId,
      at,
    ])
  ).rows[0];
  return row && normalizeRow(row);
}

export interface FindingDetail {
  finding_id: string;
  origin: 'rule' | 'imported';
  message: string | null;
  /** Datadog's own (imported findings), else the resource's configuration at the instant. */
  resource_configuration: Record<string, unknown> | null;
}

/** What a detailed finding adds: the message and the resource configuration as they stood at `at`. */
export async function findingDetails(db: Queryable, orgId: string, findingIds: string[], at: number): Promise<Map<string, FindingDetail>> {
  if (findingIds.length === 0) return new Map();
  const rows = (
    await db.query<FindingDetail>(
      `SELECT f.finding_id, f.origin, f.message, COALESCE(f.resource_configuration, v.configuration) AS resource_configuration
       FROM findings f
       LEFT JOIN resource_versions v ON v.org_id = f.org_id AND v.resource_id = f.resource_id AND v.valid_from <= $3 AND v.valid_to > $3
       WHERE f.org_id = $1 AND f.finding_id = ANY($2::text[])`,
      [orgId, findingIds, at],
    )
  ).rows;
  return new Map(rows.map((r) => [r.finding_id, r]));
}

/** When each finding's first state began (Steward first saw it), among states begun by `at`. */
export async function firstSeenAt(db: Queryable, orgId: string, findingIds: string[], at: number): Promise<Map<string, number>> {
  if (findingIds.length === 0) return new Map();
  const rows = (
    await db.query<{ finding_id: string; first: number | string }>(
      `SELECT finding_id, min(valid_from) AS first FROM finding_states
       WHERE org_id = $1 AND finding_id = ANY($2::text[]) AND valid_from <= $3 GROUP BY finding_id`,
      [orgId, findingIds, at],
    )
  ).rows;
  return new Map(rows.map((r) => [r.finding_id, Number(r.first)]));
}

export interface SummaryCounts {
  total: number;
  by_status: Record<string, number>;
  by_evaluation: Record<string, number>;
  top_teams_failing: Array<{ team: string; count: number }>;
}

/** Counts at an instant: by status, by evaluation, and the ten `team:` tags on most failing findings (each finding once per tag). */
export async function summarizeFindings(db: Queryable, orgId: string, at: number): Promise<SummaryCounts> {
  const [current, closed] = branches('$2');
  const rows = (
    await db.query<{ kind: string; value: string; n: number | string }>(
      `WITH s AS (
         SELECT status, evaluation, tags FROM finding_states WHERE org_id = $1 AND ${current}
         UNION ALL SELECT status, evaluation, tags FROM finding_states WHERE org_id = $1 AND ${closed})
       SELECT 'status' AS kind, status AS value, count(*) AS n FROM s GROUP BY status
       UNION ALL SELECT 'evaluation', evaluation, count(*) FROM s GROUP BY evaluation
       UNION ALL (SELECT 'team', substr(u.t, 6), count(*) FROM s, LATERAL (SELECT DISTINCT unnest(s.tags) AS t) u
                  WHERE s.evaluation = 'fail' AND u.t LIKE 'team:%' GROUP BY u.t ORDER BY count(*) DESC, u.t LIMIT 10)`,
      [orgId, at],
    )
  ).rows;
  return summaryOfCounts(rows)!;
}

/**
 * The summary of grouped counts (kind 'status', 'evaluation' or 'team'); a zero count is left out. Undefined when a
 * status could not be named (NULL value).
 */
export function summaryOfCounts(rows: { kind: string; value: string | null; n: number | string }[]): SummaryCounts | undefined {
  const out: SummaryCounts = { total: 0, by_status: {}, by_evaluation: { pass: 0, fail: 0 }, top_teams_failing: [] };
  for (const r of rows) {
    const n = Number(r.n);
    if (n === 0) continue;
    if (r.value === null) return undefined;
    if (r.kind === 'status') {
      out.by_status[r.value] = n;
      out.total += n;
    } else if (r.kind === 'evaluation') out.by_evaluation[r.value] = n;
    else out.top_teams_failing.push({ team: r.value, count: n });
  }
  return out;
}

export function normalizeRow(r: FindingRow): FindingRow {
  return {
    ...r,
    severity_rank: Number(r.severity_rank),
    evaluation_changed_at: Number(r.evaluation_changed_at),
    resource_discovery_date: Number(r.resource_discovery_date),
    mute_expires_at: r.mute_expires_at === null ? null : Number(r.mute_expires_at),
    valid_from: Number(r.valid_from),
  };
}

/**
 * The last instant at or before `at` when the findings of an organization changed in any way a listing can see: a
 * state opened, a state closed, or a mute expired (migration 022). Answers at `at` equal the answers at that instant.
 */
export async function lastChangeAt(db: Queryable, orgId: string, at: number): Promise<number> {
  return Number((await db.query<{ v: number | string }>(`SELECT steward_last_finding_change($1, $2) AS v`, [orgId, at])).rows[0]!.v);
}
