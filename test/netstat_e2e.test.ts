// Live: "portown netstat" against the real net-tools netstat (and BusyBox's)
// on this machine, for the test's own sockets. Both run back to back; only
// the rows of our ports and paths are compared (the host has other sockets,
// other tests open and close theirs), headers included, byte for byte. A
// comparison is retried once when a row changed state between the two runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Listener, startServer, stopAll } from './helpers/listeners';
import { BUNDLE, nodeCommand, portown, Run, RunOptions } from './helpers/cli';
import { command, needs, netTools, ROOT, runs } from './helpers/needs';

const N = suite('netstat live vs net-tools and BusyBox');
const NOBODY = { uid: 65534, gid: 65534 };
const UNIX_PATH = path.join(os.tmpdir(), 'portown-netstat-' + process.pid + '.sock');

let A: Listener, B: Listener;

const NETSTAT = netTools();
const BUSYBOX = command('busybox', 'busybox-static');

function runTool(cmd: string, args: string[], opts: RunOptions = {}): Run {
  const o: SpawnSyncOptions = { maxBuffer: 256 << 20, timeout: 30000, env: { ...process.env, LC_ALL: 'C' } };
  if (opts.uid !== undefined) { o.uid = opts.uid; o.gid = opts.gid; }
  const r = spawnSync(cmd, args, o);
  if (r.error) throw r.error;
  const raw = r.stdout as Buffer;
  // net-tools complains of other processes' unix paths that hold a newline
  // (another test's hostile socket may be alive): not about our rows.
  const stderr = (r.stderr as Buffer).toString('utf8').replace(/^warning, got bogus unix line\.\n/gm, '');
  return { code: r.status === null ? -1 : r.status, stdout: raw.toString('utf8'), stderr, raw };
}

/** "tcp 6 PORT": our sockets by protocol, family and local port. */
const ownKeys = new Set<string>();

function keyOf(proto: string, v6: boolean, port: number): string {
  return proto + ' ' + (v6 ? 6 : 4) + ' ' + port;
}

/** The header lines and the rows of our own sockets (by protocol, family and local port, or unix path). */
function ours(out: string): string {
  const keep: string[] = [];
  for (const line of out.split('\n')) {
    if (/^(Active |Proto |Kernel |Destination )/.test(line)) { keep.push(line); continue; }
    if (line.startsWith('unix ')) {
      if (line.endsWith(' ' + UNIX_PATH)) keep.push(line);
      continue;
    }
    const f = line.split(/\s+/);
    if (f.length < 5) continue;
    const local = f[3];
    // net-tools says tcp6; BusyBox says tcp, and its IPv6 text has colons.
    const v6 = f[0].endsWith('6') || local.split(':').length > 2;
    const port = +local.slice(local.lastIndexOf(':') + 1);
    if (ownKeys.has(keyOf(f[0].replace('6', ''), v6, port))) keep.push(line);
  }
  return keep.join('\n');
}

/**
 * Runs a tool in a private mount namespace where /etc/nsswitch.conf says
 * "files" only: the real netstat then names hosts, ports and users from
 * /etc/hosts, /etc/services and /etc/passwd alone, as portown does, and
 * never waits on DNS. Whether this machine can make one (root) is probed
 * once, here, so the tests that need it are registered as skipped if not.
 */
const nssFile = path.join(os.tmpdir(), 'portown-nss-' + process.pid + '.conf');
fs.writeFileSync(nssFile, 'passwd: files\ngroup: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n');
const MOUNT_NS = runs(['unshare', '-m', 'sh', '-c', 'mount --bind "$0" /etc/nsswitch.conf', nssFile], 'cannot make a mount namespace here (unshare -m, mount --bind)');
function filesOnly(cmd: string, args: string[]): [string, string[]] {
  return ['unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/nsswitch.conf && exec "$@"', nssFile, cmd, ...args]];
}

interface Pair { mine: Run; theirs: Run; a: string; b: string }

