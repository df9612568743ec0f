// @ts-check
import { ParleyError } from './rest.js';

/** @import { ConnectionState } from './index.js' */
/** @typedef {import('./client.js').Parley} Parley */

/** Close codes after which retrying cannot help: a refused or revoked session, a broken client. */
const FINAL = [4001, 4003, 4004, 4005, 1002, 1003, 1007, 1009];

/** The user's WebSocket: auth with resume, ping, events in order, full-jitter reconnect. */
export class Connection {
  /** @param {Parley} client */
  constructor(client) {
    this.c = client;
    /** @type {ConnectionState} */
    this.state = 'disconnected';
    /** @type {WebSocket | null} */
    this.ws = null;
    /** The last message id received: where a reconnection resumes (null: not known yet). */
    /** @type {number | null} */
    this.cursor = client.settings.lastMessageId ?? null;
    /** The user the cursor belongs to. @type {string | undefined} */
    this.uid = undefined;
    this.running = false;
    this.attempt = 0;
    /** Counts starts and stops: an attempt of an earlier run gives up. */
    this.gen = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pinger = undefined;
    /** Frames are handled one after another, a truncated resume's REST pages included. */
    /** @type {Promise<void>} */
    this.chain = Promise.resolve();
    /** @type {((e?: ParleyError) => void) | null} */
    this.first = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.throttle = undefined;
  }

  /** Starts connecting unless running; settles with the first attempt. @returns {Promise<void>} */
  start() {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.attempt = 0;
    return new Promise((resolve, reject) => {
      this.first = (e) => (e ? reject(e) : resolve());
      this.open();
    });
  }

