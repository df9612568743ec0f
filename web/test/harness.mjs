// @ts-check
// The test harness of the browser and SDK tests: a real `parley serve` on a
// free port over a fresh data directory, with rate limits off.
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

/** The rate limits a test server turns off. */
const rateFlags = ['auth-failures-ip', 'auth-failures-app', 'user-requests', 'app-requests', 'user-messages', 'app-messages']
  .flatMap((r) => [`--rate-${r}`, 'off']);

/**
 * @typedef {object} Server
 * @property {string} url the base URL, e.g. http://127.0.0.1:40123
 * @property {string} appId the default app's App ID
 * @property {string} authKey its Auth Key
 * @property {string} restKey its REST API Key
 * @property {string} operatorToken the operator token
 * @property {() => Promise<void>} stop stops the server and removes its data
 */

/**
 * Starts `parley serve --addr 127.0.0.1:0` over a fresh data directory and
 * reads the secrets it prints on stdout and its URL from the
 * `parley serving url=…` line on stderr.
 * @param {{webDir?: string}} [opts] webDir: serve the pages from this directory (--web-dir)
 * @returns {Promise<Server>}
 */
export async function startServer({ webDir } = {}) {
  const bin = await buildParley();
  const data = await mkdtemp(path.join(tmpdir(), 'parley-data-'));
  const args = ['serve', '--addr', '127.0.0.1:0', '--data', data, ...rateFlags];
  if (webDir) args.push('--web-dir', webDir);
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  /** @param {RegExp} re @param {() => string} text */
  const field = (re, text) => re.exec(text())?.[1] ?? '';
  const ready = new Promise((resolve, reject) => {
    const check = () => {
      const url = field(/parley serving"? url=(\S+)/, () => stderr);
      const op = field(/^\s+Operator token:\s+(\S+)$/m, () => stdout);
      if (url && op) resolve(url);
    };
    proc.stdout.on('data', (b) => { stdout += b; check(); });
    proc.stderr.on('data', (b) => { stderr += b; check(); });
    proc.once('exit', (code) => reject(new Error(`parley serve exited (${code}) before serving:\n${stdout}\n${stderr}`)));
    setTimeout(() => reject(new Error(`parley serve did not start in 60s:\n${stdout}\n${stderr}`)), 60_000).unref();
  });
  let url;
  try {
    url = /** @type {string} */ (await ready);
  } catch (err) {
    proc.kill('SIGKILL');
    await rm(data, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    url,
    appId: field(/^\s+App ID:\s+(\S+)$/m, () => stdout),
    authKey: field(/^\s+Auth Key:\s+(\S+)$/m, () => stdout),
    restKey: field(/^\s+Rest API Key:\s+(\S+)$/m, () => stdout),
    operatorToken: field(/^\s+Operator token:\s+(\S+)$/m, () => stdout),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      await rm(data, { recursive: true, force: true });
    },
  };
}
