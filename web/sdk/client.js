// @ts-check
import { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import { ParleyError, request, retriable } from './rest.js';
import * as R from './requests.js';

/** @import { Settings, Receiver, NewMessage, Query, ConnectionState } from './index.js' */

const enc = encodeURIComponent;

/**
 * A Parley client: one user's session on one server (CometChat's `CometChat` object).
 * `new Parley(settings)` makes no call; `login` starts the session.
 */
export class Parley {
  /** @param {Settings} settings */
  constructor(settings) {
    if (!settings?.appId) throw new ParleyError('ERR_INVALID_ARGUMENT', 'settings.appId is required');
    const baseUrl = (settings.baseUrl ?? globalThis.location?.origin ?? '').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(baseUrl)) throw new ParleyError('ERR_INVALID_ARGUMENT', 'settings.baseUrl must be an http(s) URL');
    /** @type {Settings & {baseUrl: string}} */
    this.settings = { ...settings, baseUrl };
    this.http = { baseUrl, appId: settings.appId, fetch: settings.fetch ?? globalThis.fetch.bind(globalThis) };
    this.emitter = new Emitter();
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

  /**
   * Adds a listener of an event (see index.d.ts `Events`); returns the function that removes it.
   * @param {string} name
   * @param {(data: any, frame?: any) => void} fn
   */
  on(name, fn) {
    return this.emitter.on(name, fn);
  }

  /**
   * The events as an async iterator of `{type, data}` (of `types`, or all).
   * @param {string[]} [types]
   * @param {{signal?: AbortSignal}} [opts]
   */
  events(types, opts) {
    return this.emitter.events(types, opts);
  }

  /**
   * A REST call as the logged-in user; resolves with `{data, meta}`.
   * @param {string} method
   * @param {string} path under /v3
   * @param {{query?: Query, body?: unknown, signal?: AbortSignal}} [o]
   */
  rest(method, path, o = {}) {
    if (!this.authToken) return Promise.reject(new ParleyError('ERR_NOT_LOGGED_IN', 'log in first'));
    return request(this.http, method, path, { ...o, headers: { authtoken: this.authToken } });
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async call(method, path, body) {
    return (await this.rest(method, path, { body })).data;
  }

  /**
   * Logs in with an auth token (made by the app's backend), or with uid + Auth Key
   * (development: makes a token first). In auto mode it also connects, and resolves once
   * connected or the first attempt failed (it keeps trying unless the server refused for good).
   * @param {string | {authToken: string} | {uid: string, authKey: string}} cred
   */
  async login(cred) {
    let token = typeof cred === 'string' ? cred : 'authToken' in cred ? cred.authToken : null;
    if (!token && typeof cred === 'object' && 'authKey' in cred) {
      const t = await this.createAuthToken(cred.authKey, cred.uid);
      token = t.authToken;
    }
    if (!token) throw new ParleyError('ERR_INVALID_ARGUMENT', 'an auth token, or a uid and an Auth Key, is required');
    this.conn.stop();
    this.authToken = token;
    try {
      this.user = await this.call('GET', '/me');
    } catch (e) {
      this.authToken = null;
      throw e;
    }
    if (this.settings.autoConnect !== false) {
      await this.conn.start().catch((e) => {
        if (!this.conn.running) throw e;
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

  /**
   * Opens the WebSocket (manual mode; `autoConnect: false`). Resolves once connected, rejects
   * with the first attempt's error (it keeps trying unless refused for good).
   */
  connect() {
    if (!this.authToken) return Promise.reject(new ParleyError('ERR_NOT_LOGGED_IN', 'log in first'));
    return this.conn.start();
  }

  /** Closes the WebSocket and stops reconnecting. */
  disconnect() {
    this.conn.stop();
  }

  /**
   * POST /v3/users with the Auth Key.
   * @param {string} authKey
   * @param {{uid: string, name: string} & Record<string, unknown>} user
   */
  async createUser(authKey, user) {
    return (await request(this.http, 'POST', '/users', { headers: { apikey: authKey }, body: user })).data;
  }

  /**
   * POST /v3/users/{uid}/auth_tokens with the Auth Key.
   * @param {string} authKey
   * @param {string} uid
   */
  async createAuthToken(authKey, uid) {
    const body = { platform: 'web', deviceId: this.settings.deviceId };
    return (await request(this.http, 'POST', `/users/${enc(uid)}/auth_tokens`, { headers: { apikey: authKey }, body })).data;
  }

  // Users

  me() {
    return this.call('GET', '/me');
  }
  /** @param {Record<string, unknown>} fields */
  async updateMe(fields) {
    return (this.user = await this.call('PUT', '/me', fields));
  }
  /** @param {string} uid */
  getUser(uid) {
    return this.call('GET', '/users/' + enc(uid));
  }
  users() {
    return new R.UsersRequest(this, '/users');
  }
  blockedUsers() {
    return new R.BlockedUsersRequest(this, '/blockedusers');
  }
  /** @param {string[]} uids */
  blockUsers(uids) {
    return this.call('POST', '/blockedusers', { blockedUids: uids });
  }
  /** @param {string[]} uids */
  unblockUsers(uids) {
    return this.call('DELETE', '/blockedusers', { blockedUids: uids });
  }
  roles() {
    return new R.RolesRequest(this, '/roles');
  }

  // Messages

  /**
   * Sends a message. It carries a `muid` (made here when not given): when the server can't
   * be reached or answers 5xx, the SDK sends it again with the same muid, and the server makes
   * it once. Files (Blob/File) go as multipart.
   * @param {NewMessage} m
   * @param {Blob[]} [files]
   */
  async send(m, files) {
    const { to, ...rest } = m;
    /** @type {Record<string, unknown>} */
    const body = { ...rest, muid: m.muid ?? muid() };
    if (to) Object.assign(body, 'guid' in to ? { receiver: to.guid, receiverType: 'group' } : { receiver: to.uid, receiverType: 'user' });
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

  /**
   * @param {Receiver} to
   * @param {string} text
   * @param {Partial<NewMessage>} [more]
   */
  sendText(to, text, more = {}) {
    return this.send({ ...more, to, data: { ...more.data, text } });
  }

  /**
   * @param {Receiver} to
   * @param {Blob[]} files
   * @param {Partial<NewMessage> & {type?: 'image' | 'video' | 'audio' | 'file'}} [more]
   */
  sendMedia(to, files, more = {}) {
    const type = more.type ?? mediaType(files[0]?.type ?? '');
    return this.send({ ...more, to, type }, files);
  }

  /**
   * @param {Receiver} to
   * @param {string} type
   * @param {Record<string, unknown>} customData
   * @param {Partial<NewMessage>} [more]
   */
  sendCustom(to, type, customData, more = {}) {
    return this.send({ ...more, to, category: 'custom', type, data: { ...more.data, customData } });
  }

  /**
   * @param {Receiver} to
   * @param {string} type
   * @param {Record<string, unknown>} interactiveData
   * @param {{type: string, elementIds?: string[]}} [goal]
   * @param {Partial<NewMessage>} [more]
   */
  sendInteractive(to, type, interactiveData, goal, more = {}) {
    return this.send({ ...more, to, category: 'interactive', type, data: { ...more.data, interactiveData, interactionGoal: goal } });
  }

  /** @param {string | number} id */
  getMessage(id) {
    return this.call('GET', '/messages/' + id);
  }
  /**
   * Edits a message; resolves with the message as edited.
   * @param {string | number} id
   * @param {{data?: {text?: string, metadata?: object}, tags?: string[]}} update
   */
  async editMessage(id, update) {
    const action = await this.call('PUT', '/messages/' + id, update);
    return action.data?.entities?.on?.entity ?? action;
  }
  /**
   * @param {string | number} id
   * @param {{permanent?: boolean}} [o]
   */
  async deleteMessage(id, o = {}) {
    const action = await this.call('DELETE', '/messages/' + id, o.permanent ? { permanent: true } : undefined);
    return action.data?.entities?.on?.entity ?? action;
  }
  /**
   * @param {string | number} id
   * @param {string} reaction
   */
  addReaction(id, reaction) {
    return this.call('POST', `/messages/${id}/reactions/${enc(reaction)}`);
  }
  /**
   * @param {string | number} id
   * @param {string} reaction
   */
  removeReaction(id, reaction) {
    return this.call('DELETE', `/messages/${id}/reactions/${enc(reaction)}`);
  }
  /**
   * @param {string | number} id
   * @param {string[]} elementIds
   */
  interact(id, elementIds) {
    return this.call('PATCH', `/messages/${id}/interacted`, { interactions: elementIds });
  }
  /** @param {string | number} id */
  subscribeThread(id) {
    return this.call('POST', `/messages/${id}/thread/subscription`);
  }
  /** @param {string | number} id */
  unsubscribeThread(id) {
    return this.call('DELETE', `/messages/${id}/thread/subscription`);
  }
  messages() {
    return new R.MessagesRequest(this, '/messages');
  }
  threads() {
    return new R.ThreadsRequest(this, '/threads');
  }
  /** @param {string | number} id */
  reactions(id) {
    return new R.ReactionsRequest(this, `/messages/${id}/reactions`);
  }

  /**
   * The conversation a message belongs to, from this user's side: where to answer it.
   * @param {{sender: string, receiver: string, receiverType: string}} m
   * @returns {Receiver}
   */
  peer(m) {
    if (m.receiverType === 'group') return { guid: m.receiver };
    return { uid: m.sender === this.user?.uid ? m.receiver : m.sender };
  }

  // Receipts, typing, transient messages

  /**
   * Marks that message and every earlier one of the conversation delivered (over REST).
   * @param {Receiver} to
   * @param {string | number} [messageId] the latest when absent
   */
  markDelivered(to, messageId) {
    return this.call('POST', R.peerPath(to) + '/conversation/delivered', messageId ? { messageId: String(messageId) } : {});
  }
  /**
   * @param {Receiver} to
   * @param {string | number} [messageId]
   */
  markRead(to, messageId) {
    return this.call('POST', R.peerPath(to) + '/conversation/read', messageId ? { messageId: String(messageId) } : {});
  }
  /**
   * @param {Receiver} to
   * @param {string | number} messageId
   */
  markUnread(to, messageId) {
    return this.call('DELETE', R.peerPath(to) + '/conversation/read', { messageId: String(messageId) });
  }
  /** @returns {Promise<{conversationId: string, count: number}[]>} */
  unreadCounts() {
    return this.call('GET', '/messages?unread=1&count=1');
  }

  /**
   * Sends a frame about a conversation on the WebSocket (ERR_NOT_CONNECTED when down). A
   * refusal comes back as an `error` event naming the frame.
   * @param {string} type
   * @param {Receiver} to
   * @param {object} body
   */
  signal(type, to, body) {
    const [receiver, receiverType] = 'guid' in to ? [to.guid, 'group'] : [to.uid, 'user'];
    this.conn.send({ type, receiver, receiverType, body });
  }
  /**
   * @param {Receiver} to
   * @param {object} [metadata]
   */
  startTyping(to, metadata) {
    this.signal('typing_indicator', to, { action: 'started', metadata });
  }
  /**
   * @param {Receiver} to
   * @param {object} [metadata]
   */
  endTyping(to, metadata) {
    this.signal('typing_indicator', to, { action: 'ended', metadata });
  }
  /**
   * @param {Receiver} to
   * @param {object} data
   */
  sendTransient(to, data) {
    this.signal('transient_message', to, { data });
  }

  // Groups

  /** @param {{guid: string, name: string, type: 'public' | 'password' | 'private'} & Record<string, unknown>} g */
  createGroup(g) {
    return this.call('POST', '/groups', g);
  }
  /** @param {string} guid */
  getGroup(guid) {
    return this.call('GET', '/groups/' + enc(guid));
  }
  groups() {
    return new R.GroupsRequest(this, '/groups');
  }
  /**
   * @param {string} guid
   * @param {Record<string, unknown>} update
   */
  updateGroup(guid, update) {
    return this.call('PUT', '/groups/' + enc(guid), update);
  }
  /** @param {string} guid */
  deleteGroup(guid) {
    return this.call('DELETE', '/groups/' + enc(guid));
  }
  /**
   * @param {string} guid
   * @param {string} [password]
   */
  joinGroup(guid, password) {
    return this.call('POST', `/groups/${enc(guid)}/members`, password ? { password } : {});
  }
  /** @param {string} guid */
  leaveGroup(guid) {
    return this.call('DELETE', `/groups/${enc(guid)}/members`);
  }
  /**
   * @param {string} guid
   * @param {{admins?: string[], moderators?: string[], participants?: string[], usersToBan?: string[]}} lists
   */
  addMembers(guid, lists) {
    return this.call('POST', `/groups/${enc(guid)}/members`, lists);
  }
  /** @param {string} guid */
  members(guid) {
    return new R.MembersRequest(this, `/groups/${enc(guid)}/members`);
  }
  /** @param {string} guid */
  bannedMembers(guid) {
    return new R.BannedMembersRequest(this, `/groups/${enc(guid)}/bannedusers`);
  }
  /**
   * @param {string} guid
   * @param {string} uid
   * @param {'admin' | 'moderator' | 'participant'} scope
   */
  changeScope(guid, uid, scope) {
    return this.call('PUT', `/groups/${enc(guid)}/members/${enc(uid)}`, { scope });
  }
  /**
   * @param {string} guid
   * @param {string} uid
   */
  kickMember(guid, uid) {
    return this.call('DELETE', `/groups/${enc(guid)}/members/${enc(uid)}`);
  }
  /**
   * @param {string} guid
   * @param {string} uid
   */
  banMember(guid, uid) {
    return this.call('POST', `/groups/${enc(guid)}/bannedusers/${enc(uid)}`);
  }
  /**
   * @param {string} guid
   * @param {string} uid
   */
  unbanMember(guid, uid) {
    return this.call('DELETE', `/groups/${enc(guid)}/bannedusers/${enc(uid)}`);
  }
  /**
   * @param {string} guid
   * @param {string} uid
   */
  transferOwnership(guid, uid) {
    return this.call('PATCH', `/groups/${enc(guid)}/owner`, { owner: uid });
  }

  // Conversations

  conversations() {
    return new R.ConversationsRequest(this, '/conversations');
  }
  /** @param {Receiver} to */
  getConversation(to) {
    return this.call('GET', R.peerPath(to) + '/conversation');
  }
  /**
   * @param {Receiver} to
   * @param {string[]} tags
   */
  tagConversation(to, tags) {
    return this.call('PUT', R.peerPath(to) + '/conversation', { tags });
  }
  /** @param {Receiver} to */
  deleteConversation(to) {
    return this.call('DELETE', R.peerPath(to) + '/conversation');
  }
}

/** A random message id of the client's (crypto.getRandomValues works outside secure contexts too). */
function muid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** @param {string} mime */
function mediaType(mime) {
  const t = mime.split('/')[0];
  return t === 'image' || t === 'video' || t === 'audio' ? t : 'file';
}

/**
 * @param {Record<string, unknown>} body
 * @param {Blob[]} files
 */
function form(body, files) {
  const f = new FormData();
  f.set('data', JSON.stringify(body));
  for (const b of files) f.append('files[]', b, /** @type {any} */ (b).name ?? 'file');
  return f;
}
