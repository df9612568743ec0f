// @ts-check
// The dashboard in headless Chromium against a real `parley serve`: sign
// in with the operator token, create an app, a user and a group through
// the UI; axe finds no serious or critical accessibility violation on any
// page (light and dark); the same work done with the keyboard alone; and
// at phone size (375×667) no page scrolls sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { admin } from './harness.mjs';
import { browserSuite, withPage } from './browser.mjs';

/** @type {import('./harness.mjs').Server} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
const skip = await browserSuite((s, b) => { server = s; browser = b; });

/** The dashboard's routes, by the heading each shows. */
const routes = [['', 'Overview'], ['apps', 'Apps & keys'], ['users', 'Users'], ['groups', 'Groups'],
  ['messages', 'Messages'], ['events', 'Live events'], ['settings', 'Settings']];

/**
 * Calls the REST API as the operator in app.
 * @param {string} path
 * @param {string} [app]
 * @param {{method?: string, body?: any}} [opts]
 */
async function rest(path, app, { method = 'GET', body } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${server.operatorToken}` };
  if (app) headers.appid = app;
  if (body) headers['Content-Type'] = 'application/json';
  const resp = await fetch(server.url + path, { method, headers, body: body && JSON.stringify(body) });
  return { status: resp.status, body: await resp.json() };
}

/**
 * Signs in through the form and waits for the overview.
 * @param {import('playwright-core').Page} page
 */
async function signIn(page) {
  await page.goto(`${server.url}/dashboard/`);
  await page.getByLabel('Operator token').fill(server.operatorToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

/**
 * Opens a route and waits for its heading.
 * @param {import('playwright-core').Page} page
 * @param {string} path
 * @param {string} heading
 */
async function open(page, path, heading) {
  await page.goto(`${server.url}/dashboard/#/${path}`);
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

test('sign in, then create an app, a user and a group through the UI', { skip }, async (t) => {
  await withPage(t, browser, async (page) => {
    // A wrong token is refused with the API's code.
    await page.goto(`${server.url}/dashboard/`);
    await page.getByLabel('Operator token').fill('not-the-operator-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'AUTH_ERR_OPERATOR_TOKEN_INVALID' }).waitFor();
    await signIn(page);

    await page.getByRole('link', { name: 'Apps & keys' }).click();
    await page.getByLabel('Name', { exact: true }).first().fill('UI App');
    await page.getByRole('button', { name: 'Create app' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'UI App' });
    await notice.waitFor();
    const keys = await notice.locator('input[readonly]').evaluateAll((els) => els.map((e) => /** @type {HTMLInputElement} */ (e).value));
    assert.equal(keys.length, 2, 'both keys of the new app are shown');
    for (const k of keys) assert.equal(k.length, 52);
    const appId = await page.getByLabel('App the pages act in').inputValue();
    const app = await rest(`/v3/apps/${appId}`);
    assert.equal(app.body.data?.name, 'UI App', 'the new app is the chosen one');

    await page.getByRole('link', { name: 'Users' }).click();
    for (const [uid, name] of [['alice', 'Alice'], ['bob', 'Bob']]) {
      await page.getByLabel('UID').fill(uid);
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('cell', { name: uid, exact: true }).waitFor();
    }
    // A second alice: the API's code, as it answered.
    await page.getByLabel('UID').fill('alice');
    await page.getByLabel('Name', { exact: true }).fill('Alice again');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('alert').filter({ hasText: 'ERR_UID_ALREADY_EXISTS' }).waitFor();
    // A token for alice, shown once.
    await page.getByRole('button', { name: 'Manage alice' }).click();
    await page.getByRole('button', { name: 'New auth token' }).click();
    const token = await page.getByLabel('Auth token of alice').inputValue();
    assert.match(token, /^[0-9a-f]{20,}$/);

    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('GUID').fill('team');
    await page.getByLabel('Name', { exact: true }).fill('Team');
    await page.getByLabel('Owner (uid)').fill('alice');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Members of team' }).waitFor();
    await page.getByLabel('Add users (uids)').fill('bob');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Kick bob' }).waitFor();

    const users = await rest('/v3/users', appId);
    assert.deepEqual(users.body.data.map((/** @type {any} */ u) => u.uid).sort(), ['alice', 'bob']);
    const members = await rest('/v3/groups/team/members', appId);
    assert.deepEqual(members.body.data.map((/** @type {any} */ m) => m.uid).sort(), ['alice', 'bob']);

    // The overview counts them; the JSON of the figures is one click away.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-figure="users"]').filter({ hasText: '2' }).waitFor();
    await page.getByRole('button', { name: 'Raw JSON of usage figures' }).click();
    const dialog = page.getByRole('dialog', { name: 'Raw JSON of usage figures' });
    assert.match(await dialog.locator('pre').innerText(), new RegExp(`"appId": "${appId}"`));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});

test('users: search by prefix, deactivate (hidden until "Include deactivated"), reactivate', { skip }, async (t) => {
  for (const uid of ['sam1', 'sam2', 'tom']) await admin(server, server.restKey, 'POST', '/users', { uid, name: uid.toUpperCase() });
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.getByLabel('App the pages act in').selectOption(server.appId);
    await open(page, 'users', 'Users');
    const row = (/** @type {string} */ uid) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: new RegExp(`^${uid}( deactivated)?$`) }) });
    await page.getByLabel('Search users').fill('sam');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await row('sam2').waitFor();
    await row('tom').waitFor({ state: 'detached' });
    assert.equal(await row('sam1').count(), 1);

    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Manage sam1' }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('button', { name: 'Reactivate', exact: true }).waitFor();
    await row('sam1').waitFor({ state: 'detached' });
    const stored = await admin(server, server.restKey, 'GET', '/users/sam1');
    assert.ok(stored.deactivatedAt, 'sam1 is deactivated on the server');

    await page.getByLabel('Include deactivated').check();
    await row('sam1').getByText('deactivated').waitFor();
    await page.getByRole('button', { name: 'Reactivate', exact: true }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
    const back = await admin(server, server.restKey, 'GET', '/users/sam1');
    assert.ok(!back.deactivatedAt, 'sam1 is active again');
  });
});

