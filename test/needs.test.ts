// test/helpers/needs.ts: a test whose requirement is missing is registered
// with uvu's test.skip (counted as skipped, its body never run) and one line
// names it and says why; a met requirement registers a plain test.
import { suite, Test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { need, needs, runs, SKIP_PREFIX } from './helpers/needs';

if (process.env.PORTOWN_NEEDS_CHILD) {
  // Run by the test below in a node process of its own: a real uvu suite,
  // whose summary must not join this file's.
  const C = suite('needs child');
  needs(C, need(true, 'met'), need(false, 'the oracle is missing'), need(false, 'needs root'))('skipped test', () => {
    console.log('BODY skipped test');
  });
  needs(C, need(true, 'met'))('plain test', () => {
    console.log('BODY plain test');
  });
  C.run();
} else {
  const N = suite('needs');

  /** Calls `fn` with console.log captured. */
  function logged(fn: () => void): string[] {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
    try { fn(); } finally { console.log = log; }
    return lines;
  }

  function fakeSuite(calls: string[]): Test {
    const t = ((name: string) => { calls.push('test ' + name); }) as unknown as Test;
    t.skip = (name?: string) => { calls.push('skip ' + name); };
    return t;
  }

  N('a missing requirement registers with test.skip and prints one line with the test and every reason once', () => {
    const calls: string[] = [];
    const T = fakeSuite(calls);
    const body = () => { throw new Error('never called at registration'); };
    const lines = logged(() => {
      needs(T, need(false, 'ss is not on PATH'), need(true, 'met'), need(false, 'needs root'), need(false, 'ss is not on PATH'))('a test\nof two lines', body);
    });
    assert.equal(calls, ['skip a test\nof two lines']);
    assert.equal(lines, ['  ' + SKIP_PREFIX + 'a test of two lines -- ss is not on PATH; needs root']);
  });

  N('met requirements (or none) register a plain test and print nothing', () => {
    const calls: string[] = [];
    const T = fakeSuite(calls);
    const lines = logged(() => {
      needs(T, need(true, 'met'))('one', () => {});
      needs(T)('two', () => {});
    });
    assert.equal(calls, ['test one', 'test two']);
    assert.equal(lines, []);
  });

  N('under uvu: the skipped test counts as Skipped, not Passed, and its body never runs', () => {
    const r = spawnSync(process.execPath, [__filename], { encoding: 'utf8', env: { ...process.env, PORTOWN_NEEDS_CHILD: '1' } });
    const out = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    assert.is(r.status, 0, out + r.stderr);
    assert.ok(out.includes('  SKIP: skipped test -- the oracle is missing; needs root\n'), out);
    assert.ok(out.includes('BODY plain test'), out);
    assert.not.ok(out.includes('BODY skipped test'), out);
    assert.match(out, /Total: +1\n/);
    assert.match(out, /Passed: +1\n/);
    assert.match(out, /Skipped: +1\n/);
  });

  N('runs(): ok when the command exits 0; else the reason and the first line of its error', () => {
    assert.equal(runs(['sh', '-c', 'exit 0'], 'x'), { ok: true, why: '' });
    assert.equal(runs(['sh', '-c', 'echo "no way\nmore" >&2; exit 3'], 'cannot'), { ok: false, why: 'cannot: no way' });
    assert.equal(runs(['sh', '-c', 'exit 4'], 'cannot'), { ok: false, why: 'cannot: exit 4' });
    const missing = runs(['/nonexistent/portown-tool'], 'no tool');
    assert.is(missing.ok, false);
    assert.match(missing.why, /^no tool: spawnSync \/nonexistent\/portown-tool ENOENT/);
  });

  N.run();
}
