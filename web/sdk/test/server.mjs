// @ts-check
// A real `parley serve` for the SDK's tests, like web/test/harness.mjs's (whose build it uses:
// once per test process), on 127.0.0.1:0 with its own data directory and rate limits off, its
// secrets read from what it prints on first start; and it can stop and come back on the same
// port and data (restart), or run aside on another port, for the reconnection tests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildParley as build } from '../../test/harness.mjs';

const RATES_OFF = ['app-messages', 'app-requests', 'auth-failures-app', 'auth-failures-ip', 'user-messages', 'user-requests']
  .flatMap((r) => [`--rate-${r}`, 'off']);

/**
 * Starts `parley serve` on a fresh data directory.
 * @param {{webDir?: string, args?: string[]}} [opts] args: more serve flags
 */
export async function startServer(opts = {}) {
  const bin = await build();
  const data = await mkdtemp(join(tmpdir(), 'parley-sdk-data-'));
  const secrets = { appId: '', authKey: '', restKey: '', operatorToken: '' };
  let addr = '127.0.0.1:0';
  /** @type {import('node:child_process').ChildProcess | null} */
  let proc = null;
  let url = '';

  /** @param {string[]} [more] */
  async function run(more = []) {
    const args = ['serve', '--addr', addr, '--data', data, '--presence-grace', '200ms', ...RATES_OFF, ...(opts.args ?? []), ...more];
    if (opts.webDir) args.push('--web-dir', opts.webDir);
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    let out = '';
    let err = '';
    p.stdout?.on('data', (b) => (out += b));
    url = await new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error('parley serve did not start:\n' + err)), 20000);
      p.on('exit', (code) => rej(new Error(`parley serve exited (${code}):\n${err}`)));
      p.stderr?.on('data', (b) => {
        err += b;
        const m = /parley serving"? url=(\S+)/.exec(err);
        if (m) {
          clearTimeout(t);
          res(m[1]);
        }
      });
    });
    const pick = (/** @type {string} */ label) => new RegExp(label + ':\\s+(\\S+)').exec(out)?.[1] ?? '';
    if (!secrets.appId) {
      secrets.appId = pick('App ID');
      secrets.restKey = pick('Rest API Key');
      secrets.authKey = pick('Auth Key');
      secrets.operatorToken = pick('Operator token');
      addr = new URL(url).host; // restarts come back on the same port
    }
  }

  /** Stops the process: SIGTERM (a graceful shutdown: sockets closed with 1001), or SIGKILL. */
  async function halt(signal = /** @type {NodeJS.Signals} */ ('SIGTERM')) {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise((res) => {
      p.removeAllListeners('exit');
      p.on('exit', res);
      p.kill(signal);
    });
  }

  await run();
  return {
    ...secrets,
    get url() {
      return url;
    },
    data,
    /**
     * Stops the server (gracefully, or killed) and starts it again on the same port and data.
     * @param {{signal?: NodeJS.Signals, args?: string[], between?: () => Promise<void>}} [o]
     *   between runs while the server is down on its port
     */
    async restart(o = {}) {
      await halt(o.signal);
      await o.between?.();
      await run(o.args);
    },
    /** Runs the server on another port (same data) while fn runs, then stops it. @param {(url: string) => Promise<void>} fn */
    async aside(fn) {
      const saved = addr;
      const savedURL = url;
      addr = '127.0.0.1:0';
      await run();
      try {
        await fn(url);
      } finally {
        await halt();
        addr = saved;
        url = savedURL;
      }
    },
    stop: halt,
    async dispose() {
      await halt();
      await rm(data, { recursive: true, force: true });
    },
  };
}

/**
 * A REST call with a key (or the operator token), for setting up tests.
 * @param {{url: string, appId: string}} srv
 * @param {string} key REST API Key
 * @param {string} method
 * @param {string} path under /v3
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 */
export async function admin(srv, key, method, path, body, headers = {}) {
  const res = await fetch(srv.url + '/v3' + path, {
    method,
    headers: { appid: srv.appId, apikey: key, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/**
 * Polls until fn returns a truthy value (or throws after timeout ms).
 * @template T
 * @param {() => T | Promise<T>} fn
 * @param {string} what
 * @param {number} [timeout]
 * @returns {Promise<T>}
 */
export async function until(fn, what, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The WebSocket constructor of this Node: the global one (Node 22+, or Node 20 with --experimental-websocket). */
export function nodeWebSocket() {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new Error('no WebSocket in this Node: run node --experimental-websocket (Node 20), or Node 22+');
  }
  return globalThis.WebSocket;
}
