// @ts-check
// The pages as a browser gets them from a real `parley serve`: the import
// map the server injects resolves the vendored Preact under the strict CSP,
// and the server's headers hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { launch, missing, withPage } from './browser.mjs';

const why = await missing();
const required = process.env.PARLEY_TEST_REQUIRE_SERVICES === '1';
if (why && required) throw new Error(`browser tests required: ${why}`);

/** @type {import('./harness.mjs').Server} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  if (why) return;
  const launched = launch().then((b) => { browser = b; });
  server = await startServer();
  await launched;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the dashboard page loads its modules under the CSP without errors', { skip: why || false }, async (t) => {
  await withPage(t, browser, async (page) => {
    /** @type {string[]} */
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const resp = await page.goto(`${server.url}/dashboard/`);
    assert.equal(resp?.status(), 200);
    assert.match(resp?.headers()['content-security-policy'] ?? '', /script-src 'self' 'sha256-/);
    await page.waitForFunction(() => document.querySelector('#app')?.textContent?.includes('Parley'));
    assert.deepEqual(violations, []);
  });
});
