// `steward rules coverage` through the built binary, after importing the fixtures' Terraform states, on a data folder of
// its own (or a PostgreSQL database when DATABASE_URL is set): the counts of each rule equal a direct count of the
// store's finding states and evaluation gaps, as they stood at --at; filters, JSON and the errors of a person at a terminal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from '../helpers/processes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fixturePath } from '../helpers/fixtures.js';
import { bucketItem } from '../helpers/resource-items.js';
import { openDb } from '../../src/store/db.js';
import { builtInRuleEngine } from '../../src/posture/rule-pack-engine.js';
import { packRules } from '../../src/posture/rule-coverage.js';
import { coverageOfKnownRule } from '../../src/cli/commands/rules.js';
import { CliError } from '../../src/cli/with-store.js';

let db: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
let beforeImports: number;
let afterTerraform: number;

type Coverage = {
  data: Array<{
    id: string;
    attributes: {
      resource_type: string;
      pass: number;
      fail: number;
      not_evaluated: number;
      missing_fields: Array<{ field: string; count: number }>;
      sources: Array<{ source: string | null; count: number }>;
    };
  }>;
  meta: { snapshot_timestamp: number; resource_types: Array<{ resource_type: string }> };
};

const steward = (...args: string[]) => runBuiltCli(args, env);
async function ok(...args: string[]): Promise<string> {
  const r = await steward(...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const json = async (...args: string[]) => JSON.parse(await ok('rules', 'coverage', '--org', 'acme', '--json', ...args)) as Coverage;
const rules = builtInRuleEngine().rules;

before(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'steward-coverage-'));
  env = { DATABASE_URL: db.url ?? '', STEWARD_DATA_DIR: join(dir, 'data') };
  await ok('keys', 'create', '--org', 'acme', '--user', 'alice', '--json');
  beforeImports = Date.now() - 1;
  await ok('import', 'terraform-state', fixturePath('terraform-state'), '--org', 'acme');
  afterTerraform = Date.now();
  while (Date.now() <= afterTerraform + 1) await new Promise((r) => setTimeout(r, 1));
  // One bucket of the states changes over the API's format: enabled versioning, as an NDJSON import.
  const file = join(dir, 'bucket.ndjson');
  writeFileSync(
    file,
    JSON.stringify(
      bucketItem('arn:aws:s3:::bucket-martin-test-drift', { configuration: { name: 'bucket-martin-test-drift', versioning: { status: 'Enabled' } } }),
    ) + '\n',
  );
  await ok('import', 'resources', file, '--org', 'acme');
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

/** pass / fail / not evaluated of each rule at `at`, counted straight from the store (once no command holds it). */
async function directCounts(at: number): Promise<Map<string, [number, number, number]>> {
  const store = await openDb({ databaseUrl: db.url, dataDir: env.STEWARD_DATA_DIR! });
  try {
    const org = (await store.query<{ org_id: string }>(`SELECT org_id FROM orgs WHERE name = 'acme'`)).rows[0]!.org_id;
    const out = new Map<string, [number, number, number]>();
    const get = (id: string) => out.get(id) ?? out.set(id, [0, 0, 0]).get(id)!;
    const states = await store.query<{ rule_id: string; evaluation: string; n: string }>(
      `SELECT s.rule_id, s.evaluation, count(*) AS n FROM finding_states s JOIN findings f ON f.org_id = s.org_id AND f.finding_id = s.finding_id
       WHERE s.org_id = $1 AND f.origin = 'rule' AND s.valid_from <= $2 AND s.valid_to > $2 GROUP BY 1, 2`,
      [org, at],
    );
    for (const r of states.rows) get(r.rule_id)[r.evaluation === 'pass' ? 0 : 1] += Number(r.n);
    const gaps = await store.query<{ rule_id: string; n: string }>(
      `SELECT rule_id, count(*) AS n FROM evaluation_gaps WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2 GROUP BY 1`,
      [org, at],
    );
    for (const r of gaps.rows) get(r.rule_id)[2] += Number(r.n);
    return out;
  } finally {
    await store.close();
  }
}

function assertMatches(body: Coverage, direct: Map<string, [number, number, number]>) {
  for (const d of body.data) {
    const { pass, fail, not_evaluated } = d.attributes;
    assert.deepEqual([pass, fail, not_evaluated], direct.get(d.id) ?? [0, 0, 0], d.id);
  }
}

test('--json: every rule of the pack, its counts equal to the store, now and at --at', async () => {
  const now = await json();
  assert.deepEqual(now.data.map((d) => d.id).sort(), rules.map((r) => r.id).sort());
  assertMatches(now, await directCounts(now.meta.snapshot_timestamp));
  assert.ok(now.data.reduce((n, d) => n + d.attributes.pass + d.attributes.fail + d.attributes.not_evaluated, 0) > 100);

  const then = await json('--at', String(afterTerraform));
  assert.equal(then.meta.snapshot_timestamp, afterTerraform);
  assertMatches(then, await directCounts(afterTerraform));
  const versioning = (b: Coverage) => b.data.find((d) => d.id === 'qnq-37b-9fs')!.attributes;
  assert.notDeepEqual(
    [versioning(then).pass, versioning(then).fail, versioning(then).not_evaluated],
    [versioning(now).pass, versioning(now).fail, versioning(now).not_evaluated],
    'the bucket changed after the states were imported',
  );
  // ISO 8601 reads the same instant; before any import nothing was judged.
  assert.deepEqual(await json('--at', new Date(afterTerraform).toISOString()), then);
  const empty = await json('--at', String(beforeImports));
  assert.ok(empty.data.every((d) => d.attributes.pass + d.attributes.fail + d.attributes.not_evaluated === 0));
});

test('--rule and --type select rules; the human table has one line per rule', async () => {
  const s3 = await json('--type', 'aws_s3_bucket');
  assert.deepEqual(
    s3.data.map((d) => d.id).sort(),
    rules
      .filter((r) => r.resource_type === 'aws_s3_bucket')
      .map((r) => r.id)
      .sort(),
  );
  assert.deepEqual(
    (await json('--rule', 'jdr-07p-t39')).data.map((d) => d.id),
    ['jdr-07p-t39'],
  );

  const r = await steward('rules', 'coverage', '--org', 'acme', '--type', 'aws_s3_bucket');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.match(lines[0]!, /^RULE\s+RESOURCE TYPE\s+PASS\s+FAIL\s+NOT EVALUATED\s+MISSING FIELDS$/);
  assert.equal(lines.length, s3.data.length + 1);
  for (const d of s3.data) {
    const line = lines.find((l) => l.startsWith(`${d.id} `));
    assert.ok(line, d.id);
    const cells = line.split(/\s{2,}/);
    assert.deepEqual(cells.slice(0, 5), [
      d.id,
      'aws_s3_bucket',
      String(d.attributes.pass),
      String(d.attributes.fail),
      String(d.attributes.not_evaluated),
    ]);
    const top = d.attributes.missing_fields[0];
    assert.ok(top ? cells[5]!.startsWith(`${top.field} (${top.count})`) : cells[5] === '-', line);
  }
  assert.match(r.stderr, new RegExp(`^${s3.data.length} rules: \\d+ pass, \\d+ fail, \\d+ not evaluated at \\d{4}-`));
});

test('--resources lists, page after page at one instant, the resources a rule could not judge', async () => {
  const now = await json();
  const rule = now.data.find((d) => d.attributes.not_evaluated > 0);
  assert.ok(rule, 'the Terraform states leave some rule without a field it needs');
  const at = String(now.meta.snapshot_timestamp);
  const items = (await ok('rules', 'coverage', '--org', 'acme', '--rule', rule.id, '--resources', '--json', '--at', at))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { type: string; id: string; attributes: { rule_id: string; missing_fields: string[]; source: string | null } });
  assert.equal(items.length, rule.attributes.not_evaluated);
  assert.deepEqual(
    items.map((i) => i.id),
    [...new Set(items.map((i) => i.id))].sort(),
    'each resource once, by id',
  );
  const fields = new Map<string, number>();
  for (const i of items) {
    assert.equal(i.type, 'not_evaluated_resource');
    assert.equal(i.attributes.rule_id, rule.id);
    for (const f of i.attributes.missing_fields) fields.set(f, (fields.get(f) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(fields), Object.fromEntries(rule.attributes.missing_fields.map((m) => [m.field, m.count])));
  const human = await steward('rules', 'coverage', '--org', 'acme', '--rule', rule.id, '--resources', '--at', at);
  assert.equal(human.code, 0, human.stderr);
  assert.deepEqual(
    human.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('  ')[0]),
    items.map((i) => i.id),
  );
  assert.match(human.stderr, new RegExp(`^${items.length} resources not evaluated by ${rule.id} at `));
  const unknown = await steward('rules', 'coverage', '--org', 'acme', '--rule', 'zzz-zzz-zzz', '--resources');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No rule zzz-zzz-zzz/);
  const noRule = await steward('rules', 'coverage', '--org', 'acme', '--resources');
  assert.equal(noRule.code, 2);
  assert.match(noRule.stderr, /--resources needs --rule/);
});

