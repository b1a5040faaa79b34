// What the console's end-to-end tests share: the browser they drive, the built console, the README's screenshots.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The README's screenshots are rewritten only when asked (STEWARD_UPDATE_SCREENSHOTS=1); otherwise they go to a
// temporary folder, removed after the run, so that a test run leaves the work tree as it found it.
export const UPDATE_SCREENSHOTS = process.env.STEWARD_UPDATE_SCREENSHOTS === '1';
export const screenshotsDir = () => (UPDATE_SCREENSHOTS ? `${ROOT}docs/screenshots` : mkdtempSync(join(tmpdir(), 'steward-screenshots-')));

/** The console is served from dist/web; build it once if this checkout has not. */
export async function ensureConsoleBuilt() {
  if (existsSync(`${ROOT}dist/web/index.html`)) return;
  const { build } = await import('vite');
  await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * No serious or critical axe-core violation on the page as it stands. axe is evaluated through the browser's
 * protocol, which the console's content security policy does not govern (an injected script tag it would refuse).
 */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const run = (
      window as unknown as {
        axe: { run: (o: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe.run;
    return (await run({ resultTypes: ['violations'] })).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => String(n.target)).join(', ')}`);
  });
  assert.deepEqual(violations, [], `${where}: axe-core`);
}
