// Issue 13: how much of the real fixtures each rule of the pack can judge. Imports, each into an organization of its
// own in a fresh in-memory store, the fixtures' Terraform states (test/fixtures/terraform-state/), the AWS Config items
// (the Config rule events of test/fixtures/cloudtrail/custodian/) and Datadog's recorded findings
// (test/fixtures/datadog-recordings/), through the importers the commands use, then prints per rule pass, fail and not
// evaluated for each, as a Markdown table (the store query of GET /api/v2/csm/rules/coverage).
// Run: npx tsx bench/rule-coverage.ts [--out FILE]   (FILE gets the table too; bench/results/rule-coverage-*.md)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { ensureOrg } from '../src/store/orgs.js';
import { parseTerraformState } from '../src/ingest/terraform-state.js';
import { parseAwsConfig } from '../src/ingest/aws-config.js';
import { parseDatadogFindings, type ImportedFinding } from '../src/ingest/datadog-findings.js';
import { importDatadogFindings } from '../src/findings/import-datadog-findings.js';
import { importResourcesAtomically, fromArray } from '../src/ingest/resource-batches.js';
import { withFindingWriteLease } from '../src/store/snapshot-clock.js';
import { builtInRuleEngine } from '../src/posture/rule-pack-engine.js';
import { packRules, ruleCoverage, type RuleCoverage } from '../src/posture/rule-coverage.js';
import type { ResourceRecord } from '../src/posture/resource.js';
import { table } from './lib/stats.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const files = (dir: string, keep: (name: string) => boolean) =>
  readdirSync(join(FIXTURES, dir))
    .filter(keep)
    .sort()
    .map((f) => join(FIXTURES, dir, f));
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

interface Input {
  label: string;
  files: string[];
  load(db: Db, orgId: string, files: string[]): Promise<string>;
}

const rules = builtInRuleEngine();
/** The state file each Terraform resource came from, for the list of its fails. */
const stateOf = new Map<string, string>();

async function importResources(db: Db, orgId: string, records: ResourceRecord[], source: string): Promise<string> {
  const s = await importResourcesAtomically(db, orgId, fromArray(records), rules, { source });
  return `${records.length} resources (${s.findings_opened} findings opened)`;
}

const INPUTS: Input[] = [
  {
    label: 'Terraform states',
    files: files('terraform-state', (n) => n.endsWith('.tfstate')),
    load: (db, orgId, states) =>
      importResources(
        db,
        orgId,
        states.flatMap((f) => {
          const records = parseTerraformState(readJson(f), f, { now: Date.now() });
          for (const r of records) stateOf.set(r.resource_id, f.slice(FIXTURES.length));
          return records;
        }),
        'import:terraform-state',
      ),
  },
  {
    label: 'AWS Config items',
    files: files('cloudtrail/custodian', (n) => n.startsWith('event-config-rule-') && n.endsWith('.json')),
    load: (db, orgId, items) =>
      importResources(
        db,
        orgId,
        items.flatMap((f) => parseAwsConfig(readJson(f), f, Date.now())),
        'import:aws-config',
      ),
  },
  {
    label: 'Datadog findings',
    files: files('datadog-recordings', (n) => n.endsWith('.json')),
    async load(db, orgId, recordings) {
      const findings: ImportedFinding[] = recordings.flatMap((f) => parseDatadogFindings(readJson(f), f));
      const s = await withFindingWriteLease(db, orgId, 'org', (tx, now) => importDatadogFindings(tx, orgId, findings, now));
      return `${findings.length} findings (${s.opened} opened), their resources referenced`;
    },
  },
];

const cell = (c: RuleCoverage | undefined) => (c ? `${c.pass} / ${c.fail} / ${c.not_evaluated}` : '');
const topMissing = (all: Array<RuleCoverage | undefined>) => {
  const counts = new Map<string, number>();
  for (const c of all) for (const m of c?.missing_fields ?? []) counts.set(m.field, (counts.get(m.field) ?? 0) + m.count);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([f, n]) => `\`${f}\` (${n})`)
    .join(', ');
};

