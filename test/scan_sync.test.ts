import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scanOwnersSync } from '../src/scan/sync';
import { socketInode } from '../src/proc/fd';
import { readProcInfo } from '../src/scan/holder';
import { Owner } from '../src/types';
import { FIXTURES } from './helpers/cli';

const root = (f: string) => path.join(FIXTURES, f);
const brief = (list: Owner[] | undefined) => (list || []).map((o) => [o.proc.pid, o.tid, o.proc.name.toString(), o.fd]);

const O = suite('scan sync');

O('socketInode takes N from socket:[N] and nothing else', () => {
  assert.is(socketInode('socket:[13828]'), '13828');
  assert.is(socketInode('pipe:[8927]'), null);
  assert.is(socketInode('/dev/null'), null);
  assert.is(socketInode('socket:[13828'), null);
  assert.is(socketInode('anon_inode:[eventpoll]'), null);
});

O('the design-doc host: inode 13828 is held by 1962/sshd at fd 3', () => {
  const m = scanOwnersSync({ root: root('design-doc'), wanted: new Set(['13828']), threads: false });
  assert.equal(brief(m.byInode.get('13828')), [[1962, 0, 'sshd', 3]]);
  assert.is(m.byInode.size, 1, 'only wanted inodes are kept');
  assert.is(m.stats.processes, 7);
  assert.is(m.stats.denied, 0);
});

O('with no wanted set, every socket link is kept', () => {
  const m = scanOwnersSync({ root: root('design-doc'), wanted: null, threads: false });
  assert.equal([...m.byInode.keys()].sort(), ['11262', '11266', '11510', '11513', '11830', '11835', '13828', '13830', '13982', '8928']);
});

O('every holder of a shared listener is listed, in pid order', () => {
  const m = scanOwnersSync({ root: root('ipv6'), wanted: new Set(['2004']), threads: false });
  assert.equal(brief(m.byInode.get('2004')), [[303, 0, 'nginx', 6], [304, 0, 'nginx', 6], [305, 0, 'nginx', 6]]);
});

O('one process holding a socket on several fds is one holder with all its fds', () => {
  const m = scanOwnersSync({ root: root('old-kernel'), wanted: new Set(['7002']), threads: false });
  const list = m.byInode.get('7002')!;
  assert.is(list.length, 1);
  assert.equal(list[0].fds, [0, 1, 2]);
  assert.is(list[0].proc.name.toString(), 'telnetd', 'the name falls back to status on kernels without comm');
});

O('threads: a thread with its own fd table shows a socket the process table does not', () => {
  const plain = scanOwnersSync({ root: root('threads'), wanted: new Set(['8001', '8002']), threads: false });
  assert.equal(brief(plain.byInode.get('8001')), [[800, 0, 'pool', 3]]);
  assert.is(plain.byInode.get('8002'), undefined);
  const t = scanOwnersSync({ root: root('threads'), wanted: new Set(['8001', '8002']), threads: true });
  assert.equal(t.byInode.get('8001')!.map((o) => [o.tid, o.threadName!.toString()]), [[800, 'pool'], [801, 'acceptor'], [802, 'worker']]);
  assert.equal(t.byInode.get('8002')!.map((o) => [o.proc.pid, o.tid, o.threadName!.toString(), o.fd]), [[800, 801, 'acceptor', 9]]);
});

O('onlyPid scans one process', () => {
  const m = scanOwnersSync({ root: root('design-doc'), wanted: null, threads: false, onlyPid: 1596 });
  assert.equal([...m.byInode.keys()].sort(), ['11262', '11266']);
  assert.is(m.stats.processes, 1);
  const none = scanOwnersSync({ root: root('design-doc'), wanted: null, threads: false, onlyPid: 4242 });
  assert.is(none.stats.processes, 0);
});