/** Runs both at (nearly) the same moment; once more if they differ. */
function both(args: string[], theirCmd: string, theirArgs: string[], opts: RunOptions = {}, stderr = false): Pair {
  let p: Pair | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const mine = portown(['netstat', ...args], opts);
    const theirs = runTool(theirCmd, theirArgs, opts);
    p = { mine, theirs, a: ours(mine.stdout), b: ours(theirs.stdout) };
    if (p.a === p.b && (!stderr || mine.stderr === theirs.stderr) && mine.code === theirs.code) return p;
  }
  return p!;
}

function agree(args: string[], opts: RunOptions = {}, stderr = false): Pair {
  const p = both(args, 'netstat', args, opts, stderr);
  assert.fixture(p.a, p.b);
  if (stderr) assert.is(p.mine.stderr, p.theirs.stderr);
  assert.equal([p.mine.code, p.theirs.code], [0, 0], p.mine.stderr);
  return p;
}

/** Rows of the comparison that are not headers. */
function rows(s: string): string[] {
  return s.split('\n').filter((l) => !/^(Active |Proto )/.test(l));
}

N.before(async () => {
  A = await startServer([
    { tcp: '0.0.0.0' }, { tcp: '127.0.0.1' }, { tcp: '::1' }, { tcp: '::', ipv6Only: false },
    { udp: '127.0.0.1' }, { udp: '::1' }, { unix: UNIX_PATH },
    // Two `sleep` children also hold the 0.0.0.0 listener: netstat names the first holder.
    { share: 0, children: 2 },
  ]);
  const p = (i: number) => A.sockets[i].port!;
  B = await startServer([
    { connect: '127.0.0.1', port: p(1) }, { connect: '::1', port: p(2) }, { connect: '127.0.0.1', port: p(3) },
    { udpConnect: '127.0.0.1', port: p(4) }, { udpConnect: '::1', port: p(5) },
  ]);
  for (const l of [A, B]) {
    for (const s of l.sockets) {
      if (!s.port) continue;
      const proto = s.kind === 'udp' || s.kind === 'udpConnected' ? 'udp' : 'tcp';
      ownKeys.add(keyOf(proto, s.address!.includes(':'), s.port));
    }
  }
  // Let the accepted ends of B's connections appear.
  await new Promise((r) => setTimeout(r, 200));
});
N.after(() => {
  stopAll();
  for (const f of [UNIX_PATH, nssFile]) { try { fs.unlinkSync(f); } catch (e) { /* gone */ } }
});

needs(N, NETSTAT)('-ntpa: every row of our sockets, the program column included, is what netstat prints', () => {
  // stderr too: as root, no warning, even where some process's fd links are
  // refused while its fd directory opens (net-tools warns only for the latter).
  const p = agree(['-ntpa'], {}, true);
  const r = rows(p.a);
  // 4 listeners, 3 connections seen from both ends. (Other sockets may share
  // a local port with ours: count those our two processes hold.)
  assert.is(r.filter((l) => l.includes(' ' + A.pid + '/node') || l.includes(' ' + B.pid + '/node')).length, 10, p.a);
  assert.ok(r.some((l) => l.startsWith('tcp6') && l.includes('127.0.0.1:' + A.sockets[3].port + ' ') && l.includes(A.pid + '/node')), 'the IPv4-mapped end prints as plain IPv4');
  assert.ok(r.some((l) => l.includes(':::' + A.sockets[3].port + ' ') && l.includes(':::*')), 'the dual-stack listener is :::PORT');
  assert.ok(r.some((l) => l.includes(B.pid + '/node')), 'the client has its own PID');
  const shared = r.find((l) => l.includes('0.0.0.0:' + A.sockets[0].port + ' '));
  assert.ok(shared && shared.endsWith(' ' + A.pid + '/node' + ' '.repeat(20 - (A.pid + '/node').length)), 'the parent, first of three holders: ' + shared);
});

