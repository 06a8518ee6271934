// Hostile arguments: seeded random argv vectors, parsed in-process by the
// thousand and run through the bundle by the hundred, with --proc at a file,
// a missing folder, garbage, symlink loops and deep folders. Always exit
// 0/1/2, a usage error is exactly one stderr line, never a stack trace or a
// hang. FUZZ_SEED=N reproduces a run; ARGS_FUZZ_RUNS scales the bundle runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { argVector, checkParse, checkRun, makeProcTargets, TARGETS } from './helpers/fuzz_args';
import { FIXTURES } from './helpers/cli';
import { Rng, seedFromEnv } from './helpers/prng';

const SEED = seedFromEnv(20261125);
const PARSES = 20000;
const RUNS = Number(process.env.ARGS_FUZZ_RUNS) || (process.env.PORTOWN_NODE ? 20 : 120);
const s = suite('argument fuzz');
let base = '';
let targets: ReturnType<typeof makeProcTargets>;
const env = { PROC_ROOT: path.join(FIXTURES, 'design-doc') };

s.before(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-argfuzz-'));
  targets = makeProcTargets(base, new Rng(SEED));
  console.log('  argument fuzz seed ' + SEED + ' (FUZZ_SEED=' + SEED + ' to reproduce)');
});
s.after(() => fs.rmSync(base, { recursive: true, force: true }));

s('parseArgs answers ' + PARSES + ' random vectors with options or one clean usage line', () => {
  const rng = new Rng(SEED);
  const bad: string[] = [];
  for (let i = 0; i < PARSES; i++) {
    const v = argVector(rng, targets);
    const p = checkParse(v);
    if (p) bad.push(JSON.stringify(v) + ': ' + p);
  }
  assert.equal(bad.slice(0, 5), [], bad.length + ' of ' + PARSES + ' failed, seed ' + SEED);
});

s('the bundle answers each --proc target with exit 0/1/2 and clean stderr', () => {
  const bad: string[] = [];
  for (const t of TARGETS) {
    for (const extra of [[], ['--all'], ['--all', '--threads', '--json'], ['22', '--json'], ['netstat', '-anpe'], ['netstat', '--busybox', '-lnp']]) {
      const v = extra[0] === 'netstat' ? [...extra, '--proc', targets[t]] : ['--proc', targets[t], ...extra];
      const r = checkRun(v, env);
      if (r.problem) bad.push(t + ' ' + JSON.stringify(extra) + ': ' + r.problem + ' [' + r.run.stderr.trim() + ']');
    }
  }
  assert.equal(bad, []);
});

s('the bundle answers ' + RUNS + ' random vectors with exit 0/1/2, one line for usage errors, no trace, no hang', () => {
  const rng = new Rng(SEED + 1);
  const bad: string[] = [];
  const codes = [0, 0, 0];
  for (let i = 0; i < RUNS; i++) {
    const v = argVector(rng, targets);
    const r = checkRun(v, env);
    if (r.problem) bad.push(JSON.stringify(v) + ': ' + r.problem + ' [' + r.run.stderr.slice(0, 300) + ']');
    else codes[r.run.code]++;
  }
  console.log('  ' + RUNS + ' vectors: exit 0 x' + codes[0] + ', 1 x' + codes[1] + ', 2 x' + codes[2]);
  assert.equal(bad.slice(0, 5), [], bad.length + ' of ' + RUNS + ' failed, seed ' + SEED);
});

s.run();
