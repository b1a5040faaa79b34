import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ACCOUNT, seedConsoleScenario } from '../helpers/seed-console.js';
import { recomputeUntilEmpty } from '../../src/ownership/use-cases/recompute.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureConsoleBuilt } from '../helpers/e2e-browser.js';

// The review console against what an outsider can put in the data, and against answers that change under the
// reviewer: every review the console sends is counted through the network, every state checked through the API.
const skip = process.env.CI
  ? false
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium); in CI this test runs`
    : false;

/** Buckets whose team answer names `payments` through their tag: a team queue long enough to answer several in a row. */
const PLAIN_BUCKETS = Array.from({ length: 6 }, (_, i) => `arn:aws:s3:::acme-payments-${i}`);
/** A tag anyone who may tag a bucket can write: its backticks close the explanation's code span around the team handle. */
const LINK_TAG = 'team:tick`[sign in again](https://evil.example/login)`tock';
const LINK_BUCKET = 'arn:aws:s3:::acme-link-in-tag';
/** A team handle that starts with a right-to-left override: `detcejer` then reads `rejected`, and so, reversed, would the rest of its line. */
const BIDI_TAG = 'team:\u202edetcejer';
const BIDI_BUCKET = 'arn:aws:s3:::acme-bidi-in-tag';

let server: TestServer;
let browser: Browser;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await server.api(path, init);
  assert.ok(res.ok, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

const bucket = (id: string, tags: string[]) => ({
  type: 'cloud_resource',
  id,
  attributes: {
    resource_type: 'aws_s3_bucket',
    cloud_provider: 'aws',
    account: ACCOUNT,
    region: 'us-east-1',
    name: id.slice('arn:aws:s3:::'.length),
    tags,
    configuration: { bucket: id.slice('arn:aws:s3:::'.length) },
  },
});

before(async () => {
  if (skip) return;
  await ensureConsoleBuilt();
  server = await startTestServer();
  await seedConsoleScenario(server);
  const buckets = [...PLAIN_BUCKETS.map((id) => bucket(id, ['team:payments'])), bucket(LINK_BUCKET, [LINK_TAG]), bucket(BIDI_BUCKET, [BIDI_TAG])];
  await api('/api/v2/csm/resources', { method: 'POST', body: JSON.stringify({ data: buckets }) });
  await recomputeUntilEmpty(server.server.db, { orgId: server.orgId });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh tab at `path`, signed in; `posts` collects every review the console sends (status and resource). */
async function open(path: string): Promise<{ page: Page; posts: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(15_000);
  const posts: string[] = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/feedback'))
      posts.push(`${r.status()} ${decodeURIComponent(new URL(r.url()).pathname)}`);
  });
  await page.goto(server.url + path);
  await page.getByLabel('API key').fill(server.apiKey);
  await page.getByLabel('Application key').fill(server.appKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main#main').waitFor();
  return { page, posts };
}

interface Inference {
  checksum: string;
  status: string;
  explanation: string;
}
const teamAnswer = async (rid: string) =>
  (await api<{ data: { attributes: Inference } }>(`/api/v2/csm/ownership/${encodeURIComponent(rid)}/team`)).data.attributes;

test('review actions against answers that change under the reviewer', { skip }, async (t) => {
  await t.test('an answer that changed after the queue was listed is refused with a message that stays, and is not counted', async () => {
    const { page, posts } = await open('/review?owner_type=team');
    try {
      const current = page.locator('.review-current');
      await current.locator('.explanation .markdown').waitFor();
      const rid = (await current.getAttribute('data-resource-id'))!;
      // Another reviewer persists it first: the queue's checksum is now stale.
      const before = await teamAnswer(rid);
      await api(`/api/v2/csm/ownership/${encodeURIComponent(rid)}/team/feedback`, {
        method: 'POST',
        body: JSON.stringify({ data: { type: 'ownership_feedback', attributes: { action: 'persist', inference_checksum: before.checksum } } }),
      });
      await page.locator('body').focus();
      await page.keyboard.press('c');
      // The queue is read again (the persisted answer has left it); the message outlives the item it is about.
      await page.locator(`.review-current:not([data-resource-id="${rid}"])`).waitFor();
      assert.deepEqual(posts, [`409 /api/v2/csm/ownership/${rid}/team/feedback`]);
      assert.equal(await page.getByTestId('review-count').textContent(), '0', 'a refused answer is no review');
      const refused = await page
        .getByRole('alert')
        .filter({ hasText: /changed/ })
        .textContent({ timeout: 2000 });
      assert.ok(refused?.startsWith(`Not recorded: the team answer of ${rid} changed`), refused ?? '');
      assert.equal((await teamAnswer(rid)).status, 'persisted', 'the other reviewer’s persist stands');
    } finally {
      await page.context().close();
    }
  });

  await t.test('a key held down answers the item shown once, not the items that follow it unseen', async () => {
    const { page, posts } = await open('/review?owner_type=team');
    try {
      const current = page.locator('.review-current');
      await current.locator('.explanation .markdown').waitFor();
      assert.ok((await page.locator('.review-list li').count()) >= 2, 'more answers wait behind the first');
      await page.locator('body').focus();
      // The first press, then the keyboard's auto-repeat for a second and a half.
      await page.keyboard.down('c');
      for (let i = 0; i < 30; i++) {
        await page.waitForTimeout(50);
        await page.keyboard.down('c');
      }
      await page.keyboard.up('c');
      // Its answer: recorded, or refused when a recompute the earlier review set off changed the answer meanwhile.
      await page.locator('[data-testid="review-status"]:has-text("Confirmed team of"), [role="alert"]').first().waitFor();
      assert.equal(posts.length, 1, posts.join('\n'));
    } finally {
      await page.context().close();
    }
  });

  await t.test('signing out ends the review session: whoever signs in next in the tab starts at zero', async () => {
    // The recomputes the earlier reviews set off are done: the answer shown is the one the queue listed.
    await recomputeUntilEmpty(server.server.db, { orgId: server.orgId });
    const { page } = await open('/review?owner_type=team');
    try {
      await page.locator('.review-current .explanation .markdown').waitFor();
      await page.locator('body').focus();
      await page.keyboard.press('c');
      await page.getByTestId('review-count').filter({ hasText: '1' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Steward review console' }).waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the tab keeps nothing of the session');
      await page.getByLabel('API key').fill(server.apiKey);
      await page.getByLabel('Application key').fill(server.appKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.review-current').waitFor();
      assert.equal(await page.getByTestId('review-count').textContent(), '0');
    } finally {
      await page.context().close();
    }
  });
});

test('what an outsider writes in tags and names', { skip }, async (t) => {
  await t.test('an explanation carries no link, whatever the names it quotes hold', async () => {
    const explanation = (await teamAnswer(LINK_BUCKET)).explanation;
    assert.ok(explanation.includes('[sign in again](https://evil.example/login)'), explanation);
    const { page } = await open(`/resources/${encodeURIComponent(LINK_BUCKET)}`);
    try {
      const text = page.locator('.owner-card[data-slot="team"] .explanation .markdown');
      await text.getByText('sign in again').first().waitFor();
      assert.equal(await text.locator('a, img').count(), 0, await text.innerHTML());
    } finally {
      await page.context().close();
    }
  });

  await t.test('a bidirectional override in a name is shown, not obeyed: the text around it keeps its order', async () => {
    assert.ok((await teamAnswer(BIDI_BUCKET)).explanation.includes('\u202e'));
    const { page } = await open(`/resources/${encodeURIComponent(BIDI_BUCKET)}`);
    try {
      const card = page.locator('.owner-card[data-slot="team"]');
      await card.locator('.explanation .markdown code').first().waitFor();
      await page.locator('.timeline li').first().waitFor();
      const controls = /[\u202a-\u202e\u2066-\u2069]/;
      assert.doesNotMatch(await page.locator('main').innerText(), controls);
      assert.doesNotMatch(await page.locator('main').innerHTML(), controls);
      // The owner is the name as it reads (the control makes no owner of its own); the tag is quoted as written, the
      // control shown.
      assert.equal(await card.locator('.owner-handle').textContent(), 'detcejer');
      assert.ok((await card.locator('.explanation').textContent())!.includes('\ufffddetcejer'));
    } finally {
      await page.context().close();
    }
  });
});