async function main() {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
  const db = await openDb({ dataDir: 'memory://', databaseUrl: undefined });
  await migrate(db);
  const perInput: Array<Map<string, RuleCoverage>> = [];
  const notes: string[] = [];
  let importedFindings = '';
  let terraformFails: Array<{ rule_id: string; rule_name: string; resource_id: string }> = [];
  try {
    for (const input of INPUTS) {
      const org = await ensureOrg(db, `coverage-${input.label.replace(/\W+/g, '-').toLowerCase()}`);
      notes.push(`- ${input.label}: ${input.files.length} files, ${await input.load(db, org.org_id, input.files)}`);
      const report = await ruleCoverage(db, org.org_id, packRules(rules), { filter: {} });
      perInput.push(new Map(report.rules.map((r) => [r.id, r])));
      if (input.label === 'Terraform states') {
        const fails = await db.query<{ rule_id: string; rule_name: string; resource_id: string }>(
          `SELECT s.rule_id, s.rule_name, s.resource_id FROM finding_states s JOIN findings f USING (org_id, finding_id)
           WHERE s.org_id = $1 AND s.valid_to = 9223372036854775807 AND f.origin = 'rule' AND s.evaluation = 'fail'
           ORDER BY s.rule_id, s.resource_id`,
          [org.org_id],
        );
        terraformFails = fails.rows;
      }
      if (input.label === 'Datadog findings') {
        const n = await db.query<{ evaluation: string; n: string }>(
          `SELECT s.evaluation, count(*) AS n FROM finding_states s JOIN findings f USING (org_id, finding_id)
           WHERE s.org_id = $1 AND s.valid_to = 9223372036854775807 AND f.origin = 'imported' GROUP BY s.evaluation ORDER BY 1`,
          [org.org_id],
        );
        importedFindings = n.rows.map((r) => `${r.n} ${r.evaluation}`).join(', ');
      }
    }
  } finally {
    await db.close();
  }
  const judged = packRules(rules).filter((r) =>
    perInput.some((m) => (m.get(r.id)?.pass ?? 0) + (m.get(r.id)?.fail ?? 0) + (m.get(r.id)?.not_evaluated ?? 0) > 0),
  );
  const rows = judged.map((r) => {
    const cells = perInput.map((m) => m.get(r.id));
    return [`\`${r.id}\``, r.name.replace(/\|/g, '\\|'), r.resource_type, ...cells.map(cell), topMissing(cells)];
  });
  const totals = perInput.map((m) => {
    const all = [...m.values()];
    return `**${all.reduce((n, c) => n + c.pass, 0)} / ${all.reduce((n, c) => n + c.fail, 0)} / ${all.reduce((n, c) => n + c.not_evaluated, 0)}**`;
  });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'rules'], { encoding: 'utf8' }).trim() !== '';
  const text = [
    `Rule coverage on the fixtures, ${new Date().toISOString().slice(0, 10)}, commit \`${commit}\`${dirty ? ' (with uncommitted changes under src/ or rules/)' : ''}:`,
    ``,
    ...notes,
    `- Datadog's own findings (origin imported, not counted below): ${importedFindings || 'none'}`,
    ``,
    `Each cell is pass / fail / not evaluated, counted on the rule pack's own findings (one per resource and rule). ` +
      `${judged.length} of ${packRules(rules).length} rules judge something on these inputs; the others have no resource of their type.`,
    ``,
    table(['rule', 'name', 'resource type', ...INPUTS.map((i) => i.label), 'most missing fields'], [...rows, ['**all**', '', '', ...totals, '']]),
    ``,
  ].join('\n');
  const failsByRule = new Map<string, string[]>();
  for (const f of terraformFails) {
    const list = failsByRule.get(`\`${f.rule_id}\` ${f.rule_name}`) ?? [];
    list.push(`\`${f.resource_id}\` (${stateOf.get(f.resource_id) ?? '?'})`);
    failsByRule.set(`\`${f.rule_id}\` ${f.rule_name}`, list);
  }
  const fails = [
    `Every fail on the Terraform states (${terraformFails.length}), by rule: resource (state file).`,
    ``,
    ...[...failsByRule].map(([rule, list]) => `- ${rule}: ${list.join(', ')}`),
    ``,
  ].join('\n');
  process.stdout.write(text + '\n' + fails);
  if (out) writeFileSync(out, text + '\n' + fails);
}

await main();
