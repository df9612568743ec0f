// @ts-check
// The demo chat in real headless Chromium against a real `parley serve` (the pages embedded in
// the binary): two browser contexts chatting in real time, accessibility (axe), keyboard-only
// use, a phone viewport, long histories. Screenshots of failures go to web/test/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { admin } from './harness.mjs';
import { browserSuite, withPage } from './browser.mjs';

/** @type {import('./harness.mjs').Server} */
let srv;
/** @type {import('playwright-core').Browser} */
let browser;
const skip = await browserSuite((s, b) => { srv = s; browser = b; });

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** @param {string} uid */
async function user(uid) {
  const u = await admin(srv, srv.restKey, 'POST', '/users', { uid, name: uid[0].toUpperCase() + uid.slice(1), withAuthToken: true });
  return /** @type {string} */ (u.authToken);
}

/**
 * @param {string} from
 * @param {string} to
 * @param {string} text
 */
function sendAs(from, to, text) {
  return admin(srv, srv.restKey, 'POST', '/messages', { receiver: to, receiverType: 'user', data: { text } }, { onBehalfOf: from });
}

/**
 * Signs the page in as the token's user, from the fragment alone.
 * @param {import('playwright-core').Page} page
 * @param {string} token
 */
async function signIn(page, token) {
  await page.goto(`${srv.url}/demo/#appId=${srv.appId}&authToken=${token}`);
  await page.locator('.state.connected').waitFor();
}

/**
 * The conversation with name in the list.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
const conv = (page, name) => page.locator('.conv', { has: page.locator('.name', { hasText: name }) });

test('two users chat in real time: presence, unread count, typing, message, read receipt, reaction, an image', { skip }, async (t) => {
  const [amy, ben] = await Promise.all([user('amy'), user('ben')]);
  await sendAs('ben', 'amy', 'are you there?');
  await withPage(t, browser, (a) => withPage(t, browser, async (b) => {
    await signIn(a, amy);
    await conv(a, 'Ben').waitFor();
    await signIn(b, ben);

    // Presence: Ben's page connected, so Amy's list shows him online.
    await conv(a, 'Ben').getByText(', online').waitFor();
    // Unread: one from before, one live.
    await conv(a, 'Ben').locator('.badge', { hasText: '1' }).waitFor();
    await conv(b, 'Amy').click();
    const composer = b.getByLabel('Message to Amy');
    await composer.pressSequentially('hello');
    await a.getByText('Ben is typing…', { exact: true }).waitFor();
    await composer.press('Enter');
    await conv(a, 'Ben').locator('.badge', { hasText: '2' }).waitFor();
    await a.getByText('Ben is typing…', { exact: true }).waitFor({ state: 'detached' });

    // Amy opens the conversation: the badge goes, Ben sees his message read.
    await conv(a, 'Ben').click();
    await a.locator('[role=log]').getByText('hello').waitFor();
    assert.equal(await conv(a, 'Ben').locator('.badge').count(), 0);
    await b.locator('.msg.mine', { hasText: 'hello' }).locator('.receipt', { hasText: 'Read' }).waitFor();

    // A live message appends to Amy's open log; a reaction reaches Ben.
    await b.getByLabel('Message to Amy').fill('second');
    await b.getByLabel('Message to Amy').press('Enter');
    const second = a.locator('.msg', { hasText: 'second' });
    await second.waitFor();
    await second.hover();
    await second.getByLabel('React with 👍').click();
    await b.locator('.msg', { hasText: 'second' }).getByRole('button', { name: '👍 1' }).waitFor();

    // Media: a picked file goes as an image message and shows on both sides.
    await b.locator('.composer input[type=file]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    const img = a.locator('[role=log] img[alt="dot.png"]');
    await img.waitFor();
    await a.waitForFunction(() => /** @type {HTMLImageElement | null} */ (document.querySelector('[role=log] img[alt="dot.png"]'))?.naturalWidth === 1);
  }));
});

test('the demo has no serious accessibility violations (axe), in a group with its members shown', { skip }, async (t) => {
  const [cat] = await Promise.all([user('cat'), user('dan')]);
  await admin(srv, srv.restKey, 'POST', '/groups', { guid: 'crew', name: 'Crew', type: 'public', owner: 'dan', members: { participants: ['cat'] } });
  await admin(srv, srv.restKey, 'POST', '/messages', { receiver: 'crew', receiverType: 'group', data: { text: 'hi crew' } }, { onBehalfOf: 'dan' });
  await withPage(t, browser, async (page) => {
    await signIn(page, cat);
    await conv(page, 'Crew').click();
    await page.locator('[role=log]').getByText('hi crew').waitFor();
    await page.getByRole('button', { name: 'Members' }).click();
    const members = page.locator('#members');
    await members.locator('.member', { hasText: 'Dan' }).getByText('admin').waitFor();
    await members.locator('.member', { hasText: 'Cat' }).getByText(', online').waitFor();
    const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axe);
    for (const scheme of /** @type {const} */ (['light', 'dark'])) {
      await page.emulateMedia({ colorScheme: scheme });
      const result = await page.evaluate(() => /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] }));
      const serious = result.violations.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((/** @type {any} */ v) => `${v.id}: ${v.nodes.map((/** @type {any} */ n) => n.target).join(' ')}`), [], scheme);
    }
  });
});

