import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitOrganization, type OrgVotes } from '../../src/ownership/org-model-fit.js';
import { CATALOG_AGREEMENT_WORTH, namedServiceRate, withNamingRateFromCatalog } from '../../src/ownership/naming-rate-from-catalog.js';
import { learntReliability } from '../../src/ownership/vote-reliability.js';
import type { FeedbackLabel } from '../../src/ownership/calibration.js';
import { prng } from '../../bench/lib/prng.js';

const TEAMS = 12;
const SERVICES = 60;
const population = { team: TEAMS, user: 100, service: SERVICES };
const teamOfService = (s: number) => `team-${s % TEAMS}`;

/**
 * An organization's votes: each resource's team by three sources of known accuracy (so the team answers are judged by
 * their agreement), its service by its name, right `namingRate` of the time, and on `serviceTagShare` of resources by a
 * service tag (none: an organization that tags nothing).
 */
function untaggedOrganization(namingRate: number, seed: number, serviceTagShare = 0, trueServices = new Map<string, string>()): OrgVotes[] {
  const rnd = prng(seed);
  const other = (n: number, not: number) => {
    let x: number;
    do x = Math.floor(rnd() * n);
    while (x === not);
    return x;
  };
  const rows: OrgVotes[] = [];
  for (let i = 0; i < 1500; i++) {
    const service = Math.floor(rnd() * SERVICES);
    const team = service % TEAMS;
    const id = `arn:aws:s3:::bucket-${i}`;
    trueServices.set(id, `svc-${service}`);
    const teamVotes = (
      [
        ['ci_codeowners', 0.9],
        ['creator_membership', 0.7],
        ['modifier_membership', 0.6],
      ] as const
    )
      .filter(() => rnd() < 0.7)
      .map(([kind, accuracy]) => ({ kind, owner_handle: `team-${rnd() < accuracy ? team : other(TEAMS, team)}` }));
    rows.push({ resource_id: id, owner_type: 'team', votes: teamVotes });
    const named = rnd() < namingRate ? service : other(SERVICES, service);
    const serviceVotes: OrgVotes['votes'] = [{ kind: 'naming', owner_handle: `svc-${named}` }];
    // A service tag, right 0.95 of the time, where the organization tags.
    if (rnd() < serviceTagShare) serviceVotes.push({ kind: 'owner_tag', owner_handle: `svc-${rnd() < 0.95 ? service : other(SERVICES, service)}` });
    rows.push({ resource_id: id, owner_type: 'service', votes: serviceVotes });
  }
  return rows;
}

const catalog = new Map(Array.from({ length: SERVICES }, (_, s) => [`svc-${s}`, teamOfService(s)]));

test("where a service's name is its only evidence, the catalog's agreement with the team answers gives its rate", () => {
  for (const [rate, seed] of [
    [0.95, 1],
    [0.8, 2],
    [0.6, 3],
  ] as const) {
    const votes = untaggedOrganization(rate, seed);
    const withCatalog = learntReliability(fitOrganization(votes, [], population, { serviceTeams: catalog }).learnt, 'service', 'naming')!;
    assert.ok(Math.abs(withCatalog - rate) < 0.06, `naming right ${rate} of the time, learnt ${withCatalog.toFixed(3)}`);
    // One source agrees with nothing: without the catalog it stays at its prior, whatever the rate.
    const alone = learntReliability(fitOrganization(votes, [], population).learnt, 'service', 'naming')!;
    assert.ok(Math.abs(alone - 0.3) < 0.01, `without the catalog ${alone.toFixed(3)}`);
  }
});

test('the named services estimate counts only names the catalog knows, on resources with a team answer, and leaves stale entries out', () => {
  const teamAnswers = new Map([
    ['a', { handle: 'team-1', posterior: 0.8 }],
    ['b', { handle: 'team-2', posterior: 0.5 }],
    ['d', { handle: 'team-1', posterior: 0.9 }],
    ['e', { handle: 'team-2', posterior: 0.9 }],
  ]);
  const serviceVotes: OrgVotes[] = [
    { resource_id: 'a', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'SVC-1' }] },
    // svc-2's entry agrees with one of its two resources' team answers: kept.
    { resource_id: 'b', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'svc-2' }] },
    { resource_id: 'd', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'svc-2' }] },
    // svc-3's entry names a team no team answer of its resources gives: stale, left out.
    { resource_id: 'e', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'svc-3' }] },
    // No team answer, a service the catalog does not know, a vote of another kind: none counts.
    { resource_id: 'c', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'svc-1' }] },
    { resource_id: 'a', owner_type: 'service', votes: [{ kind: 'naming', owner_handle: 'unknown' }] },
    { resource_id: 'b', owner_type: 'service', votes: [{ kind: 'owner_tag', owner_handle: 'svc-1' }] },
  ];
  const serviceTeams = new Map([
    ['svc-1', 'team-1'],
    ['svc-2', 'team-2'],
    ['svc-3', 'team-9'],
  ]);
  const estimate = namedServiceRate(serviceVotes, teamAnswers, serviceTeams)!;
  assert.ok(Math.abs(estimate.rate - 2 / 2.2) < 1e-9, `two agreements over posteriors 0.8 + 0.5 + 0.9: ${estimate.rate}`);
  assert.ok(Math.abs(estimate.worth - 2.2) < 1e-9);
  assert.equal(namedServiceRate(serviceVotes, new Map(), serviceTeams), undefined, 'no team answer: no estimate');
});

