import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { newScanStats, OwnerMap, ScanOptions } from '../src/scan/types';
import { scanOwnersSync } from '../src/scan/sync';
import { CHDIR_MIN_LINKS } from '../src/scan/cwd';
import { readProcInfo, REAL_READERS } from '../src/scan/holder';
import { readStartTime } from '../src/proc/pid';
import { SocketLinks } from '../src/scan/socket_links';
import { scanOwnersPool, PoolTuning } from '../src/scan/pool';
import { startServer, stopAll } from './helpers/listeners';
import { FakeProc, statLine, trees } from './helpers/proc_tree';

// The module object itself, to stand in for readlink/readdir (the scanner reads them at call time).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const fsm: { readlink: unknown; readlinkSync: unknown; readdir: unknown } = require('fs');

/** A host of n processes: each has files, pipes and sockets; inode 5000 is shared by every process (forked workers). */
function busyHost(n: number): FakeProc[] {
  const out: FakeProc[] = [];
  for (let i = 0; i < n; i++) {
    const pid = 100 + i * 3;
    const fds: { [fd: number]: string } = { 0: '/dev/null', 1: 'pipe:[77]', 2: '/var/log/app.log', 3: 'socket:[5000]' };
    for (let k = 0; k < 12; k++) fds[10 + k] = k % 3 === 0 ? 'anon_inode:[eventfd]' : 'socket:[' + (6000 + i * 20 + k) + ']';
    out.push({ pid, start: 1000 + i, comm: 'w' + i, fds });
  }
  return out;
}

/** Owners as plain text, in the order the map holds them. */
function dump(m: OwnerMap): string {
  const lines: string[] = [];
  m.byInode.forEach((list, k) => lines.push(k + ':' + list.map((o) => o.proc.pid + '/' + o.tid + '/' + o.fds.join('+') + '/' + o.proc.name.toString('latin1')).join(',')));
  return lines.sort().join('\n');
}

function scanAsync(opts: ScanOptions, tuning?: PoolTuning): Promise<OwnerMap> {
  return new Promise((resolve) => scanOwnersPool(opts, resolve, tuning));
}

const { tree, removeAll } = trees('portown-async-');

const Async = suite('scan pool');

Async.after(() => {
  removeAll();
  stopAll();
});

Async('finds the same owners and stats as the sync scan, in the same order', async () => {
  const root = tree(busyHost(60));
  const opts: ScanOptions = { root, wanted: null, threads: false };
  const sync = scanOwnersSync(opts);
  const a = await scanAsync(opts);
  assert.is(dump(a), dump(sync));
  assert.equal(a.stats, sync.stats);
  assert.is(a.byInode.get('5000')!.length, 60);
  assert.is(a.stats.links, 60 * 16);
});

Async('gives the same answer one link a slice or eight, listing one directory ahead or four', async () => {
  const root = tree(busyHost(20));
  const opts: ScanOptions = { root, wanted: null, threads: false };
  const sync = scanOwnersSync(opts);
  for (const t of [{ ahead: 1, slice: 1 }, { ahead: 4, slice: 8 }]) {
    const a = await scanAsync(opts, t);
    assert.is(dump(a), dump(sync), JSON.stringify(t));
    assert.equal(a.stats, sync.stats);
  }
});

Async('counts each directory once when the pool lists ahead while the main thread reads one link a slice', async () => {
  // Pool answers come back in a fixed order (next turn of the loop), so the
  // pool lists pid 103's directory while the main thread, one link a slice,
  // is still in pid 100's.
  const realDir = fs.readdir;
  const realLink = fs.readlink;
  fsm.readdir = (p: string, cb: (e: NodeJS.ErrnoException | null, n?: string[]) => void) => { const n = fs.readdirSync(p); setImmediate(() => cb(null, n)); };
  fsm.readlink = (p: string, cb: (e: NodeJS.ErrnoException | null, l?: string) => void) => { const l = fs.readlinkSync(p); setImmediate(() => cb(null, l)); };
  const root = tree(busyHost(3));
  const opts: ScanOptions = { root, wanted: null, threads: false };
  let a: OwnerMap;
  try {
    a = await scanAsync(opts, { ahead: 2, slice: 1 });
  } finally {
    fsm.readdir = realDir;
    fsm.readlink = realLink;
  }
  const sync = scanOwnersSync(opts);
  assert.equal(a.stats, sync.stats);
  assert.is(dump(a), dump(sync));
});

