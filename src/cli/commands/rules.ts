import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { loadRulePack, type Rule, type RuleLoadError } from '../../posture/rule-pack.js';
import { builtInRuleEngine } from '../../posture/rule-pack-engine.js';
import {
  MAX_COVERAGE_GAPS_LIMIT,
  coverageBody,
  coverageFilterProblem,
  coverageGaps,
  coverageGapsBody,
  packRules,
  ruleCoverage,
  type CoverageFilter,
  type CoverageReport,
  type CoverageRule,
  type RuleCoverage,
} from '../../posture/rule-coverage.js';
import type { InventoryPosition } from '../../posture/resource-inventory.js';
import type { Db } from '../../store/db.js';
import { NotFound } from '../../errors.js';
import { CliError, failWith, requireOrg, withStore } from '../with-store.js';
import { printSummary, progressBar } from '../import-command.js';
import { reevaluateInventory } from '../../posture/reevaluate.js';
import { liveResourceCount } from '../../store/resources.js';
import { parseAt } from './resources.js';

/** Columns padded to their widest cell, the last one as is. */
export function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

function table(rules: Rule[]): string {
  const lines = columns(
    ['ID', 'SEVERITY', 'RESOURCE TYPE', 'NAME'],
    rules.map((r) => [r.id, r.severity, r.resource_type, r.name]),
  );
  return lines.join('\n') + `\n${rules.length} rule${rules.length === 1 ? '' : 's'}\n`;
}

/** What `rules list --json` prints of a rule. */
const listingFields = ({ id, name, resource_type, severity, vulnerability_type, tags }: Rule) => ({
  id,
  name,
  resource_type,
  severity,
  vulnerability_type,
  tags,
});

/** The three most frequent missing fields, with how many pairs lacked each. */
const topMissing = (c: RuleCoverage) =>
  c.missing_fields
    .slice(0, 3)
    .map((m) => `${m.field} (${m.count})`)
    .join(', ') || '-';

function coverageTable(rules: RuleCoverage[]): string {
  const lines = columns(
    ['RULE', 'RESOURCE TYPE', 'PASS', 'FAIL', 'NOT EVALUATED', 'MISSING FIELDS'],
    rules.map((r) => [r.id, r.resource_type, String(r.pass), String(r.fail), String(r.not_evaluated), topMissing(r)]),
  );
  return lines.join('\n') + '\n';
}

interface CoverageOptions {
  org: string;
  rule?: string;
  type?: string;
  at?: string;
  json?: boolean;
  resources?: boolean;
}

/** Every resource `ruleId` could not judge at one instant, page after page: one line each, or NDJSON. */
async function printNotEvaluated(db: Db, orgId: string, rules: CoverageRule[], ruleId: string, opts: CoverageOptions, snapshotTimestamp?: number) {
  let position: InventoryPosition | undefined;
  for (;;) {
    const page = await coverageGaps(db, orgId, rules, ruleId, { limit: MAX_COVERAGE_GAPS_LIMIT, snapshotTimestamp, position }).catch(
      (err: unknown) => {
        throw err instanceof NotFound ? new CliError(err.message) : err;
      },
    );
    const lines = coverageGapsBody(page).data.map((d) =>
      opts.json
        ? JSON.stringify(d)
        : `${d.id}  ${d.attributes.resource_type}  ${d.attributes.missing_fields.join(',')}  ${d.attributes.source ?? '-'}  ` +
          `since ${new Date(d.attributes.not_evaluated_since).toISOString()}`,
    );
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
    if (!page.next) {
      if (!opts.json) process.stderr.write(`${page.total} resources not evaluated by ${ruleId} at ${new Date(page.at).toISOString()}\n`);
      return;
    }
    position = page.next;
  }
}

/**
 * The coverage the filter selects. An empty answer to --rule is a typo unless the rule is known: in the pack, or named
 * by the organization's findings at the instant (a rule a later release dropped); --type may exclude a known rule.
 */
export async function coverageOfKnownRule(
  db: Db,
  orgId: string,
  rules: CoverageRule[],
  filter: CoverageFilter,
  snapshotTimestamp?: number,
): Promise<CoverageReport> {
  const report = await ruleCoverage(db, orgId, rules, { filter, snapshotTimestamp });
  const ruleId = filter.rule_id;
  if (ruleId === undefined || report.rules.length > 0) return report;
  const known =
    filter.resource_type === undefined ? report : await ruleCoverage(db, orgId, rules, { filter: { rule_id: ruleId }, snapshotTimestamp: report.at });
  if (known.rules.length > 0) return report;
  throw new CliError(`No rule ${ruleId} in the rule pack, nor in the organization's findings at ${new Date(report.at).toISOString()}`);
}

