#!/bin/sh
# Copies the ES module builds of Preact, preact/hooks and htm, unchanged,
# from web/node_modules into web/vendor/, with their licences and a
# VERSIONS file. The versions are the ones web/package.json pins: to update,
# change them there, run `npm install` in web/, then this script, and
# commit web/vendor/ with the lock file. web/test/vendor.test.mjs checks
# that the copies still match node_modules byte for byte.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules/preact ] || [ ! -d node_modules/htm ]; then
  npm ci --no-audit --no-fund
fi
cp node_modules/preact/dist/preact.mjs node_modules/preact/dist/preact.mjs.map vendor/
cp node_modules/preact/hooks/dist/hooks.mjs node_modules/preact/hooks/dist/hooks.mjs.map vendor/
cp node_modules/htm/dist/htm.mjs vendor/
cp node_modules/preact/LICENSE vendor/LICENSE.preact
cp node_modules/htm/LICENSE vendor/LICENSE.htm
{
  echo "# Written by vendor/update.sh: the npm packages web/vendor/ was copied from."
  for p in preact htm; do
    echo "$p $(node -p "require('./node_modules/$p/package.json').version")"
  done
} > vendor/VERSIONS
echo "web/vendor updated:"
cat vendor/VERSIONS
