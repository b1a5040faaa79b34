// Issue 14, items 5 and 6: a specific CODEOWNERS pattern outweighs a catch-all, co-owners tie (and say so), and an
// inference lists the evidence versions that decided it, not everything that was read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer } from '../../src/ownership/engine.js';
import { collectVotes } from '../../src/ownership/engine-candidates.js';
import { scoreCandidates } from '../../src/ownership/engine-combination.js';
import {
  DEFAULT_ENGINE_SETTINGS,
  type CodeownersPiece,
  type CodeownersRuleMatch,
  type ResourceEvidence,
  type Inference,
} from '../../src/ownership/evidence.js';
import { defaultWeights } from '../../src/ownership/calibration.js';
import { CATCH_ALL_FACTOR, isCatchAllPattern } from '../../src/ownership/signal-kinds/codeowners.js';

const AT = '2024-05-01T00:00:00Z';
const meta = (source: string, version: string | number = 1) => ({ source, version, observed_at: AT });
const UNRELATED_TEAMS = ['data', 'devex', 'identity', 'mobile', 'reliability', 'search', 'security', 'web'];

function evidence(over: Partial<ResourceEvidence> & { tags?: string[]; name?: string } = {}): ResourceEvidence {
  const { tags, name, ...rest } = over;
  return {
    resource: {
      ...meta('resource', 'r1'),
      resource_id: 'arn:aws:s3:::bucket-1',
      resource_type: 'aws_s3_bucket',
      name: name ?? 'bucket-1',
      tags: tags ?? [],
      account: '123456789012',
    },
    directory: {
      users: [
        { ...meta('directory', 4), handle: 'alice', email: 'alice@x.com', active: true, teams: ['payments'] },
        { ...meta('directory', 2), handle: 'erin', email: 'erin@x.com', active: true, teams: ['payments', 'platform'] },
      ],
      teams: ['payments', 'platform', 'ops@x.com', ...UNRELATED_TEAMS].map((handle) => ({ ...meta('directory', 3), handle })),
      population: { team: 40, user: 300, service: 150 },
    },
    ...rest,
  };
}

const run = (ev: ResourceEvidence) => infer(ev, DEFAULT_ENGINE_SETTINGS, defaultWeights());
const team = (ev: ResourceEvidence): Inference => run(ev)[0];

function rule(line: number, pattern: string, owners: string[], section?: string): CodeownersRuleMatch {
  return { line, pattern, owners, ...(section ? { section } : {}), catch_all: isCatchAllPattern(pattern) };
}

function piece(origin: 'iac' | 'ci', repository: string, path: string, rules: CodeownersRuleMatch[]): CodeownersPiece {
  return {
    ...meta('codeowners', 7),
    id: `${repository}:${origin === 'ci' ? '/' : path}`,
    origin,
    repository,
    path: origin === 'ci' ? '/' : path,
    pattern: rules.map((r) => r.pattern).join(' '),
    owners: rules.flatMap((r) => r.owners),
    rules,
  };
}

const deployedFrom = (repository: string) => ({
  ...meta('cloudtrail', 1),
  id: 'ev-1',
  action: 'create' as const,
  event_time: AT,
  principal: { kind: 'AssumedRole', name: 'GitHubActions', automation: true, repository },
});

test('catch-all patterns are those that match every path', () => {
  for (const p of ['*', '/*', '**', '/**', '/', '**/*', '*/']) assert.ok(isCatchAllPattern(p), p);
  for (const p of ['/infra/', '*.tf', 'docs/*', '/teams/payments/', 'infra/**']) assert.ok(!isCatchAllPattern(p), p);
});

test('a specific CODEOWNERS pattern outweighs a catch-all', () => {
  // GitLab sections: the folder's own section names payments, the default section's catch-all names platform.
  const sections = team(
    evidence({
      codeowners: [
        piece('iac', 'acme/infra', 'infra/payments', [
          rule(2, '*', ['@acme/platform'], 'Default'),
          rule(9, '/infra/payments/', ['@acme/payments'], 'Infra'),
        ]),
      ],
    }),
  );
  assert.equal(sections.owner_handle, 'payments');
  assert.equal(sections.co_owners, undefined, 'not a tie');
  const platform = sections.sources.find((s) => s.type === 'iac_codeowners');
  assert.equal(platform?.catch_all, false);
  assert.equal(platform?.line, 9);
  assert.match(sections.explanation, /`platform` is also named/);

  // A Terraform root only the catch-all covers counts less than another repository's pipeline owners; before the
  // catch-all weighed less, its 0.80 beat the pipeline's 0.75.
  const catchAllRoot = team(
    evidence({
      audit: [deployedFrom('acme/checkout')],
      codeowners: [
        piece('iac', 'acme/infra', 'infra/misc', [rule(1, '*', ['@acme/platform'])]),
        piece('ci', 'acme/checkout', '/', [rule(1, '*', ['@acme/payments'])]),
      ],
    }),
  );
  assert.equal(catchAllRoot.owner_handle, 'payments');
  const ranked = scoreCandidates(
    collectVotes(
      evidence({ codeowners: [piece('iac', 'acme/infra', 'infra/misc', [rule(1, '*', ['@acme/platform'])])] }),
      DEFAULT_ENGINE_SETTINGS,
      defaultWeights(),
    ).votes,
    'team',
    40,
  );
  assert.equal(ranked[0]!.votes[0]!.reliability, 0.8 * CATCH_ALL_FACTOR);
  assert.equal(ranked[0]!.votes[0]!.detail.catch_all, true);
  assert.match(
    team(evidence({ codeowners: [piece('iac', 'acme/infra', 'infra/misc', [rule(1, '*', ['@acme/platform'])])] })).explanation,
    /catch-all rule \(line 1 `\*`\)/,
  );
});