test('--rule of a rule neither the pack nor the findings know exits 2 naming it; a known rule --type excludes is no error', async () => {
  const unknown = await steward('rules', 'coverage', '--org', 'acme', '--rule', 'zzz-zzz-zzz');
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /^steward: No rule zzz-zzz-zzz in the rule pack, nor in the organization's findings at \d{4}-/);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(unknown.stdout, '');
  const asJson = await steward('rules', 'coverage', '--org', 'acme', '--rule', 'zzz-zzz-zzz', '--json');
  assert.equal(asJson.code, 2);
  assert.equal(asJson.stdout, '');
  const otherType = rules.find((r) => r.resource_type !== 'aws_s3_bucket')!;
  assert.deepEqual((await json('--rule', otherType.id, '--type', 'aws_s3_bucket')).data, []);
});

test('--rule of a rule the pack no longer has, but the findings name, is counted, not refused', async () => {
  const now = await json();
  const judged = now.data.find((d) => d.attributes.pass + d.attributes.fail > 0)!;
  // As after an upgrade that dropped the rule: the pack without it, the findings still naming it.
  const olderPack = packRules(builtInRuleEngine()).filter((r) => r.id !== judged.id);
  const store = await openDb({ databaseUrl: db.url, dataDir: env.STEWARD_DATA_DIR! });
  try {
    const org = (await store.query<{ org_id: string }>(`SELECT org_id FROM orgs WHERE name = 'acme'`)).rows[0]!.org_id;
    const report = await coverageOfKnownRule(store, org, olderPack, { rule_id: judged.id });
    assert.deepEqual(
      report.rules.map((r) => [r.id, r.in_rule_pack]),
      [[judged.id, false]],
    );
    const otherType = judged.attributes.resource_type === 'aws_s3_bucket' ? 'aws_ebs_volume' : 'aws_s3_bucket';
    assert.deepEqual((await coverageOfKnownRule(store, org, olderPack, { rule_id: judged.id, resource_type: otherType })).rules, []);
    await assert.rejects(coverageOfKnownRule(store, org, olderPack, { rule_id: 'zzz-zzz-zzz', resource_type: otherType }), CliError);
  } finally {
    await store.close();
  }
});

test('mistakes exit 2 naming the option; help lists the options', async () => {
  for (const [args, message] of [
    [['--rule', 'NOT A RULE'], /Invalid option --rule/],
    [['--type', 'S3'], /Invalid option --type/],
    [['--at', 'yesterday'], /Invalid option --at/],
  ] as const) {
    const r = await steward('rules', 'coverage', '--org', 'acme', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const unknown = await steward('rules', 'coverage', '--org', 'nobody');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No organization named "nobody"/);
  const missingOrg = await steward('rules', 'coverage');
  assert.notEqual(missingOrg.code, 0);
  assert.match(missingOrg.stderr, /--org/);
  const help = await ok('rules', 'coverage', '--help');
  for (const option of ['--org', '--rule', '--type', '--at', '--resources', '--json']) assert.ok(help.includes(option), option);
});
