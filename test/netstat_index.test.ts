import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES } from './helpers/cli';
import { Io } from '../src/types';
import { privilegeWarning, runNetstat } from '../src/netstat/index';
import { NETSTAT_HELP } from '../src/netstat/help';
import { newScanStats, OwnerMap } from '../src/scan/types';

const I = suite('netstat runNetstat');
const BE = path.join(FIXTURES, 'netstat-big-endian');

interface Fake extends Io {
  out: string;
  err: string[];
  timers: { ms: number; fn: () => void }[];
  flushes: number;
}

function fakeIo(flushFails = Infinity): Fake {
  const io: Fake = {
    out: '', err: [], timers: [], flushes: 0,
    write(s) { io.out += s; },
    flush() { if (++io.flushes >= flushFails) throw new Error('EPIPE'); },
    error(line) { io.err.push(line); },
    euid: 1000, ptrace: false, groups: [],
    later(ms, fn) { io.timers.push({ ms, fn }); },
    argv1: 'netstat',
  };
  return io;
}

function run(args: string[], io: Fake, env: { [k: string]: string } = {}): number[] {
  const codes: number[] = [];
  runNetstat(args, env, io, (c) => codes.push(c));
  return codes;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const fsm: { readdir: typeof fs.readdir } = require('fs');

/** As on a busy host: the scan on the pool (PORTOWN_SCAN=async); `listed` gets each directory the pool lists. */
function runPool(args: string[], io: Fake, listed: string[] = []): Promise<number[]> {
  const real = fsm.readdir;
  fsm.readdir = ((p: string, cb: (e: NodeJS.ErrnoException | null, n: string[]) => void) => { listed.push(p); real(p, cb); }) as typeof fs.readdir;
  return new Promise<number[]>((resolve) => {
    const got: number[] = [];
    runNetstat(args, { PORTOWN_SCAN: 'async' }, io, (c) => { fsm.readdir = real; got.push(c); resolve(got); });
  });
}

I('-p with the thread-pool scan (what PORTOWN_SCAN=async or a busy host gives) prints what the sync scan does, once the scan is done', async () => {
  const root = path.join(FIXTURES, 'ipv6');
  const sync = fakeIo();
  assert.equal(run(['-ntuxap', '--proc', root], sync), [0]);
  assert.match(sync.out, /\d+\/\S+/, 'the fixture has named holders');
  const listed: string[] = [];
  const io = fakeIo();
  const codes = runPool(['-ntuxap', '--proc', root], io, listed);
  assert.is(io.out, '', 'nothing is printed before the scan calls back');
  assert.equal(await codes, [0]);
  assert.is(io.out, sync.out);
  assert.equal(io.err, sync.err);
  // One scan on the pool, of every process's own fd table (no task/ walk: threads off).
  const pids = fs.readdirSync(root).filter((n) => /^[0-9]+$/.test(n)).sort((a, b) => +a - +b);
  assert.equal(listed, pids.map((p) => root + '/' + p + '/fd'));
});

I('the thread-pool scan gives the same bytes and notes as the sync scan, for every fixture and several option sets', async () => {
  let compared = 0;
  for (const name of fs.readdirSync(FIXTURES)) {
    const root = path.join(FIXTURES, name);
    if (!fs.existsSync(path.join(root, 'net'))) continue;
    for (const args of [['-ntuwxap'], ['-tuwx'], ['-ltunp', '--busybox'], ['-ntuwxaeeo'], ['-nlp']]) {
      const all = [...args, '--proc', root];
      const sync = fakeIo();
      const codes = run(all, sync);
      const io = fakeIo();
      assert.equal(await runPool(all, io), codes, name + ' ' + args.join(' '));
      assert.equal([io.out, io.err], [sync.out, sync.err], name + ' ' + args.join(' '));
      compared++;
    }
  }
  assert.ok(compared >= 40, 'compared ' + compared);
});

I('a table that cannot be read (a directory at net/tcp6) ends the listing with one line naming it, after either scan', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-nsbad-'));
  fs.mkdirSync(path.join(root, 'net', 'tcp6'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'design-doc', 'net', 'tcp'), path.join(root, 'net', 'tcp'));
  try {
    const sync = fakeIo();
    assert.equal(run(['-ntap', '--proc', root], sync), [2]);
    const io = fakeIo();
    assert.equal(await runPool(['-ntap', '--proc', root], io), [2]);
    for (const got of [sync, io]) {
      assert.equal(got.err, ['netstat: cannot read ' + path.join(root, 'net', 'tcp6') + ': is a directory']);
      // tcp, read before, was listed
      assert.match(got.out, /^Active Internet connections \(servers and established\)\n.*\ntcp  .*:22 /s);
    }
    assert.is(io.out, sync.out);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

I('-c: lists, flushes, then asks io.later for the next pass in a second; each pass is a whole listing', () => {
  const io = fakeIo();
  assert.equal(run(['-c', '-rn', '--proc', BE, '--byte-order', 'be'], io), []);
  assert.equal(io.timers.map((t) => t.ms), [1000]);
  const first = io.out;
  assert.ok(first.startsWith('Kernel IP routing table\n'));
  io.timers.shift()!.fn();
  assert.is(io.out, first + first);
  assert.is(io.timers.length, 1);
});

I('-c stops when the reader goes away: the failing flush propagates (main.ts exits 0 on EPIPE) and nothing more is scheduled', () => {
  const io = fakeIo(2);
  run(['-c', '-nt', '--proc', BE], io);
  const next = io.timers.shift()!;
  assert.throws(() => next.fn(), /EPIPE/);
  assert.is(io.timers.length, 0);
});

I('usage errors: one line, exit 2, nothing on stdout; --help and --version exit 0', () => {
  const io = fakeIo();
  assert.equal(run(['-ntpM'], io), [2]);
  assert.equal([io.out, io.err.length], ['', 1]);
  assert.match(io.err[0], /^netstat: unsupported option "-M" in "-ntpM"; expected /);
  const h = fakeIo();
  assert.equal(run(['--help'], h), [0]);
  assert.is(h.out, NETSTAT_HELP);
  const v = fakeIo();
  assert.equal(run(['-V'], v), [0]);
  assert.match(v.out, /^portown \S+ netstat mode/);
});

I('a /proc tree that cannot be read is exit 2 with one line', () => {
  const io = fakeIo();
  assert.equal(run(['-nt', '--proc', path.join(BE, 'net', 'tcp')], io), [2]);
  assert.equal(io.err, ['netstat: Expected --proc to be a /proc directory, got ' + JSON.stringify(path.join(BE, 'net', 'tcp')) + ' (not a directory)']);
});

function owners(dirDenied: number, denied: number, sockets: number): OwnerMap {
  const stats = { ...newScanStats(), dirDenied, denied };
  const byInode = new Map();
  for (let i = 0; i < sockets; i++) byInode.set(String(i + 1), []);
  return { byInode, stats } as OwnerMap;
}

I('-p warnings, worded as net-tools and BusyBox word them; only fd directories refused at open count', () => {
  assert.equal(privilegeWarning(owners(0, 3, 5), 1000, false), []);
  assert.equal(privilegeWarning(owners(2, 2, 0), 1000, false), ['(No info could be read for "-p": geteuid()=1000 but you should be root.)']);
  assert.equal(privilegeWarning(owners(2, 2, 4), 65534, false), ['(Not all processes could be identified, non-owned process info',
    ' will not be shown, you would have to be root to see it all.)']);
  assert.equal(privilegeWarning(owners(1, 1, 0), 1000, true), ['netstat: can\'t scan /proc - are you root?']);
  assert.equal(privilegeWarning(owners(1, 1, 3), 1000, true), ['netstat: showing only processes with your user ID']);
});

I('the fixture listing with -p is exit 0 and names each holder', () => {
  const io = fakeIo();
  assert.equal(run(['-ntap', '--proc', BE, '--byte-order', 'be'], io), [0]);
  assert.ok(io.out.includes(' 600/dropbear        \n'), io.out);
  assert.equal(io.err, []);
});

I.run();
