// Severity modifier and due date rules (security findings automation) through Datadog's official client: CRUD and
// reorder deserialize into the client's models (the severity action's set/shift union included); bad input is a 400
// naming the field. Their effects: the first enabled rule of each type in order decides a finding's severity (its own
// stays visible as base_severity) and its due date (days per severity from first seen); every change is a state in
// history written by the rule, so a snapshot answers what the rules had done by then; a disabled or deleted rule's
// effect is undone; at evaluation time the rules judge what an import writes, and an unchanged import writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { v2 } from '@datadog/datadog-api-client';
import { apiError, automationRulesApi } from './automation-rules-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeState, seedStates } from '../integration/findings-seed.js';
import { findingAt } from '../../src/store/findings-query.js';
import { bucketItem } from '../helpers/resource-items.js';
import type { FindingState } from '../../src/posture/finding-state.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server?.stop());

const DAY = 86_400_000;
const OPERATIONS = ['SeverityModifierRule', 'SeverityModifierRules', 'DueDateRule', 'DueDateRules'].flatMap((noun) =>
  ['create', 'get', 'list', 'update', 'delete', 'reorder'].map((verb) => `${verb}SecurityFindingsAutomation${noun}`),
);

const rulesApi = (keys: { apiKey: string; appKey: string }) => automationRulesApi(server.url, keys, OPERATIONS);

function severityRule(name: string, query: string, action: v2.SeverityModifierRuleAction, enabled = true): v2.SeverityModifierRuleCreateRequest {
  return { data: { type: 'severity_modifier_rules', attributes: { name, enabled, rule: { findingTypes: ['misconfiguration'], query }, action } } };
}

function dueDateRule(name: string, query: string, days: Array<[v2.DueDateSeverity, number]>): v2.DueDateRuleCreateRequest {
  return {
    data: {
      type: 'due_date_rules',
      attributes: {
        name,
        enabled: true,
        rule: { findingTypes: ['misconfiguration', 'identity_risk'], query },
        action: { dueFrom: 'first_seen', dueDaysPerSeverity: days.map(([severity, dueInDays]) => ({ severity, dueInDays })) },
      },
    },
  };
}

type Attributes = Record<string, unknown> & {
  severity: string;
  base_severity: string;
  resource_id: string;
  workflow: { due_date?: { due_at: number; is_overdue: boolean; rule_id: string }; automations?: { rules: Array<{ id: string; type: string }> } };
};

async function findings(api: v2.SecurityMonitoringApi, query = ''): Promise<Map<string, Attributes>> {
  const out = new Map<string, Attributes>();
  for await (const f of api.listSecurityFindingsWithPagination({ pageLimit: 1000, ...(query ? { filterQuery: query } : {}) })) {
    out.set(f.id!, f.attributes!.attributes as Attributes);
  }
  return out;
}

