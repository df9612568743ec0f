// @ts-check
// index.d.ts and the modules agree: every method the types declare on Parley and on the request
// builders exists at run time (tsc checks the signatures of most; this catches the table-made ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Parley } from '../index.js';

const dts = await readFile(new URL('../index.d.ts', import.meta.url), 'utf8');

/**
 * The method names declared in one block of index.d.ts.
 * @param {RegExp} start where the block starts
 */
function declared(start) {
  const from = dts.search(start);
  const body = dts.slice(from, dts.indexOf('\n}\n', from));
  return [...body.matchAll(/^ {2}(\w+)(?:<[^>]*>)?\(/gm)].map((m) => m[1]).filter((n) => n !== 'constructor');
}

const chat = new Parley({ appId: 'a', baseUrl: 'http://127.0.0.1:1' });

test('every method index.d.ts declares on Parley exists', () => {
  const names = declared(/^export class Parley /m);
  assert.ok(names.length > 50, `found ${names.length}`);
  assert.deepEqual(names.filter((n) => typeof /** @type {any} */ (chat)[n] !== 'function'), []);
});

test('every filter index.d.ts declares on the builders exists on them', () => {
  /** @type {[RegExp, any][]} */
  const builders = [
    [/^export interface MessageFilters /m, chat.messages()],
    [/^export interface MessagesRequest /m, chat.messages()],
    [/^export interface ThreadsRequest /m, chat.threads()],
    [/^export interface CursorRequest/m, chat.messages()],
    [/^export interface UserFilters /m, chat.users()],
    [/^export interface BlockedUsersRequest /m, chat.blockedUsers()],
    [/^export interface GroupsRequest /m, chat.groups()],
    [/^export interface MembersRequest /m, chat.members('g')],
    [/^export interface BannedMembersRequest /m, chat.bannedMembers('g')],
    [/^export interface ConversationsRequest /m, chat.conversations()],
    [/^export interface PageRequest/m, chat.users()],
    [/^export interface ReactionsRequest /m, chat.reactions(1)],
  ];
  for (const [start, req] of builders) {
    const names = declared(start);
    assert.ok(names.length > 0, String(start));
    assert.deepEqual(names.filter((n) => typeof req[n] !== 'function'), [], String(start));
  }
});

test('a filter method sets its query parameter; without an argument, true', () => {
  const q = /** @type {any} */ (chat.messages().tags(['a', 'b']).hideReplies().limit(5)).q;
  assert.deepEqual(q, { tags: ['a', 'b'], hideReplies: true, limit: 5 });
});
