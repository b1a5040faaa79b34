import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infer, formatConfidence } from '../../src/ownership/engine.js';
import { DEFAULT_ENGINE_SETTINGS, type ResourceEvidence, type Inference } from '../../src/ownership/evidence.js';
import { defaultWeights } from '../../src/ownership/calibration.js';
import { bandOf } from '../../src/ownership/confidence-bands.js';
import { mentionedHandles } from '../../src/ownership/signal-kinds/naming.js';

const AT = '2024-05-01T00:00:00Z';
const meta = (source: string, version: string | number = 1) => ({ source, version, observed_at: AT });

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
        { ...meta('directory'), handle: 'alice', email: 'alice@x.com', active: true, teams: ['payments'] },
        { ...meta('directory'), handle: 'bob', email: 'bob@x.com', active: false, teams: ['search'] },
      ],
      teams: [
        { ...meta('directory'), handle: 'payments' },
        { ...meta('directory'), handle: 'search' },
      ],
      population: { team: 40, user: 300, service: 150 },
    },
    ...rest,
  };
}

const run = (ev: ResourceEvidence) => infer(ev, DEFAULT_ENGINE_SETTINGS, defaultWeights());
const team = (ev: ResourceEvidence): Inference => run(ev)[0];

const mapping = (owner: string, confidence: 'high' | 'medium' | 'low', id = 'm1') => ({
  ...meta('preferences', 3),
  id,
  tag_key: 'cost-center',
  tag_value: 'cc-1',
  owner,
  owner_type: 'team' as const,
  confidence,
});

test('answers team, user, service in that order', () => {
  const out = run(evidence({ tags: ['team:payments'] }));
  assert.deepEqual(
    out.map((i) => i.asked_type),
    ['team', 'user', 'service'],
  );
  assert.equal(out[0].owner_handle, 'payments');
  assert.equal(out[0].status, 'suggested');
});

test('a direct owner tag beats a preference mapping that names someone else', () => {
  const out = team(evidence({ tags: ['team:payments', 'cost-center:cc-1'], mappings: [mapping('search', 'high')] }));
  assert.equal(out.owner_handle, 'payments');
  assert.ok(out.confidence > 0.85, `confidence ${out.confidence}`);
  assert.ok(!out.votes.some((v) => v.owner_handle === 'search'), 'the overridden mapping is not a candidate');
});

test('a mapping carries its stated confidence', () => {
  const high = team(evidence({ mappings: [mapping('payments', 'high')] }));
  const medium = team(evidence({ mappings: [mapping('payments', 'medium')] }));
  const low = team(evidence({ mappings: [mapping('payments', 'low')] }));
  assert.equal(bandOf(high.confidence), 'high');
  assert.equal(bandOf(medium.confidence), 'medium');
  assert.equal(bandOf(low.confidence), 'low');
  assert.match(medium.explanation, /preference `m1` \(medium confidence\)/);
});

test('an exclusion always holds, even against a direct tag', () => {
  const out = team(
    evidence({
      tags: ['team:payments'],
      exclusions: [{ ...meta('preferences', 3), id: 'x1', handle: 'PAYMENTS', owner_type: 'team' }],
    }),
  );
  assert.equal(out.owner_type, 'unknown');
  assert.equal(out.owner_handle, null);
});

test('an exclusion limited to another resource type does not apply', () => {
  const out = team(
    evidence({
      tags: ['team:payments'],
      exclusions: [{ ...meta('preferences', 3), id: 'x1', handle: 'payments', resource_type: 'aws_ec2_instance' }],
    }),
  );
  assert.equal(out.owner_handle, 'payments');
});

test('an automation creator is not an owner but leads to the CODEOWNERS team of its repository', () => {
  const out = run(
    evidence({
      audit: [
        {
          ...meta('cloudtrail', 'ev-1'),
          id: 'ev-1',
          action: 'create',
          event_time: AT,
          principal: {
            kind: 'AssumedRole',
            name: 'GitHubActions',
            role: 'gha-deploy',
            automation: true,
            automation_reason: 'github_actions',
            repository: 'acme/checkout',
          },
        },
      ],
      codeowners: [
        {
          ...meta('codeowners', 'sha1'),
          id: 'acme/checkout:CODEOWNERS',
          origin: 'ci',
          repository: 'acme/checkout',
          path: '/',
          owners: ['@acme/payments'],
        },
      ],
    }),
  );
  assert.equal(out[0].owner_handle, 'payments');
  assert.match(out[0].explanation, /acme\/checkout/);
  assert.equal(out[1].owner_type, 'unknown', 'the automation principal is never a user owner');
});