test('severity modifier and due date rules: create, get, list, update, reorder and delete through the client', async () => {
  const keys = await server.newKeys('crud-org');
  const api = rulesApi(keys);
  const set = await api.createSecurityFindingsAutomationSeverityModifierRule({
    body: severityRule('prod is critical', 'env:prod', { type: 'set', severity: 'critical', description: 'prod first' }),
  });
  assert.equal(set.data.type, 'severity_modifier_rules');
  const setAction = set.data.attributes.action as v2.SeverityModifierRuleSetAction;
  assert.deepEqual(
    { type: setAction.type, severity: setAction.severity, description: setAction.description },
    {
      type: 'set',
      severity: 'critical',
      description: 'prod first',
    },
  );
  assert.equal(set.data._unparsed, undefined);
  const shift = await api.createSecurityFindingsAutomationSeverityModifierRule({
    body: severityRule('dev is lower', 'env:dev', { type: 'shift', severityDelta: 'down_one' }),
  });
  assert.equal((shift.data.attributes.action as v2.SeverityModifierRuleShiftAction).severityDelta, 'down_one');
  assert.deepEqual((await api.getSecurityFindingsAutomationSeverityModifierRule({ ruleId: set.data.id })).data, set.data);
  const listed = await api.listSecurityFindingsAutomationSeverityModifierRules({});
  assert.deepEqual(
    listed.data.map((r) => r.id),
    [set.data.id, shift.data.id],
  );
  const reordered = await api.reorderSecurityFindingsAutomationSeverityModifierRules({
    body: { data: [shift.data.id, set.data.id].map((id) => ({ id, type: 'severity_modifier_rules' })) },
  });
  assert.deepEqual(
    reordered.data.map((r) => r.id),
    [shift.data.id, set.data.id],
  );
  const updated = await api.updateSecurityFindingsAutomationSeverityModifierRule({
    ruleId: set.data.id,
    body: severityRule('prod is high', 'env:prod', { type: 'set', severity: 'high' }, false),
  });
  assert.equal(updated.data.attributes.name, 'prod is high');
  assert.equal(updated.data.attributes.enabled, false);
  await api.deleteSecurityFindingsAutomationSeverityModifierRule({ ruleId: shift.data.id });
  assert.equal((await apiError(api.getSecurityFindingsAutomationSeverityModifierRule({ ruleId: shift.data.id }))).code, 404);

  const due = await api.createSecurityFindingsAutomationDueDateRule({
    body: dueDateRule('SLA', '', [
      ['critical', 7],
      ['high', 30],
    ]),
  });
  assert.equal(due.data.type, 'due_date_rules');
  assert.deepEqual(
    due.data.attributes.action.dueDaysPerSeverity.map((d) => [d.severity, d.dueInDays]),
    [
      ['critical', 7],
      ['high', 30],
    ],
  );
  assert.equal(due.data.attributes.action.dueFrom, 'first_seen');
  assert.deepEqual((await api.getSecurityFindingsAutomationDueDateRule({ ruleId: due.data.id })).data, due.data);
  assert.equal((await api.listSecurityFindingsAutomationDueDateRules({})).meta.page.totalFilteredCount, 1);
  const reorderDue = await api.reorderSecurityFindingsAutomationDueDateRules({ body: { data: [{ id: due.data.id, type: 'due_date_rules' }] } });
  assert.deepEqual(
    reorderDue.data.map((r) => r.id),
    [due.data.id],
  );
  const changed = await api.updateSecurityFindingsAutomationDueDateRule({ ruleId: due.data.id, body: dueDateRule('SLA', '', [['low', 90]]) });
  assert.equal(changed.data.attributes.action.dueDaysPerSeverity[0]!.dueInDays, 90);
  await api.deleteSecurityFindingsAutomationDueDateRule({ ruleId: due.data.id });
  assert.equal((await api.listSecurityFindingsAutomationDueDateRules({})).meta.page.totalFilteredCount, 0);

  // The other organization sees none of them.
  assert.equal((await rulesApi(server).listSecurityFindingsAutomationSeverityModifierRules({})).data.length, 0);
});

test('bad severity and due date rule bodies are 400s naming the field, and nothing is written', async () => {
  const keys = await server.newKeys('bad-rules-org');
  const api = rulesApi(keys);
  const twice = await apiError(
    api.createSecurityFindingsAutomationDueDateRule({
      body: dueDateRule('twice', '', [
        ['high', 1],
        ['high', 2],
      ]),
    }),
  );
  assert.equal(twice.code, 400);
  assert.equal((twice.body.errors[0]!.source as { pointer?: string }).pointer, '/data/attributes/action/due_days_per_severity/1/severity');
  const badQuery = await apiError(
    api.createSecurityFindingsAutomationSeverityModifierRule({ body: severityRule('x', '@severity:(high', { type: 'set', severity: 'low' }) }),
  );
  assert.equal(badQuery.code, 400);
  assert.equal((badQuery.body.errors[0]!.source as { pointer?: string }).pointer, '/data/attributes/rule/query');
  const badAction = await server.api('/api/v2/security/findings/automation/severity_modifier_rules', {
    method: 'POST',
    keys,
    body: JSON.stringify({
      data: {
        type: 'severity_modifier_rules',
        attributes: { name: 'x', rule: { finding_types: ['misconfiguration'] }, action: { type: 'shift', severity: 'low' } },
      },
    }),
  });
  assert.equal(badAction.status, 400);
  const negative = await server.api('/api/v2/security/findings/automation/due_date_rules', {
    method: 'POST',
    keys,
    body: JSON.stringify({
      data: {
        type: 'due_date_rules',
        attributes: {
          name: 'x',
          rule: { finding_types: ['misconfiguration'] },
          action: { due_from: 'first_seen', due_days_per_severity: [{ severity: 'high', due_in_days: -1 }] },
        },
      },
    }),
  });
  assert.equal(negative.status, 400);
  assert.equal((await api.listSecurityFindingsAutomationSeverityModifierRules({})).data.length, 0);
  assert.equal((await api.listSecurityFindingsAutomationDueDateRules({})).data.length, 0);
});