test('a stale catalog entry says nothing of how often names are right', () => {
  // Every third service's entry names the next team: counted, it would put the names' rate a third too low.
  const staleCatalog = new Map([...catalog].map(([s, t], i) => [s, i % 3 === 0 ? teamOfService(i + 1) : t]));
  for (const [rate, seed] of [
    [0.95, 5],
    [0.8, 6],
  ] as const) {
    const votes = untaggedOrganization(rate, seed);
    const learnt = learntReliability(fitOrganization(votes, [], population, { serviceTeams: staleCatalog }).learnt, 'service', 'naming')!;
    assert.ok(Math.abs(learnt - rate) < 0.06, `naming right ${rate} of the time, learnt ${learnt.toFixed(3)}`);
  }
});

test("where service tags meet names, their agreement keeps the naming rate the catalog's estimate would move", () => {
  const votes = untaggedOrganization(0.9, 4, 0.6);
  // A catalog naming the wrong team for every service: its estimate says names are never right.
  const wrongCatalog = new Map([...catalog].map(([s, t]) => [s, `${t}-elsewhere`]));
  const withWrong = learntReliability(fitOrganization(votes, [], population, { serviceTeams: wrongCatalog }).learnt, 'service', 'naming')!;
  const without = learntReliability(fitOrganization(votes, [], population).learnt, 'service', 'naming')!;
  assert.ok(Math.abs(withWrong - without) < 0.01, `agreement keeps ${without.toFixed(3)}; with a wrong catalog ${withWrong.toFixed(3)}`);
});

test('where names agree with nothing, reviews refine the rate the catalog gave them, not their prior', () => {
  const trueServices = new Map<string, string>();
  const votes = untaggedOrganization(0.97, 7, 0, trueServices);
  // A twentieth reviewed: each reviewer names the true service.
  const labels = votes
    .filter((v, i) => v.owner_type === 'service' && i % 40 === 1)
    .map((v) => {
      const named = v.votes[0]!.owner_handle;
      const truth = trueServices.get(v.resource_id)!;
      const label: FeedbackLabel =
        named === truth
          ? { action: 'confirm', owner_type: 'service', inferred_owner: named, sources: v.votes }
          : { action: 'correct', owner_type: 'service', inferred_owner: named, corrected_owner: truth, sources: v.votes };
      return { resource_id: v.resource_id, label };
    });
  assert.ok(labels.length > 50, `${labels.length} labels`);
  const labelledRate = labels.filter((l) => l.label.action === 'confirm').length / labels.length;
  const learnt = learntReliability(fitOrganization(votes, labels, population, { serviceTeams: catalog }).learnt, 'service', 'naming')!;
  // From the 0.30 prior, 75 labels alone stay about 0.03 short of the rate (0.945 here).
  assert.ok(
    Math.abs(learnt - 0.97) < 0.015,
    `naming right 0.97 of the time (${labelledRate.toFixed(3)} of the reviewed), learnt ${learnt.toFixed(3)}`,
  );
});

test("the catalog's estimate moves the naming class by what each is worth, keeping its strength and its information", () => {
  const fit = { classes: { naming: { alpha: 3, beta: 7 }, owner_tag: { alpha: 9, beta: 1 } }, information: { naming: 0.5, owner_tag: 40 } };
  const moved = withNamingRateFromCatalog(fit, { rate: 0.9, worth: 300 });
  const naming = moved.classes['naming']!;
  // 0.5 labels' worth at 0.30 against the estimate's CATALOG_AGREEMENT_WORTH at 0.90.
  const expected = (0.5 * 0.3 + CATALOG_AGREEMENT_WORTH * 0.9) / (0.5 + CATALOG_AGREEMENT_WORTH);
  assert.ok(Math.abs(naming.alpha / (naming.alpha + naming.beta) - expected) < 1e-9);
  assert.ok(Math.abs(naming.alpha + naming.beta - 10) < 1e-9);
  assert.deepEqual(moved.classes['owner_tag'], fit.classes.owner_tag);
  assert.deepEqual(moved.information, fit.information);
  // An estimate backed by less than CATALOG_AGREEMENT_WORTH is worth only what backs it.
  const thin = withNamingRateFromCatalog(fit, { rate: 0.9, worth: 0.5 }).classes['naming']!;
  assert.ok(Math.abs(thin.alpha / (thin.alpha + thin.beta) - 0.6) < 1e-9);
  assert.equal(withNamingRateFromCatalog(fit, undefined), fit);
});
