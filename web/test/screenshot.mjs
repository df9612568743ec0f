// @ts-check
// Takes docs/img/dashboard.png, the README's screenshot: a real server with
// a few users, a group and messages, the dashboard's message browser at
// 1280×720. Run it from web/: node test/screenshot.mjs
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { repoRoot, startServer } from './harness.mjs';
import { launch } from './browser.mjs';

const out = path.join(repoRoot, 'docs', 'img', 'dashboard.png');
const server = await startServer();
const browser = await launch();
try {
  const headers = { appid: server.appId, apikey: server.restKey, 'Content-Type': 'application/json' };
  /** @param {string} p @param {any} body @param {Record<string, string>} [extra] */
  const post = (p, body, extra = {}) => fetch(server.url + p, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
  for (const [uid, name] of [['alice', 'Alice Martin'], ['bob', 'Bob Chen'], ['carol', 'Carol Diaz'], ['dave', 'Dave Okafor']]) {
    await post('/v3/users', { uid, name });
  }
  await post('/v3/groups', { guid: 'team', name: 'Team', type: 'public', owner: 'alice', members: { participants: ['bob', 'carol'] } });
  await post('/v3/messages', { receiver: 'bob', receiverType: 'user', data: { text: 'Hi Bob!' } }, { onBehalfOf: 'alice' });
  await post('/v3/messages', { receiver: 'team', receiverType: 'group', data: { text: 'Stand-up in five.' } }, { onBehalfOf: 'carol' });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${server.url}/dashboard/`);
  await page.getByLabel('Operator token').fill(server.operatorToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.getByRole('link', { name: 'Messages' }).click();
  await page.getByRole('list', { name: 'Users' }).getByRole('button', { name: /alice/ }).click();
  await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Bob/ }).click();
  await page.getByRole('log').getByText('Hi Bob!').waitFor();
  await mkdir(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
