// @ts-check
// What the SDK's tests share: users made over REST, clients logged in as them.
import { Parley } from '../index.js';
import { admin, nodeWebSocket } from '../../test/harness.mjs';

/** @typedef {import('../../test/harness.mjs').Server} Server */

/**
 * Creates a user and an auth token for them.
 * @param {Server} srv
 * @param {string} uid
 */
export async function makeUser(srv, uid) {
  const u = await admin(srv, srv.restKey, 'POST', '/users', { uid, name: uid[0].toUpperCase() + uid.slice(1), withAuthToken: true });
  return /** @type {string} */ (u.authToken);
}

/**
 * A client of srv (not logged in).
 * @param {Server} srv
 * @param {Partial<import('../index.js').Settings>} [more]
 */
export function client(srv, more = {}) {
  return new Parley({ baseUrl: srv.url, appId: srv.appId, WebSocket: nodeWebSocket(), reconnectMin: 100, reconnectMax: 1000, ...more });
}

/**
 * A user logged in with a fresh client.
 * @param {Server} srv
 * @param {string} uid
 * @param {Partial<import('../index.js').Settings>} [more]
 */
export async function loggedIn(srv, uid, more) {
  const token = await makeUser(srv, uid);
  const c = client(srv, more);
  await c.login(token);
  return c;
}

/**
 * Records what a client's listeners receive, by event name.
 * @param {Parley} c
 * @param {(keyof import('../index.js').Events)[]} names
 */
export function record(c, names) {
  /** @type {Record<string, any[]>} */
  const got = {};
  for (const n of names) {
    got[n] = [];
    c.on(n, (d) => got[n].push(d));
  }
  return got;
}
