// A malformed /proc: seeded mutations of the fixture tables (truncation,
// random bytes, NULs, CRLF, no header, extra/missing columns, non-hex digits,
// overlong lines, megabytes without a newline, empty files). Thousands of
// cases in-process, a smaller number through the real bundle, and the RSS of
// the bundle on a line-less file. FUZZ_SEED=N reproduces; see scripts/dev/fuzz.js.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { tableNotes } from '../src/proc/table';
import { BUNDLE, portown } from './helpers/cli';
import { Rng, seedFromEnv } from './helpers/prng';
import { BIG_NO_NEWLINE, checkCase, cleanTable, mutate, render, runTableFuzz, scanFile, scratchDir, TABLES } from './helpers/fuzz_tables';

const SEED = seedFromEnv(61125);
const CASES = Number(process.env.TABLES_FUZZ_CASES) || 10000;
const BUNDLE_CASES = Number(process.env.TABLES_FUZZ_BUNDLE_CASES) || (process.env.PORTOWN_NODE ? 10 : 60);
const s = suite('table fuzz');
let dir = '';

s.before(() => {
  dir = scratchDir('portown-tfuzz-');
  console.log('  table fuzz seed ' + SEED + ' (FUZZ_SEED=' + SEED + ' to reproduce)');
});
s.after(() => fs.rmSync(dir, { recursive: true, force: true }));

s(CASES + ' mutated tables parse in-process without a throw, with untouched rows right and bad lines named', () => {
  const r = runTableFuzz(SEED, CASES, path.join(dir, 'inproc'), Date.now() + 180000);
  console.log('  ' + r.cases + ' cases, ' + r.failures.length + ' failures; mutations ' + JSON.stringify(r.byMutation));
  assert.equal(r.failures.slice(0, 3), [], r.failures.length + ' failures, seed ' + SEED);
  assert.is(r.cases, CASES, 'ran out of time');
});

s(BUNDLE_CASES + ' mutated /proc trees through the bundle: exit 0/1, JSON parses, same rows and notes as in-process', () => {
  const rng = new Rng(SEED + 7);
  const clean: { [t: string]: Buffer } = {};
  for (const t of TABLES) clean[t] = cleanTable(t);
  const bad: string[] = [];
  for (let i = 0; i < BUNDLE_CASES; i++) {
    const root = path.join(dir, 'tree' + i);
    fs.mkdirSync(path.join(root, 'net'), { recursive: true });
    const want: string[] = [];
    const notes: string[] = [];
    const applied: string[] = [];
    for (const t of TABLES) {
      const m = mutate(t, clean[t], rng);
      applied.push(t + ':' + m.applied.join('+'));
      fs.writeFileSync(path.join(root, 'net', t), render(m));
      const got = scanFile(root, t);
      want.push(...got.records);
      notes.push(...tableNotes([got.report]).map((n) => 'portown: ' + n));
      const p = checkCase(root, m, []);
      if (p.some((x) => !x.startsWith('untouched'))) bad.push('case ' + i + ' in-process ' + t + ': ' + p.join('; '));
    }
    const r = portown(['--all', '--json', '--proc', root]);
    const where = 'case ' + i + ' (seed ' + SEED + ', ' + applied.join(' ') + '): ';
    if (r.code !== 0 && r.code !== 1) { bad.push(where + 'exit ' + r.code + ' ' + r.stderr); continue; }
    let data: any[];
    try { data = JSON.parse(r.stdout); } catch (e) { bad.push(where + 'invalid JSON'); continue; }
    const lines = r.stdout.split('\n').slice(1, -2).map((l) => l.replace(/,$/, ''));
    if (data.length !== want.length || lines.join('\n') !== want.join('\n')) bad.push(where + 'bundle rows differ from in-process rows');
    const errLines = r.stderr.split('\n').filter((l) => l !== '');
    if (errLines.join('\n') !== notes.join('\n')) bad.push(where + 'notes ' + JSON.stringify(errLines) + ' want ' + JSON.stringify(notes));
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(bad.slice(0, 3), [], bad.length + ' of ' + BUNDLE_CASES + ' failed');
});

/** Peak RSS (KiB) of the bundle reading `root`, measured from inside its own process at exit. */
function peakRss(root: string): { kib: number; stderr: string; code: number } {
  const pre = path.join(dir, 'rss.js');
  // VmHWM, not getrusage's maxrss: Linux carries ru_maxrss across exec, so it would report the test runner's own peak.
  fs.writeFileSync(pre, "process.on('exit', () => { const m = /VmHWM:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'latin1')); require('fs').writeSync(2, 'maxrss ' + (m ? m[1] : -1) + '\\n'); });\n");
  const r = spawnSync(process.execPath, ['-r', pre, BUNDLE, '--all', '--tcp', '--proc', root], { encoding: 'utf8', timeout: 60000 });
  const m = /maxrss (\d+)/.exec(r.stderr);
  return { kib: m ? +m[1] : -1, stderr: r.stderr.replace(/maxrss \d+\n/, ''), code: r.status === null ? -1 : r.status };
}

s('a 32 MiB /proc/net/tcp without a newline keeps the bundle\'s RSS flat and is named in one note', () => {
  const small = path.join(dir, 'rss-small');
  const big = path.join(dir, 'rss-big');
  fs.mkdirSync(path.join(small, 'net'), { recursive: true });
  fs.mkdirSync(path.join(big, 'net'), { recursive: true });
  fs.writeFileSync(path.join(small, 'net', 'tcp'), cleanTable('tcp'));
  const size = 32 * 1024 * 1024;
  assert.ok(size > BIG_NO_NEWLINE);
  fs.writeFileSync(path.join(big, 'net', 'tcp'), Buffer.alloc(size, 'A'));
  const base = peakRss(small);
  const got = peakRss(big);
  console.log('  peak RSS: clean table ' + base.kib + ' KiB, 32 MiB line-less table ' + got.kib + ' KiB');
  assert.ok(base.kib > 0 && got.kib > 0);
  assert.ok(got.kib - base.kib < 8 * 1024, 'RSS grew by ' + (got.kib - base.kib) + ' KiB reading a 32 MiB line');
  assert.is(got.code, 1);
  assert.is(got.stderr, 'portown: ' + big + '/net/tcp: skipped 1 overlong line (line 1)\n');
});

s.run();
