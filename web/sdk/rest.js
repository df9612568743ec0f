// @ts-check
/** @import { Query } from './index.js' */

/** An error of the server (its `code`, `status`) or of the SDK (`ERR_CONNECTION`, …). */
export class ParleyError extends Error {
  /** @param {string} code @param {string} message @param {{status?: number, closeCode?: number, frame?: string, cause?: unknown}} [more] */
  constructor(code, message, more = {}) {
    super(message, { cause: more.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.status = more.status ?? 0;
    this.closeCode = more.closeCode;
    this.frame = more.frame;
  }
}

/** Encodes a query: lists comma-joined, booleans as true/false, empty values left out. @param {Query} [q] */
export function encodeQuery(q = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

/** One REST call under /v3: `{data, meta}`, or a ParleyError with the server's code. @param {{baseUrl: string, appId: string, fetch: typeof fetch}} cfg @param {string} method @param {string} path @param {{query?: Query, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal}} [o] @returns {Promise<{data: any, meta?: any}>} */
export async function request(cfg, method, path, o = {}) {
  /** @type {Record<string, string>} */
  const headers = { appid: cfg.appId, accept: 'application/json', ...o.headers };
  /** @type {BodyInit | undefined} */
  let body;
  if (o.body instanceof FormData) body = o.body;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  let res;
  try {
    res = await cfg.fetch(cfg.baseUrl + '/v3' + path + encodeQuery(o.query), { method, headers, body, signal: o.signal });
  } catch (e) {
    if (o.signal?.aborted) throw e;
    throw new ParleyError('ERR_CONNECTION', 'the server could not be reached', { cause: e });
  }
  let json;
  try {
    json = await res.json();
  } catch (e) {
    throw new ParleyError('ERR_BAD_RESPONSE', `the server answered ${res.status} without JSON`, { status: res.status, cause: e });
  }
  if (!res.ok || json.error) {
    const err = json.error ?? {};
    throw new ParleyError(err.code ?? 'ERR_BAD_RESPONSE', err.message ?? `HTTP ${res.status}`, { status: res.status });
  }
  return json;
}

/** @param {unknown} e */
export function retriable(e) {
  return e instanceof ParleyError && (e.code === 'ERR_CONNECTION' || e.status >= 500);
}
