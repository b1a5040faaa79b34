import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulePack } from '../../src/posture/rule-pack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function steward(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

test('steward rules list --json prints every rule of the pack with its listing fields', () => {
  const run = steward('rules', 'list', '--json');
  assert.equal(run.status, 0, run.stderr);
  const listed = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
  const { rules } = loadRulePack();
  assert.equal(listed.length, rules.length);
  for (const item of listed) assert.deepEqual(Object.keys(item), ['id', 'name', 'resource_type', 'severity', 'vulnerability_type', 'tags']);
  const byId = new Map(listed.map((r) => [r.id, r]));
  for (const rule of rules) {
    const item = byId.get(rule.id);
    assert.ok(item, `${rule.id} not listed`);
    assert.deepEqual(item, {
      id: rule.id,
      name: rule.name,
      resource_type: rule.resource_type,
      severity: rule.severity,
      vulnerability_type: rule.vulnerability_type,
      tags: rule.tags,
    });
  }
});

test('steward rules list reports load errors on stderr as file:line: message and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-rules-cli-'));
  try {
    writeFileSync(
      join(dir, 'good.yaml'),
      'id: goo-dru-le1\nname: Good rule\nresource_type: aws_ebs_volume\nseverity: low\nvulnerability_type: misconfiguration\ntags: [framework:test]\nexpression: resource.?encrypted.orValue(false) == true\nmessage: m\n',
    );
    writeFileSync(join(dir, 'bad.yaml'), 'id: bad-rul-e01\nname: Bad rule\nresource_type: aws_ebs_volume\nseverity: urgent\n');
    const run = steward('rules', 'list', '--dir', dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`${join(dir, 'bad.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: unknown severity urgent`));
    assert.match(run.stdout, /goo-dru-le1\s+low\s+aws_ebs_volume\s+Good rule/);
    assert.match(run.stdout, /^1 rule$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('steward rules list --dir of a folder that cannot be read exits 2 saying so, and lists nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-rules-cli-'));
  try {
    const missing = join(dir, 'no-such-folder');
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    for (const [path, why] of [
      [missing, 'no such folder'],
      [file, 'not a folder'],
    ] as const) {
      const run = steward('rules', 'list', '--dir', path);
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stderr, `steward: Invalid option --dir: cannot read the rule folder ${path}: ${why}\n`);
      assert.equal(run.stdout, '');
    }
    assert.equal(existsSync(missing), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('steward rules list names a rule file it cannot read without a line number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-rules-cli-'));
  try {
    // A folder named like a rule file: listed, but not readable as a file.
    mkdirSync(join(dir, 'folder.yaml'));
    const run = steward('rules', 'list', '--dir', dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`^${join(dir, 'folder.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read: EISDIR`));
    assert.match(run.stdout, /^0 rules$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
