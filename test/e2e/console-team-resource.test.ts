import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as helpers from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { CHECKOUT_INSTANCE, seedConsoleScenario } from '../helpers/seed-console.js';
import { diffValues } from '../../web/src/config-diff.js';
import { CHROMIUM, CHROMIUM_ARGS, UPDATE_SCREENSHOTS, assertAccessible, ensureConsoleBuilt, screenshotsDir } from '../helpers/e2e-browser.js';

// The team, service and resource pages in a real browser against a real server, each opened by its address in a fresh
// browser context; every number on them is checked against the API asked the same question. Then every page at a
// phone's width (390 px): no sideways scrolling, tables shown as cards. Setup as in console.test.ts.
const SHOTS = screenshotsDir();
const skip = process.env.CI
  ? false
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium); in CI this test runs`
    : false;

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
/** After the seed, before the checkout instance's second version. */
let between = 0;
/** Just after that second version. */
let afterSecond = 0;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await server.api(path, init);
  assert.ok(res.ok, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

interface SecurityFinding {
  id: string;
  attributes: { attributes: { severity: string; resource_id: string } };
}
/** Every finding of a Security Findings query, at an instant when given. */
async function search(query: string, at?: number): Promise<SecurityFinding[]> {
  const out: SecurityFinding[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ 'filter[query]': query, 'page[limit]': '1000' });
    if (cursor) q.set('page[cursor]', cursor);
    else if (at !== undefined) q.set('snapshot_timestamp', String(at));
    const body = await api<{ data: SecurityFinding[]; meta: { page: { after?: string } } }>(`/api/v2/security/findings?${q}`);
    out.push(...body.data);
    cursor = body.meta.page.after;
  } while (cursor);
  return out;
}
const severityCounts = (rows: SecurityFinding[]) => {
  const c: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const r of rows) c[r.attributes.attributes.severity]!++;
  return c;
};

/** A fresh browser context at `path`: the sign-in first (the keys live in the tab), then the page the address names. */
async function open(path: string, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(server.url + path);
  await page.getByLabel('API key').fill(server.apiKey);
  await page.getByLabel('Application key').fill(server.appKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main#main').waitFor();
  return page;
}
const close = (page: Page) => page.context().close();

before(async () => {
  if (skip) return;
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  server = await helpers.startTestServer();
  await seedConsoleScenario(server);
  await new Promise((r) => setTimeout(r, 50));
  between = Date.now();
  await new Promise((r) => setTimeout(r, 800));
  // A second version of the checkout instance: IMDSv2 required, the public address gone.
  await api('/api/v2/csm/resources', {
    method: 'POST',
    body: JSON.stringify({
      data: [
        {
          type: 'cloud_resource',
          id: CHECKOUT_INSTANCE,
          attributes: {
            resource_type: 'aws_ec2_instance',
            cloud_provider: 'aws',
            account: '111122223333',
            region: 'us-east-1',
            name: 'checkout-api-1',
            tags: ['service:checkout', 'owner:alice', 'env:prod'],
            configuration: { instance_id: 'i-0a1b2c3d4e5f60718', metadata_options: { http_tokens: 'required', http_endpoint: 'enabled' } },
          },
        },
      ],
    }),
  });
  afterSecond = Date.now();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (!UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

/** The owner page's numbers against the API's answers to the same questions. */
async function checkOwnerPage(page: Page, kind: 'team' | 'service', handle: string) {
  const facet = `@owner.${kind}:${handle}`;
  await page.getByText('What “owned” means here:').waitFor();
  // Open findings by severity, at the instant the page asked for.
  const totals = page.getByTestId('open-by-severity');
  await totals.waitFor();
  const at = Number(await totals.getAttribute('data-at'));
  assert.ok(at > 0);
  const open = await search(`${facet} @status:open`, at);
  const expected = severityCounts(open);
  for (const [severity, n] of Object.entries(expected)) {
    assert.equal(await totals.locator(`dd[data-severity="${severity}"]`).textContent(), String(n), `${kind} ${handle} ${severity}`);
  }
  // The resources it owns: the current answers naming it, each with its open findings by severity.
  type Detail = { data: { attributes: { answers: Array<{ resource_id: string; confidence: string }> } } };
  const answers = (await api<Detail>(`/api/v2/csm/directory/owners/${kind}/${handle}`)).data.attributes.answers;
  assert.ok(answers.length > 0, `${kind} ${handle} owns something`);
  await page.locator('table.owned-resources tbody tr').first().waitFor();
  const rows = await page.locator('table.owned-resources tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.resourceId));
  assert.deepEqual(
    rows,
    answers.map((a) => a.resource_id),
  );
  for (const a of answers) {
    const row = page.locator(`table.owned-resources tr[data-resource-id="${a.resource_id}"]`);
    assert.match((await row.getByRole('meter').getAttribute('aria-label'))!, new RegExp(`^Confidence ${a.confidence},`));
    const mine = severityCounts(open.filter((f) => f.attributes.attributes.resource_id === a.resource_id));
    for (const [severity, n] of Object.entries(mine)) assert.equal(await row.locator(`td[data-severity="${severity}"]`).textContent(), String(n));
  }
  // What it should review: its items of the review queue.
  type Queue = { data: Array<{ attributes: { resource: { id: string }; inference: { owner_handle: string | null } } }> };
  const queue = (await api<Queue>(`/api/v2/csm/ownership/review_queue?filter[owner_type]=${kind}&page[limit]=1000`)).data
    .filter((i) => i.attributes.inference.owner_handle?.toLowerCase() === handle)
    .map((i) => i.attributes.resource.id);
  await page.getByRole('heading', { name: `To review (${queue.length})` }).waitFor();
  const listed = await page.locator('.review-items li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.resourceId));
  assert.deepEqual(listed, queue);
  // The trend: at each instant, the open critical and high findings the API lists then.
  await page.locator('table.trend-table tbody tr').first().waitFor();
  const points = await page.locator('table.trend-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      at: Number((tr as HTMLElement).dataset.at),
      critical: Number(tr.querySelector('[data-severity="critical"]')!.textContent),
      high: Number(tr.querySelector('[data-severity="high"]')!.textContent),
    })),
  );
  assert.equal(points.length, 8);
  for (const p of points) {
    const then = severityCounts(await search(`${facet} @severity:(critical OR high) @status:open`, p.at));
    assert.deepEqual([p.critical, p.high], [then.critical, then.high], `trend at ${p.at}`);
  }
  return points;
}

test('the team, service and resource pages, each opened by its address, say what the API says', { skip }, async (t) => {
  await t.test("a team's page: its resources, open findings by severity, what to review, and its trend", async () => {
    // The trend over the window from the seed to just after the second version: seven instants before it, one after.
    const page = await open(`/teams/payments?from=${between}&to=${afterSecond}`);
    try {
      await page.getByRole('heading', { name: /^Team Payments \(payments\)/, level: 1 }).waitFor();
      const points = await checkOwnerPage(page, 'team', 'payments');
      assert.equal(points[points.length - 1]!.at, afterSecond);
      assert.ok(points[0]!.high > 0, 'IMDSv1 was allowed before the second version: a high finding');
      assert.equal(points[points.length - 1]!.high, 0, 'the second version requires IMDSv2');
      await page.locator('table.owned-resources').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, 0));
      if (UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}/team.png`, fullPage: true });
      await assertAccessible(page, 'team page');

      // Every team the directory knows (CODEOWNERS teams too) can be picked; the address follows.
      const teams = (await api<{ data: Array<{ attributes: { handle: string } }> }>('/api/v2/csm/directory/owners')).data.map(
        (d) => d.attributes.handle,
      );
      const offered = await page.locator('#owner-select option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(offered, teams);
      await page.locator('#owner-select').selectOption('platform');
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { name: /^Team Platform Engineering \(platform\)/, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/teams/platform');
      // The trend's range is in the address.
      await page.locator('#trend-range').selectOption('30d');
      await page.waitForURL(/range=30d/);
      // The table is drawn again for the new range (empty while it loads): wait for its rows before counting them.
      await page.locator('table.trend-table tbody tr').nth(7).waitFor();
      assert.equal(await page.locator('table.trend-table tbody tr').count(), 8);
    } finally {
      await close(page);
    }
  });

  await t.test('the Teams page lists every team and service the API knows, each a link to its page', async () => {
    const page = await open('/');
    try {
      await page.getByRole('link', { name: 'Teams', exact: true }).click();
      await page.getByRole('heading', { name: 'Teams and services', level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/teams');
      for (const kind of ['team', 'service'] as const) {
        const known = (await api<{ data: Array<{ attributes: { handle: string } }> }>(`/api/v2/csm/directory/owners?filter[owner_type]=${kind}`))
          .data;
        const section = page.getByRole('region', { name: kind === 'team' ? 'Teams' : 'Services', exact: true });
        await section.locator('li').first().waitFor();
        const hrefs = await section.locator('li a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
        assert.deepEqual(
          hrefs,
          known.map((d) => `/${kind}s/${encodeURIComponent(d.attributes.handle)}`),
        );
      }
      await assertAccessible(page, 'teams page');
      await page
        .getByRole('region', { name: 'Teams' })
        .getByRole('link', { name: /\(payments\)|^payments$/ })
        .click();
      await page.getByRole('heading', { name: /^Team Payments \(payments\)/, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/teams/payments');
    } finally {
      await close(page);
    }
  });

  await t.test("a service's page answers the same questions for the service", async () => {
    const page = await open('/services/checkout');
    try {
      await page.getByRole('heading', { name: /^Service checkout/, level: 1 }).waitFor();
      await checkOwnerPage(page, 'service', 'checkout');
      await assertAccessible(page, 'service page');
    } finally {
      await close(page);
    }
  });

  await t.test('a resource page: versions and their diff, findings now and at an instant, ownership per owner type', async () => {
    const path = `/resources/${encodeURIComponent(CHECKOUT_INSTANCE)}`;
    const page = await open(path);
    try {
      type Resource = {
        data: {
          attributes: { name: string; versions: Array<{ version: number; name: string; tags: string[]; deleted: boolean; configuration: unknown }> };
        };
      };
      const resource = (await api<Resource>(`/api/v2/csm/resources/${encodeURIComponent(CHECKOUT_INSTANCE)}`)).data.attributes;
      assert.equal(resource.versions.length, 2);
      await page.getByRole('heading', { name: resource.name, level: 1 }).waitFor();
      await page.locator('table.versions tbody tr').nth(1).waitFor();
      assert.deepEqual(
        await page.locator('table.versions tbody tr').evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.version))),
        resource.versions.map((v) => v.version),
      );
      // The diff between the two versions, as the same comparison of the API's versions gives it.
      const [v1, v2] = resource.versions;
      const shown = (d: NonNullable<typeof v1>) => ({ name: d.name, tags: d.tags, deleted: d.deleted, configuration: d.configuration });
      const expected = diffValues(shown(v1!), shown(v2!)).map((d) => `${d.kind} ${d.path}`);
      assert.ok(expected.includes('changed configuration.metadata_options.http_tokens'));
      assert.ok(expected.includes('removed configuration.public_ip_address'));
      const diff = page.getByTestId('version-diff');
      await diff.locator('li').first().waitFor();
      assert.deepEqual(
        await diff.locator('li').evaluateAll((lis) => lis.map((li) => `${(li as HTMLElement).dataset.kind} ${(li as HTMLElement).dataset.path}`)),
        expected,
      );
      // Comparing a version with itself: no difference; the choice is in the address.
      await page.locator('#diff-from').selectOption(String(v2!.version));
      await diff.getByText(`No difference between version ${v2!.version} and version ${v2!.version}.`).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('from'), String(v2!.version));

      // Findings now, then at an instant between the two versions, as the findings listing gives them.
      type Listing = {
        data: Array<{ id: string; attributes: { evaluation: string } }>;
        meta: { page: { total_filtered_count: number }; snapshot_timestamp: number };
      };
      const listing = (at?: number) =>
        api<Listing>(
          `/api/v2/posture_management/findings?page[limit]=100&filter[@resource_id]=${encodeURIComponent(CHECKOUT_INSTANCE)}${at === undefined ? '' : `&snapshot_timestamp=${at}`}`,
        );
      const rowsShown = () =>
        page
          .locator('table.findings tbody tr')
          .evaluateAll((trs) => trs.map((tr) => `${(tr as HTMLElement).dataset.findingId} ${tr.children[1]!.textContent}`));
      const rowsOf = (l: Listing) => l.data.map((f) => `${f.id} ${f.attributes.evaluation}`);
      const now = await listing();
      await page
        .getByTestId('resource-findings-count')
        .filter({ hasText: `${now.meta.page.total_filtered_count} findings now` })
        .waitFor();
      assert.deepEqual(await rowsShown(), rowsOf(now));
      await page.goto(`${server.url}${path}?at=${between}`);
      const then = await listing(between);
      assert.notDeepEqual(rowsOf(then), rowsOf(now), 'the second version changed the findings');
      await page.getByTestId('snapshot-fixed').waitFor();
      await page
        .getByTestId('resource-findings-count')
        .filter({ hasText: `${then.meta.page.total_filtered_count} findings at` })
        .waitFor();
      assert.deepEqual(await rowsShown(), rowsOf(then));
      await page.getByRole('button', { name: 'Back to now' }).click();
      await page
        .getByTestId('resource-findings-count')
        .filter({ hasText: `${now.meta.page.total_filtered_count} findings now` })
        .waitFor();
      assert.equal(new URL(page.url()).searchParams.get('at'), null);

      // Ownership: one card per owner type the API answers, with its evidence.
      type Items = { data: { attributes: { items: Array<{ owner_type: string; sources: unknown[] }> } } };
      const items = (await api<Items>(`/api/v2/csm/ownership/${encodeURIComponent(CHECKOUT_INSTANCE)}`)).data.attributes.items;
      await page
        .locator('.owner-card')
        .nth(items.length - 1)
        .waitFor();
      assert.equal(await page.locator('.owner-card').count(), items.length);
      await page.locator('.timeline li').first().waitFor();
      await page.getByRole('link', { name: 'Team page: payments' }).waitFor();
      if (UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}/resource.png`, fullPage: false });
      await assertAccessible(page, 'resource page');

      // A finding of the resource opens in its panel, and the panel links back to the resource page.
      await page.locator('table.findings tbody tr').first().click();
      await page.getByRole('dialog').waitFor();
      await page.getByRole('dialog').getByRole('link', { name: 'Resource page' }).waitFor();
    } finally {
      await close(page);
    }
  });

  await t.test('the review queue (for the README: the console as it is)', { skip: !UPDATE_SCREENSHOTS }, async () => {
    const page = await open('/review?owner_type=team');
    try {
      await page.locator('.review-current').waitFor();
      await page.screenshot({ path: `${SHOTS}/review-queue.png`, fullPage: false });
    } finally {
      await close(page);
    }
  });

  await t.test("the finding panel of the explorer links to its resource's page", async () => {
    const page = await open('/');
    try {
      const row = page.locator('table.findings tbody tr').first();
      await row.click();
      const link = page.getByRole('dialog').getByRole('link', { name: 'Resource page' });
      await link.click();
      await page.waitForURL(/\/resources\//);
      await page.locator('table.versions').waitFor();
    } finally {
      await close(page);
    }
  });
});

test('at a phone width (390 px) every page fits and its tables are cards', { skip }, async () => {
  const finding = (await api<{ data: Array<{ id: string }> }>('/api/v2/posture_management/findings?filter[evaluation]=fail&page[limit]=1')).data[0]!
    .id;
  const pages: Array<[string, string, (p: Page) => Promise<unknown>]> = [
    ['explorer', '/', (p) => p.locator('table.findings tbody tr').first().waitFor()],
    ['finding panel', `/?finding=${encodeURIComponent(finding)}`, (p) => p.locator('.owner-card').first().waitFor()],
    ['review queue', '/review', (p) => p.locator('.review-current, .review-page .empty').first().waitFor()],
    ['overview', '/overview', (p) => p.locator('svg[data-chart="by-severity"]').waitFor()],
    ['team page', '/teams/payments', (p) => p.locator('table.trend-table tbody tr').first().waitFor()],
    ['service page', '/services/checkout', (p) => p.locator('table.owned-resources tbody tr').first().waitFor()],
    ['resource page', `/resources/${encodeURIComponent(CHECKOUT_INSTANCE)}`, (p) => p.locator('.timeline li').first().waitFor()],
  ];
  for (const [name, path, ready] of pages) {
    const page = await open(path, PHONE);
    try {
      await ready(page);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `${name}: the page is ${width} px wide`);
      // Every table row under a table wrapper is a card: a block, its header row hidden.
      const displays = await page.locator('.table-wrap tbody tr').evaluateAll((trs) => trs.map((tr) => getComputedStyle(tr).display));
      assert.ok(
        displays.every((d) => d === 'block'),
        `${name}: table rows shown as cards`,
      );
      if (name === 'team page' && UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}/phone-team.png`, fullPage: false });
      await assertAccessible(page, `${name} at 390 px`);
    } finally {
      await close(page);
    }
  }
});