needs(N, NETSTAT)('-lntup: only servers, TCP and UDP', () => {
  const p = agree(['-lntup']);
  assert.is(rows(p.a).filter((l) => l.includes(' ' + A.pid + '/node')).length, 6, p.a);
  assert.ok(p.a.startsWith('Active Internet connections (only servers)\n'));
});

needs(N, NETSTAT)('-ntpaW, -ntpae, -xap, long options', () => {
  agree(['-ntpaW']);
  const e = agree(['-ntpae']);
  assert.ok(e.a.includes(' User       Inode      PID/Program name    \n'), e.a);
  const x = agree(['-xap']);
  assert.is(rows(x.a).length, 1, x.a);
  assert.match(x.a, /^unix  2      \[ ACC \]     STREAM     LISTENING     \d+ +\d+\/node +\//m);
  agree(['--tcp', '--udp', '--all', '--numeric', '--program']);
});

needs(N, NETSTAT, MOUNT_NS)('without -n: names from /etc/hosts, /etc/services, /etc/passwd, as netstat gives them with DNS off', () => {
  for (const args of [['-tuap'], ['-tuape'], ['-ltu']]) {
    const oracle = filesOnly('netstat', args);
    const p = both(args, oracle[0], oracle[1]);
    assert.fixture(p.a, p.b);
    assert.ok(p.a.includes('localhost:' + A.sockets[1].port + ' '), p.a);
    assert.ok(p.a.includes('[::]:' + A.sockets[3].port + ' '), p.a);
  }
});

needs(N, BUSYBOX, MOUNT_NS)('--busybox without -n: names as busybox netstat gives them with DNS off', () => {
  for (const args of [['-tua'], ['-a']]) {
    const oracle = filesOnly('busybox', ['netstat', ...args]);
    const p = both(['--busybox', ...args], oracle[0], oracle[1]);
    assert.fixture(p.a, p.b);
  }
});

needs(N, NETSTAT)('-ntuao: the Timer column', () => {
  // A running timer counts down between the two runs (another test's
  // TIME_WAIT socket may share one of our local ports): compare its text
  // with the seconds masked.
  const mask = (s: string) => s.replace(/ (on|keepalive|timewait|probe|on1|on2) \(\d+\.\d\d\//g, ' $1 (N.NN/');
  const p = both(['-ntuao'], 'netstat', ['-ntuao']);
  assert.fixture(mask(p.a), mask(p.b));
  assert.ok(/ off \(0\.00\/0\/0\)$/m.test(p.a), p.a);
});

needs(N, NETSTAT)('-rn, -r, -rne, -rnee: the routing table, whole', () => {
  for (const args of [['-rn'], ['-rne'], ['-rnee'], ['--route', '--numeric']]) {
    const mine = portown(['netstat', ...args]);
    const theirs = runTool('netstat', args);
    assert.is(mine.stdout, theirs.stdout, args.join(' '));
    assert.is(mine.code, 0);
  }
});

needs(N, NETSTAT, ROOT)('as nobody: the same rows with - for root\'s sockets, and netstat\'s own warning', () => {
  const p = agree(['-ntpa'], NOBODY, true);
  const listeners = rows(p.a).filter((l) => A.sockets.slice(0, 4).some((x) => l.includes(':' + x.port + ' ') && l.includes('LISTEN')));
  assert.is(listeners.length, 4, p.a);
  assert.ok(listeners.every((l) => / -\s+$/.test(l)), p.a);
  // Either warning is right, depending on whether some process of nobody's holds a socket now.
  assert.ok([
    '(No info could be read for "-p": geteuid()=65534 but you should be root.)\n',
    '(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n',
  ].includes(p.mine.stderr), p.mine.stderr);
  agree(['-lntup'], NOBODY, true);
  agree(['-xap'], NOBODY, true);
});

needs(N, NETSTAT, ROOT)('as nobody with a socket of its own: its PID/name, and "Not all processes could be identified"', async () => {
  const mine = await startServer([{ tcp: '127.0.0.1' }], NOBODY);
  const key = keyOf('tcp', false, mine.sockets[0].port!);
  ownKeys.add(key);
  try {
    const p = agree(['-ntpa'], NOBODY, true);
    assert.ok(p.a.includes(mine.pid + '/node'), p.a);
    assert.is(p.mine.stderr, '(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n');
  } finally {
    mine.stop();
    ownKeys.delete(key);
  }
});

needs(N, BUSYBOX)('--busybox: what Debian\'s busybox netstat prints (it refuses -p)', () => {
  for (const args of [['-nta'], ['-nua'], ['-lnu'], ['-ntu'], ['-xa'], ['-nax']]) {
    const p = both(['--busybox', ...args], 'busybox', ['netstat', ...args]);
    assert.fixture(p.a, p.b);
    assert.is(p.mine.code, 0);
  }
  const mapped = both(['--busybox', '-nta'], 'busybox', ['netstat', '-nta']);
  assert.ok(mapped.a.includes('::ffff:127.0.0.1:' + A.sockets[3].port + ' '), 'BusyBox keeps the mapped form');
  for (const args of [['-rn'], ['-rne']]) {
    assert.is(portown(['netstat', '--busybox', ...args]).stdout, runTool('busybox', ['netstat', ...args]).stdout, args.join(' '));
  }
  // The environment variable does the same, for wrappers.
  const env = portown(['netstat', '-rn'], { env: { PORTOWN_NETSTAT_STYLE: 'busybox' } });
  assert.is(env.stdout, runTool('busybox', ['netstat', '-rn']).stdout);
});

N('--busybox -p: the program column with %.20s and no padding', () => {
  const r = portown(['netstat', '--busybox', '-ntap']);
  assert.is(r.code, 0);
  const row = ours(r.stdout).split('\n').find((l) => l.includes(':' + A.sockets[1].port + ' ') && l.includes('LISTEN'));
  assert.ok(row, r.stdout);
  assert.ok(row!.endsWith('LISTEN      ' + A.pid + '/node'), JSON.stringify(row));
  assert.ok(r.stdout.includes('State       PID/Program name    \n'));
});

N('run under the name netstat: a symlink, and the one-line wrapper of the README', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-netstat-'));
  try {
    const link = path.join(dir, 'netstat');
    fs.symlinkSync(BUNDLE, link);
    const direct = portown(['netstat', '-rn']);
    const viaLink = portown(['-rn'], { script: link });
    assert.is(viaLink.stdout, direct.stdout);
    assert.ok(direct.stdout.startsWith('Kernel IP routing table\n'));
    const wrapper = path.join(dir, 'wrapper');
    fs.writeFileSync(wrapper, '#!/bin/sh\nexec ' + nodeCommand().join(' ') + ' ' + BUNDLE + ' netstat "$@"\n', { mode: 0o755 });
    const w = runTool(wrapper, ['-rn']);
    assert.equal([w.code, w.stdout], [0, direct.stdout]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

N('-c lists again every second and stops quietly (exit 0) when the reader goes away', async () => {
  const [cmd, ...pre] = nodeCommand();
  const child = spawn(cmd, [...pre, BUNDLE, 'netstat', '-c', '-rn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.stdout!.on('data', (d) => {
      out += d;
      // Two listings seen: close our end, so the next write meets EPIPE.
      if (out.split('Kernel IP routing table').length > 2) child.stdout!.destroy();
    });
    child.on('exit', (code) => { clearTimeout(killer); resolve({ code, out }); });
  });
  assert.is(result.code, 0, err);
  assert.is(err, '');
  assert.ok(result.out.split('Kernel IP routing table').length > 2);
});

N('an option netstat mode does not have: exit 2 and one line naming it', () => {
  const r = portown(['netstat', '-i']);
  assert.equal([r.code, r.stdout, r.stderr], [2, '',
    'netstat: unsupported option "-i"; expected -a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms\n']);
  const s = portown(['netstat', '-ntps']);
  assert.equal([s.code, s.stderr], [2,
    'netstat: unsupported option "-s" in "-ntps"; expected -a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms\n']);
});

N.run();
