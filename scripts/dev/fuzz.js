#!/usr/bin/env node
// The fuzzers of issue 6, outside the test run: bundles test/helpers/fuzz_main.ts
// (the same code the tests use) into build/fuzz/ and runs it.
//   node scripts/dev/fuzz.js tables [--seed N] [--cases N] [--seconds S]
//   node scripts/dev/fuzz.js args   [--seed N] [--cases N] [--seconds S]
// The seed is printed first; the same seed replays the same cases.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const esbuild = require('esbuild');
const { root } = require('./build.js');

const out = path.join(root, 'build', 'fuzz', 'fuzz.js');
esbuild.buildSync({
  entryPoints: [path.join(root, 'test', 'helpers', 'fuzz_main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: 'inline',
  define: { __PORTOWN_VERSION__: '"fuzz"' },
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', out, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