Async('with links, keeps every socket link unnamed, reads no starttime, and owners() names what the sync scan names', async () => {
  const root = tree(busyHost(12).concat([{ pid: 40, start: 9, comm: 'mt', fds: {}, tasks: { 40: { 3: 'socket:[1]' }, 41: { 3: 'socket:[1]', 4: 'socket:[2]' } } }]));
  // The caller's slice (5) wins over the tuning's, large or small.
  for (const tuning of [{ ahead: 3, slice: 512 }, { ahead: 2, slice: 1 }]) {
    for (const threads of [false, true]) {
      const what = JSON.stringify(tuning) + ' threads ' + threads;
      const links = new SocketLinks();
      let starttimes = 0;
      let slices = 0;
      const readers = { ...REAL_READERS, startTime: (dir: string) => { starttimes++; return readStartTime(dir); } };
      const a = await scanAsync({ root, wanted: null, threads, keeper: links, readers, slice: () => { slices++; return 5; } }, tuning);
      const sync = scanOwnersSync({ root, wanted: null, threads });
      assert.is(dump(a), '', 'nothing is named during the scan');
      assert.is(starttimes, 0);
      // Every link is read in slices of 5 (the caller's), not 512.
      assert.ok(slices >= sync.stats.links / 5, slices + ' slices');
      assert.equal(a.stats, sync.stats, what);
      // The busy host's sockets (no task dirs: read through <pid>/fd); the threaded process's only through its task fds.
      assert.is(links.size, 12 * 9 + (threads ? 3 : 0), what);
      const wanted = new Set(['5000', '6021', '1', '2']);
      const stats = newScanStats();
      const named: OwnerMap = { byInode: links.owners(wanted, { root, threads, stats, readInfo: readProcInfo, readers: REAL_READERS }), stats };
      assert.is(dump(named), dump(scanOwnersSync({ root, wanted, threads })), what);
    }
  }
});

Async('keeps only the wanted inodes', async () => {
  const root = tree(busyHost(10));
  const a = await scanAsync({ root, wanted: new Set(['5000', '6021']), threads: false });
  assert.is(dump(a).split('\n').map((l) => l.split(':')[0]).join(' '), '5000 6021');
  assert.is(a.byInode.get('6021')![0].proc.pid, 103);
  assert.is(a.byInode.get('6021')![0].fd, 11);
});

Async('scans one pid only with onlyPid', async () => {
  const root = tree(busyHost(5));
  const a = await scanAsync({ root, wanted: null, threads: false, onlyPid: 106 });
  assert.is(a.stats.processes, 1);
  assert.equal(a.byInode.get('5000')!.map((o) => o.proc.pid), [106]);
});

Async('reports each thread that holds a socket with threads on', async () => {
  const root = tree([{ pid: 40, start: 9, comm: 'mt', fds: {}, tasks: { 40: { 3: 'socket:[1]' }, 41: { 3: 'socket:[1]', 4: 'socket:[2]' } } }]);
  const opts: ScanOptions = { root, wanted: null, threads: true };
  const a = await scanAsync(opts);
  assert.is(dump(a), dump(scanOwnersSync(opts)));
  assert.equal(a.byInode.get('1')!.map((o) => o.tid), [40, 41]);
  assert.is(a.byInode.get('2')![0].threadName!.toString(), 'mt-41');
});

Async('counts a listed process whose directory is gone as vanished', async () => {
  const root = tree(busyHost(3));
  const a = await scanAsync({ root, wanted: null, threads: false, pids: [100, 103, 4242, 106] });
  assert.is(a.stats.vanished, 1);
  assert.is(a.stats.processes, 3);
  assert.is(a.byInode.get('5000')!.length, 3);
});

Async('skips fds that vanish between the listing and the readlink', async () => {
  for (const t of [{ ahead: 2, slice: 4 }, { ahead: 1, slice: 1 }]) {
    const root = tree(busyHost(4));
    const real = fsm.readlink as typeof fs.readlink;
    const realSync = fsm.readlinkSync as typeof fs.readlinkSync;
    // The fd 3 of pid 103 closes after its directory was listed.
    // The main thread reads links relative to the fd directory it entered.
    const gone = (p: string) => {
      const full = p.charAt(0) === '/' ? p : process.cwd() + '/' + p;
      if (full.endsWith('/103/fd/3')) fs.unlinkSync(full);
    };
    fsm.readlink = (p: string, cb: never) => { gone(p); return real(p, cb); };
    fsm.readlinkSync = (p: string) => { gone(p); return realSync(p); };
    let a: OwnerMap;
    try {
      a = await scanAsync({ root, wanted: null, threads: false }, t);
    } finally {
      fsm.readlink = real;
      fsm.readlinkSync = realSync;
    }
    assert.equal(a.byInode.get('5000')!.map((o) => o.proc.pid), [100, 106, 109], JSON.stringify(t));
    assert.is(a.stats.vanished, 0);
    assert.is(a.stats.processes, 4);
  }
});

Async('drops the matches of a pid reused during the scan', async () => {
  const root = tree(busyHost(2));
  const done = scanAsync({ root, wanted: null, threads: false, onlyPid: 103 });
  // The pool scan of one pid read its starttime already: a new process takes the pid.
  fs.writeFileSync(path.join(root, '103', 'stat'), statLine(103, 'other', 99999));
  const a = await done;
  assert.is(a.stats.reused, 1);
  assert.is(dump(a), '');
});

