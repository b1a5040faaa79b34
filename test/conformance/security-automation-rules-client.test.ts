// Mute rules (security findings automation) through Datadog's official client: create, get, list (pages, order),
// update, reorder and delete deserialize into the client's models; each organization sees only its own rules; bad
// input is a 400 naming the field; an unknown rule is a 404; the rule types not served yet answer 501 with a JSON:API
// error saying so. A rule created or enabled mutes the findings it matches then (as a state written by the rule, so
// the history says which rule did it and when), and leaves findings already muted as they were; at evaluation time
// the enabled rules mute the findings an import writes, and a disabled one no longer does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { v2 } from '@datadog/datadog-api-client';
import { apiError, automationRulesApi } from './automation-rules-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeState, seedStates } from '../integration/findings-seed.js';
import { findingAt } from '../../src/store/findings-query.js';
import { bucketItem } from '../helpers/resource-items.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server?.stop());

const OPERATIONS = [
  'createSecurityFindingsAutomationMuteRule',
  'getSecurityFindingsAutomationMuteRule',
  'listSecurityFindingsAutomationMuteRules',
  'updateSecurityFindingsAutomationMuteRule',
  'deleteSecurityFindingsAutomationMuteRule',
  'reorderSecurityFindingsAutomationMuteRules',
  'createSecurityFindingsAutomationInboxRule',
  'listSecurityFindingsAutomationTicketCreationRules',
  'listSecurityFindingsAutomationDefaultInboxRules',
  'getSecurityFindingsAutomationDefaultInboxRule',
  'enableSecurityFindingsAutomationDefaultInboxRule',
  'disableSecurityFindingsAutomationDefaultInboxRule',
];

const rulesApi = (keys: { apiKey: string; appKey: string }) => automationRulesApi(server.url, keys, OPERATIONS);

function muteRule(name: string, query: string, extra: Partial<v2.MuteRuleAction> = {}): v2.MuteRuleCreateRequest {
  return {
    data: {
      type: 'mute_rules',
      attributes: {
        name,
        enabled: true,
        rule: { findingTypes: ['misconfiguration', 'identity_risk'], query },
        action: { reason: 'risk_accepted', reasonDescription: `accepted: ${name}`, ...extra },
      },
    },
  };
}

test('create, get, update and delete a mute rule', async () => {
  const api = rulesApi(server);
  const expireAt = Date.now() + 86_400_000;
  const created = await api.createSecurityFindingsAutomationMuteRule({
    body: muteRule('sandbox accounts', '@severity:low account_id:123456789012', { expireAt }),
  });
  assert.equal(created.data.type, 'mute_rules');
  assert.match(created.data.id, /^[0-9a-f-]{36}$/);
  const attrs = created.data.attributes;
  assert.equal(attrs.name, 'sandbox accounts');
  assert.equal(attrs.enabled, true);
  assert.deepEqual(attrs.rule.findingTypes, ['misconfiguration', 'identity_risk']);
  assert.equal(attrs.rule.query, '@severity:low account_id:123456789012');
  assert.equal(attrs.action.reason, 'risk_accepted');
  assert.equal(attrs.action.reasonDescription, 'accepted: sandbox accounts');
  assert.equal(attrs.action.expireAt, expireAt);
  assert.equal(attrs.createdBy.name, 'reviewer');
  assert.equal(attrs.createdBy.type, 'user');
  assert.equal(attrs.modifiedAt, attrs.createdAt);
  assert.equal(created.data._unparsed, undefined);

  const got = await api.getSecurityFindingsAutomationMuteRule({ ruleId: created.data.id });
  assert.deepEqual(got.data, created.data);

  const updated = await api.updateSecurityFindingsAutomationMuteRule({
    ruleId: created.data.id,
    body: {
      data: {
        type: 'mute_rules',
        attributes: { name: 'sandbox', enabled: false, rule: { findingTypes: ['misconfiguration'] }, action: { reason: 'no_fix' } },
      },
    },
  });
  assert.equal(updated.data.id, created.data.id);
  assert.equal(updated.data.attributes.name, 'sandbox');
  assert.equal(updated.data.attributes.enabled, false);
  assert.deepEqual(updated.data.attributes.rule.findingTypes, ['misconfiguration']);
  assert.equal(updated.data.attributes.rule.query, '');
  assert.deepEqual(
    { reason: updated.data.attributes.action.reason, description: updated.data.attributes.action.reasonDescription },
    { reason: 'no_fix', description: undefined },
  );
  assert.equal(updated.data.attributes.createdAt, attrs.createdAt);
  assert.ok(updated.data.attributes.modifiedAt >= attrs.createdAt);
  assert.deepEqual((await api.getSecurityFindingsAutomationMuteRule({ ruleId: created.data.id })).data, updated.data);

  await api.deleteSecurityFindingsAutomationMuteRule({ ruleId: created.data.id });
  const gone = await apiError(api.getSecurityFindingsAutomationMuteRule({ ruleId: created.data.id }));
  assert.equal(gone.code, 404);
  assert.equal((await apiError(api.deleteSecurityFindingsAutomationMuteRule({ ruleId: created.data.id }))).code, 404);
  assert.equal((await apiError(api.getSecurityFindingsAutomationMuteRule({ ruleId: 'not-a-rule' }))).code, 404);
});

