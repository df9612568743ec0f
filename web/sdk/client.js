// @ts-check
import { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import { ParleyError, request, retriable } from './rest.js';
import * as R from './requests.js';

/** @import { Settings, NewMessage, Query, ConnectionState, Receiver } from './index.js' */
/** @typedef {import('./index.js').Parley} P */

const enc = encodeURIComponent;

/** A Parley client: one user's session on one server (CometChat's `CometChat` object). */
export class Parley extends Emitter {
  /** @param {Settings} settings */
  constructor(settings) {
    super();
    if (!settings?.appId) throw new ParleyError('ERR_INVALID_ARGUMENT', 'settings.appId is required');
    const baseUrl = (settings.baseUrl ?? globalThis.location?.origin ?? '').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(baseUrl)) throw new ParleyError('ERR_INVALID_ARGUMENT', 'settings.baseUrl must be an http(s) URL');
    const k = settings.keepalive;
    if (k !== undefined && !(Number.isInteger(k) && k >= 25 && k <= 300)) {
      throw new ParleyError('ERR_INVALID_ARGUMENT', 'settings.keepalive must be whole seconds from 25 to 300');
    }
    /** @type {Settings & {baseUrl: string}} */
    this.settings = { ...settings, baseUrl };
    this.http = { baseUrl, appId: settings.appId, fetch: settings.fetch ?? globalThis.fetch.bind(globalThis) };
    this.conn = new Connection(this);
    /** @type {any} */
    this.user = null;
    /** @type {string | null} */
    this.authToken = null;
  }

  /** @returns {ConnectionState} */
  get connectionState() {
    return this.conn.state;
  }

  /** The id of the last message the listeners received: save it for `settings.lastMessageId`. */
  get lastMessageId() {
    return this.conn.cursor ?? 0;
  }

  /** A REST call as the logged-in user: `{data, meta}`. @type {P['rest']} */
  rest(method, path, o = {}) {
    if (!this.authToken) return Promise.reject(new ParleyError('ERR_NOT_LOGGED_IN', 'log in first'));
    return request(this.http, method, path, { ...o, headers: { authtoken: this.authToken } });
  }

  /** @param {string} method @param {string} path @param {unknown} [body] */
  async call(method, path, body) {
    return (await this.rest(method, path, { body })).data;
  }

  /** Logs in (auto mode: and connects). @type {P['login']} */
  async login(cred) {
    let token = typeof cred === 'string' ? cred : 'authToken' in cred ? cred.authToken : null;
    if (!token && typeof cred === 'object' && 'authKey' in cred) {
      const t = await this.createAuthToken(cred.authKey, cred.uid);
      token = t.authToken;
    }
    if (!token) throw new ParleyError('ERR_INVALID_ARGUMENT', 'an auth token, or a uid and an Auth Key, is required');
    this.conn.stop();
    this.authToken = token;
    const was = this.conn.uid;
    try {
      this.user = await this.call('GET', '/me');
    } catch (e) {
      this.authToken = null;
      throw e;
    }
    // Another user's cursor means nothing for this one.
    if (was && was !== this.user.uid) this.conn.cursor = null;
    this.conn.uid = this.user.uid;
    if (this.settings.autoConnect !== false) {
      await this.conn.start().catch((e) => {
        if (this.conn.running) return;
        this.close(); // refused for good: no session
        throw e;
      });
    }
    return this.user;
  }

  /** Logs this auth token out (it stops working at once) and disconnects. */
  async logout() {
    this.conn.stop();
    try {
      await this.call('DELETE', '/me');
    } finally {
      this.authToken = null;
      this.user = null;
    }
  }

  /** Disconnects and forgets the session without logging the token out. */
  close() {
    this.conn.stop();
    this.authToken = null;
    this.user = null;
  }

  /** Opens the WebSocket (manual mode). */
  connect() {
    if (!this.authToken) return Promise.reject(new ParleyError('ERR_NOT_LOGGED_IN', 'log in first'));
    return this.conn.start();
  }

  /** Closes the WebSocket and stops reconnecting. */
  disconnect() {
    this.conn.stop();
  }

  /** @type {P['createUser']} */
  async createUser(authKey, user) {
    return (await request(this.http, 'POST', '/users', { headers: { apikey: authKey }, body: user })).data;
  }

  /** @type {P['createAuthToken']} */
  async createAuthToken(authKey, uid) {
    const body = { platform: 'web', deviceId: this.settings.deviceId };
    return (await request(this.http, 'POST', `/users/${enc(uid)}/auth_tokens`, { headers: { apikey: authKey }, body })).data;
  }

  // Sending (the other calls are in the CALLS and LISTS tables below)

  /** @type {P['updateMe']} */
  async updateMe(fields) {
    return (this.user = await this.call('PUT', '/me', fields));
  }

  /** Sends a message with a muid (retried with it on network errors and 5xx). @type {P['send']} */
  async send(m, files) {
    const { to, ...rest } = m;
    /** @type {Record<string, unknown>} */
    const body = { ...rest, muid: m.muid ?? muid() };
    if (to) [body.receiver, body.receiverType] = target(to);
    const path = m.parentId ? `/messages/${m.parentId}/thread` : '/messages';
    const retries = this.settings.sendRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call('POST', path, files?.length ? form(body, files) : body);
      } catch (e) {
        if (!retriable(e) || attempt >= retries) throw e;
        const d = 500 * 2 ** attempt;
        await new Promise((r) => setTimeout(r, d / 2 + Math.random() * (d / 2)));
      }
    }
  }

  /** @type {P['sendText']} */
  sendText(to, text, more = {}) {
    return this.send({ ...more, to, data: { ...more.data, text } });
  }

  /** @type {P['sendMedia']} */
  sendMedia(to, files, more = {}) {
    const type = more.type ?? mediaType(files[0]?.type ?? '');
    return this.send({ ...more, to, type }, files);
  }

  /** @type {P['sendCustom']} */
  sendCustom(to, type, customData, more = {}) {
    return this.send({ ...more, to, category: 'custom', type, data: { ...more.data, customData } });
  }

  /** @type {P['sendInteractive']} */
  sendInteractive(to, type, interactiveData, goal, more = {}) {
    return this.send({ ...more, to, category: 'interactive', type, data: { ...more.data, interactiveData, interactionGoal: goal } });
  }

  /** @type {P['editMessage']} */
  async editMessage(id, update) {
    const action = await this.call('PUT', '/messages/' + id, update);
    return action.data?.entities?.on?.entity ?? action;
  }

  /** @type {P['deleteMessage']} */
  async deleteMessage(id, o = {}) {
    const action = await this.call('DELETE', '/messages/' + id, o.permanent ? { permanent: true } : undefined);
    return action.data?.entities?.on?.entity ?? action;
  }

  /** @type {P['peer']} */
  peer(m) {
    if (m.receiverType === 'group') return { guid: m.receiver };
    return { uid: m.sender === this.user?.uid ? m.receiver : m.sender };
  }

  /** @type {P['signal']} */
  signal(type, to, body) {
    const [receiver, receiverType] = target(to);
    this.conn.send({ type, receiver, receiverType, body });
  }

  /** @type {P['startTyping']} */
  startTyping(to, metadata) {
    this.signal('typing_indicator', to, { action: 'started', metadata });
  }

  /** @type {P['endTyping']} */
  endTyping(to, metadata) {
    this.signal('typing_indicator', to, { action: 'ended', metadata });
  }

  /** @type {P['sendTransient']} */
  sendTransient(to, data) {
    this.signal('transient_message', to, { data });
  }
}

