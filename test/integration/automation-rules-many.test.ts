// Many severity and due date rules of long queries: a rule write sets them all to work, a statement a rule, so that no
// statement goes past PostgreSQL's 65,535 parameters (the OR of every rule's scope did, at 128 rules of 256 ranges: the
// write answered 500, and every rule write after it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertAutomationRule } from '../../src/store/automation-rules.js';
import { newId } from '../../src/auth/key-material.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.stop());

const RULES = '/api/v2/security/findings/automation/due_date_rules';
// 256 ranges of two parameters each.
const LONG_QUERY = Array.from({ length: 256 }, () => '@detection_changed_at:[1 TO 2]').join(' ');
const dueRule = (name: string, query: string) => ({
  data: {
    type: 'due_date_rules',
    attributes: {
      name,
      enabled: true,
      rule: { finding_types: ['misconfiguration'], query },
      action: { due_from: 'first_seen', due_days_per_severity: [{ severity: 'high', due_in_days: 30 }], reason_description: 'x' },
    },
  },
});

test('a rule written beside 130 enabled rules of 256 ranges each is saved and set to work', async () => {
  const actor = { id: 'test', name: 'test' };
  const fields = {
    name: 'long',
    enabled: true,
    finding_types: ['misconfiguration'],
    query: LONG_QUERY,
    action: dueRule('x', '').data.attributes.action,
  };
  for (let i = 0; i < 130; i += 1)
    await s.server.db.transaction((tx) =>
      insertAutomationRule(tx, s.orgId, newId(), 'due_date', { ...fields, name: `long ${i}` }, actor, Date.now()),
    );
  const created = await s.api(RULES, { method: 'POST', body: JSON.stringify(dueRule('one more', '@severity:high')) });
  assert.equal(created.status, 201, await created.clone().text());
  const listed = (await (await s.api(`${RULES}?page[size]=200`)).json()) as { data: Array<{ attributes: { name: string } }> };
  assert.equal(listed.data.length, 131);
});