Async('skips a process whose fd directory vanishes after its starttime was read, as the sync scan does', async () => {
  const root = tree(busyHost(3));
  const real = fs.readdir;
  fsm.readdir = (p: string, cb: (e: NodeJS.ErrnoException | null, n?: string[]) => void) => {
    if (p.endsWith('/103/fd')) fs.rmSync(path.join(root, '103'), { recursive: true, force: true });
    return real(p, cb as never);
  };
  let a: OwnerMap;
  try {
    a = await scanAsync({ root, wanted: null, threads: false }, { ahead: 2, slice: 4 });
  } finally {
    fsm.readdir = real;
  }
  // Seen alive (starttime read), then gone: visited with nothing, as scanProcess counts it.
  assert.is(a.stats.vanished, 0);
  assert.is(a.stats.processes, 3);
  assert.equal(a.byInode.get('5000')!.map((o) => o.proc.pid), [100, 106]);
  assert.is(a.byInode.get('6021'), undefined);
});

Async('comes back to the working directory, with an absolute root or one relative to it', async () => {
  const root = tree(busyHost(3));
  const here = process.cwd();
  process.chdir(path.dirname(root));
  try {
    for (const r of [path.basename(root), root]) {
      const opts: ScanOptions = { root: r, wanted: null, threads: false, chdir: true };
      const a = await scanAsync(opts);
      assert.is(process.cwd(), path.dirname(root));
      const s = scanOwnersSync(opts);
      assert.is(process.cwd(), path.dirname(root));
      assert.is(dump(a), dump(s));
      assert.is(a.byInode.get('5000')!.length, 3);
    }
  } finally {
    process.chdir(here);
  }
});

Async('enters an fd directory (chdir) only when it has CHDIR_MIN_LINKS links or more, in both scans', async () => {
  const small = { 0: '/dev/null', 3: 'socket:[7001]' };
  const big: { [fd: number]: string } = {};
  for (let k = 0; k < CHDIR_MIN_LINKS; k++) big[k] = 'socket:[' + (7100 + k) + ']';
  const root = tree([{ pid: 50, start: 1, comm: 'few', fds: small }, { pid: 51, start: 2, comm: 'many', fds: big }]);
  const real = process.chdir;
  const entered: string[] = [];
  process.chdir = (dir: string) => { entered.push(dir); real.call(process, dir); };
  try {
    const opts: ScanOptions = { root, wanted: null, threads: false, chdir: true };
    for (const scan of [() => Promise.resolve(scanOwnersSync(opts)), () => scanAsync(opts)]) {
      entered.length = 0;
      const m = await scan();
      assert.equal(m.byInode.get('7001')!.map((o) => o.proc.pid), [50]);
      assert.equal(m.byInode.get('7100')!.map((o) => o.proc.pid), [51]);
      assert.equal(entered.filter((d) => d.startsWith(root)).map((d) => d.slice(root.length)), ['/51/fd']);
    }
  } finally {
    process.chdir = real;
  }
});

Async('calls back once on an empty root', async () => {
  const root = tree([]);
  let calls = 0;
  await new Promise<void>((resolve) => scanOwnersPool({ root, wanted: null, threads: false }, () => { calls++; setTimeout(resolve, 20); }));
  assert.is(calls, 1);
});

Async('finds a live listener and its forked holders on the real /proc, like the sync scan', async () => {
  const l = await startServer([{ tcp: '127.0.0.1' }, { share: 0, children: 3 }]);
  const fd = l.sockets[0].fd;
  const inode = fs.readlinkSync('/proc/' + l.pid + '/fd/' + fd).slice(8, -1);
  const opts: ScanOptions = { root: '/proc', wanted: new Set([inode]), threads: false };
  const a = await scanAsync(opts);
  const pids = a.byInode.get(inode)!.map((o) => o.proc.pid);
  assert.equal(pids, [l.pid].concat(l.children).sort((x, y) => x - y));
  assert.is(dump(a), dump(scanOwnersSync(opts)));
  l.stop();
});

Async('copes with processes exiting during a live scan', async () => {
  const l = await startServer([{ tcp: '127.0.0.1' }, { share: 0, children: 20 }]);
  const inode = fs.readlinkSync('/proc/' + l.pid + '/fd/' + l.sockets[0].fd).slice(8, -1);
  const done = scanAsync({ root: '/proc', wanted: new Set([inode]), threads: false }, { ahead: 2, slice: 2 });
  l.stop(); // the holders die while the scan runs
  const a = await done;
  // Whatever was seen is whole: each owner has its name, and no pid is listed twice.
  const owners = a.byInode.get(inode) || [];
  for (const o of owners) assert.ok(o.proc.name.length > 0);
  assert.is(new Set(owners.map((o) => o.proc.pid)).size, owners.length);
  assert.ok(a.stats.processes > 0);
});

Async.run();
