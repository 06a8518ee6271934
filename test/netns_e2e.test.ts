// Network namespaces, live: real namespaces made with `ip netns add` and
// `unshare --net`, real listeners in them, and the bundle asked about them.
// Every test asserts the exact pids and namespace inodes. As root only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { portown, portownJson, ROOT as REPO } from './helpers/cli';
import { startServer, stopAll, Listener } from './helpers/listeners';
import { command, need, needs, netTools, ROOT, runs, nobodyUser } from './helpers/needs';

const IP = command('ip', 'iproute2');
const UNSHARE = command('unshare', 'util-linux');
const NETNS = runs(['ip', 'netns', 'list'], 'ip netns does not work here');

const N = suite('netns e2e');
const t = needs(N, ROOT, IP, UNSHARE, NETNS);

/** Namespaces this suite made, deleted at the end. */
const made: string[] = [];
let seq = 0;

/** A named namespace with loopback up, as `ip netns add` makes one; returns its name and inode. */
function namedNs(): { name: string; ino: string } {
  const name = 'portown-e2e-' + process.pid + '-' + seq++;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error('ip netns add ' + name + ': ' + add.stderr);
  made.push(name);
  spawnSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  return { name, ino: String(fs.statSync('/run/netns/' + name).ino) };
}

function nsOf(pid: number): string {
  return /net:\[(\d+)\]/.exec(fs.readlinkSync('/proc/' + pid + '/ns/net'))![1];
}

const SELF = (() => { try { return nsOf(process.pid); } catch (e) { return ''; } })();

/** A free TCP and UDP port number on every loopback, by asking the kernel here (namespaces start empty). */
function freePort(): number {
  return 20000 + ((process.pid * 7 + seq * 131 + Date.now()) % 20000);
}

N.after(() => {
  stopAll();
  for (const name of made) spawnSync('ip', ['netns', 'del', name]);
});

/** Owners of each row as "proto pid netns". */
function rows(data: any[]): string[] {
  return data.map((s) => s.proto + ' ' + s.owners.map((o: any) => o.pid).join(',') + ' ' + s.netns);
}

t('a listener in an ip netns: missed here with a note, found by --netns all, NAME, pid:PID and --pid, with its namespace', async () => {
  const ns = namedNs();
  const port = freePort();
  const l: Listener = await startServer([{ tcp: '127.0.0.1', port }, { udp: '::1', port }], { wrap: ['ip', 'netns', 'exec', ns.name] });
  assert.is(nsOf(l.pid), ns.ino, 'the server runs in the namespace');

  const miss = portown([String(port)]);
  assert.is(miss.code, 1, 'nothing matches in our own namespace');
  assert.is(miss.stdout, '');
  assert.match(miss.stderr, new RegExp('portown: port ' + port + ' is not in use in this network namespace, but is in another: net:\\[' + ns.ino + '\\] \\(pid ' + l.pid + ', 2 sockets\\); see it with --netns all'));

  for (const how of [['--netns', 'all'], ['--netns', ns.name], ['--netns', '/run/netns/' + ns.name], ['--netns=pid:' + l.pid]]) {
    const r = portownJson([String(port), ...how]);
    assert.is(r.code, 0, how.join(' ') + ': ' + r.stderr);
    assert.equal(rows(r.data), ['tcp ' + l.pid + ' ' + ns.ino, 'udp6 ' + l.pid + ' ' + ns.ino], how.join(' '));
  }
  const table = portown([String(port), '--netns', ns.name]);
  assert.match(table.stdout.split('\n')[0], /^Proto +Local Address +Remote Address +State +NETNS +PID +User +Command$/);
  assert.match(table.stdout, new RegExp('^tcp +127\\.0\\.0\\.1:' + port + ' +0\\.0\\.0\\.0:\\* +LISTEN +' + ns.ino + ' +' + l.pid + ' +root +node$', 'm'));

  const pid = portownJson(['--pid', String(l.pid), '-t', '-u']);
  assert.is(pid.code, 0, pid.stderr);
  assert.equal(rows(pid.data), ['tcp ' + l.pid + ' ' + ns.ino, 'udp6 ' + l.pid + ' ' + ns.ino]);
  l.stop();
});

