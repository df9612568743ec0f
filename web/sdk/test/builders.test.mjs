// @ts-check
// Request builders against a real server: cursor paging reads every message once, in order,
// both ways; filters reach the REST API; entity lists page by number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../test/harness.mjs';
import { loggedIn } from './helpers.mjs';

/** @type {import('./helpers.mjs').Server} */
let srv;
/** @type {import('../index.js').Parley} */
let alice;
/** @type {import('../index.js').Parley} */
let bob;
/** @type {string[]} */
const ids = [];

before(async () => {
  srv = await startServer();
  alice = await loggedIn(srv, 'alice', { autoConnect: false });
  bob = await loggedIn(srv, 'bob', { autoConnect: false });
  for (let i = 0; i < 25; i++) {
    const m = await alice.sendText({ uid: 'bob' }, `message ${i}`, { tags: i % 5 === 0 ? ['fifth'] : undefined });
    ids.push(m.id);
  }
});
after(async () => {
  alice.close();
  bob.close();
  await srv.stop();
});

test('for await over a conversation pages forward and yields every message once, in order', async () => {
  const seen = [];
  for await (const m of bob.messages().user('alice').limit(10)) seen.push(m.id);
  assert.deepEqual(seen, ids);
});

test('fetchPrevious walks back from the newest, page by page, to an empty page', async () => {
  const req = bob.messages().user('alice').limit(10);
  /** @type {string[][]} */
  const pages = [];
  for (;;) {
    const page = await req.fetchPrevious();
    if (!page.length) break;
    pages.push(page.map((m) => m.id));
  }
  assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
  assert.deepEqual(pages.reverse().flat(), ids);
});

test('fetchNext from after(id) catches up, then answers [] until a new message comes', async () => {
  const req = bob.messages().after(ids[19]).limit(100);
  assert.deepEqual((await req.fetchNext()).map((m) => m.id), ids.slice(20));
  assert.deepEqual(await req.fetchNext(), []);
  const m = await alice.sendText({ uid: 'bob' }, 'late');
  assert.deepEqual((await req.fetchNext()).map((x) => x.id), [m.id]);
  ids.push(m.id);
});

test('fetch() answers one page and the cursors to go on from', async () => {
  const p = await bob.messages().user('alice').limit(3).before(ids[10]).fetch();
  assert.deepEqual(p.items.map((m) => m.id), ids.slice(7, 10));
  assert.equal(p.previous, ids[7]);
  assert.equal(p.next, ids[9]);
});

test('message filters reach the REST API: tags, searchKey, sender, categories', async () => {
  const tagged = [];
  for await (const m of bob.messages().user('alice').tags('fifth')) tagged.push(m.data.text);
  assert.deepEqual(tagged, ['message 0', 'message 5', 'message 10', 'message 15', 'message 20']);
  const found = await bob.messages().searchKey('late').fetch();
  assert.deepEqual(found.items.map((m) => m.data.text), ['late']);
  const fromBob = await bob.messages().sender('bob').fetch();
  assert.equal(fromBob.items.length, 0);
  const actions = await bob.messages().categories(['action']).fetch();
  assert.equal(actions.items.length, 0);
  const withTags = await bob.messages().withTags().limit(100).fetch();
  assert.equal(withTags.items.length, 5);
});

test('entity lists page by number and take their filters', async () => {
  for (const uid of ['carol', 'carla', 'dave']) await loggedIn(srv, uid, { autoConnect: false }).then((c) => c.close());
  const names = [];
  for await (const u of alice.users().searchKey('car').limit(1)) names.push(u.uid);
  assert.deepEqual(names, ['carla', 'carol']);
  const page = await alice.users().limit(2).page(2).fetch();
  assert.equal(page.pagination.current_page, 2);
  assert.equal(page.pagination.per_page, 2);
  assert.equal(page.items.length, 2);
});

test('conversations list with unread counts, and the unread filter', async () => {
  const convs = [];
  for await (const c of bob.conversations()) convs.push(c);
  assert.equal(convs.length, 1);
  assert.equal(convs[0].conversationWith.uid, 'alice');
  assert.equal(convs[0].unreadMessageCount, String(ids.length));
  await bob.markRead({ uid: 'alice' });
  const unread = await bob.conversations().unread().fetch();
  assert.equal(unread.items.length, 0);
  assert.deepEqual(await bob.unreadCounts(), []);
});

test('groups and members lists: joined only, scopes', async () => {
  await alice.createGroup({ guid: 'g1', name: 'Group one', type: 'public' });
  await alice.createGroup({ guid: 'g2', name: 'Group two', type: 'public' });
  await bob.joinGroup('g2');
  const joined = await bob.groups().hasJoined().fetch();
  assert.deepEqual(joined.items.map((g) => g.guid), ['g2']);
  const admins = await alice.members('g2').scopes('admin').fetch();
  assert.deepEqual(admins.items.map((m) => m.uid), ['alice']);
});

test('threads and reactions page by cursor', async () => {
  await bob.send({ parentId: ids[0], data: { text: 'a reply' } });
  const threads = [];
  for await (const t of alice.threads().user('bob')) threads.push(t);
  assert.equal(threads.length, 1);
  assert.equal(threads[0].parentMessageId, ids[0]);
  const replies = await alice.messages().thread(ids[0]).fetch();
  assert.deepEqual(replies.items.map((m) => m.data.text), ['a reply']);
  await alice.addReaction(ids[1], '👍');
  await bob.addReaction(ids[1], '👍');
  await bob.addReaction(ids[1], '🎉');
  const who = [];
  for await (const r of alice.reactions(ids[1]).reaction('👍').limit(1)) who.push(r.uid);
  assert.deepEqual(who, ['alice', 'bob']);
});