test('a user owner implies a team through membership', () => {
  const out = run(evidence({ tags: ['owner:alice@x.com'] }));
  assert.equal(out[1].owner_handle, 'alice');
  assert.equal(out[0].owner_handle, 'payments');
  assert.ok(out[0].sources.some((s) => s.type === 'owner_tag_membership'));
});

test('a service owner implies a team through the catalog', () => {
  const out = run(
    evidence({
      tags: ['service:checkout'],
      catalog: [{ ...meta('datadog_service_catalog', 3), service: 'checkout', team: 'payments', matched_tag: 'service:checkout' }],
    }),
  );
  assert.equal(out[2].owner_handle, 'checkout');
  assert.equal(out[0].owner_handle, 'payments');
  assert.match(out[0].explanation, /owns the service `checkout` \(Datadog service catalog, v3\)/);
});

test('a user who has left weakens what points to them', () => {
  const active = run(evidence({ tags: ['owner:alice@x.com'] }));
  const left = run(evidence({ tags: ['owner:bob@x.com'] }));
  assert.equal(left[1].owner_handle, 'bob');
  assert.ok(left[1].confidence < active[1].confidence);
  assert.ok(left[0].confidence < active[0].confidence);
  assert.match(left[1].explanation, /has left/);
});

test('agreeing sources raise confidence, disagreeing sources lower it', () => {
  const catalog = (t: string) => [{ ...meta('datadog_service_catalog', 3), service: 'checkout', team: t }];
  const creator = [
    {
      ...meta('cloudtrail', 'e'),
      id: 'e',
      action: 'create' as const,
      event_time: AT,
      principal: { kind: 'IAMUser', name: 'alice', automation: false },
      user: 'alice',
    },
  ];
  const alone = team(evidence({ catalog: catalog('payments') }));
  const agree = team(evidence({ catalog: catalog('payments'), audit: creator }));
  const disagree = team(evidence({ catalog: catalog('search'), audit: creator }));
  assert.equal(agree.owner_handle, 'payments');
  assert.ok(agree.confidence > alone.confidence);
  // The member's handle is quoted as every name in an explanation is, so none can write markdown into it.
  assert.match(agree.explanation, /creator `alice` is a member/);
  assert.equal(disagree.owner_handle, 'search');
  assert.ok(disagree.confidence < alone.confidence);
  assert.match(disagree.explanation, /also named/);
});

test('unknown when nothing names an owner', () => {
  const out = run(evidence());
  for (const i of out) {
    assert.equal(i.owner_type, 'unknown');
    assert.equal(i.status, 'unknown');
    assert.equal(i.owner_handle, null);
    assert.equal(i.confidence, 0);
  }
});

test('a rejected owner is excluded for this resource: the next candidate answers', () => {
  const ev = evidence({ tags: ['team:payments'], name: 'search-logs', naming: { teams: ['payments', 'search'] } });
  assert.equal(team(ev).owner_handle, 'payments');
  const after = team({ ...ev, rejected: [{ owner_type: 'team', handle: 'payments' }] });
  assert.equal(after.owner_handle, 'search');
  const none = team({
    ...ev,
    rejected: [
      { owner_type: 'team', handle: 'payments' },
      { owner_type: 'team', handle: 'search' },
    ],
  });
  assert.equal(none.owner_type, 'unknown');
});

test('the output and checksum are deterministic and independent of input order', () => {
  const a = evidence({
    tags: ['team:payments', 'service:checkout'],
    catalog: [
      { ...meta('datadog_service_catalog', 3), service: 'checkout', team: 'payments' },
      { ...meta('backstage', 7), service: 'cart', team: 'search' },
    ],
  });
  const b: ResourceEvidence = { ...a, catalog: [...a.catalog!].reverse(), resource: { ...a.resource, tags: [...a.resource.tags].reverse() } };
  assert.deepEqual(run(a), run(a));
  assert.deepEqual(
    run(a).map((i) => i.checksum),
    run(b).map((i) => i.checksum),
  );
  assert.match(run(a)[0].checksum, /^[0-9a-f]{32}$/);
});

