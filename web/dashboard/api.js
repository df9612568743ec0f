// @ts-check
// The dashboard's REST client: every call goes to this server's /v3 API
// with the operator token (Authorization: Bearer) and, for calls inside an
// app, its appid. Failures become ApiError, carrying the API's error code
// as it answered it.

/**
 * @typedef {object} Session
 * @property {string} token the operator token
 * @property {string} [appId] the app calls act in, when chosen
 */

/**
 * @typedef {object} Call
 * @property {string} [method] GET when not given
 * @property {any} [body] sent as JSON
 * @property {Record<string, string | number | boolean | undefined>} [query]
 * @property {string | null} [app] the app to act in; the session's when not given, none when null
 * @property {string} [onBehalfOf] act as this user
 * @property {AbortSignal} [signal]
 */

/** An error answer of the API: its HTTP status, code and message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {any} [body] the whole answer
   */
  constructor(status, code, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/**
 * The request headers of a call.
 * @param {Session} session
 * @param {Call} call
 * @returns {Record<string, string>}
 */
export function headers(session, call = {}) {
  /** @type {Record<string, string>} */
  const h = { Authorization: `Bearer ${session.token}`, Accept: 'application/json' };
  const app = call.app === undefined ? session.appId : call.app;
  if (app) h.appid = app;
  if (call.onBehalfOf) h.onBehalfOf = call.onBehalfOf;
  if (call.body !== undefined) h['Content-Type'] = 'application/json';
  return h;
}

/**
 * The URL of a path with a query (empty values left out).
 * @param {string} path
 * @param {Call['query']} [query]
 */
export function url(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Calls the API and returns the whole answer ({data, meta}).
 * @param {Session} session
 * @param {string} path e.g. /v3/users
 * @param {Call} [call]
 * @returns {Promise<{data: any, meta?: any}>}
 */
export async function request(session, path, call = {}) {
  let resp;
  try {
    resp = await fetch(url(path, call.query), {
      method: call.method ?? 'GET',
      headers: headers(session, call),
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: call.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', `The server could not be reached: ${err instanceof Error ? err.message : err}`);
  }
  const text = await resp.text();
  /** @type {any} */
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(resp.status, 'BAD_ANSWER', `The server answered ${resp.status} with a body that is not JSON`);
  }
  if (!resp.ok || body?.error) {
    const e = body?.error ?? {};
    throw new ApiError(resp.status, e.code ?? `HTTP_${resp.status}`, e.message ?? resp.statusText, body);
  }
  return body ?? { data: null };
}

/**
 * Calls the API and returns its data.
 * @param {Session} session
 * @param {string} path
 * @param {Call} [call]
 */
export async function api(session, path, call = {}) {
  return (await request(session, path, call)).data;
}

/**
 * Reads GET /v3/events (Server-Sent Events) with fetch, which, unlike
 * EventSource, sends the operator token in a header. Calls onEvent for each
 * event until signal aborts or the stream ends; resolves then.
 * @param {Session} session
 * @param {Record<string, string>} filters type, uid, guid
 * @param {(ev: {event: string, id: string, data: any}) => void} onEvent
 * @param {AbortSignal} signal
 */
export async function streamEvents(session, filters, onEvent, signal) {
  const resp = await fetch(url('/v3/events', filters), {
    headers: { ...headers(session), Accept: 'text/event-stream' },
    signal,
  });
  if (!resp.ok || !resp.body) {
    const body = await resp.json().catch(() => null);
    const e = body?.error ?? {};
    throw new ApiError(resp.status, e.code ?? `HTTP_${resp.status}`, e.message ?? resp.statusText, body);
  }
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let end;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let event = 'message';
      let id = '';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent({ event, id, data: JSON.parse(data) });
    }
  }
}