test('settings: the app details, and deleting the app after a confirmation', { skip }, async (t) => {
  const made = await rest('/v3/apps', undefined, { method: 'POST', body: { name: 'Doomed' } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const appId = made.body.data.appId;
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.getByLabel('App the pages act in').selectOption(appId);
    await open(page, 'settings', 'Settings');
    await page.locator('dd code', { hasText: appId }).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Delete this app' }).click();
    // The app leaves the app chooser (the pages move on to another app).
    await page.getByLabel('App the pages act in').locator(`option[value="${appId}"]`).waitFor({ state: 'detached' });
    const gone = await rest(`/v3/apps/${appId}`);
    assert.equal(gone.status, 404, JSON.stringify(gone.body));
  });
});

test('live events stream what happens in the app, filtered', { skip }, async (t) => {
  await rest('/v3/users', server.appId, { method: 'POST', body: { uid: 'carol', name: 'Carol' } });
  await rest('/v3/users', server.appId, { method: 'POST', body: { uid: 'dave', name: 'Dave' } });
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.getByLabel('App the pages act in').selectOption(server.appId);
    await page.getByRole('link', { name: 'Live events' }).click();
    await page.getByLabel('User').fill('dave');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('[data-state="live"]').waitFor();
    const send = (/** @type {string} */ to) => fetch(`${server.url}/v3/messages`, {
      method: 'POST',
      headers: { appid: server.appId, apikey: server.restKey, onBehalfOf: 'carol', 'Content-Type': 'application/json' },
      body: JSON.stringify({ receiver: to, receiverType: 'user', data: { text: `hi ${to}` } }),
    });
    await send('carol');
    await send('dave');
    const event = page.getByRole('list', { name: 'Events' }).getByRole('listitem');
    await event.filter({ hasText: 'to user dave' }).waitFor();
    assert.equal(await event.count(), 1, 'only the event of dave passed the filter');
  });
});

