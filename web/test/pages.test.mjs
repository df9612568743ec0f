// @ts-check
// The pages as a browser gets them from a real `parley serve`: the import
// map the server injects resolves the vendored Preact under the strict CSP,
// and the server's headers hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, withPage } from './browser.mjs';

/** @type {import('./harness.mjs').Server} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
const skip = await browserSuite((s, b) => { server = s; browser = b; });

test('the dashboard page loads its modules under the CSP without errors', { skip }, async (t) => {
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