test('the first matching severity rule sets the severity, base_severity keeps the own; history names the rule; disabling undoes it', async () => {
  const keys = await server.newKeys('severity-org');
  const api = rulesApi(keys);
  const seededAt = Date.now() - 60_000;
  const states = Array.from({ length: 40 }, (_, i) => makeState(i));
  await seedStates(server.server.db, keys.orgId, states, seededAt);
  const misconfigured = (s: FindingState) => s.vulnerability_type === 'misconfiguration';
  const prod = states.filter((s) => misconfigured(s) && s.tags.includes('env:prod'));
  const payments = states.filter((s) => misconfigured(s) && s.tags.includes('team:payments'));
  assert.ok(prod.some((s) => payments.includes(s)) && prod.length >= 8, 'the scopes overlap and matter');

  const beforeRules = Date.now();
  const toCritical = (
    await api.createSecurityFindingsAutomationSeverityModifierRule({
      body: severityRule('prod is critical', 'env:prod', { type: 'set', severity: 'critical' }),
    })
  ).data;
  const downOne = (
    await api.createSecurityFindingsAutomationSeverityModifierRule({
      body: severityRule('payments is lower', 'team:payments', { type: 'shift', severityDelta: 'down_one' }),
    })
  ).data;
  const lower: Record<string, string> = { critical: 'high', high: 'medium', medium: 'low', low: 'info', info: 'info' };
  const expected = (order: string[]) => (s: FindingState) => {
    for (const id of order) {
      if (id === toCritical.id && prod.includes(s)) return 'critical';
      if (id === downOne.id && payments.includes(s)) return lower[s.status]!;
    }
    return s.status;
  };
  const check = async (want: (s: FindingState) => string, ruleOf: (s: FindingState) => string | undefined) => {
    const now = await findings(api);
    for (const s of states) {
      const f = now.get(s.finding_id)!;
      assert.equal(f.severity, want(s), s.finding_id);
      assert.equal(f.base_severity, s.status, s.finding_id);
      const mark = f.workflow.automations?.rules.find((r) => r.type === 'severity_modifier')?.id;
      assert.equal(mark, ruleOf(s), s.finding_id);
    }
  };
  const firstOf = (order: string[]) => (s: FindingState) =>
    order.find((id) => (id === toCritical.id && prod.includes(s)) || (id === downOne.id && payments.includes(s)));
  await check(expected([toCritical.id, downOne.id]), firstOf([toCritical.id, downOne.id]));

  // The query language reads both: @severity the modified, @base_severity the own.
  const critical = await findings(api, '@severity:critical');
  assert.deepEqual(
    [...critical.keys()].sort(),
    states
      .filter((s) => expected([toCritical.id, downOne.id])(s) === 'critical')
      .map((s) => s.finding_id)
      .sort(),
  );
  const ownCritical = await findings(api, '@base_severity:critical');
  assert.deepEqual(
    [...ownCritical.keys()].sort(),
    states
      .filter((s) => s.status === 'critical')
      .map((s) => s.finding_id)
      .sort(),
  );
  // The legacy listing's status is the same modified severity.
  const legacy = await server.api('/api/v2/posture_management/findings?filter[status]=critical&page[limit]=1000', { keys });
  const legacyIds = ((await legacy.json()) as { data: Array<{ id: string }> }).data.map((f) => f.id).sort();
  assert.deepEqual(legacyIds, [...critical.keys()].sort());

  // Reordered: the other rule comes first where both match.
  await api.reorderSecurityFindingsAutomationSeverityModifierRules({
    body: { data: [downOne.id, toCritical.id].map((id) => ({ id, type: 'severity_modifier_rules' })) },
  });
  await check(expected([downOne.id, toCritical.id]), firstOf([downOne.id, toCritical.id]));

  // History: the state before the rules was the own severity; the change was written by the rule.
  const one = prod.find((s) => !payments.includes(s) && s.status !== 'critical')!;
  assert.equal((await findingAt(server.server.db, keys.orgId, one.finding_id, beforeRules - 1))!.status, one.status);
  const afterRules = await findingAt(server.server.db, keys.orgId, one.finding_id, Date.now() + 1000);
  assert.equal(afterRules!.status, 'critical');
  assert.equal(afterRules!.changed_by, `automation-rule:${toCritical.id}`);
  const whileEnabled = Date.now();

  // Disabled: its findings go back to their own severity (or the next rule's), written by it; the past stays.
  await api.updateSecurityFindingsAutomationSeverityModifierRule({
    ruleId: toCritical.id,
    body: severityRule('prod is critical', 'env:prod', { type: 'set', severity: 'critical' }, false),
  });
  await check(expected([downOne.id]), firstOf([downOne.id]));
  const undone = await findingAt(server.server.db, keys.orgId, one.finding_id, Date.now() + 1000);
  assert.equal(undone!.status, one.status);
  assert.equal(undone!.changed_by, `automation-rule:${toCritical.id}`);
  assert.equal((await findingAt(server.server.db, keys.orgId, one.finding_id, whileEnabled))!.status, 'critical');
  const snapshot = await server.api(
    `/api/v2/posture_management/findings?snapshot_timestamp=${whileEnabled}&filter[status]=critical&page[limit]=1000`,
    {
      keys,
    },
  );
  const then = ((await snapshot.json()) as { data: Array<{ id: string }> }).data.map((f) => f.id);
  assert.ok(then.includes(one.finding_id), 'a snapshot answers what the rule had done by then');

  // Deleted: nothing of it or the other remains.
  await api.deleteSecurityFindingsAutomationSeverityModifierRule({ ruleId: downOne.id });
  await check(
    (s) => s.status,
    () => undefined,
  );
});

