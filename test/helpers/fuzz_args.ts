// Argument fuzzing: seeded random argv vectors and the --proc trees they point
// at (a file, a missing folder, garbage, symlink loops, deep folders), with the
// checks every run must pass. Used by test/args_fuzz.test.ts and scripts/dev/fuzz.js.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from '../../src/cli/args';
import { UsageError } from '../../src/text/argv';
import { parseNetstatArgs } from '../../src/netstat/args';
import { FIXTURES, portown, Run } from './cli';
import { Rng } from './prng';

const FLAGS = ['-a', '-l', '-j', '-t', '-u', '-w', '-x', '-4', '-6', '-h', '-V', '-al', '-jt', '-46', '--all', '--listening',
  '--json', '--pids', '--remote', '--threads', '--tcp', '--udp', '--raw', '--unix', '--ipv4', '--ipv6', '--help', '--version'];
const VALUED = ['--pid', '-p', '--proc', '--byte-order'];
// netstat mode; never -c (it lists again every second until killed, by design).
const NETSTAT_FLAGS = ['-a', '-l', '-n', '-t', '-u', '-w', '-x', '-p', '-e', '-ee', '-W', '-T', '-o', '-r', '-4', '-6', '-h', '-V', '-v',
  '-ntpa', '-tulpn', '-lnp', '-anpxeW', '--all', '--numeric', '--programs', '--program', '--extend', '--wide', '--timers', '--route',
  '--busybox', '--inet', '--inet6', '--listening', '--tcp', '--udp', '--raw', '--unix', '--help', '--version', '--notrim'];
const NETSTAT_VALUED = ['--proc', '--byte-order'];
const UNKNOWN = ['--frobnicate', '-Z', '-aZ', '---', '-', '--=', '--all=1', '--json=yes', '-p-1', '--PID', '--Proc', '-–all', '--\u00e9'];
const VALUES = ['', '0', '1', '-1', '22', '65535', '65536', '99999999999999999999999999', '1e3', '0x16', '22/tcp', '22/UDP',
  '22/sctp', '22/', '/tcp', ' 22', '22 ', 'abc', '\u00e9t\u00e9', '\x1b[2J', '\x7f\u009b\u202e', 'a\nb', 'NaN', 'Infinity',
  '4194304', '4194305', '\uff11\uff12', 'le', 'be', 'LE', 'middle', '-', '--', '=', '1'.repeat(10000)];

/** Names of the --proc targets makeProcTargets builds. */
export const TARGETS = ['fixture', 'file', 'missing', 'garbage', 'loops-net', 'loops-pids', 'deep', 'empty', 'net-is-dir'] as const;
export type Target = typeof TARGETS[number];

function write(p: string, data: string | Buffer) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
}

function link(target: string, p: string) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.symlinkSync(target, p);
}

/** Builds every --proc target under base (a fresh folder); returns their paths. */
export function makeProcTargets(base: string, rng: Rng): { [k in Target]: string } {
  const fixture = path.join(FIXTURES, 'design-doc');
  const tcp = fs.readFileSync(path.join(fixture, 'net', 'tcp'));
  const t = (n: string) => path.join(base, n);
  write(t('file'), 'not a directory\n');
  // garbage: random table bytes, an fd "directory" that is a file, links to nowhere, binary comm/stat.
  write(t('garbage/net/tcp'), rng.bytes(5000));
  write(t('garbage/net/udp'), Buffer.concat([tcp, rng.bytes(300)]));
  write(t('garbage/net/unix'), rng.bytes(3000));
  write(t('garbage/17/fd'), 'a file, not a folder');
  link('socket:[13828', t('garbage/18/fd/3'));
  link('socket:[]', t('garbage/18/fd/4'));
  link('socket:[13828]', t('garbage/18/fd/notanumber'));
  write(t('garbage/18/stat'), rng.bytes(200));
  write(t('garbage/18/comm'), rng.bytes(40));
  write(t('garbage/18/status'), rng.bytes(400));
  write(t('garbage/18/cmdline'), rng.bytes(9000));
  link('/nonexistent/path', t('garbage/19'));
  // loops-net: the table is a symlink to itself (ELOOP on open).
  link('tcp', t('loops-net/net/tcp'));
  // loops-pids: good tables; pid folders that loop back on themselves or on the root.
  write(t('loops-pids/net/tcp'), tcp);
  link('5', t('loops-pids/5'));
  link('..', t('loops-pids/6/fd'));
  link('.', t('loops-pids/7'));
  link('../8', t('loops-pids/8/task/8'));
  link('socket:[13828]', t('loops-pids/8/fd/3'));
  link('../../9/task', t('loops-pids/9/task/9/task'));
  // deep: good tables; a pid whose fd and task folders nest 300 levels.
  write(t('deep/net/tcp'), tcp);
  let d = t('deep/10/fd');
  let k = t('deep/10/task/10');
  for (let i = 0; i < 300; i++) { d = path.join(d, 'd'); k = path.join(k, 'task', '10'); }
  fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(k, { recursive: true });
  link('socket:[13828]', t('deep/10/fd/3'));
  fs.mkdirSync(t('empty'));
  fs.mkdirSync(t('net-is-dir/net/tcp'), { recursive: true });
  return {
    fixture, file: t('file'), missing: t('missing'), garbage: t('garbage'), 'loops-net': t('loops-net'),
    'loops-pids': t('loops-pids'), deep: t('deep'), empty: t('empty'), 'net-is-dir': t('net-is-dir'),
  };
}

