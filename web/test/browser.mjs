// @ts-check
// Headless Chromium for the browser tests: playwright-core drives the
// system's /usr/bin/chromium (never a downloaded browser), and a failing
// test leaves a screenshot under web/test/artifacts/.
import { existsSync } from 'node:fs';
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness.mjs';

/** Where the browser is. */
export const chromiumPath = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';

/** Where screenshots of failures go. */
export const artifactsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** The flags Chromium runs with in tests (a container, no GPU, no network of its own). */
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Why the browser tests can't run here, or '' when they can: the
 * browser or playwright-core is missing.
 * @returns {Promise<string>}
 */
export async function missing() {
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath} (apt-get install -y chromium)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci in web/)';
  }
  return '';
}

/**
 * Launches headless Chromium.
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/**
 * Runs fn with a fresh page in its own browser context (own storage). The
 * page's console errors and uncaught exceptions fail the test; on failure
 * a full-page screenshot is saved as web/test/artifacts/<test name>.png.
 * @param {import('node:test').TestContext} t
 * @param {import('playwright-core').Browser} browser
 * @param {(page: import('playwright-core').Page) => Promise<void>} fn
 * @param {import('playwright-core').BrowserContextOptions} [options]
 */
export async function withPage(t, browser, fn, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    // A failed request the page handles (an error answer it shows) is
    // logged by Chromium as a console error too; those are the test's.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  try {
    await fn(page);
    if (errors.length) throw new Error(`the page reported errors:\n${errors.join('\n')}`);
  } catch (err) {
    await mkdir(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, `${t.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    if (err instanceof Error) err.message += `\n(screenshot: ${file})`;
    throw err;
  } finally {
    await context.close();
  }
}

/**
 * Sets up a browser test file: before its tests, a real server and
 * Chromium, handed to ready; after them, both stopped. Returns the tests'
 * skip option: false, or why the browser tests can't run here (a failure
 * instead with PARLEY_TEST_REQUIRE_SERVICES=1, as in CI).
 * @param {(server: import('./harness.mjs').Server, browser: import('playwright-core').Browser) => void} ready
 * @returns {Promise<string | false>}
 */
export async function browserSuite(ready) {
  const why = await missing();
  if (why && process.env.PARLEY_TEST_REQUIRE_SERVICES === '1') throw new Error(`browser tests required: ${why}`);
  /** @type {import('./harness.mjs').Server | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  before(async () => {
    if (why) return;
    [server, browser] = await Promise.all([startServer(), launch()]);
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return why || false;
}