/** The calls that are one REST request: name → [method, path, body]. @type {Record<string, [string, string, ((...a: any[]) => unknown)?]>} */
const CALLS = {
  me: ['GET', '/me'],
  getUser: ['GET', '/users/{0}'],
  blockUsers: ['POST', '/blockedusers', (uids) => ({ blockedUids: uids })],
  unblockUsers: ['DELETE', '/blockedusers', (uids) => ({ blockedUids: uids })],
  getMessage: ['GET', '/messages/{0}'],
  addReaction: ['POST', '/messages/{0}/reactions/{1}'],
  removeReaction: ['DELETE', '/messages/{0}/reactions/{1}'],
  interact: ['PATCH', '/messages/{0}/interacted', (_, ids) => ({ interactions: ids })],
  subscribeThread: ['POST', '/messages/{0}/thread/subscription'],
  unsubscribeThread: ['DELETE', '/messages/{0}/thread/subscription'],
  unreadCounts: ['GET', '/messages?unread=1&count=1'],
  markDelivered: ['POST', '~/conversation/delivered', (_, id) => (id ? { messageId: String(id) } : {})],
  markRead: ['POST', '~/conversation/read', (_, id) => (id ? { messageId: String(id) } : {})],
  markUnread: ['DELETE', '~/conversation/read', (_, id) => ({ messageId: String(id) })],
  getConversation: ['GET', '~/conversation'],
  tagConversation: ['PUT', '~/conversation', (_, tags) => ({ tags })],
  deleteConversation: ['DELETE', '~/conversation'],
  createGroup: ['POST', '/groups', (g) => g],
  getGroup: ['GET', '/groups/{0}'],
  updateGroup: ['PUT', '/groups/{0}', (_, u) => u],
  deleteGroup: ['DELETE', '/groups/{0}'],
  joinGroup: ['POST', '/groups/{0}/members', (_, password) => (password ? { password } : {})],
  leaveGroup: ['DELETE', '/groups/{0}/members'],
  addMembers: ['POST', '/groups/{0}/members', (_, lists) => lists],
  changeScope: ['PUT', '/groups/{0}/members/{1}', (_, __, scope) => ({ scope })],
  kickMember: ['DELETE', '/groups/{0}/members/{1}'],
  banMember: ['POST', '/groups/{0}/bannedusers/{1}'],
  unbanMember: ['DELETE', '/groups/{0}/bannedusers/{1}'],
  transferOwnership: ['PATCH', '/groups/{0}/owner', (_, owner) => ({ owner })],
};

