// Entry of scripts/dev/fuzz.js (bundled to build/fuzz/fuzz.js):
//   fuzz.js tables [--seed N] [--cases N] [--seconds S]   in-process table mutations
//   fuzz.js args   [--seed N] [--cases N] [--seconds S]   argv vectors through the bundle
// Prints the seed first, a summary last; exits 1 on any failure.
import * as fs from 'fs';
import * as path from 'path';
import { argVector, checkParse, checkRun, makeProcTargets } from './fuzz_args';
import { FIXTURES } from './cli';
import { Rng } from './prng';
import { runTableFuzz, scratchDir } from './fuzz_tables';

function opt(name: string, dflt: number): number {
  const i = process.argv.indexOf('--' + name);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : dflt;
}

const kind = process.argv[2];
const seed = opt('seed', Math.floor(Math.random() * 2 ** 31));
const seconds = opt('seconds', 120);
const deadline = Date.now() + seconds * 1000;
const dir = scratchDir('portown-fuzz-');
let failures: string[] = [];
console.log('fuzz ' + kind + ': seed ' + seed + ' (rerun with --seed ' + seed + ')');
const t0 = Date.now();
try {
  if (kind === 'tables') {
    const r = runTableFuzz(seed, opt('cases', 20000), dir, deadline);
    failures = r.failures;
    console.log('cases ' + r.cases + ', failures ' + failures.length + ', mutations ' + JSON.stringify(r.byMutation));
  } else if (kind === 'args') {
    const rng = new Rng(seed);
    const targets = makeProcTargets(dir, new Rng(seed));
    const cases = opt('cases', 500);
    let n = 0;
    for (; n < cases && Date.now() < deadline; n++) {
      const v = argVector(rng, targets);
      const p = checkParse(v) || checkRun(v, { PROC_ROOT: path.join(FIXTURES, 'design-doc') }).problem;
      if (p) failures.push(JSON.stringify(v) + ': ' + p);
    }
    console.log('vectors ' + n + ', failures ' + failures.length);
  } else {
    console.error('usage: node scripts/dev/fuzz.js tables|args [--seed N] [--cases N] [--seconds S]');
    process.exitCode = 2;
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
for (const f of failures.slice(0, 20)) console.log('FAIL ' + f.slice(0, 2000));
console.log('time ' + ((Date.now() - t0) / 1000).toFixed(1) + ' s');
if (failures.length) process.exitCode = 1;
