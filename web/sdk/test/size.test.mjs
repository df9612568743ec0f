// @ts-check
// The size budget of the SDK's core: every module index.js loads, gzipped together (as a
// bundle would ship), must stay within 10 KB. Run `node web/sdk/test/size.test.mjs` to print it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const BUDGET = 10 * 1024;
const dir = new URL('../', import.meta.url);

/** Every module reachable from index.js, by its relative imports. */
async function modules() {
  const seen = new Set();
  const todo = ['index.js'];
  while (todo.length) {
    const f = /** @type {string} */ (todo.pop());
    if (seen.has(f)) continue;
    seen.add(f);
    const src = await readFile(new URL(f, dir), 'utf8');
    for (const m of src.matchAll(/^(?:import|export)\b[^'"]*from\s+'\.\/([^']+)'/gm)) todo.push(m[1]);
  }
  return [...seen].sort();
}

export async function measure() {
  const files = await modules();
  const src = (await Promise.all(files.map((f) => readFile(new URL(f, dir))))).map(String).join('\n');
  return { files, raw: Buffer.byteLength(src), gzip: gzipSync(src, { level: 9 }).length };
}

test('the core (index.js and what it imports) is at most 10 KB gzipped', async () => {
  const m = await measure();
  const all = (await readdir(dir)).filter((f) => f.endsWith('.js'));
  assert.deepEqual(m.files, all.sort(), 'every module of the SDK is counted');
  assert.ok(m.gzip <= BUDGET, `the core is ${m.gzip} bytes gzipped, over the ${BUDGET} budget`);
});

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const m = await measure();
  console.log(`@parley/sdk core: ${m.files.join(' ')}: ${m.raw} bytes, ${m.gzip} bytes gzipped (budget ${BUDGET})`);
}