test('in a group, the sender sees how many members received and read a message: live, and after a reload', { skip }, async (t) => {
  const [ned, oli, pam] = await Promise.all([user('ned'), user('oli'), user('pam')]);
  await admin(srv, srv.restKey, 'POST', '/groups', { guid: 'deck', name: 'Deck', type: 'public', owner: 'ned', members: { participants: ['oli', 'pam'] } });
  const sent = await admin(srv, srv.restKey, 'POST', '/messages', { receiver: 'deck', receiverType: 'group', data: { text: 'all hands' } }, { onBehalfOf: 'ned' });
  /** A member's receipt over REST, with their own token. @param {string} token @param {'delivered' | 'read'} action */
  const receipt = async (token, action) => {
    const res = await fetch(`${srv.url}/v3/groups/deck/conversation/${action}`, {
      method: 'POST', headers: { appid: srv.appId, authtoken: token, 'content-type': 'application/json' }, body: JSON.stringify({ messageId: sent.id }),
    });
    assert.equal(res.status, 200, await res.text());
  };
  await withPage(t, browser, async (page) => {
    await signIn(page, ned);
    await conv(page, 'Deck').click();
    const line = page.locator('[role=log] .msg.mine', { hasText: 'all hands' }).locator('.receipt');
    await line.getByText('Sent', { exact: true }).waitFor();
    await receipt(oli, 'delivered');
    await line.getByText('Delivered to 1', { exact: true }).waitFor();
    await receipt(pam, 'read');
    await line.getByText('Read by 1', { exact: true }).waitFor();
    await receipt(oli, 'read');
    await line.getByText('Read by 2', { exact: true }).waitFor();
    // Opened afresh, the thread reads the receipts so far from the message.
    await page.reload();
    await page.locator('.state.connected').waitFor();
    await conv(page, 'Deck').click();
    await line.getByText('Read by 2', { exact: true }).waitFor();
  });
});

test('keyboard only: walk the conversation list, open one, send a message', { skip }, async (t) => {
  const [eve] = await Promise.all([user('eve'), user('fay'), user('gus')]);
  await sendAs('fay', 'eve', 'from fay');
  await sendAs('gus', 'eve', 'from gus');
  await withPage(t, browser, async (page) => {
    await signIn(page, eve);
    await conv(page, 'Fay').waitFor();
    // Tab reaches the list (one tab stop), the arrows move, Enter opens.
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.getAttribute('role') === 'option')); i++) {
      await page.keyboard.press('Tab');
    }
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-conversation'));
    assert.equal(await focused(), 'eve_user_gus', 'the newest conversation first');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'eve_user_fay');
    await page.keyboard.press('Enter');
    await page.locator('[role=log]').getByText('from fay').waitFor();
    assert.equal(await conv(page, 'Fay').getAttribute('aria-selected'), 'true');
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.tagName === 'TEXTAREA')); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('typed with keys');
    await page.keyboard.press('Enter');
    await page.locator('.msg.mine', { hasText: 'typed with keys' }).waitFor();
  });
});

test('phone viewport: the list, then the conversation alone, and back', { skip }, async (t) => {
  const [hal] = await Promise.all([user('hal'), user('ivy')]);
  await sendAs('ivy', 'hal', 'small screen');
  await withPage(t, browser, async (page) => {
    await signIn(page, hal);
    await conv(page, 'Ivy').click();
    await page.locator('[role=log]').getByText('small screen').waitFor();
    assert.equal(await page.locator('.convs').isVisible(), false, 'the list is hidden while a conversation is open');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `no horizontal scrolling (${width}px)`);
    await page.getByLabel('Back to conversations').click();
    await conv(page, 'Ivy').waitFor();
    assert.equal(await page.locator('.thread').isVisible(), false);
  }, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
});

test('a long history: at most 300 messages in the DOM, older ones load on scroll without moving the view', { skip }, async (t) => {
  const [jo] = await Promise.all([user('jo'), user('kim')]);
  for (let i = 0; i < 420; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, k) => sendAs('kim', 'jo', 'line ' + (i + k))));
  }
  await withPage(t, browser, async (page) => {
    await signIn(page, jo);
    await conv(page, 'Kim').click();
    await page.locator('[role=log]').getByText('line 419', { exact: true }).waitFor();
    const log = page.locator('[role=log] li');
    for (let round = 0; round < 12; round++) {
      const id = await log.first().getAttribute('data-id');
      // Scroll to the top and measure where the first message is, before any page can load.
      const top = await page.locator('.scroller').evaluate((el) => {
        el.scrollTop = 0;
        return /** @type {Element} */ (el.querySelector('[role=log] li')).getBoundingClientRect().top;
      });
      await page.waitForFunction((first) => document.querySelector('[role=log] li')?.getAttribute('data-id') !== first, id);
      const after = await page.locator(`[role=log] li[data-id="${id}"]`).evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(Math.abs(after - top) < 2, `the message on screen stayed put (${top} → ${after})`);
      assert.ok((await log.count()) <= 300, 'at most 300 messages in the DOM');
      if (await page.locator('[role=log]').getByText('line 0', { exact: true }).count()) break;
    }
    await page.locator('[role=log]').getByText('line 0', { exact: true }).waitFor();
    assert.equal(await log.count(), 300);
  });
});