test('rules list in their order, by pages; reorder sets the order; another organization sees none of them', async () => {
  const keys = await server.newKeys('ordering-org');
  const api = rulesApi(keys);
  const ids: string[] = [];
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    ids.push((await api.createSecurityFindingsAutomationMuteRule({ body: muteRule(name, `@rule.name:${name}`) })).data.id);
  }
  const listed = async (pageSize: number) => {
    const out: string[] = [];
    for (let pageNumber = 0; ; pageNumber++) {
      const page = await api.listSecurityFindingsAutomationMuteRules({ pageSize, pageNumber });
      assert.equal(page.meta.page.totalFilteredCount, ids.length);
      assert.ok(page.links.first.includes('page%5Bnumber%5D=0'));
      out.push(...page.data.map((r) => r.id));
      if (page.links.next === undefined) return out;
      assert.ok(pageNumber < ids.length, 'the pages end');
    }
  };
  assert.deepEqual(await listed(2), ids);
  assert.deepEqual(await listed(100), ids);

  const order = [ids[3]!, ids[0]!, ids[4]!, ids[2]!, ids[1]!];
  const reordered = await api.reorderSecurityFindingsAutomationMuteRules({ body: { data: order.map((id) => ({ id, type: 'mute_rules' })) } });
  assert.deepEqual(
    reordered.data.map((r) => r.id),
    order,
  );
  assert.deepEqual(await listed(2), order);

  // A deleted rule leaves no gap: the others keep their order.
  await api.deleteSecurityFindingsAutomationMuteRule({ ruleId: order[1]! });
  ids.splice(ids.indexOf(order[1]!), 1);
  const afterDelete = [order[0]!, order[2]!, order[3]!, order[4]!];
  assert.deepEqual(await listed(3), afterDelete);
  const added = (await api.createSecurityFindingsAutomationMuteRule({ body: muteRule('f', '') })).data.id;
  ids.push(added);
  assert.deepEqual(await listed(100), [...afterDelete, added]);

  // The order must name every rule once.
  const partial = await apiError(
    api.reorderSecurityFindingsAutomationMuteRules({ body: { data: afterDelete.map((id) => ({ id, type: 'mute_rules' })) } }),
  );
  assert.equal(partial.code, 400);
  assert.match(String(partial.body.errors[0]!.detail), new RegExp(`missing ${added}`));
  const twice = await apiError(
    api.reorderSecurityFindingsAutomationMuteRules({
      body: { data: [...afterDelete, afterDelete[0]!].map((id) => ({ id, type: 'mute_rules' })) },
    }),
  );
  assert.equal(twice.code, 400);
  assert.equal((twice.body.errors[0]!.source as { pointer?: string }).pointer, '/data/4/id');

  // The server's own organization sees none of these.
  const others = await rulesApi(server).listSecurityFindingsAutomationMuteRules({});
  assert.ok(others.data.every((r) => !ids.includes(r.id)));
  assert.equal((await apiError(rulesApi(server).getSecurityFindingsAutomationMuteRule({ ruleId: ids[0]! }))).code, 404);
  const foreign = await apiError(
    rulesApi(server).reorderSecurityFindingsAutomationMuteRules({ body: { data: [{ id: ids[0]!, type: 'mute_rules' }] } }),
  );
  assert.equal(foreign.code, 400);
});

