// @ts-check
/** @import { Query, Receiver, Pagination } from './index.js' */
/** @typedef {import('./client.js').Parley} Parley */

/** A list request: filter methods named after the REST query parameters, fetchNext(), for await. */
class Request {
  /** @param {Parley} client @param {string} path */
  constructor(client, path) {
    this.c = client;
    this.path = path;
    /** @type {Query} */
    this.q = {};
  }

  /** Sets a query parameter. @param {string} name @param {unknown} value */
  set(name, value) {
    if (value === undefined || value === null) delete this.q[name];
    else this.q[name] = /** @type {any} */ (value);
    return this;
  }

  /** Every item, page after page, from where the request starts. @returns {AsyncGenerator<any>} */
  async *[Symbol.asyncIterator]() {
    for (;;) {
      const items = await this.fetchNext();
      if (!items.length) return;
      yield* items;
    }
  }

  /** @returns {Promise<any[]>} */
  async fetchNext() {
    return [];
  }
}

/** Lists paged by id (messages, threads, reactions); pages in ascending id order. */
export class CursorRequest extends Request {
  /** @param {Parley} client @param {string} path */
  constructor(client, path) {
    super(client, path);
    /** @type {Query} */
    this.cur = {};
    /** @type {string | null} */
    this.prev = null;
    this.prevDone = false;
    /** @type {string | null} */
    this.next = null;
  }

  /** @param {number} n */
  limit(n) {
    return this.set('limit', n);
  }
  /** @param {string | number} id */
  before(id) {
    this.cur = { id, affix: 'prepend' };
    return this;
  }
  /** @param {string | number} id */
  after(id) {
    this.cur = { id, affix: 'append' };
    return this;
  }
  /** @param {number} ts */
  beforeTime(ts) {
    this.cur = { sentAt: ts, affix: 'prepend' };
    return this;
  }
  /** @param {number} ts */
  afterTime(ts) {
    this.cur = { sentAt: ts, affix: 'append' };
    return this;
  }
  /** Page forward from the first item. */
  fromStart() {
    this.cur = { affix: 'append' };
    return this;
  }

  /** One page at the request's cursor, and the cursors to go on from it. @param {Query} [cursor] @returns {Promise<{items: any[], previous?: string, next?: string}>} */
  async fetch(cursor = this.cur) {
    const r = await this.c.rest('GET', this.path, { query: { ...this.q, ...cursor } });
    return { items: r.data, previous: r.meta?.previous?.id, next: r.meta?.next?.id };
  }

  /** The page before the last one it read (first: the newest, or before `before(id)`). */
  async fetchPrevious() {
    if (this.prevDone) return [];
    const cur = this.prev !== null ? { id: this.prev, affix: 'prepend' } : this.cur.affix === 'prepend' ? this.cur : {};
    const p = await this.fetch(cur);
    const limit = Number(this.q.limit ?? 100);
    if (p.items.length) this.prev = p.previous ?? String(p.items[0].id);
    this.prevDone = !p.items.length || p.items.length < limit;
    return p.items;
  }

  /** The page after the last one it read (first: from `after(id)`, a time, or the start). */
  async fetchNext() {
    const cur = this.next !== null ? { id: this.next, affix: 'append' } : this.cur.affix === 'append' ? this.cur : { affix: 'append' };
    const p = await this.fetch(cur);
    if (p.items.length) this.next = p.next ?? String(p.items[p.items.length - 1].id);
    else if (this.next === null && cur.id !== undefined) this.next = String(cur.id);
    return p.items;
  }
}

/** Lists paged by number (users, groups, members, conversations, …). */
export class PageRequest extends Request {
  /** @param {Parley} client @param {string} path */
  constructor(client, path) {
    super(client, path);
    /** @type {number | null} */
    this.nextPage = null;
    this.done = false;
  }
  /** @param {number} n */
  limit(n) {
    return this.set('perPage', n);
  }
  /** @param {number} n */
  page(n) {
    this.nextPage = null;
    this.done = false;
    return this.set('page', n);
  }

