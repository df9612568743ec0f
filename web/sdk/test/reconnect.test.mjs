// @ts-check
// Reconnection against a real server that goes away: the SDK reconnects with backoff and
// resumes after the last message it received, so every message arrives once, in order; a
// send retried with its muid across the outage makes one message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, admin, until } from '../../test/harness.mjs';
import { loggedIn, makeUser, record } from './helpers.mjs';

/**
 * Sends n texts from one user to another over REST (as the user, by onBehalfOf).
 * @param {{url: string, appId: string, restKey: string}} srv
 * @param {string} from
 * @param {string} to
 * @param {string} prefix
 * @param {number} n
 */
async function sendAs(srv, from, to, prefix, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const m = await admin(srv, srv.restKey, 'POST', '/messages', { receiver: to, receiverType: 'user', data: { text: prefix + i } }, { onBehalfOf: from });
    ids.push(m.id);
  }
  return ids;
}

test('after the server restarts, the SDK reconnects and receives what was sent meanwhile, once, in order', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await makeUser(srv, 'alice');
  const bob = await loggedIn(srv, 'bob');
  t.after(() => bob.close());
  const got = record(bob, ['message', 'connection', 'disconnected']);
  const before = await sendAs(srv, 'alice', 'bob', 'before ', 2);
  await until(() => got.message.length === 2, 'the first messages');

  /** @type {string[]} */
  let missed = [];
  // Down on its port (the socket closed with 1001 going away); the messages are sent on the
  // same data from another port meanwhile, so bob can only get them by resuming.
  await srv.restart({ between: () => srv.aside(async (url) => (missed = await sendAs({ ...srv, url }, 'alice', 'bob', 'missed ', 3))) });
  const after = await sendAs(srv, 'alice', 'bob', 'after ', 2);
  await until(() => got.message.length === 7, 'every message');
  assert.equal(bob.connectionState, 'connected');
  assert.deepEqual(got.message.map((m) => m.id), [...before, ...missed, ...after]);
  assert.equal(got.disconnected[0].closeCode, 1001);
  assert.deepEqual(got.connection.slice(0, 2), ['disconnected', 'connecting']);
  assert.equal(got.connection.at(-1), 'connected');
  assert.equal(bob.lastMessageId, Number(after[1]));
});

test('a killed server: the socket drops without a close frame, and the SDK still resumes', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await makeUser(srv, 'alice');
  const bob = await loggedIn(srv, 'bob');
  t.after(() => bob.close());
  const got = record(bob, ['message']);
  const first = await sendAs(srv, 'alice', 'bob', 'one ', 1);
  await until(() => got.message.length === 1, 'the first message');
  /** @type {string[]} */
  let missed = [];
  await srv.restart({ signal: 'SIGKILL', between: () => srv.aside(async (url) => (missed = await sendAs({ ...srv, url }, 'alice', 'bob', 'missed ', 2))) });
  await until(() => got.message.length === 3, 'the missed messages');
  assert.deepEqual(got.message.map((m) => m.id), [...first, ...missed]);
});

test('a resume past the server limit pages the rest over REST, before the live messages', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await makeUser(srv, 'alice');
  const bob = await loggedIn(srv, 'bob');
  t.after(() => bob.close());
  const got = record(bob, ['message', 'resumeTruncated']);
  /** @type {string[]} */
  let missed = [];
  await srv.restart({
    args: ['--resume-limit', '3'],
    between: () => srv.aside(async (url) => (missed = await sendAs({ ...srv, url }, 'alice', 'bob', 'missed ', 8))),
  });
  await until(() => got.message.length === 8, 'the 8 missed messages');
  assert.equal(got.resumeTruncated.length, 1);
  const live = await sendAs(srv, 'alice', 'bob', 'live ', 1);
  await until(() => got.message.length === 9, 'the live message');
  assert.deepEqual(got.message.map((m) => m.id), [...missed, ...live]);
});

test('a send with a muid already used answers the first message and stores nothing', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await makeUser(srv, 'bob');
  const alice = await loggedIn(srv, 'alice', { autoConnect: false });
  t.after(() => alice.close());
  const a = await alice.send({ to: { uid: 'bob' }, muid: 'c-1', data: { text: 'once' } });
  const b = await alice.send({ to: { uid: 'bob' }, muid: 'c-1', data: { text: 'twice?' } });
  assert.equal(b.id, a.id);
  assert.equal(b.data.text, 'once');
  const all = await alice.messages().user('bob').fetch();
  assert.equal(all.items.length, 1);
});

test('a send made while the server is down is retried with its muid and makes one message', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  await makeUser(srv, 'bob');
  const alice = await loggedIn(srv, 'alice', { autoConnect: false, sendRetries: 8 });
  t.after(() => alice.close());
  /** @type {Promise<any> | undefined} */
  let pending;
  await srv.restart({
    between: async () => {
      pending = alice.sendText({ uid: 'bob' }, 'through the outage');
      // Let the first attempts fail against the closed port before the server returns.
      await new Promise((r) => setTimeout(r, 300));
    },
  });
  const m = await pending;
  assert.equal(m.data.text, 'through the outage');
  const all = await alice.messages().user('bob').fetch();
  assert.deepEqual(all.items.map((x) => x.id), [m.id]);
});
