// @ts-check
// The SDK against a real `parley serve`: login, real-time events, signals, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '../index.js';
import { nodeWebSocket, startServer, until } from '../../test/harness.mjs';
import { client, loggedIn, makeUser, record } from './helpers.mjs';

/** @type {import('./helpers.mjs').Server} */
let srv;
/** @type {import('../index.js').Parley[]} */
const clients = [];
before(async () => {
  srv = await startServer();
});
after(async () => {
  for (const c of clients) c.close();
  await srv.stop();
});

/**
 * @param {string} uid
 * @param {Partial<import('../index.js').Settings>} [more]
 */
async function user(uid, more) {
  const c = await loggedIn(srv, uid, more);
  clients.push(c);
  return c;
}

test('login with an auth token connects and knows the user', async () => {
  const token = await makeUser(srv, 'tina');
  const c = client(srv);
  clients.push(c);
  const states = record(c, ['connection']).connection;
  const me = await c.login({ authToken: token });
  assert.equal(me.uid, 'tina');
  assert.equal(c.user?.uid, 'tina');
  assert.equal(c.connectionState, 'connected');
  assert.deepEqual(states, ['connecting', 'connected']);
});

test('login with uid and Auth Key makes a token and connects', async () => {
  await makeUser(srv, 'kai');
  const c = client(srv, { deviceId: 'kai-laptop' });
  clients.push(c);
  const me = await c.login({ uid: 'kai', authKey: srv.authKey });
  assert.equal(me.uid, 'kai');
  assert.ok(c.authToken && c.authToken.length > 20);
  assert.equal(c.connectionState, 'connected');
});