/** --dir names a folder that can be read: a mistyped one would otherwise list "0 rules". */
function readableFolder(dir: string | undefined) {
  if (dir === undefined) return;
  try {
    readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (err as Error).message;
    throw new CliError(`Invalid option --dir: cannot read the rule folder ${dir}: ${why}`);
  }
}

/** file:line, or the file alone when the error is about the whole file (line 0). */
const whereFailed = (e: RuleLoadError) => (e.line > 0 ? `${e.file}:${e.line}` : e.file);

function coverageFilter(opts: CoverageOptions): CoverageFilter {
  const filter: CoverageFilter = {};
  if (opts.rule !== undefined) filter.rule_id = opts.rule;
  if (opts.type !== undefined) filter.resource_type = opts.type;
  const problem = coverageFilterProblem(filter);
  if (problem) throw new CliError(`Invalid option ${problem.field === 'rule_id' ? '--rule' : '--type'}: ${problem.reason}`);
  return filter;
}

export function register(program: Command) {
  const rules = program.command('rules').description('The built-in rule pack');
  rules
    .command('list')
    .description('List the rules; files that fail to load are reported on stderr and the exit code is 1')
    .option('--json', 'print JSON')
    .option('--dir <path>', 'read rules from this folder instead of the built-in pack')
    .action((opts: { json?: boolean; dir?: string }) => {
      try {
        readableFolder(opts.dir);
        const pack = loadRulePack(opts.dir);
        for (const e of pack.errors) process.stderr.write(`${whereFailed(e)}: ${e.message}\n`);
        const sorted = [...pack.rules].sort((a, b) => a.resource_type.localeCompare(b.resource_type) || a.id.localeCompare(b.id));
        process.stdout.write(opts.json ? JSON.stringify(sorted.map(listingFields)) + '\n' : table(sorted));
        if (pack.errors.length > 0) process.exitCode = 1;
      } catch (err) {
        failWith(err);
      }
    });
  rules
    .command('coverage')
    .description(
      'How much of the estate each rule could judge, now (or at --at): per rule, the (resource, rule) pairs that pass, fail, ' +
        'and were not evaluated (a field that decides the rule was absent), with the fields most often missing. Counts the ' +
        "rule pack's own findings (not those imported from Datadog). With --json, the body of GET /api/v2/csm/rules/coverage.",
    )
    .requiredOption('--org <name>', 'organization name')
    .option('--rule <id>', 'only this rule')
    .option('--type <resource_type>', 'only the rules of this resource type, such as aws_s3_bucket')
    .option('--at <instant>', 'the point in time: Unix ms or ISO 8601 (2024-05-01T12:00:00Z); default now')
    .option('--resources', 'with --rule: list the resources it could not judge (id, type, missing fields, source, since when) instead')
    .option('--json', 'print JSON (with --resources, NDJSON: one item of GET /api/v2/csm/rules/coverage/{rule_id}/resources a line)')
    .action(async (opts: CoverageOptions) => {
      try {
        const filter = coverageFilter(opts);
        const snapshotTimestamp = opts.at === undefined ? undefined : parseAt(opts.at);
        const engine = builtInRuleEngine();
        if (opts.resources) {
          const ruleId = opts.rule;
          if (ruleId === undefined) throw new CliError('--resources needs --rule ID');
          await withStore(async (db) => printNotEvaluated(db, await requireOrg(db, opts.org), packRules(engine), ruleId, opts, snapshotTimestamp));
          return;
        }
        const report = await withStore(async (db) =>
          coverageOfKnownRule(db, await requireOrg(db, opts.org), packRules(engine), filter, snapshotTimestamp),
        );
        if (opts.json) {
          process.stdout.write(JSON.stringify(coverageBody(report)) + '\n');
          return;
        }
        process.stdout.write(coverageTable(report.rules));
        const sum = (key: 'pass' | 'fail' | 'not_evaluated') => report.rules.reduce((n, r) => n + r[key], 0);
        process.stderr.write(
          `${report.rules.length} rule${report.rules.length === 1 ? '' : 's'}: ${sum('pass')} pass, ${sum('fail')} fail, ` +
            `${sum('not_evaluated')} not evaluated at ${new Date(report.at).toISOString()}\n`,
        );
      } catch (err) {
        failWith(err);
      }
    });
  rules
    .command('reevaluate')
    .description(
      "Judge the current version of every resource of the organization again with this release's rule pack, writing only what changed (after an upgrade)",
    )
    .requiredOption('--org <name>', 'organization name')
    .action(async (opts: { org: string }) => {
      try {
        const pack = builtInRuleEngine();
        const summary = await withStore(async (db) => {
          const orgId = await requireOrg(db, opts.org);
          const bar = progressBar('evaluating', await liveResourceCount(db, orgId), 'resources');
          try {
            return await reevaluateInventory(db, orgId, pack, (done) => bar.update(done));
          } finally {
            bar.stop();
          }
        });
        printSummary(summary);
      } catch (err) {
        failWith(err);
      }
    });
}
