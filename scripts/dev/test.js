#!/usr/bin/env node
// Runs the uvu suites. Tests are TypeScript: esbuild bundles each test/*.test.ts
// into build/test/*.test.js, then each file runs in its own node process (so a
// crash in one suite cannot hide another) and we print one closing line:
// "N passed, N failed".
//   node scripts/dev/test.js            all suites
//   node scripts/dev/test.js e2e        only suites whose file name contains "e2e"
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildBundle, buildTests } = require('./build.js');

const filter = process.argv[2] || '';
buildBundle();
const outdir = buildTests();
const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.test.js') && f.includes(filter)).sort();
let passed = 0, failed = 0, skipped = 0, failedFiles = [];
for (const f of files) {
  const r = spawnSync(process.execPath, [path.join(outdir, f)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout || '');
  const m = /Passed:\s+(\d+)/.exec(r.stdout || '');
  const t = /Total:\s+(\d+)/.exec(r.stdout || '');
  const s = /Skipped:\s+(\d+)/.exec(r.stdout || '');
  const p = m ? +m[1] : 0, tot = t ? +t[1] : 0, sk = s ? +s[1] : 0;
  passed += p; skipped += sk;
  const f_ = Math.max(0, tot - p - sk);
  failed += f_;
  if (r.status !== 0 || f_ > 0 || !t) { failedFiles.push(f); if (f_ === 0) failed++; }
}
console.log('\nsuites: ' + files.length + (failedFiles.length ? ', failing: ' + failedFiles.join(' ') : ''));
console.log(passed + ' passed, ' + failed + ' failed' + (skipped ? ', ' + skipped + ' skipped' : ''));
process.exit(failed || failedFiles.length || files.length === 0 ? 1 : 0);
