import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as helpers from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import * as seedHelpers from '../helpers/seed-console.js';
import { CHROMIUM, CHROMIUM_ARGS, UPDATE_SCREENSHOTS, assertAccessible, ensureConsoleBuilt, screenshotsDir } from '../helpers/e2e-browser.js';

// The review console in a real browser against a real server: every reviewer action is then checked through the API.
// The README's screenshots are rewritten only with STEWARD_UPDATE_SCREENSHOTS=1 (test/helpers/e2e-browser.ts).
const SHOTS = screenshotsDir();
const seedConsoleScenario: ((s: TestServer) => Promise<unknown>) | undefined = seedHelpers.seedConsoleScenario;
// Outside CI a missing browser or a missing seed helper skips the test with the reason; in CI it must run (and fail loudly).
const skip = process.env.CI
  ? false
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium); in CI this test runs`
    : !seedConsoleScenario && !process.env.STEWARD_E2E_URL
      ? 'test/helpers/seed-console.ts does not export seedConsoleScenario yet; in CI this test runs'
      : false;

interface Target {
  url: string;
  apiKey: string;
  appKey: string;
  stop(): Promise<void>;
}

/**
 * The server under test: STEWARD_E2E_URL with STEWARD_E2E_API_KEY/STEWARD_E2E_APP_KEY (an already seeded instance),
 * else a fresh test server seeded by the helpers' `seedConsoleScenario`.
 */
async function startTarget(): Promise<Target> {
  const env = process.env;
  if (env.STEWARD_E2E_URL) {
    assert.ok(env.STEWARD_E2E_API_KEY && env.STEWARD_E2E_APP_KEY, 'STEWARD_E2E_URL needs STEWARD_E2E_API_KEY and STEWARD_E2E_APP_KEY');
    return { url: env.STEWARD_E2E_URL.replace(/\/$/, ''), apiKey: env.STEWARD_E2E_API_KEY, appKey: env.STEWARD_E2E_APP_KEY, stop: async () => {} };
  }
  const seed = seedConsoleScenario;
  assert.ok(
    seed,
    'test/helpers/seed-console.ts must export seedConsoleScenario(server): findings with ownership, a directory (see the e2e test header)',
  );
  const server = await helpers.startTestServer();
  await seed(server);
  return server;
}

let target: Target;
let browser: Browser;
let page: Page;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(target.url + path, {
    ...init,
    headers: { 'DD-API-KEY': target.apiKey, 'DD-APPLICATION-KEY': target.appKey, 'Content-Type': 'application/json', ...init.headers },
  });
  assert.ok(res.ok, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

interface Item {
  owner_type: string;
  checksum: string;
  status: string;
  primary_contact_ref?: string;
}
const inferences = async (rid: string) =>
  (await api<{ data: { attributes: { items: Item[] } } }>(`/api/v2/csm/ownership/${encodeURIComponent(rid)}`)).data.attributes.items;

const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });

before(async () => {
  if (skip) return;
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  target = await startTarget();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await target?.stop();
  if (!UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

test('a reviewer signs in, filters, mutes, reviews ownership and changes settings', { skip }, async (t) => {
  let findingId = '';
  let resourceId = '';

  await t.test('wrong keys send the reviewer back to sign-in with a message', async () => {
    await page.goto(target.url + '/');
    await page.getByRole('heading', { name: 'Steward review console' }).waitFor();
    await shot('sign-in');
    await page.getByLabel('API key').fill('0'.repeat(32));
    await page.getByLabel('Application key').fill('0'.repeat(40));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /refused|sign in/i })
      .waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });

  await t.test('right keys open the findings explorer', async () => {
    await page.getByLabel('API key').fill(target.apiKey);
    await page.getByLabel('Application key').fill(target.appKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    await page.locator('table.findings tbody tr').first().waitFor();
  });

  await t.test('the evaluation filter shows the count and rows the API gives', async () => {
    await page.locator('#f-evaluation').selectOption('fail');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const expected = await api<{ meta: { page: { total_filtered_count: number } } }>(
      '/api/v2/posture_management/findings?filter[evaluation]=fail&page[limit]=1',
    );
    const total = expected.meta.page.total_filtered_count;
    assert.ok(total > 0, 'the seed has failing findings');
    // Anchored: the unfiltered count's text ("1234 findings match") would contain a smaller total ("234 findings match").
    await page.getByText(new RegExp(`^${total} findings match;`)).waitFor();
    const evaluations = await page.locator('table.findings tbody tr td:nth-child(2)').allTextContents();
    assert.ok(evaluations.length > 0);
    assert.deepEqual([...new Set(evaluations)], ['fail']);
    await shot('findings');
  });

  await t.test('Enter on a row opens its side panel with the heading focused', async () => {
    const row = page.locator('table.findings tbody tr').first();
    findingId = (await row.getAttribute('data-finding-id'))!;
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'panel-title');
    const detail = await api<{ data: { attributes: { resource_id?: string; rule?: { name?: string } } } }>(
      `/api/v2/posture_management/findings/${encodeURIComponent(findingId)}`,
    );
    resourceId = detail.data.attributes.resource_id ?? '';
    assert.ok(resourceId, 'finding attributes carry resource_id');
    await page.locator('#panel-title', { hasText: detail.data.attributes.rule?.name ?? '' }).waitFor();
  });

  await t.test('muting from the panel mutes the finding in the API', async () => {
    const offered = () => page.locator('#mute-reason option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    // Each direction offers its own reasons, as the server takes them.
    assert.deepEqual(await offered(), ['PENDING_FIX', 'FALSE_POSITIVE', 'OTHER', 'NO_FIX', 'DUPLICATE', 'RISK_ACCEPTED']);
    await page.locator('#mute-reason').selectOption('FALSE_POSITIVE');
    await page.locator('#mute-description').fill('Checked by the e2e test.');
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    await page.getByText('Finding muted.').waitFor();
    const after = await api<{ data: { attributes: { mute?: { muted?: boolean; reason?: string; description?: string } } } }>(
      `/api/v2/posture_management/findings/${encodeURIComponent(findingId)}`,
    );
    assert.equal(after.data.attributes.mute?.muted, true);
    assert.equal(after.data.attributes.mute?.reason, 'FALSE_POSITIVE');
    assert.equal(after.data.attributes.mute?.description, 'Checked by the e2e test.');
    // A string would also match "Not muted." (Playwright's text match ignores case); the refetched state starts "Muted".
    await page
      .getByTestId('mute-state')
      .filter({ hasText: /^Muted/ })
      .waitFor();
    assert.deepEqual(await offered(), ['NO_LONGER_ACCEPTED_RISK', 'NO_PENDING_FIX', 'HUMAN_ERROR', 'OTHER']);
    assert.equal(await page.locator('#mute-reason').inputValue(), 'NO_LONGER_ACCEPTED_RISK');
  });

  await t.test('confirming an inference changes it in the API', async () => {
    await page.locator('.owner-card').nth(1).waitFor();
    const before = await inferences(resourceId);
    const card = page.locator('.owner-card').first();
    const ownerType = (await card.getAttribute('data-owner-type'))!;
    const reason = card.getByLabel('Reason (optional)');
    await reason.fill('Checked with the team.');
    await card.getByRole('button', { name: 'Confirm' }).click();
    // The card is re-rendered from the refetched inference; its answer stays in the status line until then.
    const status = await page.getByText(/^Confirmed: \w+ → \w+/).textContent();
    // The reason went with that answer; it does not stay to go with the next one.
    assert.equal(await reason.inputValue(), '');
    const newStatus = /→ (\w+)/.exec(status ?? '')![1];
    const now = (await inferences(resourceId)).find((i) => i.owner_type === ownerType)!;
    assert.equal(now.status, newStatus);
    assert.notEqual(now.checksum, before.find((i) => i.owner_type === ownerType)!.checksum);
  });

  await t.test('correcting another inference names the picked owner in the API', async () => {
    const card = page.locator('.owner-card').nth(1);
    const ownerType = (await card.getAttribute('data-owner-type'))!;
    const current = (await inferences(resourceId)).find((i) => i.owner_type === ownerType)!;
    await card.getByRole('button', { name: 'Correct…' }).click();
    const picker = card.locator(`#correct-${ownerType}-handle`);
    await card.locator(`#correct-${ownerType}-handle option:not([value=""])`).first().waitFor({ state: 'attached' });
    const handles = await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const picked = handles.find((h) => `ref:handle/${h}` !== current.primary_contact_ref);
    assert.ok(picked, 'the directory offers another owner');
    await picker.selectOption(picked);
    await card.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText(/^Corrected: \w+ → \w+/).waitFor();
    const now = (await inferences(resourceId)).find((i) => i.owner_type === ownerType)!;
    assert.equal(now.primary_contact_ref, `ref:handle/${picked}`);
    await page.locator('.timeline li').first().waitFor();
    await shot('finding-panel');
  });

  await t.test('Escape closes the panel and focus returns to the row', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.findingId === id, findingId);
  });

  await t.test('a search query lists the rows the Security Findings API gives for it', async () => {
    // After the mute above: @status:open leaves that finding out, as the API does.
    const query = '@severity:(critical OR high) @status:open';
    await page.getByLabel('Search query').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const expected = await api<{ data: Array<{ id: string; attributes: { attributes: { severity: string } } }> }>(
      `/api/v2/security/findings?page[limit]=50&filter[query]=${encodeURIComponent(query)}`,
    );
    assert.ok(expected.data.length > 0, 'the seed has open critical or high findings');
    await page.getByText(`Page 1 shows ${expected.data.length} findings matching the query.`).waitFor();
    const ids = await page.locator('table.findings tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.findingId));
    assert.deepEqual(
      ids,
      expected.data.map((f) => f.id),
    );
    const severities = await page.locator('table.findings tbody tr td:nth-child(1)').allTextContents();
    assert.deepEqual(
      severities.map((s) => s.trim()),
      expected.data.map((f) => f.attributes.attributes.severity),
    );
    assert.equal(await page.locator('#f-evaluation').count(), 0, 'the query replaces the filters');
  });

  await t.test('a query the server refuses shows its message and marks the column it names', async () => {
    const query = '@severity:(critical OR';
    const refused = await fetch(`${target.url}/api/v2/security/findings?filter[query]=${encodeURIComponent(query)}`, {
      headers: { 'DD-API-KEY': target.apiKey, 'DD-APPLICATION-KEY': target.appKey },
    });
    assert.equal(refused.status, 400);
    const detail = ((await refused.json()) as { errors: Array<{ detail: string }> }).errors[0]!.detail;
    assert.match(detail, /at column 23:/);
    await page.getByLabel('Search query').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: detail });
    await alert.waitFor();
    assert.equal(await page.getByLabel('Search query').getAttribute('aria-invalid'), 'true');
    // Column 23 is one past the end of the 22 characters: a marked blank, the caret under it.
    const position = alert.locator('.query-position');
    assert.equal(await position.getAttribute('data-column'), '23');
    assert.equal(await position.locator('mark').textContent(), ' ');
    assert.equal(await position.textContent(), `${query} \n${' '.repeat(22)}^`);

    // Inside the query, the mark is the character the column names.
    await page.getByLabel('Search query').fill('@severity:high @nope:x');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'at column 16:' }).waitFor();
    assert.equal(await page.locator('.query-position mark').textContent(), '@');

    await page.getByRole('button', { name: 'Clear query' }).click();
    await page.locator('#f-evaluation').waitFor();
    await page.locator('table.findings tbody tr').first().waitFor();
  });

  await t.test('the overview charts the summary the API gives', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const summary = (
      await api<{ data: { attributes: { by_status: Record<string, number>; by_evaluation: Record<string, number> } } }>(
        '/api/v2/posture_management/findings/summary',
      )
    ).data.attributes;
    const severity = await page.locator('svg[data-chart="by-severity"]').getAttribute('aria-label');
    for (const sev of ['critical', 'high', 'medium', 'low', 'info']) assert.match(severity!, new RegExp(`${sev}: ${summary.by_status[sev] ?? 0}\\b`));
    const evaluation = await page.locator('svg[data-chart="by-evaluation"]').getAttribute('aria-label');
    assert.match(evaluation!, new RegExp(`fail: ${summary.by_evaluation.fail ?? 0}\\b`));
    await page.locator('svg[data-chart="untagged"]').waitFor();
    await shot('overview');
    await assertAccessible(page, 'overview');
  });

  await t.test('the overview shows per rule how much it could judge, as the API counts it, sortable, with why in a row detail', async () => {
    type Coverage = {
      data: Array<{ id: string; attributes: { pass: number; fail: number; not_evaluated: number; missing_fields: Array<{ field: string }> } }>;
    };
    // A trail whose status the sender did not give: the "trail is logging" rule cannot judge it.
    await api('/api/v2/csm/resources', {
      method: 'POST',
      body: JSON.stringify({
        data: [
          {
            type: 'cloud_resource',
            id: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/unreported',
            attributes: {
              resource_type: 'aws_cloudtrail_trail',
              cloud_provider: 'aws',
              account: '123456789012',
              region: 'us-east-1',
              configuration: {},
            },
          },
        ],
      }),
    });
    await page.reload();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const coverage = (await api<Coverage>('/api/v2/csm/rules/coverage')).data.filter(
      (d) => d.attributes.pass + d.attributes.fail + d.attributes.not_evaluated > 0,
    );
    assert.ok(coverage.length > 0, 'the seeded resources give the rules something to judge');
    await page.locator('table.coverage-table tbody tr[data-rule-id]').first().waitFor();
    assert.equal(await page.locator('table.coverage-table tbody tr[data-rule-id]').count(), coverage.length);
    for (const d of coverage) {
      const cells = await page.locator(`tr[data-rule-id="${d.id}"] td.num`).allInnerTexts();
      assert.deepEqual(cells.slice(1), [String(d.attributes.pass), String(d.attributes.fail), String(d.attributes.not_evaluated)], d.id);
      const bar = await page.locator(`tr[data-rule-id="${d.id}"] .coverage-bar`).getAttribute('aria-label');
      assert.match(bar!, new RegExp(`^${d.attributes.pass} pass, ${d.attributes.fail} fail, ${d.attributes.not_evaluated} not evaluated`));
    }
    // Sorting by a column says so to assistive technology and orders the rows.
    await page.getByRole('button', { name: /^Fail/ }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Fail' }).waitFor();
    await page.getByRole('button', { name: /^Fail/ }).click();
    await page.locator('th[aria-sort="descending"]', { hasText: 'Fail' }).waitFor();
    const fails = (await page.locator('table.coverage-table tbody tr[data-rule-id] td.num:nth-of-type(5)').allInnerTexts()).map(Number);
    assert.deepEqual(
      fails,
      [...fails].sort((a, b) => b - a),
    );
    // A rule that could not judge some resources says why, by keyboard.
    const gap = coverage.find((d) => d.attributes.not_evaluated > 0);
    assert.ok(gap, 'the trail without its status is not evaluated');
    {
      const toggle = page.locator(`tr[data-rule-id="${gap.id}"] button[aria-expanded]`);
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const detail = page.locator(`#coverage-detail-${gap.id}`);
      await detail.locator('.coverage-resources li').first().waitFor();
      const text = await detail.innerText();
      for (const m of gap.attributes.missing_fields) assert.ok(text.includes(m.field), m.field);
      await shot('overview-coverage');
    }
  });

  await t.test('settings save through the API and a bad preferences CSV lists its errors', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.locator('#auto-tag').waitFor();
    const before = (await api<{ data: { attributes: { auto_tag: boolean; version: number } } }>('/api/v2/csm/ownership/settings')).data.attributes;
    await page.locator('#auto-tag').setChecked(!before.auto_tag);
    await page.locator('#confidence-level').selectOption('medium');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved \(version/).waitFor();
    const after = (
      await api<{ data: { attributes: { auto_tag: boolean; confidence_level: string; version: number } } }>('/api/v2/csm/ownership/settings')
    ).data.attributes;
    assert.equal(after.auto_tag, !before.auto_tag);
    assert.equal(after.confidence_level, 'medium');
    assert.equal(after.version, before.version + 1);

    await page.locator('#prefs-text:not([disabled])').waitFor();
    await page
      .locator('#prefs-text')
      .fill(
        'id,preference_type,tag_key,tag_value,owner,owner_type,confidence,handle,exclusion_type,exclusion_resource_type,prompt_text,priority\n' +
          'p1,tag_mapping,service,checkout,payments,squad,high,,,,,1\n',
      );
    await page.getByRole('button', { name: 'Validate and save' }).click();
    const problems = page.getByRole('table', { name: 'Problems in the CSV' });
    await problems.waitFor();
    assert.ok((await problems.locator('tbody td.mono').allTextContents()).includes('owner_type'));
    await shot('settings');
    await assertAccessible(page, 'settings');
  });

  await t.test('signing out forgets the keys', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Steward review console' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });
});

test('the API reference at /docs renders the OpenAPI document and asks no other host for anything', { skip }, async () => {
  const docs = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const origin = new URL(target.url).origin;
  const elsewhere: string[] = [];
  const blocked: string[] = [];
  docs.on('request', (request) => {
    const url = new URL(request.url());
    // data: and blob: addresses (an inline image, the search worker) are the page's own, never a request out.
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) elsewhere.push(request.url());
  });
  docs.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  try {
    await docs.goto(`${target.url}/docs`);
    await docs.getByRole('heading', { name: 'List findings' }).first().waitFor();
    await docs.getByRole('heading', { name: 'Submit feedback on an ownership inference' }).first().waitFor();
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(blocked, []);
  } finally {
    await docs.close();
  }
});
