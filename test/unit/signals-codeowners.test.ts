import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { CODEOWNERS_BYTES, matchingRules, ownersOf, parseCodeowners } from '../../src/ingest/codeowners.js';
import { RecordError } from '../../src/posture/resource.js';

function rulesOf(name: string) {
  return parseCodeowners(readFileSync(fixturePath('codeowners', name), 'utf8'), name);
}

const refs = (owners: { ref: string }[]) => owners.map((o) => o.ref);

test('modernisation-platform-environments: application folders and their teams', () => {
  const rules = rulesOf('mojmp-environments.CODEOWNERS');
  const apex = ownersOf(rules, 'terraform/environments/apex', { directory: true });
  assert.deepEqual(apex, [
    { kind: 'team', handle: 'laa-aws-infrastructure', org: 'ministryofjustice', ref: '@ministryofjustice/laa-aws-infrastructure' },
    { kind: 'team', handle: 'modernisation-platform', org: 'ministryofjustice', ref: '@ministryofjustice/modernisation-platform' },
  ]);
  // Path components match whole: `nomis` does not own `nomis-data-hub`, nor the other way round.
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/nomis/')), [
    '@ministryofjustice/studio-webops',
    '@ministryofjustice/syscon-devs',
    '@ministryofjustice/modernisation-platform',
  ]);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/nomis-data-hub/')), [
    '@ministryofjustice/studio-webops',
    '@ministryofjustice/modernisation-platform',
  ]);
  // A file inside the folder; then the later `**/providers.tf` rule wins for that file name.
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/apex/ec2.tf')), [
    '@ministryofjustice/laa-aws-infrastructure',
    '@ministryofjustice/modernisation-platform',
  ]);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/apex/providers.tf')), ['@ministryofjustice/modernisation-platform']);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/apex/platform_backend.tf')), ['@ministryofjustice/modernisation-platform']);
  // Repeated owners (cooker lists modernisation-platform twice) count once.
  assert.deepEqual(refs(ownersOf(rules, 'terraform/environments/cooker', { directory: true })), ['@ministryofjustice/modernisation-platform']);
  // `/terraform/modules` has no owners: the last match leaves the path unowned.
  assert.deepEqual(ownersOf(rules, 'terraform/modules/vpc/main.tf'), []);
  assert.deepEqual(refs(ownersOf(rules, 'README.md')), ['@ministryofjustice/modernisation-platform']);
  assert.equal(matchingRules(rules, 'terraform/environments/apex/')[0].line, 5);
});

test("every mojmp-environments definition names a folder with its own rule; apex's SSO group owns it", () => {
  const rules = rulesOf('mojmp-environments.CODEOWNERS');
  for (const file of readdirSync(fixturePath('mojmp-environments'))) {
    const app = file.replace(/\.json$/, '');
    const [rule] = matchingRules(rules, `terraform/environments/${app}`, { directory: true });
    assert.equal(rule.pattern, `/terraform/environments/${app}`, app);
  }
  const apex = JSON.parse(readFileSync(fixturePath('mojmp-environments', 'apex.json'), 'utf8'));
  const groups = new Set<string>(apex.environments.flatMap((e: { access: { sso_group_name?: string }[] }) => e.access.map((a) => a.sso_group_name)));
  const teams = ownersOf(rules, 'terraform/environments/apex/').map((o) => o.handle);
  assert.ok(
    teams.some((t) => groups.has(t)),
    `${teams} share a team with ${[...groups]}`,
  );
});

test('govuk-infrastructure: owner-less `*`, directory patterns, `**` in the middle', () => {
  const rules = rulesOf('alphagov-govuk-infrastructure.CODEOWNERS');
  assert.deepEqual(ownersOf(rules, 'README.md'), []);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/deployments/cluster-infrastructure/main.tf')), ['@alphagov/gov-uk-platform-engineering']);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/deployments/ga4-analytics', { directory: true })), [
    '@alphagov/gov-uk-platform-engineering',
    '@alphagov/govuk-data-engineering',
  ]);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/variables/production/gcp-gov-graph.tfvars')), [
    '@alphagov/gov-uk-platform-engineering',
    '@alphagov/govuk-data-engineering',
  ]);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/variables/gcp-gov-graph.tfvars')), [
    '@alphagov/gov-uk-platform-engineering',
    '@alphagov/govuk-data-engineering',
  ]);
  assert.deepEqual(ownersOf(rules, 'terraform/variables/production/other.tfvars'), []);
  // `/terraform/deployments/` is a directory pattern: a file named `deployments` would not match it.
  assert.deepEqual(ownersOf(rules, 'terraform/deployments'), []);
  assert.equal(ownersOf(rules, 'terraform/deployments', { directory: true }).length, 1);
});

test('analytical-platform: folders to teams', () => {
  const rules = rulesOf('ministryofjustice-analytical-platform.CODEOWNERS');
  assert.equal(rules.length, 5);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/aws/analytical-platform-data-production/cluster', { directory: true })), [
    '@ministryofjustice/data-platform-core-infra',
  ]);
  assert.deepEqual(refs(ownersOf(rules, 'scripts/simulated-data-producer/main.py')), ['@ministryofjustice/data-platform-labs']);
  assert.deepEqual(ownersOf(rules, 'scripts/other.sh'), []);
});