/** One random argument vector; --proc values come from `targets`. One in five is netstat mode. */
export function argVector(rng: Rng, targets: { [k: string]: string }): string[] {
  for (;;) {
    const netstat = rng.chance(0.2);
    const v = someVector(rng, targets, netstat ? NETSTAT_FLAGS : FLAGS, netstat ? NETSTAT_VALUED : VALUED);
    if (!netstat) return v;
    let continuous = false;
    try { continuous = parseNetstatArgs(v, {}).continuous; } catch (e) { /* a usage error: fine */ }
    if (!continuous) return ['netstat', ...v];
  }
}

function someVector(rng: Rng, targets: { [k: string]: string }, FLAGS: string[], VALUED: string[]): string[] {
  const v: string[] = [];
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    const r = rng.int(10);
    if (r < 3) v.push(rng.pick(FLAGS));
    else if (r < 6) {
      const name = rng.pick(VALUED);
      const value = name.endsWith('proc') && rng.chance(0.7) ? targets[rng.pick(TARGETS)] : rng.pick(VALUES);
      if (rng.chance(0.1)) v.push(name); // a missing value (or the next token taken as one)
      else if (name.startsWith('--') && rng.chance(0.3)) v.push(name + '=' + value);
      else v.push(name, value);
    } else if (r < 8) v.push(rng.pick(VALUES));
    else if (r < 9) v.push(rng.pick(UNKNOWN));
    else v.push(rng.pick(['--', rng.pick(FLAGS) + rng.pick(VALUES)]));
  }
  // Without --proc the run reads the small fixture (PROC_ROOT), not the live host.
  return v;
}

/** The stderr prefix of a vector's messages: its mode. */
function prefixOf(argv: string[]): string {
  return argv[0] === 'netstat' ? 'netstat: ' : 'portown: ';
}

/** What the option parser says of a vector: the usage message, or null when it parses. Other throws are failures. */
export function usageMessage(argv: string[]): string | null {
  try {
    if (argv[0] === 'netstat') parseNetstatArgs(argv.slice(1), {});
    else parseArgs(argv, {});
    return null;
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
}

/** Raw C0 (but LF), DEL or C1 in text, or '' when clean. */
export function rawControl(text: string): string {
  const m = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/.exec(text);
  return m ? 'U+' + ('000' + m[0].charCodeAt(0).toString(16)).slice(-4) + ' at ' + m.index : '';
}

/** The problems of one in-process parse, or ''. */
export function checkParse(argv: string[]): string {
  let msg: string | null;
  try {
    msg = usageMessage(argv);
  } catch (e) {
    return 'parseArgs threw ' + String(e);
  }
  if (msg === null) return '';
  if (msg.includes('\n')) return 'usage message spans lines: ' + JSON.stringify(msg);
  if (rawControl(msg)) return 'usage message holds ' + rawControl(msg) + ': ' + JSON.stringify(msg);
  if (msg.length > 600) return 'usage message of ' + msg.length + ' chars';
  return '';
}

export const RUN_TIMEOUT_MS = 30000;

/** Runs the bundle on a vector; returns the run and its problems ('' when none). */
export function checkRun(argv: string[], env: { [k: string]: string }): { run: Run; problem: string } {
  const run = portown(argv, { env, timeoutMs: RUN_TIMEOUT_MS });
  const lines = run.stderr.split('\n');
  const last = lines.pop();
  const problem = ((): string => {
    if (run.code === -1) return 'no exit within ' + RUN_TIMEOUT_MS + ' ms (a hang) or killed by a signal';
    if (run.code !== 0 && run.code !== 1 && run.code !== 2) return 'exit code ' + run.code;
    if (last !== '') return 'stderr does not end with a newline';
    if (/^\s+at /m.test(run.stderr) || /Error\b/.test(run.stderr)) return 'stack trace or raw error on stderr';
    if (rawControl(run.stderr)) return 'stderr holds ' + rawControl(run.stderr);
    const prefix = prefixOf(argv);
    for (const l of lines) if (!l.startsWith(prefix)) return 'stderr line without ' + JSON.stringify(prefix) + ': ' + JSON.stringify(l);
    const msg = usageMessage(argv);
    if (msg !== null) {
      if (run.code !== 2 || run.stderr !== prefix + msg + '\n' || run.stdout !== '') {
        return 'usage error expected: exit 2 and one line ' + JSON.stringify(msg);
      }
      return '';
    }
    if (run.code === 2 && lines.length !== 1) return 'exit 2 with ' + lines.length + ' stderr lines';
    if (rawControl(run.stdout.replace(/\n/g, ''))) return 'stdout holds ' + rawControl(run.stdout);
    if (argv[0] === 'netstat') return '';
    const o = parseArgs(argv, {});
    if (run.code !== 2 && o.action === 'query' && o.json && !o.pids) {
      try { JSON.parse(run.stdout); } catch (e) { return 'stdout is not JSON: ' + run.stdout.slice(0, 200); }
    }
    return '';
  })();
  return { run, problem };
}