test('axe finds no serious or critical violations on any page, light or dark', { skip }, async (t) => {
  const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const colorScheme of /** @type {const} */ (['light', 'dark'])) {
    // bypassCSP lets the test inject axe; the pages' CSP is pages.test.mjs's.
    await withPage(t, browser, async (page) => {
      await signIn(page);
      /** @type {string[]} */
      const found = [];
      const check = async (/** @type {string} */ where) => {
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(async () => /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations) {
          if (v.impact === 'serious' || v.impact === 'critical') {
            found.push(`${colorScheme} ${where}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((/** @type {any} */ n) => n.target.join(' ')).join(', ')}`);
          }
        }
      };
      for (const [path, heading] of routes) {
        await open(page, path, heading);
        await page.waitForLoadState('networkidle').catch(() => {});
        await check(`#/${path}`);
      }
      // With a panel and a dialog open.
      await open(page, 'users', 'Users');
      await page.getByRole('button', { name: /^Manage/ }).first().click();
      await check('#/users with a user panel');
      await page.getByRole('button', { name: /^Raw JSON of user/ }).first().click();
      await check('#/users with the JSON dialog');
      await page.goto(`${server.url}/dashboard/`);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.getByLabel('Operator token').waitFor();
      await check('sign-in');
      assert.deepEqual(found, []);
    }, { colorScheme, bypassCSP: true });
  }
});

/**
 * Presses Tab until the focused element matches selector (at most 60 times).
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('keyboard alone: sign in, open a page, create a user, read its JSON', { skip }, async (t) => {
  await withPage(t, browser, async (page) => {
    await page.goto(`${server.url}/dashboard/`);
    // The token field has focus on arrival (once the page's modules have
    // rendered it: keys typed before then would be lost).
    await page.waitForFunction(() => document.activeElement?.id === 'token');
    await page.keyboard.type(server.operatorToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByLabel('App the pages act in').selectOption(server.appId);
    await tabTo(page, 'nav a[href="#/users"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    // The page moves focus to its heading after it rendered: poll for it.
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'the new page\'s heading has focus');
    await tabTo(page, '#user-uid');
    await page.keyboard.type('erin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Erin');
    await page.keyboard.press('Enter');
    await page.getByRole('cell', { name: 'erin', exact: true }).waitFor();
    await tabTo(page, 'button[aria-label="Raw JSON of user erin"]');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Raw JSON of user erin' });
    await dialog.waitFor();
    assert.match(await dialog.locator('pre').innerText(), /"uid": "erin"/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});

test('at phone size (375×667) no page scrolls sideways', { skip }, async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.getByLabel('App the pages act in').selectOption(server.appId);
    /** @type {string[]} */
    const wide = [];
    for (const [path, heading] of routes) {
      await open(page, path, heading);
      await page.waitForLoadState('networkidle').catch(() => {});
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      if (scroll > client) wide.push(`#/${path}: ${scroll}px wide in ${client}px`);
    }
    assert.deepEqual(wide, []);
  }, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
});

test('the message browser shows a conversation; "open as this user" opens /demo/ with that user\'s token in the fragment', { skip }, async (t) => {
  const asKey = { appid: server.appId, apikey: server.restKey, 'Content-Type': 'application/json' };
  for (const [uid, name] of [['frank', 'Frank'], ['gina', 'Gina']]) {
    await fetch(`${server.url}/v3/users`, { method: 'POST', headers: asKey, body: JSON.stringify({ uid, name }) });
  }
  await fetch(`${server.url}/v3/messages`, { method: 'POST', headers: { ...asKey, onBehalfOf: 'frank' },
    body: JSON.stringify({ receiver: 'gina', receiverType: 'user', data: { text: 'hello gina' } }) });
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.getByLabel('App the pages act in').selectOption(server.appId);
    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByRole('list', { name: 'Users' }).getByRole('button', { name: /frank/ }).click();
    await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Gina/ }).click();
    await page.getByRole('log', { name: 'Messages with Gina' }).getByText('hello gina').waitFor();

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Manage frank' }).click();
    const [demo] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Open as this user' }).click()]);
    const u = new URL(demo.url());
    assert.equal(u.pathname, '/demo/');
    const frag = new URLSearchParams(u.hash.slice(1));
    assert.equal(frag.get('appId'), server.appId);
    const me = await fetch(`${server.url}/v3/me`, { headers: { appid: server.appId, authtoken: frag.get('authToken') ?? '' } });
    assert.equal((await me.json()).data?.uid, 'frank', 'the fragment\'s token is frank\'s');
    await demo.close();
  });
});
