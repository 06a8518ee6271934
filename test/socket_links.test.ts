// SocketLinks (src/scan/socket_links.ts): every socket link of a scan kept
// unnamed, then owners() names only the holders of the wanted inodes and
// checks each one's links again (pid reuse). Trees are temporary /proc-like
// directories with real symlinks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { InodeOwners, Match, newScanStats, ScanStats } from '../src/scan/types';
import { readProcInfo, REAL_READERS } from '../src/scan/holder';
import { readLinkOrNull } from '../src/proc/fd';
import { SocketLinks } from '../src/scan/socket_links';
import { trees } from './helpers/proc_tree';

const { tree, removeAll } = trees('portown-links-');
const realReadLink = readLinkOrNull;
/** The re-read check's link reader that name() hands to owners(): a test sets its own to stage a reuse. */
let readLink: (p: string) => string | null = realReadLink;

const m = (fd: number, inode: string, tid = 0): Match => ({ tid, fd, inode });
/** Adds the links of one process as the scan does, one fd link text at a time. */
const add = (links: SocketLinks, pid: number, ms: Match[]) => ms.forEach((x) => links.addLink(pid, x.tid, String(x.fd), 'socket:[' + x.inode + ']'));

/** Owners as text: inode: pid/tid/fds/name, in the order owners() gives them. */
function dump(o: InodeOwners): string[] {
  const out: string[] = [];
  o.forEach((list, inode) => out.push(inode + ': ' + list.map((w) => w.proc.pid + '/' + w.tid + '/' + w.fds.join('+') + '/' + w.proc.name.toString('latin1')).join(', ')));
  return out.sort();
}

/** owners() with the real readers, counting which process directories were read. */
function name(links: SocketLinks, root: string, wanted: string[], threads = false) {
  const stats: ScanStats = newScanStats();
  const read: number[] = [];
  const owners = links.owners(new Set(wanted), {
    root, threads, stats,
    readInfo: (dir, pid) => { read.push(pid); return readProcInfo(dir, pid); },
    readers: { startTime: REAL_READERS.startTime, readLink: (p) => readLink(p) },
  });
  return { owners, stats, read };
}

/** Three processes: 100 holds 500 twice (fds 3 and 5) and 501; 50 holds 500; 200 holds 502 only. */
function threeHolders() {
  const root = tree([
    { pid: 100, start: 1, comm: 'web', fds: { 0: '/dev/null', 3: 'socket:[500]', 4: 'socket:[501]', 5: 'socket:[500]' } },
    { pid: 50, start: 1, comm: 'old', fds: { 7: 'socket:[500]' } },
    { pid: 200, start: 1, comm: 'other', fds: { 3: 'socket:[502]' } },
  ]);
  const links = new SocketLinks();
  // Added in the order an async scan may finish them, not in pid order.
  add(links, 100, [m(3, '500'), m(4, '501'), m(5, '500')]);
  add(links, 200, [m(3, '502')]);
  add(links, 50, [m(7, '500')]);
  return { root, links };
}

const S = suite('socket_links');

S.after.each(() => { readLink = realReadLink; });
S.after(() => removeAll());

S('names the holders of the wanted inodes in pid order, one per process with its fds joined', () => {
  const { root, links } = threeHolders();
  assert.is(links.size, 5);
  const r = name(links, root, ['500', '501']);
  assert.equal(dump(r.owners), ['500: 50/0/7/old, 100/0/3+5/web', '501: 100/0/4/web']);
  assert.is(r.owners.get('500')![1].fd, 3);
  assert.equal(r.owners.get('500')![1].proc.cmdline.toString('latin1'), 'web --serve');
  assert.equal([r.stats.reused, r.stats.vanished], [0, 0]);
});

S('reads nothing of a process that holds none of the wanted inodes', () => {
  const { root, links } = threeHolders();
  const r = name(links, root, ['501']);
  assert.equal(dump(r.owners), ['501: 100/0/4/web']);
  assert.equal(r.read, [100]);
  assert.equal(name(links, root, ['999']).read, []);
});

S('with threads, names each thread that holds the socket, with its own name, and re-reads its task fd', () => {
  const root = tree([{ pid: 40, start: 9, comm: 'mt', fds: {}, tasks: { 40: { 3: 'socket:[1]' }, 41: { 3: 'socket:[1]', 4: 'socket:[2]' } } }]);
  const links = new SocketLinks();
  add(links, 40, [m(3, '1', 41), m(4, '2', 41), m(3, '1', 40)]);
  const paths: string[] = [];
  readLink = (p: string) => { paths.push(p.slice(root.length)); return realReadLink(p); };
  const r = name(links, root, ['1', '2'], true);
  assert.equal(dump(r.owners), ['1: 40/40/3/mt, 40/41/3/mt', '2: 40/41/4/mt']);
  assert.equal(r.owners.get('1')!.map((o) => o.threadName!.toString()), ['mt-40', 'mt-41']);
  assert.equal(paths.sort(), ['/40/task/40/fd/3', '/40/task/41/fd/3', '/40/task/41/fd/4']);
});

S('with threads, a process whose task/ could not be listed (its links read through <pid>/fd, tid 0) is still named', () => {
  const { root, links } = threeHolders();
  const r = name(links, root, ['500'], true);
  assert.equal(dump(r.owners), ['500: 50/0/7/old, 100/0/3+5/web']);
  assert.equal(r.owners.get('500')!.map((o) => o.threadName), [null, null]);
  assert.is(r.stats.reused, 0);
});