test('login with a bad token rejects with the server code and leaves no session', async () => {
  const c = client(srv);
  await assert.rejects(c.login('not-a-token'), (e) => e instanceof ParleyError && e.code === 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND' && e.status === 401);
  assert.equal(c.authToken, null);
  assert.equal(c.connectionState, 'disconnected');
});

test('manual mode connects only on connect() and stops on disconnect()', async () => {
  const c = await user('manny', { autoConnect: false });
  assert.equal(c.connectionState, 'disconnected');
  await c.connect();
  assert.equal(c.connectionState, 'connected');
  c.disconnect();
  assert.equal(c.connectionState, 'disconnected');
});

test('a text message reaches the receiver in real time, once, and the sender own devices', async () => {
  const alice = await user('alice1');
  const bob = await user('bob1');
  const bobGot = record(bob, ['message']);
  const aliceGot = record(alice, ['message']);
  const sent = await alice.sendText({ uid: 'bob1' }, 'hi bob');
  assert.equal(sent.data.text, 'hi bob');
  assert.ok(sent.muid, 'the SDK gives every send a muid');
  await until(() => bobGot.message.length === 1 && aliceGot.message.length === 1, 'the message on both sockets');
  assert.equal(bobGot.message[0].id, sent.id);
  assert.equal(bobGot.message[0].sender, 'alice1');
  assert.deepEqual(bob.peer(bobGot.message[0]), { uid: 'alice1' });
  assert.equal(bob.lastMessageId, Number(sent.id));
});

test('typing, transient messages, receipts, reactions, edits and deletes arrive as events', async () => {
  const alice = await user('alice2');
  const bob = await user('bob2');
  const got = record(bob, ['typing', 'transient', 'reaction', 'edited', 'deleted']);
  const aliceGot = record(alice, ['receipt']);
  alice.startTyping({ uid: 'bob2' }, { composing: 'text' });
  await until(() => got.typing.length === 1, 'typing started');
  assert.equal(got.typing[0].action, 'started');
  assert.equal(got.typing[0].sender, 'alice2');
  assert.deepEqual(got.typing[0].metadata, { composing: 'text' });
  alice.endTyping({ uid: 'bob2' });
  await until(() => got.typing.length === 2, 'typing ended');
  assert.equal(got.typing[1].action, 'ended');
  alice.sendTransient({ uid: 'bob2' }, { cursor: 12 });
  await until(() => got.transient.length === 1, 'transient');
  assert.deepEqual(got.transient[0].data, { cursor: 12 });

  const m = await alice.sendText({ uid: 'bob2' }, 'react to me');
  await bob.markRead({ uid: 'alice2' }, m.id);
  await until(() => aliceGot.receipt.some((r) => r.action === 'read'), 'read receipt');
  assert.equal(aliceGot.receipt.find((r) => r.action === 'read').messageId, m.id);

  const reacted = await alice.addReaction(m.id, '👍');
  assert.deepEqual(reacted.data.reactions, [{ reaction: '👍', count: 1, reactedByMe: true }]);
  await until(() => got.reaction.length === 1, 'reaction');
  assert.equal(got.reaction[0].action, 'message_reaction_added');
  assert.equal(got.reaction[0].reaction.reaction, '👍');

  const edited = await alice.editMessage(m.id, { data: { text: 'edited' } });
  assert.equal(edited.data.text, 'edited');
  await until(() => got.edited.length === 1, 'edited');
  assert.equal(got.edited[0].id, m.id);
  assert.equal(got.edited[0].data.text, 'edited');
  await alice.deleteMessage(m.id);
  await until(() => got.deleted.length === 1, 'deleted');
  assert.equal(got.deleted[0].id, m.id);
  assert.ok(got.deleted[0].deletedAt);
});

test('presence: a user subscribed to all users sees another come online and go offline', async () => {
  const watcher = await user('watcher', { presence: 'ALL_USERS' });
  const got = record(watcher, ['presence']);
  const token = await makeUser(srv, 'comer');
  const comer = client(srv);
  await comer.login(token);
  await until(() => got.presence.some((p) => p.user.uid === 'comer' && p.status === 'online'), 'online');
  comer.close();
  await until(() => got.presence.some((p) => p.user.uid === 'comer' && p.status === 'offline'), 'offline');
});

test('groups: create, join, members, member actions and group messages reach members', async () => {
  const owner = await user('owner3');
  const joiner = await user('joiner3');
  const ownerGot = record(owner, ['groupMember', 'message']);
  const g = await owner.createGroup({ guid: 'hikers3', name: 'Hikers', type: 'public' });
  assert.equal(g.guid, 'hikers3');
  await joiner.joinGroup('hikers3');
  const isJoin = (/** @type {any} */ a) => a.action === 'joined' && a.on.uid === 'joiner3';
  await until(() => ownerGot.groupMember.some(isJoin), 'joined action');
  const joined = ownerGot.groupMember.find(isJoin);
  assert.equal(joined.by.uid, 'joiner3');
  assert.equal(joined.group.guid, 'hikers3');
  const members = [];
  for await (const m of owner.members('hikers3').limit(1)) members.push(m.uid + ':' + m.scope);
  assert.deepEqual(members.sort(), ['joiner3:participant', 'owner3:admin']);
  const sent = await joiner.sendText({ guid: 'hikers3' }, 'hello hikers');
  await until(() => ownerGot.message.some((m) => m.id === sent.id), 'group message');
  assert.deepEqual(owner.peer(sent), { guid: 'hikers3' });
});

test('events() iterates the events of the types asked, until the loop breaks', async () => {
  const alice = await user('alice4');
  const bob = await user('bob4');
  const it = bob.events(['message', 'typing']);
  await alice.sendText({ uid: 'bob4' }, 'one');
  alice.startTyping({ uid: 'bob4' });
  await alice.sendText({ uid: 'bob4' }, 'two');
  const seen = [];
  for await (const ev of it) {
    seen.push(ev.type === 'message' ? ev.data.data.text : ev.type + ':' + ev.data.action);
    if (seen.filter((s) => s === 'one' || s === 'two').length === 2 && seen.includes('typing:started')) break;
  }
  assert.deepEqual(seen.filter((s) => s !== 'typing:started'), ['one', 'two']);
  assert.equal((await it.next()).done, true, 'the iterator is finished once the loop broke');
});

test('on() returns a function that removes the listener', async () => {
  const alice = await user('alice5');
  const bob = await user('bob5');
  const got = [];
  const off = bob.on('message', (m) => got.push(m.id));
  const all = record(bob, ['message']);
  await alice.sendText({ uid: 'bob5' }, 'first');
  await until(() => all.message.length === 1, 'first');
  off();
  await alice.sendText({ uid: 'bob5' }, 'second');
  await until(() => all.message.length === 2, 'second');
  assert.equal(got.length, 1);
});

test('REST errors carry the server code and status', async () => {
  const alice = await user('alice6');
  await assert.rejects(alice.sendText({ uid: 'ghost' }, 'anyone?'), (e) => e instanceof ParleyError && e.code === 'ERR_UID_NOT_FOUND' && e.status === 404);
  await assert.rejects(alice.getGroup('nowhere'), (e) => e instanceof ParleyError && e.code === 'ERR_GUID_NOT_FOUND');
  await assert.rejects(alice.sendText({ uid: 'alice6' }, ''), (e) => e instanceof ParleyError && e.code === 'ERR_EMPTY_MESSAGE_TEXT' && e.status === 400);
  const c = client(srv);
  await assert.rejects(c.me(), (e) => e instanceof ParleyError && e.code === 'ERR_NOT_LOGGED_IN');
});

test('a refused typing frame comes back as an error event naming the frame and the code', async () => {
  const owner = await user('owner7');
  const outsider = await user('outsider7');
  await owner.createGroup({ guid: 'closed7', name: 'Closed', type: 'public' });
  const errs = record(outsider, ['error']).error;
  outsider.startTyping({ guid: 'closed7' });
  await until(() => errs.length === 1, 'error frame');
  assert.equal(errs[0].code, 'ERR_NOT_A_MEMBER');
  assert.equal(errs[0].frame, 'typing_indicator');
  assert.equal(outsider.connectionState, 'connected', 'the connection stays');
});

test('logout revokes the token: the socket closes for good and calls fail', async () => {
  const token = await makeUser(srv, 'leaver');
  const a = client(srv);
  const b = client(srv);
  clients.push(a, b);
  await a.login(token);
  await b.login(token);
  const lost = record(b, ['disconnected']).disconnected;
  await a.logout();
  await until(() => lost.length === 1, 'the other session closed');
  assert.equal(lost[0].closeCode, 4004);
  assert.equal(b.connectionState, 'disconnected');
  await assert.rejects(b.me(), (e) => e instanceof ParleyError && e.code === 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
});

test('typing faster than the server allows: an ERR_TOO_MANY_REQUESTS error and the featureThrottled state, then connected', async () => {
  const alice = await user('alice8');
  await user('bob8');
  const got = record(alice, ['error', 'connection']);
  /** @type {unknown[]} */
  const whileThrottled = [];
  alice.on('connection', (s) => {
    if (s !== 'featureThrottled') return;
    try {
      alice.endTyping({ uid: 'bob8' });
      whileThrottled.push('sent');
    } catch (e) {
      whileThrottled.push(e);
    }
  });
  // The server takes 5 typing frames a second per connection, in bursts of 10 (protocol.md §12).
  for (let i = 0; i < 15; i++) alice.startTyping({ uid: 'bob8' });
  await until(() => got.error.some((e) => e.code === 'ERR_TOO_MANY_REQUESTS'), 'the refusal');
  assert.equal(got.error.find((e) => e.code === 'ERR_TOO_MANY_REQUESTS').frame, 'typing_indicator');
  assert.ok(got.connection.includes('featureThrottled'));
  assert.deepEqual(whileThrottled, ['sent'], 'a throttled connection still sends');
  await until(() => alice.connectionState === 'connected', 'connected again', 5000);
});

test('a client logged in as another user starts from that user\'s own newest message', async () => {
  const a = await user('first9');
  const other = await user('other9');
  await other.sendText({ uid: 'first9' }, 'for first9 only');
  await until(() => a.lastMessageId > 0, 'first9 got a message');
  const token = await makeUser(srv, 'second9');
  a.close();
  // Sent before second9 logs in: not theirs to receive live, though after first9's cursor.
  await other.sendText({ uid: 'second9' }, 'before the login');
  const got = record(a, ['message']);
  await a.login(token);
  const m = await other.sendText({ uid: 'second9' }, 'for second9');
  await until(() => got.message.length === 1, 'second9 gets their message');
  assert.equal(got.message[0].id, m.id);
});

test('disconnect() and connect() while the first connection is still starting leave one connection', async () => {
  const token = await makeUser(srv, 'quick10');
  const c = client(srv, { autoConnect: false });
  clients.push(c);
  await c.login(token);
  const first = c.connect().catch(() => {});
  c.disconnect();
  await first;
  await c.connect();
  const watcher = await user('watcher10', { presence: 'ALL_USERS' });
  const got = record(watcher, ['presence']);
  c.disconnect();
  // One connection: its close takes the user offline (two would keep them online).
  await until(() => got.presence.some((p) => p.user.uid === 'quick10' && p.status === 'offline'), 'quick10 offline');
});

test('a new client given a saved lastMessageId receives what was sent since, once, in order', async () => {
  const sender = await user('sender11');
  const token = await makeUser(srv, 'saver11');
  const first = client(srv);
  clients.push(first);
  await first.login(token);
  const seen = record(first, ['message']);
  const m1 = await sender.sendText({ uid: 'saver11' }, 'one');
  await until(() => seen.message.length === 1, 'one');
  const saved = first.lastMessageId;
  assert.equal(saved, Number(m1.id));
  first.close();
  const m2 = await sender.sendText({ uid: 'saver11' }, 'two');
  const m3 = await sender.sendText({ uid: 'saver11' }, 'three');
  const next = client(srv, { lastMessageId: saved });
  clients.push(next);
  const got = record(next, ['message']);
  await next.login(token);
  const m4 = await sender.sendText({ uid: 'saver11' }, 'four');
  await until(() => got.message.length === 3, 'two, three, four');
  assert.deepEqual(got.message.map((m) => m.id), [m2.id, m3.id, m4.id]);
});

test('examples/echobot-js answers a message and exits cleanly on SIGTERM', async (t) => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bot = spawn(process.execPath, [...process.execArgv.filter((a) => a === '--experimental-websocket'),
    fileURLToPath(new URL('../../../examples/echobot-js/echobot.mjs', import.meta.url)),
    '--url', srv.url, '--app', srv.appId, '--key', srv.authKey, '--uid', 'echo12'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => bot.kill('SIGKILL'));
  let out = '';
  bot.stdout.on('data', (b) => (out += b));
  await until(() => out.includes('connection: connected'), 'the bot connected');
  const alice = await user('alice12');
  const got = record(alice, ['message']);
  await alice.sendText({ uid: 'echo12' }, 'ping');
  await until(() => got.message.some((m) => m.sender === 'echo12'), 'the answer');
  assert.equal(got.message.find((m) => m.sender === 'echo12').data.text, 'alice12 said: ping');
  const exited = new Promise((r) => bot.once('exit', r));
  bot.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('a declared keepalive goes in the auth frame and the server takes it; one out of range is refused before connecting', async () => {
  const WS = nodeWebSocket();
  /** @type {any[]} */
  const frames = [];
  class Recording extends WS {
    /** @param {any} data */
    send(data) {
      frames.push(JSON.parse(String(data)));
      super.send(data);
    }
  }
  const c = await user('kara', { keepalive: 120, WebSocket: /** @type {any} */ (Recording) });
  assert.equal(c.connectionState, 'connected');
  const auth = frames.find((f) => f.type === 'auth');
  assert.equal(auth?.body?.keepalive, 120);
  const friend = await user('kurt');
  const got = record(c, ['message']);
  await friend.sendText({ uid: 'kara' }, 'still there');
  await until(() => got.message.length === 1, 'a message on the keepalive connection');
  for (const keepalive of [24, 301, 60.5]) {
    assert.throws(() => client(srv, { keepalive }), (/** @type {any} */ e) => e instanceof ParleyError && e.code === 'ERR_INVALID_ARGUMENT');
  }
});