O('a process that vanished, or an fd link that points nowhere, is skipped quietly', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-own-'));
  fs.mkdirSync(path.join(tmp, '10', 'fd'), { recursive: true });
  fs.writeFileSync(path.join(tmp, '10', 'comm'), 'x\n');
  fs.symlinkSync('socket:[1]', path.join(tmp, '10', 'fd', '3'));
  fs.mkdirSync(path.join(tmp, '10', 'fd', '4')); // not a link: readlink EINVAL
  const { byInode, stats } = scanOwnersSync({ root: tmp, wanted: null, threads: false, pids: [10, 11] });
  assert.equal(brief(byInode.get('1')), [[10, 0, 'x', 3]]);
  assert.is(stats.processes, 1, 'pid 11 never existed');
  assert.is(stats.vanished, 1);
  assert.is(stats.denied, 0);
  fs.rmSync(tmp, { recursive: true, force: true });
});

O('a pid reused between the fd scan and the name read is dropped (starttime changed)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-reuse-'));
  const pd = path.join(tmp, '20');
  fs.mkdirSync(path.join(pd, 'fd'), { recursive: true });
  fs.writeFileSync(path.join(pd, 'comm'), 'old\n');
  fs.writeFileSync(path.join(pd, 'stat'), '20 (old) S 1 20 20 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0\n');
  fs.symlinkSync('socket:[77]', path.join(pd, 'fd', '3'));
  // The moment the scan opens comm, another process takes pid 20: its stat changes.
  const realFs = require('fs');
  const origOpen = realFs.openSync;
  let swapped = false;
  realFs.openSync = function (p: string, ...rest: unknown[]) {
    if (!swapped && typeof p === 'string' && p.endsWith('/20/comm')) {
      swapped = true;
      fs.writeFileSync(path.join(pd, 'stat'), '20 (new) S 1 20 20 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0\n');
    }
    return origOpen.call(realFs, p, ...rest);
  };
  let first;
  try {
    first = scanOwnersSync({ root: tmp, wanted: null, threads: false, pids: [20] });
  } finally {
    realFs.openSync = origOpen;
  }
  assert.ok(swapped);
  assert.is(first.byInode.size, 0, 'no owner pairs the old fd with the new name');
  assert.is(first.stats.reused, 1);
  // Without the change, the same tree gives its owner.
  const second = scanOwnersSync({ root: tmp, wanted: null, threads: false, pids: [20] });
  assert.equal(brief(second.byInode.get('77')), [[20, 0, 'old', 3]]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

O('readProcInfo reads comm only when status Name is not comm exactly (escaped by the kernel)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-info-'));
  try {
    const dir = (pid: number, status: string, comm: string) => {
      const d = path.join(tmp, String(pid));
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'status'), status + '\nUid:\t7\t8\t9\t9\n');
      fs.writeFileSync(path.join(d, 'comm'), comm + '\n');
      fs.writeFileSync(path.join(d, 'cmdline'), 'x\0');
      return d;
    };
    const realFs = require('fs');
    const realOpen = realFs.openSync;
    const opened: string[] = [];
    realFs.openSync = function (p: string, ...rest: unknown[]) {
      opened.push(path.basename(p));
      return realOpen.call(realFs, p, ...rest);
    };
    let plain, escaped;
    try {
      plain = readProcInfo(dir(30, 'Name:\tweb', 'web'), 30)!;
      const plainOpened = opened.splice(0);
      escaped = readProcInfo(dir(31, 'Name:\ta\\nb', 'a\nb'), 31)!;
      assert.equal(plainOpened, ['status', 'cmdline', 'cgroup'], 'no comm read');
      assert.equal(opened, ['status', 'comm', 'cmdline', 'cgroup']);
    } finally {
      realFs.openSync = realOpen;
    }
    assert.equal([plain.name.toString(), plain.uid], ['web', 8]);
    assert.equal([escaped.name.toString(), escaped.uid], ['a\nb', 8], "comm's raw bytes, not status's escape");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

O('an unreadable fd directory is counted as denied, with its pid', () => {
  // Live: pid 1's fds are closed to us when we lack some of its capabilities or are not root.
  const m = scanOwnersSync({ root: '/proc', wanted: new Set(['0']), threads: false });
  assert.ok(m.stats.processes > 1);
  if (m.stats.denied > 0) assert.ok(m.stats.deniedPids.length > 0);
});