test('a scope query that does not parse is a 400 naming the field, and nothing is written', async () => {
  const keys = await server.newKeys('bad-input-org');
  const api = rulesApi(keys);
  const bad = await apiError(api.createSecurityFindingsAutomationMuteRule({ body: muteRule('broken', '@severity:(high') }));
  assert.equal(bad.code, 400);
  assert.equal((bad.body.errors[0]!.source as { pointer?: string }).pointer, '/data/attributes/rule/query');
  assert.match(String(bad.body.errors[0]!.detail), /\/data\/attributes\/rule\/query/);
  assert.equal((await api.listSecurityFindingsAutomationMuteRules({})).meta.page.totalFilteredCount, 0);

  const created = await api.createSecurityFindingsAutomationMuteRule({ body: muteRule('ok', '@status:open') });
  const badUpdate = await apiError(
    api.updateSecurityFindingsAutomationMuteRule({ ruleId: created.data.id, body: muteRule('ok', 'team:payments AND (') }),
  );
  assert.equal(badUpdate.code, 400);
  assert.equal((await api.getSecurityFindingsAutomationMuteRule({ ruleId: created.data.id })).data.attributes.rule.query, '@status:open');

  const wrongReason = await server.api('/api/v2/security/findings/automation/mute_rules', {
    method: 'POST',
    keys,
    body: JSON.stringify({
      data: { type: 'mute_rules', attributes: { name: 'x', rule: { finding_types: ['misconfiguration'] }, action: { reason: 'because' } } },
    }),
  });
  assert.equal(wrongReason.status, 400);
  const noTypes = await server.api('/api/v2/security/findings/automation/mute_rules', {
    method: 'POST',
    keys,
    body: JSON.stringify({ data: { type: 'mute_rules', attributes: { name: 'x', rule: { finding_types: [] }, action: { reason: 'other' } } } }),
  });
  assert.equal(noTypes.status, 400);
  assert.equal((await api.listSecurityFindingsAutomationMuteRules({})).meta.page.totalFilteredCount, 1);
});

test('inbox, default inbox and ticket creation rules answer 501 with a JSON:API error saying they are not served yet', async () => {
  const api = rulesApi(server);
  const inbox = await apiError(
    api.createSecurityFindingsAutomationInboxRule({
      body: {
        data: {
          type: 'inbox_rules',
          attributes: { name: 'x', rule: { findingTypes: ['misconfiguration'] }, action: { reasonDescription: 'x' } as never },
        },
      } as never,
    }),
  );
  assert.equal(inbox.code, 501);
  for (const path of ['inbox_rules', 'ticket_creation_rules']) {
    const r = await server.api(`/api/v2/security/findings/automation/${path}`);
    assert.equal(r.status, 501, path);
    const body = (await r.json()) as { errors: Array<{ status: string; code: string; detail: string }> };
    assert.equal(body.errors[0]!.status, '501');
    assert.equal(body.errors[0]!.code, 'STEWARD_ERR_NOT_IMPLEMENTED');
    assert.match(body.errors[0]!.detail, /not served by this release of Steward \(mute, severity modifier and due date rules are\)/);
  }
  const ticket = await apiError(api.listSecurityFindingsAutomationTicketCreationRules({}));
  assert.equal(ticket.code, 501);
  // Datadog's default inbox rules, through the client's four operations on them.
  const defaults = await Promise.all([
    apiError(api.listSecurityFindingsAutomationDefaultInboxRules()),
    apiError(api.getSecurityFindingsAutomationDefaultInboxRule({ ruleId: 'abc' })),
    apiError(api.enableSecurityFindingsAutomationDefaultInboxRule({ ruleId: 'abc' })),
    apiError(api.disableSecurityFindingsAutomationDefaultInboxRule({ ruleId: 'abc' })),
  ]);
  assert.deepEqual(
    defaults.map((e) => e.code),
    [501, 501, 501, 501],
  );
  const defaultsBody = (await (await server.api('/api/v2/security/findings/automation/default_inbox_rules')).json()) as {
    errors: Array<{ detail: string }>;
  };
  assert.match(
    defaultsBody.errors[0]!.detail,
    /^Default inbox rules are not served by this release of Steward \(mute, severity modifier and due date rules are\)/,
  );
});

