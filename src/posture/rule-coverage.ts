// Rule coverage: at an instant (now, or a point in time), how much of the estate each rule of the pack could judge:
// pass, fail, and not evaluated (a field that decides the rule was absent from the resource's configuration), with the
// fields missing and the sources of the versions that lacked them, per rule and per resource type; and, for one rule,
// the resources it could not judge, paged. GET /api/v2/csm/rules/coverage[/{rule_id}/resources] and
// `steward rules coverage` read through here, on the store queries of src/store/rule-coverage.ts. No HTTP here: the
// route signs positions into cursors.
import { NotFound } from '../errors.js';
import { INPUT_LIMITS, textFieldReason } from '../input-limits.js';
import type { Db } from '../store/db.js';
import {
  countCoverageGaps,
  queryCoverageGaps,
  queryRuleCoverage,
  type CoverageCounts,
  type CoverageFilter,
  type CoverageGapRow,
} from '../store/rule-coverage.js';
import type { InventoryPosition } from './resource-inventory.js';
import { listingInstant } from '../store/snapshot-clock.js';
import { pinnedSnapshot, pinOf } from '../pinned-snapshot.js';
import type { RuleEngine } from './rule-engine.js';
import type { LoadedRuleEngine } from './rule-pack-engine.js';

export type { CoverageFilter, CoverageGapRow };

export const DEFAULT_COVERAGE_GAPS_LIMIT = 100;
export const MAX_COVERAGE_GAPS_LIMIT = 1000;

export type CoverageFilterField = keyof CoverageFilter;

/** What each filter's values look like: the route's schema and the command line check the same patterns and limits. */
export const COVERAGE_FILTER_FORMATS: Record<CoverageFilterField, { pattern: RegExp; maxBytes: number; description: string }> = {
  rule_id: { pattern: /^[a-z0-9-]+$/, maxBytes: INPUT_LIMITS.typeBytes, description: 'A rule id, exactly (such as abc-d3f-gh1)' },
  resource_type: {
    pattern: /^[a-z][a-z0-9_]*$/,
    maxBytes: INPUT_LIMITS.typeBytes,
    description: 'Resource type, exactly (snake_case, such as aws_s3_bucket)',
  },
};

/** The first unfit filter value: its field and why; undefined when every value is fit. */
export function coverageFilterProblem(filter: CoverageFilter): { field: CoverageFilterField; reason: string } | undefined {
  for (const field of ['rule_id', 'resource_type'] as const) {
    const value = filter[field];
    if (value === undefined) continue;
    const format = COVERAGE_FILTER_FORMATS[field];
    const reason =
      textFieldReason(value, format.maxBytes) ??
      (format.pattern.test(value) ? undefined : `${JSON.stringify(value)} is not of the form ${format.pattern.source}`);
    if (reason) return { field, reason };
  }
  return undefined;
}

/** What coverage shows of a rule. */
export interface CoverageRule {
  id: string;
  name: string;
  resource_type: string;
  severity: string;
}

/** The rules of the pack the engine was loaded from (an engine that lists none: the rules the data names). */
export function packRules(engine: RuleEngine | undefined): CoverageRule[] {
  const listed = (engine as Partial<Pick<LoadedRuleEngine, 'rules'>> | undefined)?.rules ?? [];
  return listed.map(({ id, name, resource_type, severity }) => ({ id, name, resource_type, severity }));
}

interface Counted {
  pass: number;
  fail: number;
  not_evaluated: number;
  missing_fields: Array<{ field: string; count: number }>;
  sources: Array<{ source: string | null; count: number }>;
}

export interface RuleCoverage extends CoverageRule, Counted {
  /** False for a rule the data names but the loaded pack no longer has. */
  in_rule_pack: boolean;
}

export interface ResourceTypeCoverage extends Counted {
  resource_type: string;
  rules: number;
}

export interface CoverageReport {
  rules: RuleCoverage[];
  resource_types: ResourceTypeCoverage[];
  /** The instant read. */
  at: number;
}

const noCounts = (): Counted => ({ pass: 0, fail: 0, not_evaluated: 0, missing_fields: [], sources: [] });

/** Adds `b`'s counts into `a` (lists merged by key, most frequent first). */
function addCounts(a: Counted, b: Counted): void {
  a.pass += b.pass;
  a.fail += b.fail;
  a.not_evaluated += b.not_evaluated;
  a.missing_fields = mergeCounts(a.missing_fields, b.missing_fields, (x) => x.field);
  a.sources = mergeCounts(a.sources, b.sources, (x) => x.source ?? '');
}