O('argv0Only (netstat -p) names holders from cmdline alone: comm and status are never read, in either scan', async () => {
  const { makeTree } = await import('./helpers/proc_tree');
  const { scanOwnersPool } = await import('../src/scan/pool');
  const tree = makeTree([{ pid: 40, start: 7, comm: 'web', fds: { 3: 'socket:[500]' } }, { pid: 41, start: 8, comm: 'kthr', fds: { 4: 'socket:[501]' } }]);
  try {
    // Unreadable comm and status (directories): a full read would call both processes gone.
    for (const pid of [40, 41]) for (const f of ['comm', 'status']) {
      fs.unlinkSync(path.join(tree, String(pid), f));
      fs.mkdirSync(path.join(tree, String(pid), f));
    }
    fs.writeFileSync(path.join(tree, '41', 'cmdline'), ''); // a kernel thread
    const opts = { root: tree, wanted: null, threads: false, argv0Only: true };
    const pool = await new Promise<ReturnType<typeof scanOwnersSync>>((resolve) => scanOwnersPool(opts, resolve));
    for (const m of [scanOwnersSync(opts), pool]) {
      const got = ['500', '501'].map((ino) => (m.byInode.get(ino) || []).map((o) =>
        [o.proc.pid, o.fd, o.proc.cmdline.toString(), o.proc.argv0Len, o.proc.name.length, o.proc.uid]));
      assert.equal(got, [[[40, 3, 'web --serve', 3, 0, -1]], [[41, 4, '', 0, 0, -1]]]);
      assert.equal([m.stats.vanished, m.stats.reused], [0, 0]);
    }
    // Without argv0Only the same tree has no readable names: the processes count as gone.
    const full = scanOwnersSync({ root: tree, wanted: null, threads: false });
    assert.equal([full.byInode.size, full.stats.vanished], [0, 2]);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

O('a refused fd link ends the reading of that directory (the kernel refuses the rest too), in either scan', async () => {
  const { makeTree } = await import('./helpers/proc_tree');
  const { scanOwnersPool } = await import('../src/scan/pool');
  const fds: { [fd: number]: string } = {};
  for (let fd = 0; fd < 40; fd++) fds[fd] = 'socket:[' + (900 + fd) + ']';
  const tree = makeTree([{ pid: 50, start: 1, comm: 'guarded', fds }, { pid: 51, start: 2, comm: 'open', fds: { 3: 'socket:[999]' } }]);
  // As for a process we may not ptrace: its fd directory lists, every link is refused.
  const realFs = require('fs');
  const orig = realFs.readlinkSync;
  let refused = 0;
  realFs.readlinkSync = function (p: string, ...rest: unknown[]) {
    const where = p.charAt(0) === '/' ? p : process.cwd() + '/' + p;
    if (where.indexOf('/50/fd/') >= 0) {
      refused++;
      throw Object.assign(new Error('EACCES: permission denied, readlink'), { code: 'EACCES' });
    }
    return orig.call(realFs, p, ...rest);
  };
  try {
    const opts = { root: tree, wanted: null, threads: false };
    const sync = scanOwnersSync(opts);
    const syncRefused = refused;
    refused = 0;
    // A slice of 8 links: without the stop, the pump would come back for the rest of the directory.
    const pool = await new Promise<ReturnType<typeof scanOwnersSync>>((resolve) => scanOwnersPool(opts, resolve, { ahead: 4, slice: 8 }));
    assert.equal([syncRefused, refused], [1, 1], 'one refused readlink per scan, not 40');
    for (const m of [sync, pool]) {
      assert.equal([m.stats.denied, m.stats.deniedPids, m.stats.processes], [1, [50], 2]);
      assert.equal(brief(m.byInode.get('999')), [[51, 0, 'open', 3]]);
      assert.is(m.byInode.size, 1);
    }
  } finally {
    realFs.readlinkSync = orig;
    fs.rmSync(tree, { recursive: true, force: true });
  }
});

O.run();