/** The list requests: name → [builder, path] (placeholders as in CALLS). */
/** @type {Record<string, [new (c: Parley, path: string) => unknown, string]>} */
const LISTS = {
  users: [R.UsersRequest, '/users'],
  blockedUsers: [R.BlockedUsersRequest, '/blockedusers'],
  roles: [R.RolesRequest, '/roles'],
  messages: [R.MessagesRequest, '/messages'],
  threads: [R.ThreadsRequest, '/threads'],
  reactions: [R.ReactionsRequest, '/messages/{0}/reactions'],
  groups: [R.GroupsRequest, '/groups'],
  members: [R.MembersRequest, '/groups/{0}/members'],
  bannedMembers: [R.BannedMembersRequest, '/groups/{0}/bannedusers'],
  conversations: [R.ConversationsRequest, '/conversations'],
};

/** @param {string} path @param {any[]} args */
function fill(path, args) {
  if (path[0] === '~') path = R.peerPath(args[0]) + path.slice(1);
  return path.replace(/\{(\d)\}/g, (_, i) => enc(args[i]));
}

const proto = /** @type {any} */ (Parley.prototype);
for (const [name, [method, path, body]] of Object.entries(CALLS)) {
  proto[name] = function (/** @type {any[]} */ ...a) {
    return this.call(method, fill(path, a), body?.(...a));
  };
}
for (const [name, [Req, path]] of Object.entries(LISTS)) {
  proto[name] = function (/** @type {any[]} */ ...a) {
    return new Req(this, fill(path, a));
  };
}

/** @param {Receiver} to */
const target = (to) => ('guid' in to ? [to.guid, 'group'] : [to.uid, 'user']);

/** A random muid (getRandomValues works outside secure contexts too). */
function muid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** @param {string} mime */
function mediaType(mime) {
  const t = mime.split('/')[0];
  return t === 'image' || t === 'video' || t === 'audio' ? t : 'file';
}

/** @param {Record<string, unknown>} body @param {Blob[]} files */
function form(body, files) {
  const f = new FormData();
  f.set('data', JSON.stringify(body));
  for (const b of files) f.append('files[]', b, /** @type {any} */ (b).name ?? 'file');
  return f;
}