test('a mute rule mutes the findings it matches when created or enabled; the history names the rule; a mute already there stands', async () => {
  const keys = await server.newKeys('applying-org');
  const api = rulesApi(keys);
  const seededAt = Date.now() - 60_000;
  // 40 findings: misconfiguration (most) and attack_path (every 5th), env:prod (odd) and env:dev (even).
  const states = Array.from({ length: 40 }, (_, i) => makeState(i));
  await seedStates(server.server.db, keys.orgId, states, seededAt);
  const manual = states.find((s) => s.vulnerability_type === 'misconfiguration' && s.tags.includes('env:prod'))!;
  const manualMute = await server.api('/api/v2/security/findings/mute', {
    method: 'PATCH',
    keys,
    body: JSON.stringify({
      data: {
        type: 'mute',
        attributes: { mute: { is_muted: true, reason: 'FALSE_POSITIVE', description: 'by hand' } },
        relationships: { findings: { data: [{ id: manual.finding_id, type: 'findings' }] } },
      },
    }),
  });
  assert.equal(manualMute.status, 202);
  const matching = states.filter((s) => s.vulnerability_type === 'misconfiguration' && s.tags.includes('env:prod') && s !== manual);
  assert.ok(matching.length >= 10 && matching.length < states.length - 10, 'the rule matches some findings, not all');

  const mutes = async () => {
    const out = new Map<string, Record<string, unknown>>();
    for await (const f of api.listSecurityFindingsWithPagination({ pageLimit: 1000 })) {
      out.set(f.id!, f.attributes!.attributes!.workflow.mute as Record<string, unknown>);
    }
    return out;
  };
  // Created disabled: nothing changes.
  const body = muteRule('prod misconfigurations', 'env:prod', { reason: 'pending_fix', reasonDescription: 'ticket SEC-1' });
  body.data.attributes.enabled = false;
  body.data.attributes.rule.findingTypes = ['misconfiguration'];
  const rule = (await api.createSecurityFindingsAutomationMuteRule({ body })).data;
  const before = await mutes();
  assert.equal([...before.values()].filter((m) => m.is_muted === true).length, 1);

  const beforeEnabling = Date.now() - 1;
  body.data.attributes.enabled = true;
  await api.updateSecurityFindingsAutomationMuteRule({ ruleId: rule.id, body });
  const after = await mutes();
  for (const s of states) {
    const m = after.get(s.finding_id)!;
    if (matching.includes(s)) {
      assert.deepEqual(
        { ...m, muted_at: undefined },
        {
          is_muted: true,
          is_muted_by_rule: true,
          reason: 'PENDING_FIX',
          description: 'ticket SEC-1',
          muted_at: undefined,
          muted_by: { id: rule.id, name: 'prod misconfigurations' },
        },
        s.finding_id,
      );
    } else if (s === manual) {
      assert.equal(m.is_muted_by_rule, false);
      assert.equal(m.description, 'by hand');
    } else {
      assert.equal(m.is_muted, false, s.finding_id);
    }
  }

  // The history: unmuted before, muted by the rule after, written by it.
  const one = matching[0]!.finding_id;
  const then = await findingAt(server.server.db, keys.orgId, one, beforeEnabling);
  assert.equal(then!.muted, false);
  const now = await findingAt(server.server.db, keys.orgId, one, Date.now() + 1000);
  assert.equal(now!.muted, true);
  assert.equal(now!.mute!.rule_id, rule.id);
  assert.equal(now!.changed_by, `automation-rule:${rule.id}`);

  // Deleting the rule leaves the mutes it wrote.
  await api.deleteSecurityFindingsAutomationMuteRule({ ruleId: rule.id });
  assert.equal((await mutes()).get(one)!.is_muted, true);
});

test('at evaluation time, enabled mute rules mute the findings an import writes that they match; a disabled rule no longer does', async () => {
  const keys = await server.newKeys('ingest-org');
  const api = rulesApi(keys);
  const body = muteRule('prod buckets', 'env:prod', { reason: 'pending_fix' });
  body.data.attributes.rule.findingTypes = ['misconfiguration', 'identity_risk', 'attack_path', 'api_security'];
  const rule = (await api.createSecurityFindingsAutomationMuteRule({ body })).data;
  const post = async (id: string, env: string) => {
    const r = await server.api('/api/v2/csm/resources', {
      method: 'POST',
      keys,
      body: JSON.stringify({ data: [bucketItem(id, { tags: [`env:${env}`] })] }),
    });
    assert.ok(r.status < 300, await r.text());
  };
  const findingsOf = async (resourceId: string) => {
    const out: Array<Record<string, unknown>> = [];
    for await (const f of api.listSecurityFindingsWithPagination({ pageLimit: 1000 })) {
      const a = f.attributes!.attributes! as Record<string, unknown> & { resource_id?: string; workflow: { mute: Record<string, unknown> } };
      if (JSON.stringify(a).includes(resourceId)) out.push(a.workflow.mute);
    }
    return out;
  };
  await post('arn:aws:s3:::prod-bucket', 'prod');
  await post('arn:aws:s3:::dev-bucket', 'dev');
  const prod = await findingsOf('arn:aws:s3:::prod-bucket');
  const dev = await findingsOf('arn:aws:s3:::dev-bucket');
  assert.ok(prod.length > 0 && dev.length > 0, 'both buckets have findings');
  for (const m of prod)
    assert.deepEqual(
      { by: m.is_muted_by_rule, rule: (m.muted_by as { id?: string }).id, reason: m.reason },
      { by: true, rule: rule.id, reason: 'PENDING_FIX' },
    );
  for (const m of dev) assert.equal(m.is_muted, false);

  body.data.attributes.enabled = false;
  await api.updateSecurityFindingsAutomationMuteRule({ ruleId: rule.id, body });
  await post('arn:aws:s3:::later-prod-bucket', 'prod');
  const later = await findingsOf('arn:aws:s3:::later-prod-bucket');
  assert.ok(later.length > 0);
  for (const m of later) assert.equal(m.is_muted, false);
  // What the rule muted while enabled stays muted.
  for (const m of await findingsOf('arn:aws:s3:::prod-bucket')) assert.equal(m.is_muted, true);
});
