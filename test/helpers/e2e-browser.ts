// What the console's end-to-end tests share: the browser they drive, the built console, the README's screenshots.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
