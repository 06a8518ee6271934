// Tests that need something this machine may lack (an oracle tool, root, a
// mount namespace, ...). Whether it is there is decided once, at module load,
// before the test is registered: when it is missing the test is registered
// with uvu's test.skip, so uvu counts it under "Skipped:", and one line says
// which test and why:
//   SKIP: <test name> -- <what is missing>
// scripts/dev/test.js collects these lines, counts the test as skipped (never
// as passed) and, with CI=true, fails the run naming them. A test must not
// return early for lack of an oracle: probe at load and use needs() instead.
//
//   const NETSTAT = netTools();
//   needs(N, NETSTAT, ROOT)('as nobody: ...', () => { ... });
import * as fs from 'fs';
import { spawnSync, SpawnSyncOptions } from 'child_process';
import { Callback, Test } from 'uvu';

/** One requirement, decided now: `why` says what is missing when `ok` is false. */
export interface Need {
  ok: boolean;
  why: string;
}

/** The marker scripts/dev/test.js looks for at the start of a line (after blanks). */
export const SKIP_PREFIX = 'SKIP: ';

export function need(ok: boolean, why: string): Need {
  return { ok, why };
}

/**
 * `test`, or `test.skip` with one printed line when any requirement is
 * missing. The returned function registers one test, as `test` itself does.
 */
export function needs<T>(test: Test<T>, ...reqs: Need[]): (name: string, fn: Callback<T>) => void {
  const missing = Array.from(new Set(reqs.filter((r) => !r.ok).map((r) => r.why)));
  return (name, fn) => {
    if (!missing.length) return test(name, fn);
    console.log('  ' + SKIP_PREFIX + name.replace(/\s*\n\s*/g, ' ') + ' -- ' + missing.join('; '));
    test.skip(name, fn);
  };
}

/** Runs argv now, synchronously: ok when it exits 0; else why + its error output. */
export function runs(argv: string[], why: string, opts: SpawnSyncOptions = {}): Need {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30000, ...opts });
  if (r.status === 0) return need(true, '');
  const err = r.error ? String(r.error.message) : String(r.stderr || '').trim() || 'exit ' + r.status;
  return need(false, why + ': ' + err.split('\n')[0]);
}

const commands = new Map<string, boolean>();

/** Whether `cmd` is on PATH (cached). */
export function have(cmd: string): boolean {
  let ok = commands.get(cmd);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', 'command -v "$0"', cmd], { encoding: 'utf8' }).status === 0;
    commands.set(cmd, ok);
  }
  return ok;
}

/** `cmd` on PATH; the Debian package that has it names the fix. */
export function command(cmd: string, pkg: string): Need {
  return need(have(cmd), cmd + ' is not on PATH (apt-get install ' + pkg + ')');
}

/** net-tools' netstat on PATH (not BusyBox's, which has no -p). */
export function netTools(): Need {
  if (!have('netstat')) return need(false, 'netstat is not on PATH (apt-get install net-tools)');
  const v = spawnSync('netstat', ['--version'], { encoding: 'utf8' });
  return need(/net-tools/.test(v.stdout || ''), 'the netstat on PATH is not net-tools\' (apt-get install net-tools)');
}

/** Running as uid 0: switching to another uid, mounting, unsharing. */
export const ROOT: Need = need(typeof process.getuid === 'function' && process.getuid() === 0, 'needs root (uid 0)');

/** uid and gid of the nobody user (from /etc/passwd), for the tests that drop root; null when there is none. */
export function nobodyUser(): { uid: number; gid: number } | null {
  let text = '';
  try { text = fs.readFileSync('/etc/passwd', 'latin1'); } catch (e) { return null; }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'nobody') return { uid: +f[2], gid: +f[3] };
  }
  return null;
}