function mergeCounts<T extends { count: number }>(a: T[], b: T[], key: (x: T) => string): T[] {
  const merged = new Map(a.map((x) => [key(x), { ...x }]));
  for (const x of b) {
    const m = merged.get(key(x));
    if (m) m.count += x.count;
    else merged.set(key(x), { ...x });
  }
  return [...merged.values()].sort((x, y) => y.count - x.count || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

const order = (a: { resource_type: string; id?: string }, b: { resource_type: string; id?: string }) =>
  a.resource_type < b.resource_type
    ? -1
    : a.resource_type > b.resource_type
      ? 1
      : (a.id ?? '') < (b.id ?? '')
        ? -1
        : (a.id ?? '') > (b.id ?? '')
          ? 1
          : 0;

/**
 * Every rule of `rules` the filter selects (those that judged nothing with zeros), and every other rule the data names
 * at the instant, with its counts; and the same summed per resource type.
 */
export async function ruleCoverage(
  db: Db,
  orgId: string,
  rules: CoverageRule[],
  req: { filter: CoverageFilter; snapshotTimestamp?: number },
): Promise<CoverageReport> {
  const at = await listingInstant(db, orgId, req.snapshotTimestamp);
  const counted = await queryRuleCoverage(db, orgId, req.filter, at);
  const byRule = new Map<string, RuleCoverage>();
  for (const r of rules) {
    if (req.filter.rule_id !== undefined && r.id !== req.filter.rule_id) continue;
    if (req.filter.resource_type !== undefined && r.resource_type !== req.filter.resource_type) continue;
    byRule.set(r.id, { ...r, in_rule_pack: true, ...noCounts() });
  }
  for (const c of counted.sort((a, b) => order(a, b))) {
    let rule = byRule.get(c.rule_id);
    if (!rule) {
      rule = {
        id: c.rule_id,
        name: c.rule_name ?? c.rule_id,
        resource_type: c.resource_type,
        severity: c.severity ?? 'info',
        in_rule_pack: false,
        ...noCounts(),
      };
      byRule.set(c.rule_id, rule);
    }
    addCounts(rule, countsOf(c));
  }
  const byType = new Map<string, ResourceTypeCoverage>();
  for (const c of counted) {
    let t = byType.get(c.resource_type);
    if (!t) byType.set(c.resource_type, (t = { resource_type: c.resource_type, rules: 0, ...noCounts() }));
    addCounts(t, countsOf(c));
  }
  for (const r of byRule.values()) {
    let t = byType.get(r.resource_type);
    if (!t) byType.set(r.resource_type, (t = { resource_type: r.resource_type, rules: 0, ...noCounts() }));
    t.rules += 1;
  }
  return { rules: [...byRule.values()].sort(order), resource_types: [...byType.values()].sort(order), at };
}

const countsOf = (c: CoverageCounts): Counted => ({
  pass: c.pass,
  fail: c.fail,
  not_evaluated: c.not_evaluated,
  missing_fields: c.missing_fields,
  sources: c.sources,
});

export interface CoverageGapsRequest {
  limit: number;
  /** The point in time asked for (first page); later pages read at their position's instant. */
  snapshotTimestamp?: number;
  position?: InventoryPosition;
}

export interface CoverageGapsPage {
  rule: CoverageRule;
  rows: CoverageGapRow[];
  total: number;
  /** The instant every page of this listing reads. */
  at: number;
  next?: InventoryPosition;
}

/** One page of the resources `ruleId` could not judge at the instant; 404 for a rule the pack does not have. */
export async function coverageGaps(
  db: Db,
  orgId: string,
  rules: CoverageRule[],
  ruleId: string,
  req: CoverageGapsRequest,
): Promise<CoverageGapsPage> {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw new NotFound(`No rule ${ruleId} in the rule pack`);
  const at = req.position?.snapshot ?? (await listingInstant(db, orgId, req.snapshotTimestamp));
  const [rows, total] = await Promise.all([
    queryCoverageGaps(db, orgId, { rule_id: ruleId, at, after: req.position?.after, limit: req.limit + 1 }),
    // The count at a fixed instant never changes: the first page counts, later pages carry it.
    req.position?.total ?? countCoverageGaps(db, orgId, ruleId, at),
  ]);
  const page: CoverageGapsPage = { rule, rows: rows.slice(0, req.limit), total, at };
  const last = page.rows[page.rows.length - 1];
  if (rows.length > req.limit && last)
    page.next = { after: last.resource_id, ...pinOf(req.position ?? pinnedSnapshot(at, req.snapshotTimestamp)), total };
  return page;
}

/** GET /api/v2/csm/rules/coverage's body (and `steward rules coverage --json`). */
export function coverageBody(report: CoverageReport) {
  return {
    data: report.rules.map(({ id, ...attributes }) => ({ type: 'rule_coverage' as const, id, attributes: { rule_id: id, ...attributes } })),
    meta: { snapshot_timestamp: report.at, resource_types: report.resource_types },
  };
}

/** GET /api/v2/csm/rules/coverage/{rule_id}/resources's body; `next` is the next page's cursor and link. */
export function coverageGapsBody(page: CoverageGapsPage, next?: { cursor: string; link: string }) {
  return {
    data: page.rows.map((r) => ({
      type: 'not_evaluated_resource' as const,
      id: r.resource_id,
      attributes: {
        rule_id: page.rule.id,
        resource_type: r.resource_type,
        name: r.name,
        missing_fields: r.missing_fields,
        source: r.source,
        not_evaluated_since: r.valid_from,
      },
    })),
    ...(next ? { links: { next: next.link } } : {}),
    meta: {
      page: { total_filtered_count: page.total, ...(next ? { cursor: next.cursor } : {}) },
      snapshot_timestamp: page.at,
    },
  };
}
