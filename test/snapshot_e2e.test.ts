// scripts/snapshot.sh: a tarball of what portown reads, taken under BusyBox sh
// with only BusyBox applets on PATH, read back with --proc, gives the same
// answer as the live /proc it was taken from.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { portown, ROOT } from './helpers/cli';
import { Listener, startServer, stopAll } from './helpers/listeners';

const s = suite('snapshot e2e');
const SCRIPT = path.join(ROOT, 'scripts', 'snapshot.sh');
const APPLETS = ['cat', 'cp', 'date', 'gzip', 'ls', 'mkdir', 'od', 'rm', 'tar', 'tr', 'uname'];
let dir = '';
let srv: Listener;
let snapRoot = '';
const live1: { [k: string]: string } = {};
const live2: { [k: string]: string } = {};
let busybox = '';

const QUERIES: { [k: string]: () => string[] } = {
  all: () => ['--all', '--json'],
  pid: () => ['--pid', String(srv.pid), '--json'],
  pidThreads: () => ['--pid', String(srv.pid), '--threads', '--json'],
  pidTable: () => ['--pid', String(srv.pid), '--threads'],
  port: () => [String(srv.sockets[0].port), '--json'],
  listening: () => ['--json'],
};

function runAll(into: { [k: string]: string }, extra: string[] = []) {
  for (const k of Object.keys(QUERIES)) {
    const r = portown([...QUERIES[k](), ...extra]);
    assert.ok(r.code === 0, k + ': exit ' + r.code + ' ' + r.stderr);
    into[k] = r.stdout;
  }
}

s.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-snap-'));
  srv = await startServer([{ tcp: '127.0.0.1' }, { udp: '127.0.0.1' }, { tcp: '::1' }, { share: 0, children: 2 }, { unix: path.join(dir, 'srv.sock') }]);
  for (const b of ['/bin/busybox', '/usr/bin/busybox']) if (!busybox && fs.existsSync(b)) busybox = b;
  runAll(live1);
  // Only BusyBox on PATH, and BusyBox's own sh: the script must need nothing else.
  let sh = 'sh';
  let env: NodeJS.ProcessEnv = process.env;
  if (busybox) {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const a of APPLETS) fs.symlinkSync(busybox, path.join(bin, a));
    sh = busybox;
    env = { PATH: bin, TMPDIR: dir };
  } else {
    console.log('  NOTE: no busybox here; the snapshot runs under the system sh');
  }
  const tarball = path.join(dir, 'snap.tar.gz');
  const r = spawnSync(sh, busybox ? ['sh', SCRIPT, '-t', tarball] : [SCRIPT, '-t', tarball], { env, encoding: 'utf8', timeout: 180000 });
  assert.is(r.status, 0, r.stderr);
  runAll(live2);
  const x = path.join(dir, 'x');
  fs.mkdirSync(x);
  const t = spawnSync('tar', ['-xzf', tarball, '-C', x], { encoding: 'utf8' });
  assert.is(t.status, 0, t.stderr);
  snapRoot = path.join(x, 'proc');
});
s.after(() => {
  stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

s('the tarball holds the tables, snapshot.txt, and fd links as symlinks', () => {
  assert.ok(fs.existsSync(path.join(snapRoot, 'net', 'tcp')));
  assert.match(fs.readFileSync(path.join(snapRoot, '..', 'snapshot.txt'), 'utf8'), /^byte-order: (le|be)$/m);
  const fd3 = path.join(snapRoot, String(srv.children[0]), 'fd', '3');
  assert.ok(fs.lstatSync(fd3).isSymbolicLink());
  assert.match(fs.readlinkSync(fd3), /^socket:\[\d+\]$/);
  assert.ok(fs.existsSync(path.join(snapRoot, String(srv.pid), 'task', String(srv.pid), 'fd')));
});

for (const k of ['pid', 'pidThreads', 'pidTable', 'port']) {
  s('--proc at the snapshot answers ' + k + ' exactly as the live /proc did', () => {
    assert.is(live1[k], live2[k], 'the live answer moved during the test');
    const r = portown([...QUERIES[k](), '--proc', snapRoot]);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, live1[k]);
  });
}

s('--all and the listening view from the snapshot hold every socket that stood still while it was taken', () => {
  for (const k of ['all', 'listening']) {
    const r = portown([...QUERIES[k](), '--proc', snapRoot]);
    assert.is(r.code, 0, r.stderr);
    const snap = new Set(r.stdout.split('\n').map((l) => l.replace(/,$/, '')));
    const l2 = new Set(live2[k].split('\n').map((l) => l.replace(/,$/, '')));
    const stable = live1[k].split('\n').map((l) => l.replace(/,$/, '')).filter((l) => l.startsWith('{') && l2.has(l));
    const missing = stable.filter((l) => !snap.has(l));
    assert.ok(stable.some((l) => l.includes('"pid":' + srv.children[1] + ',')), k + ': the server\'s shared socket is not among the stable ones');
    assert.equal(missing, [], k + ': ' + missing.length + ' of ' + stable.length + ' stable sockets differ in the snapshot');
  }
});

s.run();