t('the same port in three namespaces at once: --netns all answers each with its own holder', async () => {
  const port = freePort();
  const a = namedNs();
  const b = namedNs();
  const here = await startServer([{ tcp: '127.0.0.1', port }]);
  const inA = await startServer([{ tcp: '127.0.0.1', port }], { wrap: ['ip', 'netns', 'exec', a.name] });
  const inB = await startServer([{ tcp: '127.0.0.1', port }], { wrap: ['unshare', '--net', '--'] });
  const bIno = nsOf(inB.pid);
  const own = portownJson([port + '/tcp']);
  assert.equal(rows(own.data), ['tcp ' + here.pid + ' ' + SELF], 'the default is our own namespace');
  const all = portownJson([port + '/tcp', '--netns', 'all']);
  assert.is(all.code, 0, all.stderr);
  assert.equal(rows(all.data).sort(), ['tcp ' + here.pid + ' ' + SELF, 'tcp ' + inA.pid + ' ' + a.ino, 'tcp ' + inB.pid + ' ' + bIno].sort());
  assert.is(rows(all.data)[0], 'tcp ' + here.pid + ' ' + SELF, 'our own namespace first');
  // The table shows the column because rows come from other namespaces; the default query never does.
  assert.match(portown([port + '/tcp', '--netns', 'all']).stdout, /NETNS/);
  assert.not.match(portown([port + '/tcp']).stdout, /NETNS/);
  assert.equal(rows(portownJson([port + '/tcp', '--netns', 'pid:' + inB.pid]).data), ['tcp ' + inB.pid + ' ' + bIno]);
  void b;
  here.stop(); inA.stop(); inB.stop();
});

t('a socket passed to a process in another namespace: --pid on that process still lists it, from the namespace it lives in', async () => {
  const ns = namedNs();
  const port = freePort();
  // The server listens in ns; its child, holding the same socket, runs in a namespace of its own.
  const l = await startServer([{ tcp: '127.0.0.1', port }, { share: 0, children: 1, unshare: true }], { wrap: ['ip', 'netns', 'exec', ns.name] });
  const child = l.children[0];
  assert.is.not(nsOf(child), ns.ino, 'the child is elsewhere');
  const r = portownJson(['--pid', String(child)]);
  assert.is(r.code, 0, r.stderr);
  const tcp = r.data.filter((s: any) => s.proto === 'tcp');
  assert.equal(tcp.map((s: any) => [s.local.port, s.netns, s.owners.map((o: any) => o.pid)]), [[port, ns.ino, [child]]]);
  // The holders of the port, asked in its namespace: the server and the child, one a namespace away.
  assert.equal(portownJson([String(port), '--netns', ns.name]).data.map((s: any) => s.owners.map((o: any) => o.pid)), [[l.pid, child].sort((x, y) => x - y)]);
  l.stop();
});

t('a socket whose namespace has no process left is still listed by --pid, as a bare socket', async () => {
  const ns = namedNs();
  const port = freePort();
  const l = await startServer([{ tcp: '127.0.0.1', port }, { share: 0, children: 1, unshare: true }], { wrap: ['ip', 'netns', 'exec', ns.name] });
  const child = l.children[0];
  const inode = fs.readlinkSync('/proc/' + child + '/fd/3').slice(8, -1);
  // The server leaves, and so does the name: no process is left in the socket's namespace.
  process.kill(l.pid, 'SIGKILL');
  spawnSync('ip', ['netns', 'del', ns.name]);
  for (let i = 0; i < 100 && fs.existsSync('/proc/' + l.pid); i++) await new Promise((r) => setTimeout(r, 20));
  const r = portownJson(['--pid', String(child)]);
  assert.is(r.code, 0, r.stderr);
  const bare = r.data.filter((s: any) => s.inode === inode);
  assert.equal(bare, [{ proto: 'socket', inode, netns: null, owners: [{ pid: child, name: 'sleep', cmdline: 'sleep 100000', fd: 3, uid: 0 }] }]);
  assert.match(portown(['--pid', String(child)]).stdout, new RegExp('^socket +inode ' + inode + ' +\\* +- +' + child + ' +root +sleep$', 'm'));
  try { process.kill(child, 'SIGKILL'); } catch (e) { /* gone */ }
});

needs(N, ROOT, UNSHARE, netTools())('netstat mode names a holder that lives in another namespace, as net-tools does', async () => {
  const port = freePort();
  // Our socket, held only by a child that moved to a namespace of its own once the server is gone.
  const l = await startServer([{ tcp: '127.0.0.1', port }, { share: 0, children: 1, unshare: true }]);
  const child = l.children[0];
  process.kill(l.pid, 'SIGKILL');
  for (let i = 0; i < 100 && fs.existsSync('/proc/' + l.pid); i++) await new Promise((r) => setTimeout(r, 20));
  const line = (out: string) => out.split('\n').filter((x) => x.includes('127.0.0.1:' + port + ' '));
  const ours = line(portown(['netstat', '-ntlp']).stdout);
  const theirs = line(spawnSync('netstat', ['-ntlp'], { encoding: 'utf8' }).stdout);
  assert.equal(ours, theirs);
  assert.match(ours[0], new RegExp(' ' + child + '/sleep +$'));
  try { process.kill(child, 'SIGKILL'); } catch (e) { /* gone */ }
});

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].filter((b) => fs.existsSync(b))[0] || '';
const APPLETS = ['cat', 'cp', 'date', 'gzip', 'ls', 'mkdir', 'od', 'rm', 'tar', 'tr', 'uname'];

