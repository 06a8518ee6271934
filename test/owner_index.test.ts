import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MapCollector, newCollector, OwnerIndex } from '../src/scan/owner_index';
import { InodeOwners } from '../src/scan/types';
import { Match } from '../src/scan/types';
import { ProcInfo } from '../src/types';

const proc = (pid: number): ProcInfo => ({ pid, name: Buffer.from('p' + pid), cmdline: Buffer.from('p' + pid + ' -x'), argv0Len: String(pid).length + 1, uid: 1000, nspid: 0, container: null, unit: null });
const m = (fd: number, inode: string, tid = 0): Match => ({ tid, fd, inode });
const noThreads = new Map<number, Buffer | null>();

function owners(ix: InodeOwners, inode: string): string {
  const list = ix.get(inode);
  return list ? list.map((o) => o.proc.pid + '/' + o.fds.join(',')).join(' ') : 'none';
}

const Index = suite('owner_index');

Index('finds every holder of an inode, one per process with all its fds, sorted by pid, whatever order the processes came in', () => {
  const ix = new OwnerIndex();
  ix.addProcess(proc(300), [m(4, '77'), m(9, '78')], noThreads);
  ix.addProcess(proc(100), [m(3, '77')], noThreads);
  ix.addProcess(proc(200), [m(5, '77'), m(6, '77')], noThreads);
  const done = ix.done();
  assert.is(owners(done, '77'), '100/3 200/5,6 300/4');
  assert.is(done.get('77')![1].fd, 5);
  assert.is(owners(done, '78'), '300/9');
  assert.is(done.get('78')![0].proc.cmdline.toString(), 'p300 -x');
  assert.is(owners(done, '79'), 'none');
  assert.ok(done.has('77'));
  assert.not.ok(done.has('76'));
  assert.not.ok(done.has('7'));
});

Index('does not confuse neighbouring inodes or the largest 32-bit inode', () => {
  const ix = new OwnerIndex();
  ix.addProcess(proc(1), [m(3, '0'), m(4, '1'), m(5, '4294967295'), m(6, '4294967294')], noThreads);
  const done = ix.done();
  assert.is(owners(done, '0'), '1/3');
  assert.is(owners(done, '1'), '1/4');
  assert.is(owners(done, '4294967295'), '1/5');
  assert.is(owners(done, '4294967294'), '1/6');
  assert.is(owners(done, '2'), 'none');
});

Index('keeps inodes past 32 bits, or not plain decimal, exactly', () => {
  const ix = new OwnerIndex();
  ix.addProcess(proc(7), [m(3, '4294967296'), m(4, '18446744073709551615'), m(5, '0012')], noThreads);
  const done = ix.done();
  assert.is(owners(done, '4294967296'), '7/3');
  assert.is(owners(done, '18446744073709551615'), '7/4');
  assert.is(owners(done, '0012'), '7/5');
  assert.is(owners(done, '12'), 'none');
  assert.ok(done.has('18446744073709551615'));
});

Index('grows past its first chunk and past whole chunks, and visits each inode once with forEach', () => {
  // 250 processes of 100 links and one shared: 25,250 links, over one chunk of 16,384.
  const ix = new OwnerIndex();
  for (let p = 0; p < 250; p++) {
    const ms: Match[] = [];
    for (let k = 0; k < 100; k++) ms.push(m(3 + k, String(1000 + p * 100 + k)));
    ms.push(m(200, '5')); // shared by all 250, in every chunk
    ix.addProcess(proc(1000 - p), ms, noThreads);
  }
  const done = ix.done();
  let inodes = 0, links = 0;
  done.forEach((list) => { inodes++; links += list.length; });
  assert.is(inodes, 25001);
  assert.is(links, 25250);
  assert.is(done.size, 25001);
  assert.is(done.get('5')!.length, 250);
  assert.is(done.get('5')![0].proc.pid, 751);
  assert.is(done.get('5')![249].proc.pid, 1000);
  assert.is(owners(done, '1099'), '1000/102');
  assert.is(owners(done, '5099'), '960/102');
  // The 163rd process's links 21 and 22 are entries 16,383 and 16,384: the last of the first chunk, the first of the next.
  assert.is(owners(done, String(1000 + 162 * 100 + 21)), '838/24');
  assert.is(owners(done, String(1000 + 162 * 100 + 22)), '838/25');
  assert.is(owners(done, String(1000 + 249 * 100 + 99)), '751/102');
});

Index('an inode with owners both in the overflow and in the index gives the same owners on every call', () => {
  // A thread's link (tid set) goes to the overflow map even for a plain inode.
  const ix = new OwnerIndex();
  ix.addProcess(proc(20), [m(3, '77', 21)], new Map([[21, Buffer.from('worker')]]));
  ix.addProcess(proc(10), [m(4, '77')], noThreads);
  const done = ix.done();
  assert.is(owners(done, '77'), '10/4 20/3');
  assert.is(owners(done, '77'), '10/4 20/3');
  let n = 0;
  done.forEach((list, inode) => { if (inode === '77') n += list.length; });
  assert.is(n, 2);
});

Index('the Map collector sorts owners when processes came out of pid order, and keeps thread names', () => {
  const c = new MapCollector();
  c.addProcess(proc(20), [m(3, '9', 21)], new Map([[21, Buffer.from('worker')]]));
  c.addProcess(proc(10), [m(3, '9')], noThreads);
  const done = c.done();
  assert.is(owners(done, '9'), '10/3 20/3');
  assert.is(done.get('9')![1].threadName!.toString(), 'worker');
  assert.is(done.get('9')![1].tid, 21);
});

Index('a full scan without threads gets the compact index, others a Map', () => {
  assert.instance(newCollector(null, false), OwnerIndex);
  assert.instance(newCollector(null, true), MapCollector);
  assert.instance(newCollector(new Set(['1']), false), MapCollector);
});

Index.run();