test('syntax: comments, escaped spaces, emails, users, char classes, shallow `dir/*`', () => {
  const rules = parseCodeowners(
    [
      '# top comment',
      '',
      '*.md   @docs-writer   # inline comment',
      'docs/My\\ Guide.md jane@example.com',
      'src/[ab]pi/ @acme/api-team',
      'logs/* @ops',
      '\\#notes @scribe',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => r.line),
    [3, 4, 5, 6, 7],
  );
  assert.deepEqual(ownersOf(rules, 'README.md'), [{ kind: 'user', handle: 'docs-writer', ref: '@docs-writer' }]);
  assert.deepEqual(ownersOf(rules, 'docs/My Guide.md'), [
    { kind: 'user', handle: 'jane@example.com', email: 'jane@example.com', ref: 'jane@example.com' },
  ]);
  assert.equal(rules[1].pattern, 'docs/My Guide.md');
  assert.deepEqual(refs(ownersOf(rules, 'src/api/handler.ts')), ['@acme/api-team']);
  assert.deepEqual(refs(ownersOf(rules, 'src/bpi/handler.ts')), ['@acme/api-team']);
  assert.deepEqual(ownersOf(rules, 'src/cpi/handler.ts'), []);
  assert.deepEqual(refs(ownersOf(rules, 'logs/today.log')), ['@ops']);
  assert.deepEqual(ownersOf(rules, 'logs/2024/today.log'), []);
  assert.deepEqual(refs(ownersOf(rules, 'x/#notes')), ['@scribe']);
});

test("GitLab sections: default owners, and each section's last match combines", () => {
  const rules = parseCodeowners(['* @everyone', '[Docs] @docs-team', '*.md', '^[Security][2] @acme/security', 'terraform/ '].join('\n'));
  assert.equal(rules[1].section, 'Docs');
  assert.deepEqual(refs(rules[1].owners), ['@docs-team']);
  assert.deepEqual(refs(ownersOf(rules, 'terraform/README.md')), ['@everyone', '@docs-team', '@acme/security']);
  assert.deepEqual(refs(ownersOf(rules, 'app.ts')), ['@everyone']);
});

test('bad lines are RecordErrors naming the line', () => {
  const expectLine = (text: string, place: string, field: string) =>
    assert.throws(
      () => parseCodeowners(text, 'CODEOWNERS'),
      (e: unknown) => e instanceof RecordError && e.place === place && e.field === field,
    );
  expectLine('* @ok\n/src/ team-without-at\n', 'CODEOWNERS line 2', 'owner');
  expectLine('\n\n/src/[abc @ok\n', 'CODEOWNERS line 3', 'pattern');
  expectLine('!/src/ @ok\n', 'CODEOWNERS line 1', 'pattern');
  expectLine('* @org/team/extra\n', 'CODEOWNERS line 1', 'owner');
  // An owner-less pattern is fine.
  assert.deepEqual(parseCodeowners('/vendor/\n')[0].owners, []);
});

// Regular expressions that backtrack took time growing with the square of these lines: about a minute for this owner
// at 200,000 characters. A test's timeout cannot stop a synchronous call, so the calls are timed against a bound a
// hundred times what linear reading needs under load.
test('lines made to backtrack are read in time linear in their length', () => {
  const started = performance.now();
  const dots = '.'.repeat(200_000);
  assert.throws(
    () => parseCodeowners(`/src/ a@${dots}@\n`, 'CODEOWNERS'),
    (e: unknown) => e instanceof RecordError && e.place === 'CODEOWNERS line 1' && e.field === 'owner',
  );
  const [section] = parseCodeowners(`[Docs]${' '.repeat(200_000)}@docs-team\n/docs/\n`);
  assert.deepEqual(refs(section!.owners), ['@docs-team']);
  assert.deepEqual(refs(ownersOf(parseCodeowners('* @ops\n'), `x${'/'.repeat(200_000)}x`)), ['@ops']);
  const ms = performance.now() - started;
  assert.ok(ms < 2_000, `took ${Math.round(ms)} ms`);
});

test('a CODEOWNERS file of 3 MB or more is refused whole, as GitHub loads none: measured in UTF-8 bytes', () => {
  const line = '/services/payments/ @acme/payments\n';
  const atLimit = line.repeat(Math.floor(CODEOWNERS_BYTES / line.length));
  assert.equal(parseCodeowners(atLimit, 'CODEOWNERS').length, Math.floor(CODEOWNERS_BYTES / line.length));
  // Two-byte characters count twice: a comment of them takes the file past the limit.
  const over = `${atLimit}# ${'é'.repeat(line.length)}\n`;
  assert.ok(Buffer.byteLength(atLimit) < CODEOWNERS_BYTES && Buffer.byteLength(over) >= CODEOWNERS_BYTES);
  assert.throws(
    () => parseCodeowners(over, 'big/CODEOWNERS', () => assert.fail('a whole file is not one record to skip')),
    (err: unknown) =>
      err instanceof RecordError &&
      err.message ===
        `big/CODEOWNERS: is ${Buffer.byteLength(over)} bytes: GitHub reads CODEOWNERS files under 3 MB (${CODEOWNERS_BYTES} bytes), and so does Steward`,
  );
});