test('co-owners of one CODEOWNERS line tie: they share the confidence, the tie is marked and every co-owner is named', () => {
  // The pipeline ran from the repository that holds the Terraform root: its root rule (`*`, platform) is the same
  // file's weaker answer and does not tip the tie towards platform.
  const ev = evidence({
    audit: [deployedFrom('acme/infra')],
    codeowners: [
      piece('ci', 'acme/infra', '/', [rule(1, '*', ['@acme/platform'])]),
      piece('iac', 'acme/infra', 'infra/payments', [rule(12, '/infra/', ['@acme/payments', '@acme/platform'])]),
    ],
  });
  const out = team(ev);
  assert.equal(out.owner_handle, 'payments', 'the deterministic pick among co-owners is the first by handle');
  assert.deepEqual(out.co_owners, ['payments', 'platform']);
  assert.match(
    out.explanation,
    /^Tie: `payments` and `platform` are co-owners \(CODEOWNERS line 12 `\/infra\/ @acme\/payments @acme\/platform` of `acme\/infra`/,
  );
  assert.ok(out.sources.every((s) => JSON.stringify(s.co_owners) === JSON.stringify(['payments', 'platform'])));

  // The confidence is split: equal posteriors, each below a lone owner's.
  const ranked = scoreCandidates(collectVotes(ev, DEFAULT_ENGINE_SETTINGS, defaultWeights()).votes, 'team', 40);
  assert.equal(ranked.length, 2);
  assert.equal(ranked[0]!.posterior, ranked[1]!.posterior);
  const alone = team(evidence({ codeowners: [piece('iac', 'acme/infra', 'infra/payments', [rule(12, '/infra/', ['@acme/payments'])])] }));
  assert.ok(out.confidence < alone.confidence / 2 + 0.05 && out.confidence < 0.5, `${out.confidence} vs ${alone.confidence}`);
  assert.equal(out.confidence, Math.round(ranked[0]!.posterior * 10000) / 10000);
  assert.ok(!out.evidence_versions.some((v) => v.id === 'acme/infra:/'), 'the root rule decided nothing');

  // Three co-owners are all named.
  const three = team(evidence({ codeowners: [piece('iac', 'acme/infra', 'x', [rule(3, '/x/', ['@acme/web', '@acme/payments', '@acme/mobile'])])] }));
  assert.deepEqual(three.co_owners, ['mobile', 'payments', 'web']);
  assert.match(three.explanation, /^Tie: `mobile`, `payments` and `web` are co-owners/);
});

test('a user in two teams makes those teams co-owners; equal scores from different evidence are no tie', () => {
  const member = team(evidence({ tags: ['owner:erin@x.com'] }));
  assert.deepEqual(member.co_owners, ['payments', 'platform']);
  assert.match(member.explanation, /^Tie: `payments` and `platform` are co-owners \(`erin`, named by the tag `owner:erin@x.com`, is a member\)/);

  const conflict = team(
    evidence({
      catalog: [{ ...meta('backstage', 1), service: 'checkout', team: 'search' }],
      codeowners: [piece('iac', 'acme/infra', 'infra/payments', [rule(12, '/infra/', ['@acme/payments'])])],
    }),
  );
  assert.equal(conflict.co_owners, undefined);
  assert.equal(conflict.owner_handle, 'payments');
  assert.ok(!/^Tie/.test(conflict.explanation));
  assert.match(conflict.explanation, /`search` is also named \(catalog\)/);
});

test('evidence versions: the resource and what the counted votes stood on, never the unrelated directory', () => {
  const tagged = run(evidence({ tags: ['team:payments'] }));
  for (const i of tagged) assert.deepEqual(i.evidence_versions, [{ source: 'resource', id: 'arn:aws:s3:::bucket-1', version: 'r1' }]);

  // A user owner: their directory entry (membership, departure) decided the user and team answers.
  const alice = run(evidence({ tags: ['owner:alice@x.com'] }));
  for (const i of alice.slice(0, 2)) {
    assert.deepEqual(i.evidence_versions, [
      { source: 'directory', id: 'user:alice', version: 4 },
      { source: 'resource', id: 'arn:aws:s3:::bucket-1', version: 'r1' },
    ]);
  }

  // Rivals count (they lower the confidence); each owner type lists its own.
  const rivals = run(
    evidence({
      tags: ['team:payments', 'service:checkout'],
      catalog: [{ ...meta('backstage', 5), service: 'checkout', team: 'search' }],
    }),
  );
  assert.ok(rivals[0].evidence_versions.some((v) => v.source === 'backstage' && v.id === 'checkout'));
  assert.ok(!rivals[2].evidence_versions.some((v) => v.source === 'backstage'), 'the service answer did not use the catalog');

  // A directory team is listed where its existence decided a vote: a name the directory knows as a team.
  const named = team(evidence({ name: 'payments-ledger', naming: { teams: ['payments', 'platform', ...UNRELATED_TEAMS] } }));
  assert.deepEqual(
    named.evidence_versions.filter((v) => v.source === 'directory'),
    [{ source: 'directory', id: 'team:payments', version: 3 }],
  );
  const ops = team(evidence({ tags: ['owner:ops@x.com'] }));
  assert.equal(ops.owner_handle, 'ops@x.com');
  assert.ok(
    ops.evidence_versions.some((v) => v.id === 'team:ops@x.com'),
    'an email-like owner tag is a team because the directory says so',
  );

  // Only the exclusion that set a candidate aside is listed.
  const excluded = team(
    evidence({
      tags: ['team:payments', 'team:search'],
      exclusions: [
        { ...meta('preferences', 9), id: 'x1', handle: 'search', owner_type: 'team' },
        { ...meta('preferences', 9), id: 'x2', handle: 'nobody' },
      ],
    }),
  );
  assert.deepEqual(
    excluded.evidence_versions.filter((v) => v.source === 'preferences'),
    [{ source: 'preferences', id: 'x1', version: 9 }],
  );
  for (const i of [...tagged, ...alice, ...rivals, named, ops, excluded]) {
    assert.ok(!i.evidence_versions.some((v) => v.source === 'directory' && UNRELATED_TEAMS.some((t) => v.id === `team:${t}`)));
  }
});

test('the checksum follows the versions that decided the answer, and only them', () => {
  const base = evidence({ tags: ['owner:alice@x.com'] });
  const c0 = run(base).map((i) => i.checksum);
  const withTeams = (ev: ResourceEvidence, teams: ResourceEvidence['directory']) => ({ ...ev, directory: teams });
  // An unrelated team's new version: nothing that decided changed.
  const unrelated = withTeams(base, {
    ...base.directory,
    teams: base.directory!.teams!.map((t) => (t.handle === 'search' ? { ...t, version: 99 } : t)),
  });
  assert.deepEqual(
    run(unrelated).map((i) => i.checksum),
    c0,
  );
  // alice's entry has a new version (same content here): it decided the user and team answers.
  const aliceNewer = withTeams(base, {
    ...base.directory,
    users: base.directory!.users!.map((u) => (u.handle === 'alice' ? { ...u, version: 5 } : u)),
  });
  const c1 = run(aliceNewer).map((i) => i.checksum);
  assert.notEqual(c1[0], c0[0]);
  assert.notEqual(c1[1], c0[1]);
  assert.equal(c1[2], c0[2], 'the service answer never read alice');
});

test('ties and trimmed evidence are deterministic whatever the input order', () => {
  const a = evidence({
    tags: ['owner:erin@x.com', 'team:payments'],
    name: 'platform-logs',
    naming: { teams: ['platform', 'payments'] },
    codeowners: [piece('iac', 'acme/infra', 'infra/payments', [rule(12, '/infra/', ['@acme/payments', '@acme/platform'])])],
  });
  const b: ResourceEvidence = {
    ...a,
    resource: { ...a.resource, tags: [...a.resource.tags].reverse() },
    naming: { teams: [...a.naming!.teams!].reverse() },
    directory: { ...a.directory, teams: [...a.directory!.teams!].reverse(), users: [...a.directory!.users!].reverse() },
    codeowners: a.codeowners!.map((p) => ({
      ...p,
      owners: [...p.owners].reverse(),
      rules: p.rules!.map((r) => ({ ...r, owners: [...r.owners].reverse() })),
    })),
  };
  assert.deepEqual(run(a), run(b));
});
