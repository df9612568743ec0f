// @ts-check
// The one test harness of the browser and SDK tests: a real `parley serve`
// on a free port over a fresh data directory, with rate limits off and a
// short presence grace; it can stop and come back on the same port and data
// (restart), or run aside on another port, for the SDK's reconnection tests.
// Plus what setting up a test needs: REST calls with a key, polling.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository's root: two levels up from web/test. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @type {Promise<string> | undefined} */
let built;

/**
 * Builds ./cmd/parley once per test process into a temporary directory.
 * @returns {Promise<string>} the binary's path
 */
export function buildParley() {
  if (!built) {
    built = (async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'parley-bin-'));
      const bin = path.join(dir, 'parley');
      const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/go/bin` };
      await promisify(execFile)('go', ['build', '-o', bin, './cmd/parley'], { cwd: repoRoot, env });
      process.on('exit', () => { import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true })); });
      return bin;
    })();
  }
  return built;
}

/** The flags every test server runs with: rate limits off, presence announced 200ms after the last socket goes. */
const testFlags = [
  ...['auth-failures-ip', 'auth-failures-app', 'user-requests', 'app-requests', 'user-messages', 'app-messages']
    .flatMap((r) => [`--rate-${r}`, 'off']),
  '--presence-grace', '200ms',
];

/**
 * @typedef {object} Server
 * @property {string} url the base URL, e.g. http://127.0.0.1:40123 (changes only inside aside)
 * @property {string} appId the default app's App ID
 * @property {string} authKey its Auth Key
 * @property {string} restKey its REST API Key
 * @property {string} operatorToken the operator token
 * @property {string} data the data directory
 * @property {(o?: {signal?: NodeJS.Signals, args?: string[], between?: () => Promise<void>}) => Promise<void>} restart
 *   stops the server (SIGTERM: a graceful shutdown, sockets closed with 1001; or o.signal) and
 *   starts it again on the same port and data; o.between runs while it is down
 * @property {(fn: (url: string) => Promise<void>) => Promise<void>} aside
 *   runs the server on another port (same data) while fn runs, then stops it
 * @property {() => Promise<void>} stop stops the server and removes its data
 */

/**
 * Starts `parley serve --addr 127.0.0.1:0` over a fresh data directory and
 * reads the secrets it prints on stdout (first start) and its URL from the
 * `parley serving url=…` line on stderr.
 * @param {{webDir?: string, args?: string[]}} [opts] webDir: serve the pages from this
 *   directory (--web-dir); args: more serve flags
 * @returns {Promise<Server>}
 */
export async function startServer(opts = {}) {
  const bin = await buildParley();
  const data = await mkdtemp(path.join(tmpdir(), 'parley-data-'));
  const secrets = { appId: '', authKey: '', restKey: '', operatorToken: '' };
  let addr = '127.0.0.1:0';
  /** @type {import('node:child_process').ChildProcess | null} */
  let proc = null;
  let url = '';

  /**
   * Runs parley serve on addr and waits until it serves (and, on the first
   * start, has printed its secrets).
   * @param {string[]} [more]
   */
  async function run(more = []) {
    const args = ['serve', '--addr', addr, '--data', data, ...testFlags, ...(opts.args ?? []), ...more];
    if (opts.webDir) args.push('--web-dir', opts.webDir);
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const first = !secrets.appId;
    let out = '';
    let err = '';
    /** @param {RegExp} re @param {string} text */
    const field = (re, text) => re.exec(text)?.[1] ?? '';
    /** @type {(value?: unknown) => void} */
    let cancel = () => {};
    const ready = new Promise((resolve, reject) => {
      const check = () => {
        const u = field(/parley serving"? url=(\S+)/, err);
        if (u && (!first || field(/^\s+Operator token:\s+(\S+)$/m, out))) resolve(u);
      };
      p.stdout?.on('data', (b) => { out += b; check(); });
      p.stderr?.on('data', (b) => { err += b; check(); });
      p.once('exit', (code) => reject(new Error(`parley serve exited (${code}) before serving:\n${out}\n${err}`)));
      const timer = setTimeout(() => reject(new Error(`parley serve did not start in 60s:\n${out}\n${err}`)), 60_000);
      cancel = () => clearTimeout(timer);
    });
    try {
      url = /** @type {string} */ (await ready);
    } catch (e) {
      p.kill('SIGKILL');
      throw e;
    } finally {
      cancel();
    }
    if (first) {
      secrets.appId = field(/^\s+App ID:\s+(\S+)$/m, out);
      secrets.authKey = field(/^\s+Auth Key:\s+(\S+)$/m, out);
      secrets.restKey = field(/^\s+Rest API Key:\s+(\S+)$/m, out);
      secrets.operatorToken = field(/^\s+Operator token:\s+(\S+)$/m, out);
      addr = new URL(url).host; // restarts come back on the same port
    }
  }

  /** Stops the running process with signal and waits for it to exit. */
  async function halt(signal = /** @type {NodeJS.Signals} */ ('SIGTERM')) {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise((resolve) => {
      p.removeAllListeners('exit');
      p.once('exit', resolve);
      p.kill(signal);
    });
  }

  try {
    await run();
  } catch (e) {
    await rm(data, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  return {
    ...secrets,
    get url() {
      return url;
    },
    data,
    async restart(o = {}) {
      await halt(o.signal);
      await o.between?.();
      await run(o.args);
    },
    async aside(fn) {
      const saved = addr;
      const savedURL = url;
      const main = proc;
      addr = '127.0.0.1:0';
      await run();
      try {
        await fn(url);
      } finally {
        await halt();
        proc = main;
        addr = saved;
        url = savedURL;
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      await rm(data, { recursive: true, force: true });
    },
  };
}

/**
 * A REST call with a key (the REST API Key, or the operator token with
 * headers), for setting up tests; returns the answer's data or throws with
 * the status and body.
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