test('a due date rule sets the due date from first seen by severity, overdue once passed while open', async () => {
  const keys = await server.newKeys('due-org');
  const api = rulesApi(keys);
  const seededAt = Date.now() - 3 * DAY;
  const states = Array.from({ length: 30 }, (_, i) => makeState(i));
  await seedStates(server.server.db, keys.orgId, states, seededAt);
  const rule = (
    await api.createSecurityFindingsAutomationDueDateRule({
      body: dueDateRule('SLA', 'env:prod', [
        ['critical', 1],
        ['high', 30],
      ]),
    })
  ).data;
  const days: Record<string, number> = { critical: 1, high: 30 };
  const now = await findings(api);
  for (const s of states) {
    const due = now.get(s.finding_id)!.workflow.due_date;
    const inScope = s.tags.includes('env:prod') && ['misconfiguration', 'identity_risk'].includes(s.vulnerability_type);
    const applies = inScope && days[s.status] !== undefined;
    if (!applies) {
      assert.equal(due, undefined, s.finding_id);
      continue;
    }
    assert.equal(due!.due_at, seededAt + days[s.status]! * DAY, s.finding_id);
    assert.equal(due!.rule_id, rule.id);
    assert.equal(due!.is_overdue, s.status === 'critical' && s.evaluation === 'fail', s.finding_id);
  }
  // A severity rule moves the due date with the severity it sets.
  await api.createSecurityFindingsAutomationSeverityModifierRule({
    body: severityRule('prod is critical', 'env:prod', { type: 'set', severity: 'critical' }),
  });
  const moved = await findings(api);
  for (const s of states.filter((x) => x.tags.includes('env:prod') && x.vulnerability_type === 'misconfiguration')) {
    assert.equal(moved.get(s.finding_id)!.workflow.due_date!.due_at, seededAt + DAY, s.finding_id);
  }
});

test('at evaluation time the rules judge what an import writes; an unchanged import writes no state; a finding leaving the scope returns to its own', async () => {
  const keys = await server.newKeys('evaluation-org');
  const api = rulesApi(keys);
  const rule = (
    await api.createSecurityFindingsAutomationSeverityModifierRule({
      body: severityRule('prod up', 'env:prod', { type: 'shift', severityDelta: 'up_one' }),
    })
  ).data;
  const post = async (env: string) => {
    const r = await server.api('/api/v2/csm/resources', {
      method: 'POST',
      keys,
      body: JSON.stringify({ data: [bucketItem('arn:aws:s3:::eval-bucket', { tags: [`env:${env}`] })] }),
    });
    assert.ok(r.status < 300, await r.text());
  };
  await post('prod');
  const first = await findings(api);
  assert.ok(first.size > 0);
  const raised: Record<string, string> = { critical: 'critical', high: 'critical', medium: 'high', low: 'medium', info: 'low' };
  for (const f of first.values()) {
    assert.equal(f.severity, raised[f.base_severity], JSON.stringify(f));
    assert.equal(f.workflow.automations!.rules[0]!.id, rule.id);
  }
  const id = [...first.keys()][0]!;
  const historyLength = async () =>
    Number(
      (
        await server.server.db.query<{ n: string }>('SELECT count(*) AS n FROM finding_states WHERE org_id = $1 AND finding_id = $2', [
          keys.orgId,
          id,
        ])
      ).rows[0]!.n,
    );
  const states = await historyLength();
  await post('prod');
  assert.equal(await historyLength(), states, 'an unchanged import writes no state');
  await post('dev');
  for (const f of (await findings(api)).values()) {
    assert.equal(f.severity, f.base_severity);
    assert.equal(f.workflow.automations, undefined);
  }
});