  /** Closes the connection and stops reconnecting. */
  stop() {
    this.running = false;
    this.gen++;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      this.unbind(ws);
      ws.close(1000);
    }
    this.settle(new ParleyError('ERR_NOT_CONNECTED', 'disconnected'));
    this.set('disconnected');
  }

  /** @param {ConnectionState} s */
  set(s) {
    if (this.state === s) return;
    this.state = s;
    this.c.emit('connection', s);
  }

  /** @param {ParleyError} [e] */
  settle(e) {
    const f = this.first;
    this.first = null;
    f?.(e);
  }

  /** One attempt: cursor, dial, auth. */
  async open() {
    const gen = ++this.gen;
    this.set('connecting');
    const s = this.c.settings;
    try {
      if (this.cursor === null) {
        // Start after the newest message the user may see now, so that nothing sent between
        // login and connection is lost.
        const page = await this.c.rest('GET', '/messages', { query: { limit: 1 } });
        this.cursor = page.data.length ? Number(page.data[page.data.length - 1].id) : 0;
      }
    } catch (e) {
      if (gen === this.gen) this.lost(/** @type {ParleyError} */ (e));
      return;
    }
    if (!this.running || gen !== this.gen) return;
    const url = s.baseUrl.replace(/^http/, 'ws') + '/v3/ws?appId=' + encodeURIComponent(s.appId);
    const WS = s.WebSocket ?? globalThis.WebSocket;
    if (!WS) return this.lost(new ParleyError('ERR_INVALID_ARGUMENT', 'no WebSocket: pass settings.WebSocket on Node 20'), true);
    /** @type {WebSocket} */
    let ws;
    try {
      ws = new WS(url);
    } catch (e) {
      return this.lost(new ParleyError('ERR_CONNECTION', 'the WebSocket could not be opened', { cause: e }));
    }
    this.ws = ws;
    let authed = false;
    /** @type {ParleyError | null} */
    let announced = null;
    ws.onopen = () => {
      const body = { auth: this.c.authToken, lastMessageId: String(this.cursor), deviceId: s.deviceId, presenceSubscription: s.presence, roles: s.roles, keepalive: s.keepalive };
      ws.send(JSON.stringify({ type: 'auth', body }));
    };
    ws.onmessage = (ev) => {
      let f;
      try {
        f = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (!authed) {
        if (f.type === 'auth' && f.body?.code === '200') {
          authed = true;
          this.attempt = 0;
          this.pinger = setInterval(() => this.send({ action: 'ping', ack: 'true' }), s.pingInterval ?? (s.keepalive ?? 25) * 1000);
          this.set('connected');
          this.settle();
        } else if (f.type === 'error') {
          announced = frameError(f);
        }
        return;
      }
      if (f.type === 'error' && !f.body?.frame) announced = frameError(f);
      this.chain = this.chain.then(() => this.handle(f)).catch((e) => this.c.emit('error', e));
    };
    /** @param {{code: number, reason?: string}} ev */
    const end = (ev) => {
      if (this.ws !== ws) return;
      this.unbind(ws);
      this.ws = null;
      const e = announced ?? new ParleyError(authed ? 'ERR_CONNECTION_CLOSED' : 'ERR_CONNECTION',
        `the WebSocket closed (${ev.code}${ev.reason ? ' ' + ev.reason : ''})`, { closeCode: ev.code });
      e.closeCode = ev.code;
      this.lost(e, FINAL.includes(ev.code) || e.code.startsWith('AUTH_ERR_'));
    };
    ws.onclose = end;
    // A socket that never opened may report only an error (Node 20's WebSocket does).
    ws.onerror = () => ws.readyState !== 1 && !authed && (end({ code: 1006 }), ws.close());
  }

  /** @param {WebSocket} ws */
  unbind(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    clearInterval(this.pinger);
  }

  /** The connection ended: tell the listeners, then reconnect unless final or stopped. @param {ParleyError} e @param {boolean} [final] */
  lost(e, final = false) {
    if (!this.running) return;
    this.set('disconnected');
    this.settle(e);
    this.c.emit('disconnected', e);
    if (final) {
      this.running = false;
      return;
    }
    const s = this.c.settings;
    const min = s.reconnectMin ?? 500;
    const max = s.reconnectMax ?? 30000;
    // Full jitter: anywhere up to the exponential bound, so that clients a server dropped
    // together come back spread out; at once after slow-consumer and resync closes.
    const wait = this.attempt === 0 && (e.closeCode === 4008 || e.closeCode === 4009)
      ? 0
      : Math.random() * Math.min(max, min * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    this.timer = setTimeout(() => this.running && this.open(), wait);
  }

  /** Sends a frame on the open connection. @param {object} frame */
  send(frame) {
    if (!this.ws || !['connected', 'featureThrottled'].includes(this.state)) throw new ParleyError('ERR_NOT_CONNECTED', 'the WebSocket is not connected');
    this.ws.send(JSON.stringify(frame));
  }

  /** Turns a frame into events. @param {any} f */
  async handle(f) {
    const em = this.c;
    if (!f.type) return;
    em.emit('event', f);
    switch (f.type) {
      case 'message':
        return this.deliver(f);
      case 'resume_truncated':
        em.emit('resumeTruncated', f.body, f);
        return this.refill(Number(f.body.lastMessageId), Number(f.body.resumeUntil));
      case 'error': {
        const e = frameError(f);
        if (e.code === 'ERR_TOO_MANY_REQUESTS') {
          this.set('featureThrottled');
          clearTimeout(this.throttle);
          this.throttle = setTimeout(() => this.state === 'featureThrottled' && this.set('connected'), 1000);
        }
        return em.emit('error', e, f);
      }
    }
    const name = EVENTS[f.type];
    if (name) em.emit(name, { ...f.body, sender: f.sender, receiver: f.receiver, receiverType: f.receiverType, deviceId: f.deviceId }, f);
  }

  /** Emits a message frame unless it was received already, and moves the cursor. @param {any} f */
  deliver(f) {
    const m = f.body;
    const id = Number(m.id);
    if (this.cursor !== null && id <= this.cursor) return;
    this.cursor = id;
    const name = messageEvent(m);
    const e = m.data?.entities ?? {};
    let data = m;
    if (name === 'edited' || name === 'deleted') data = e.on?.entity ?? m;
    if (name === 'groupMember') {
      data = { action: m.data.action, by: e.by?.entity, on: e.on?.entity, group: e.for?.entity, extras: m.data.extras, message: m };
    }
    this.c.emit(name, data, f);
  }

  /** @param {number} from @param {number} until */
  async refill(from, until) {
    let after = Math.max(from, this.cursor ?? 0);
    while (after < until) {
      const page = await this.c.rest('GET', '/messages', { query: { id: after, affix: 'append', limit: 1000 } });
      for (const m of page.data) {
        if (Number(m.id) > until) break;
        this.deliver({ type: 'message', sender: m.sender, receiver: m.receiver, receiverType: m.receiverType, body: m });
      }
      const next = Number(page.meta?.next?.id ?? 0);
      if (!page.data.length || next <= after) break;
      after = next;
    }
    this.cursor = Math.max(this.cursor ?? 0, until);
  }
}

/** The event name of each frame type other than message, error and resume_truncated. */
/** @type {Record<string, string>} */
const EVENTS = {
  reaction: 'reaction',
  receipts: 'receipt',
  typing_indicator: 'typing',
  transient_message: 'transient',
  presence: 'presence',
  user_updated: 'userUpdated',
  group_updated: 'groupUpdated',
  group_deleted: 'groupDeleted',
  interaction_completed: 'interactionCompleted',
};

/** @param {any} m */
export function messageEvent(m) {
  if (m.category === 'call') return 'call';
  if (m.category !== 'action') return 'message';
  if (m.type === 'groupMember') return 'groupMember';
  return m.data?.action === 'deleted' ? 'deleted' : 'edited';
}

/** @param {any} f */
function frameError(f) {
  return new ParleyError(f.body?.code ?? 'ERR_BAD_RESPONSE', f.body?.message ?? 'error frame', { frame: f.body?.frame });
}