  /** One page: the request's, or page n. @param {number} [n] @returns {Promise<{items: any[], pagination: Pagination}>} */
  async fetch(n) {
    const r = await this.c.rest('GET', this.path, { query: { ...this.q, page: n ?? this.q.page } });
    return { items: r.data, pagination: r.meta.pagination };
  }

  /** The next page ([] after the last). */
  async fetchNext() {
    if (this.done) return [];
    const n = this.nextPage ?? Number(this.q.page ?? 1);
    const p = await this.fetch(n);
    this.nextPage = n + 1;
    this.done = !p.items.length || n >= p.pagination.total_pages;
    return p.items;
  }
}

/** Adds a method per filter, setting the parameter of its name (true without argument). @template {new (...a: any[]) => any} T @param {T} cls @param {string} names @returns {T} */
function filters(cls, names) {
  const proto = cls.prototype;
  for (const name of names.split(' ')) {
    proto[name] = function (/** @type {unknown[]} */ ...v) {
      return this.set(name, v.length === 0 ? true : v.length > 1 ? v : v[0]);
    };
  }
  return cls;
}

const MESSAGE_FILTERS = 'category categories type types tags withTags sender searchKey hasAttachments attachmentTypes hasMentions mentionedUids myMentionsOnly hasReactions hideReplies hideDeleted onlyDeleted hideMessagesFromBlockedUsers fromTimestamp toTimestamp updatedAt onlyUpdates';
const USER_FILTERS = 'searchKey searchIn status role roles tags withTags uids friendsOnly hideBlockedUsers onlyDeactivated withDeactivated sortBy sortOrder';

/** GET /v3/messages, or a conversation's, or a thread's. */
export const MessagesRequest = filters(class extends CursorRequest {
  /** @param {string} uid */
  user(uid) {
    this.path = '/users/' + encodeURIComponent(uid) + '/messages';
    return this;
  }
  /** @param {string} guid */
  group(guid) {
    this.path = '/groups/' + encodeURIComponent(guid) + '/messages';
    return this;
  }
  /** @param {string | number} id */
  thread(id) {
    this.path = '/messages/' + id + '/thread';
    return this;
  }
}, MESSAGE_FILTERS);

/** GET /v3/threads, of one conversation with `user(uid)` or `group(guid)`. */
export const ThreadsRequest = filters(class extends CursorRequest {
  /** @param {string} uid */
  user(uid) {
    this.path = '/users/' + encodeURIComponent(uid) + '/threads';
    return this;
  }
  /** @param {string} guid */
  group(guid) {
    this.path = '/groups/' + encodeURIComponent(guid) + '/threads';
    return this;
  }
}, 'participatedByMe ' + MESSAGE_FILTERS);

/** GET /v3/messages/{id}/reactions, of one reaction with `reaction(r)`. */
export const ReactionsRequest = class extends CursorRequest {
  /** @param {string} r */
  reaction(r) {
    this.path = this.path.replace(/\/reactions.*$/, '/reactions/' + encodeURIComponent(r));
    return this;
  }
};

export const UsersRequest = filters(class extends PageRequest {}, USER_FILTERS);
export const BlockedUsersRequest = filters(class extends PageRequest {}, 'direction ' + USER_FILTERS);
export const GroupsRequest = filters(class extends PageRequest {}, 'searchKey searchIn type types tags withTags hasJoined sortBy sortOrder');
export const MembersRequest = filters(class extends PageRequest {}, 'scopes status searchKey');
export const BannedMembersRequest = filters(class extends PageRequest {}, 'searchKey');
export const ConversationsRequest = filters(class extends PageRequest {}, 'conversationType searchKey tags withTags withUserAndGroupTags userTags groupTags unread');
export const RolesRequest = class extends PageRequest {};

/** The REST path of a conversation's peer. @param {Receiver} to */
export function peerPath(to) {
  return 'guid' in to ? '/groups/' + encodeURIComponent(to.guid) : '/users/' + encodeURIComponent(to.uid);
}