S('an inode that is not a plain number below 2^32 is kept aside and still found by its exact text', () => {
  const big = '18446744073709551615'; // 2^64-1: a float would round it
  const root = tree([
    { pid: 60, start: 1, comm: 'zero', fds: { 3: 'socket:[00012]' } },
    { pid: 61, start: 1, comm: 'huge', fds: { 4: 'socket:[' + big + ']', 5: 'socket:[12]' } },
  ]);
  const links = new SocketLinks();
  add(links, 60, [m(3, '00012')]);
  add(links, 61, [m(4, big), m(5, '12')]);
  assert.equal(dump(name(links, root, ['00012', big]).owners), ['00012: 60/0/3/zero', big + ': 61/0/4/huge']);
  // '12' is a different text from '00012': only the plain one matches it.
  assert.equal(dump(name(links, root, ['12']).owners), ['12: 61/0/5/huge']);
});

S('keeps every link past its first chunk, thread ids included where a later chunk first has them', () => {
  const root = tree([
    { pid: 10, start: 1, comm: 'first', fds: { 3: 'socket:[7]' } },
    { pid: 20, start: 1, comm: 'last', fds: {}, tasks: { 21: { 9: 'socket:[8]' } } },
  ]);
  const links = new SocketLinks();
  add(links, 10, [m(3, '7')]);
  // Links of processes that are not wanted, past the first chunk (16384 links).
  for (let p = 0; p < 50; p++) add(links, 1000 + p, Array.from({ length: 400 }, (_, i) => m(i, String(100000 + p * 400 + i))));
  add(links, 20, [m(9, '8', 21)]);
  assert.is(links.size, 20002);
  assert.equal(dump(name(links, root, ['7', '8'], true).owners), ['7: 10/0/3/first', '8: 20/21/9/last']);
});

S('addLink takes socket:[N] links from their text: plain inodes, odd ones aside, anything else refused', () => {
  const big = '4294967296'; // 2^32: past the 32-bit store
  const root = tree([
    { pid: 70, start: 1, comm: 'links', fds: { 0: 'socket:[0]', 3: 'socket:[4294967295]', 4: 'socket:[' + big + ']', 5: 'socket:[0012]', 6: 'socket:[12x]', 7: 'socket:[31]' } },
    { pid: 71, start: 1, comm: 'thread', fds: {}, tasks: { 72: { 3: 'socket:[31]' } } },
  ]);
  const links = new SocketLinks();
  const added = (fd: string, link: string, pid = 70, tid = 0) => links.addLink(pid, tid, fd, link);
  assert.equal(['/dev/null', 'pipe:[77]', 'socket:[', 'socket:[]', 'socket[5]', 'sockets:[5]', 'anon_inode:[eventfd]'].map((l) => added('9', l)), [false, false, false, false, false, false, false]);
  assert.is(added('cwd', 'socket:[5]'), false, 'an fd name that is not a number');
  assert.equal([added('0', 'socket:[0]'), added('3', 'socket:[4294967295]'), added('4', 'socket:[' + big + ']'), added('5', 'socket:[0012]'), added('6', 'socket:[12x]'), added('7', 'socket:[31]'), added('3', 'socket:[31]', 71, 72)],
    [true, true, true, true, true, true, true]);
  assert.is(links.size, 7);
  const r = name(links, root, ['0', '4294967295', big, '0012', '12x', '31'], true);
  assert.equal(dump(r.owners), ['0: 70/0/0/links', '0012: 70/0/5/links', '12x: 70/0/6/links', '31: 70/0/7/links, 71/72/3/thread', big + ': 70/0/4/links', '4294967295: 70/0/3/links'].sort());
  // '12' is not the link '0012', nor part of '12x'.
  assert.equal(dump(name(links, root, ['12']).owners), []);
  assert.is(r.stats.reused, 0);
});

S('a holder whose link now points elsewhere (its pid reused) is dropped and counted as reused', () => {
  const { root, links } = threeHolders();
  // Pid 100 exited after the scan and a new process took its pid: its fds are others.
  readLink = (p: string) => (p.startsWith(root + '/100/') ? 'socket:[999]' : realReadLink(p));
  const r = name(links, root, ['500', '501']);
  assert.equal(dump(r.owners), ['500: 50/0/7/old']);
  assert.equal([r.stats.reused, r.stats.vanished], [1, 0]);
});

S('a holder that closed one of its fds keeps the others', () => {
  const { root, links } = threeHolders();
  readLink = (p: string) => (p === root + '/100/fd/3' ? null : realReadLink(p));
  const r = name(links, root, ['500']);
  assert.equal(dump(r.owners), ['500: 50/0/7/old, 100/0/5/web']);
  assert.is(r.stats.reused, 0);
});

S('a holder gone before it is named counts as vanished, and the others are still named', () => {
  const { root, links } = threeHolders();
  fs.rmSync(path.join(root, '50'), { recursive: true, force: true });
  const r = name(links, root, ['500']);
  assert.equal(dump(r.owners), ['500: 100/0/3+5/web']);
  assert.equal([r.stats.vanished, r.stats.reused], [1, 0]);
});

S('the real link reader answers the link, or null when there is none', () => {
  const { root } = threeHolders();
  assert.is(realReadLink(root + '/100/fd/3'), 'socket:[500]');
  assert.is(realReadLink(root + '/100/fd/42'), null);
});

S.run();