test('the checksum changes with any evidence version and with the answer', () => {
  const base = evidence({ tags: ['team:payments'] });
  const c0 = team(base).checksum;
  const newer = team({ ...base, resource: { ...base.resource, version: 'r2' } }).checksum;
  const rejected = team({ ...base, rejected: [{ owner_type: 'team', handle: 'payments' }] }).checksum;
  assert.notEqual(c0, newer);
  assert.notEqual(c0, rejected);
  const withCatalog = team({ ...base, catalog: [{ ...meta('backstage', 1), service: 's', team: 'payments' }] });
  assert.notEqual(c0, withCatalog.checksum);
  assert.ok(withCatalog.evidence_versions.some((v) => v.source === 'backstage' && v.id === 's'));
});

test('naming patterns alone give a weak answer', () => {
  const out = team(evidence({ name: 'payments-ledger-bucket', naming: { teams: ['payments', 'pay'] } }));
  assert.equal(out.owner_handle, 'payments');
  assert.equal(bandOf(out.confidence), 'low');
});

test('a name mentions the longest known handle it contains, not also a shorter one inside it', () => {
  const services = ['checkout-api', 'checkout-api-2', 'search'];
  assert.deepEqual(mentionedHandles('checkout-api-2-logs-ab12', services), ['checkout-api-2']);
  assert.deepEqual(mentionedHandles('checkout-api-logs', services), ['checkout-api']);
  assert.deepEqual(mentionedHandles('checkout-api-to-checkout-api-2', services), ['checkout-api', 'checkout-api-2'], 'each on its own');
  const [, , service] = run(evidence({ name: 'checkout-api-2-logs-ab12', naming: { services } }));
  assert.equal(service!.owner_handle, 'checkout-api-2');
  assert.deepEqual(
    service!.votes.map((v) => v.owner_handle),
    ['checkout-api-2'],
    'no tie with the shorter name',
  );
});

test('formatConfidence shows four decimals', () => {
  assert.equal(formatConfidence(0.9), '0.9000');
  assert.equal(formatConfidence(0.123456), '0.1235');
  assert.equal(formatConfidence(1), '1.0000');
});

test('every answer lists the evidence versions it considered', () => {
  const out = team(evidence({ tags: ['team:payments'], mappings: [mapping('payments', 'low')] }));
  assert.ok(out.evidence_versions.some((v) => v.source === 'preferences' && v.id === 'm1' && v.version === 3));
  assert.ok(out.evidence_versions.some((v) => v.source === 'resource' && v.id === 'arn:aws:s3:::bucket-1'));
  assert.deepEqual(out.sources.map((s) => s.type).sort(), ['mapping_low', 'owner_tag']);
});

test('the votes resting on one person who has left count once: their tag and their creation do not corroborate each other', () => {
  const created = (name: string) => [
    {
      ...meta('cloudtrail', 'e'),
      id: 'e',
      action: 'create' as const,
      event_time: AT,
      principal: { kind: 'IAMUser', name, automation: false },
      user: name,
    },
  ];
  const tagOnly = run(evidence({ tags: ['owner:bob@x.com'] }));
  const tagAndCreation = run(evidence({ tags: ['owner:bob@x.com'], audit: created('bob') }));
  assert.equal(tagAndCreation[1].owner_handle, 'bob');
  assert.equal(tagAndCreation[1].confidence, tagOnly[1].confidence, 'user: the strongest of bob’s votes alone');
  assert.equal(tagAndCreation[0].confidence, tagOnly[0].confidence, 'team through bob: once');
  // An active person's tag and creation are independent evidence and do corroborate.
  const active = run(evidence({ tags: ['owner:alice@x.com'] }));
  const activeBoth = run(evidence({ tags: ['owner:alice@x.com'], audit: created('alice') }));
  assert.ok(activeBoth[1].confidence > active[1].confidence);
});
