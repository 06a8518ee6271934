#!/usr/bin/env node
// Runs the uvu suites. Tests are TypeScript: esbuild bundles each test/*.test.ts
// into build/test/*.test.js, then each file runs in its own node process (so a
// crash in one suite cannot hide another) and we print one closing line, last:
// "N passed, N failed, N skipped".
//   node scripts/dev/test.js            all suites
//   node scripts/dev/test.js e2e        only suites whose file name contains "e2e"
// A test that cannot run on this machine (no oracle tool, not root, ...) is
// registered with test.skip by test/helpers/needs.ts, which prints
// "SKIP: <test> -- <why>"; it counts as skipped, never as passed, and the
// skipped tests are listed above the closing line. With CI=true (or CI=1) a
// skip fails the run: CI installs every oracle (.ci/run), so nothing may skip.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildBundle, buildTests } = require('./build.js');

const filter = process.argv[2] || '';
const ci = /^(true|1)$/i.test(process.env.CI || '');
buildBundle();
const outdir = buildTests();
const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.test.js') && f.includes(filter)).sort();
// uvu's summary: "Total:" counts the tests that ran (skipped ones are not in
// it), "Passed:" those that passed, "Skipped:" those registered with .skip.
const count = (re, text) => { const m = text.match(re); return m ? +m[m.length - 1].replace(/\D/g, '') : null; }; // the last one: the summary
let passed = 0, failed = 0, skipped = 0;
const failedFiles = [], skips = [];
for (const f of files) {
  const r = spawnSync(process.execPath, [path.join(outdir, f)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
  const out = r.stdout || '';
  process.stdout.write(out);
  const text = out.replace(/\x1b\[[0-9;]*m/g, ''); // FORCE_COLOR may colour the numbers
  const tot = count(/^\s*Total:\s+\d+/gm, text);
  const p = count(/^\s*Passed:\s+\d+/gm, text) || 0;
  const sk = count(/^\s*Skipped:\s+\d+/gm, text) || 0;
  const f_ = tot === null ? 0 : Math.max(0, tot - p);
  passed += p; failed += f_; skipped += sk;
  const why = text.split('\n').filter((l) => /^\s*SKIP: /.test(l)).map((l) => f + ': ' + l.replace(/^\s*SKIP: /, ''));
  skips.push(...why);
  if (sk > why.length) skips.push(f + ': ' + (sk - why.length) + ' more skipped without a reason (test.skip used directly? use test/helpers/needs.ts)');
  // A file that crashed, printed no summary or exited non-zero with no failed test counts as one failure.
  if (r.status !== 0 || f_ > 0 || tot === null) { failedFiles.push(f); if (f_ === 0) failed++; }
}
console.log('\nsuites: ' + files.length + (failedFiles.length ? ', failing: ' + failedFiles.join(' ') : ''));
if (skips.length) {
  console.log((ci ? 'CI=true: a skipped test fails the run (.ci/run installs every oracle); ' : '') + 'skipped ' + skipped + ':');
  for (const s of skips) console.log('  ' + s);
}
console.log(passed + ' passed, ' + failed + ' failed, ' + skipped + ' skipped');
process.exit(failed || failedFiles.length || files.length === 0 || (ci && skipped) ? 1 : 0);