needs(N, ROOT, IP, NETNS, need(!!BUSYBOX, 'no busybox to take the snapshot with'))('a snapshot taken with BusyBox answers --netns all offline as the live /proc did', async () => {
  const ns = namedNs();
  const port = freePort();
  const l = await startServer([{ tcp: '127.0.0.1', port }, { udp: '::1', port }], { wrap: ['ip', 'netns', 'exec', ns.name] });
  const here = await startServer([{ tcp: '127.0.0.1', port }]);
  const live = portown([String(port), '--netns', 'all', '--json']);
  assert.is(live.code, 0, live.stderr);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-nssnap-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const a of APPLETS) fs.symlinkSync(BUSYBOX, path.join(bin, a));
    const tarball = path.join(dir, 'snap.tar.gz');
    const r = spawnSync(BUSYBOX, ['sh', path.join(REPO, 'scripts', 'snapshot.sh'), tarball], { env: { PATH: bin, TMPDIR: dir }, encoding: 'utf8', timeout: 180000 });
    assert.is(r.status, 0, r.stderr);
    fs.mkdirSync(path.join(dir, 'snap'));
    assert.is(spawnSync('tar', ['-xzf', tarball, '-C', path.join(dir, 'snap')]).status, 0);
    const offline = portown([String(port), '--netns', 'all', '--json', '--proc', path.join(dir, 'snap', 'proc')]);
    assert.is(offline.code, 0, offline.stderr);
    assert.is(offline.stdout, live.stdout);
    assert.equal(rows(JSON.parse(offline.stdout)), ['tcp ' + here.pid + ' ' + SELF, 'tcp ' + l.pid + ' ' + ns.ino, 'udp6 ' + l.pid + ' ' + ns.ino]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    l.stop();
    here.stop();
  }
});

const WHO = nobodyUser();

t('as nobody, --netns all says it could not tell root\'s processes\' namespaces apart, and shows nothing of theirs as its own', async () => {
  assert.ok(WHO, 'a nobody user');
  const ns = namedNs();
  const port = freePort();
  const l = await startServer([{ tcp: '127.0.0.1', port }], { wrap: ['ip', 'netns', 'exec', ns.name] });
  const r = portownJson([String(port), '--netns', 'all'], { uid: WHO!.uid, gid: WHO!.gid });
  // The listener's namespace is root's to read: not found, and never put in our own namespace.
  assert.equal(r.data.filter((x: any) => x.netns !== SELF), []);
  assert.equal(r.data.filter((x: any) => x.owners.some((o: any) => o.pid === l.pid)), []);
  assert.match(r.stderr, new RegExp('^portown: the network namespace of \\d+ process(es)? could not be read by uid ' + WHO!.uid + ': sockets in namespaces only they are in may be missing\\. You would have to be root to see them all\\.$', 'm'));
  l.stop();
});

t('as nobody, a --proc tree it may not list gives the one cannot-read line with --netns all too, never an unexpected error', () => {
  assert.ok(WHO, 'a nobody user');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-closed-'));
  try {
    fs.mkdirSync(path.join(dir, 'net'));
    fs.writeFileSync(path.join(dir, 'net', 'tcp'), '');
    fs.chmodSync(dir, 0o311);
    for (const args of [[], ['--netns', 'all']]) {
      const r = portown(['--proc', dir, ...args], { uid: WHO!.uid, gid: WHO!.gid });
      assert.equal([r.code, r.stdout], [2, ''], args.join(' '));
      assert.match(r.stderr, new RegExp('^portown: cannot read ' + dir + ': permission denied\\n$'), args.join(' '));
    }
  } finally {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t('--netns that names no namespace: one line and exit 2; a namespace with no process: one line and exit 1', () => {
  const bad = (args: string[], code: number, message: RegExp) => {
    const r = portown(args);
    assert.is(r.code, code, args.join(' ') + ': ' + r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr.split('\n').length, 2, 'one line: ' + r.stderr);
    assert.match(r.stderr, message);
  };
  bad(['--netns', 'portown-no-such-ns'], 2, /^portown: no network namespace "portown-no-such-ns": \/run\/netns\/portown-no-such-ns does not exist$/m);
  bad(['--netns', '/etc/passwd'], 2, /^portown: Expected --netns to name a network namespace file, got "\/etc\/passwd" \(\/etc\/passwd is not one\)$/m);
  bad(['--netns', 'pid:99999999'], 2, /^portown: cannot read the network namespace of pid 99999999 under \/proc/m);
  bad(['--netns', 'pid:x'], 2, /^portown: Expected --netns pid:PID with a PID of 1 or more, got "pid:x"$/m);
  bad(['--netns', ''], 2, /^portown: Option --netns expects all, NAME, a namespace file or pid:PID, got ""$/m);
  bad(['--netns'], 2, /^portown: Option --netns expects all, NAME, a namespace file or pid:PID, got nothing$/m);
  bad(['--pid', '1', '--netns', 'all'], 2, /^portown: Option --netns chooses the tables of PORT, --listening and --all; --pid 1 already looks in every namespace$/m);
  const empty = namedNs();
  bad(['--netns', empty.name], 1, new RegExp('^portown: no process is in network namespace "' + empty.name + '", so /proc shows none of its tables$', 'm'));
});

N.run();
