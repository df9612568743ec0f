// @ts-check
// web/vendor/ holds Preact, preact/hooks and htm unchanged from npm: each
// file must equal the one in node_modules (the versions package.json pins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const copies = {
  'preact.mjs': 'preact/dist/preact.mjs',
  'preact.mjs.map': 'preact/dist/preact.mjs.map',
  'hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  'hooks.mjs.map': 'preact/hooks/dist/hooks.mjs.map',
  'htm.mjs': 'htm/dist/htm.mjs',
};

test('vendor files are the npm packages unchanged', { skip: !existsSync(path.join(web, 'node_modules/preact')) && 'npm ci in web/ first' }, async () => {
  for (const [copy, orig] of Object.entries(copies)) {
    const [a, b] = await Promise.all([readFile(path.join(web, 'vendor', copy)), readFile(path.join(web, 'node_modules', orig))]);
    assert.ok(a.equals(b), `web/vendor/${copy} differs from node_modules/${orig}: run web/vendor/update.sh`);
  }
  const versions = await readFile(path.join(web, 'vendor/VERSIONS'), 'utf8');
  const pkg = JSON.parse(await readFile(path.join(web, 'package.json'), 'utf8'));
  for (const name of ['preact', 'htm']) {
    assert.match(versions, new RegExp(`^${name} ${pkg.devDependencies[name].replace(/\./g, '\\.')}$`, 'm'), `vendor/VERSIONS vs package.json for ${name}`);
  }
});
