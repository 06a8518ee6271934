// The pid-reuse checks of the owner scans (src/scan/holder.ts). A full listing
// reads a process's starttime before its fds and again after its name; a
// selective scan (and the pipelined query, socket_links.ts) re-reads each
// holder's matching fd links after its name instead. A real reuse cannot be
// timed by a test, so the scans are given readers (ScanOptions.readers,
// ScanPlan.readers) that answer as a reused pid would.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { OwnerMap, ReuseReaders, ScanOptions } from '../src/scan/types';
import { scanOwnersSync } from '../src/scan/sync';
import { DEFAULT_TUNING, scanOwnersPool } from '../src/scan/pool';
import { readStartTime } from '../src/proc/pid';
import { readLinkOrNull } from '../src/proc/fd';
import { Query, QueryResult, runQuery } from '../src/query/query';
import { ScanPlan } from '../src/query/plan';
import { SocketRecord } from '../src/types';
import { FIXTURES } from './helpers/cli';
import { makeTree } from './helpers/proc_tree';

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

const ROOT = path.join(FIXTURES, 'design-doc');
const s = suite('pid reuse');

const realReadLink = readLinkOrNull;
/** What the scans' readers answer: the real files, unless a test stages a reuse. */
let startTime: (dir: string) => number = readStartTime;
let readLink: (p: string) => string | null = realReadLink;
const readers: ReuseReaders = { startTime: (dir) => startTime(dir), readLink: (p) => readLink(p) };
/** The pipelined query's plan (the pool scan, tables on the pool), with those readers. */
const PIPELINED: ScanPlan = { pool: true, pipelined: true, tuning: DEFAULT_TUNING, chdir: false, readers };

/** A port query's scan (sshd's listening socket) and a full listing's. */
const PORT: ScanOptions = { root: ROOT, wanted: new Set(['13828']), threads: false, readers };
const ALL: ScanOptions = { root: ROOT, wanted: null, threads: false, readers };

function onPool(opts: ScanOptions): Promise<OwnerMap> {
  return new Promise((resolve) => scanOwnersPool(opts, resolve));
}

/** sshd's owners of 13828 as [pid, name, fd]. */
function sshd(m: OwnerMap) {
  return (m.byInode.get('13828') || []).map((o) => [o.proc.pid, o.proc.name.toString(), o.fd]);
}

/** A reader whose answers for sshd's (pid 1962) dir follow `answers`, one per call. */
function scripted(answers: number[]) {
  let calls = 0;
  return (dir: string) => (dir.endsWith('/1962') ? answers[Math.min(calls++, answers.length - 1)] : readStartTime(dir));
}

s.after.each(() => {
  startTime = readStartTime;
  readLink = realReadLink;
});

/** portown 22 on the design-doc tree, pipelined with the async scan. */
function pipelined22(): Promise<{ rows: SocketRecord[]; result: QueryResult }> {
  const q: Query = { root: ROOT, byteOrder: 'le', mode: 'port', port: 22, remote: false, pid: 0, threads: false, netns: null,
    protos: { tcp: true, udp: false, raw: false, unix: false, ipv4: true, ipv6: true } };
  const rows: SocketRecord[] = [];
  return new Promise((resolve) => runQuery(q, (r) => rows.push(r), (result) => resolve({ rows, result }), PIPELINED));
}

s("a full listing keeps a holder whose starttime is stable (the fixture's stat says 2400 both times)", () => {
  const r = scanOwnersSync(ALL);
  assert.equal(sshd(r), [[1962, 'sshd', 3]]);
  assert.is(r.stats.reused, 0);
});

s('a full listing drops a process whose starttime changes between the fd scan and the name read, as reused', async () => {
  for (const scan of [() => Promise.resolve(scanOwnersSync(ALL)), () => onPool(ALL)]) {
    startTime = scripted([2400, 2401]);
    const r = await scan();
    assert.equal(sshd(r), []);
    assert.is(r.stats.reused, 1);
    assert.is(r.stats.vanished, 0);
  }
});

s('a full listing drops a process whose stat disappears after the fd scan, as vanished', () => {
  startTime = scripted([2400, -1]);
  const r = scanOwnersSync(ALL);
  assert.equal(sshd(r), []);
  assert.is(r.stats.vanished, 1);
});

s('a full listing reads the starttime twice for each holder and once for every other process', () => {
  const calls: { [dir: string]: number } = {};
  startTime = (dir: string) => { calls[dir] = (calls[dir] || 0) + 1; return readStartTime(dir); };
  const r = scanOwnersSync(ALL);
  const holders = new Set<number>();
  r.byInode.forEach((owners) => owners.forEach((o) => holders.add(o.proc.pid)));
  assert.ok(holders.has(1962) && Object.keys(calls).length > holders.size, 'the tree has holders and other processes');
  for (const dir of Object.keys(calls)) assert.is(calls[dir], holders.has(+path.basename(dir)) ? 2 : 1, dir);
});

s('a selective scan reads no starttime, and re-reads only the matching links of the holder', async () => {
  for (const scan of [() => Promise.resolve(scanOwnersSync(PORT)), () => onPool(PORT)]) {
    let starttimes = 0;
    const read: string[] = [];
    startTime = (dir: string) => { starttimes++; return readStartTime(dir); };
    readLink = (p: string) => { read.push(p); return realReadLink(p); };
    const r = await scan();
    assert.equal(sshd(r), [[1962, 'sshd', 3]]);
    assert.equal([starttimes, r.stats.reused, r.stats.vanished], [0, 0, 0]);
    assert.equal(read.map((p) => p.slice(ROOT.length)), ['/1962/fd/3']);
  }
});

s('a selective scan drops a holder whose fd link changed after its name was read (its pid reused)', async () => {
  for (const scan of [() => Promise.resolve(scanOwnersSync(PORT)), () => onPool(PORT)]) {
    readLink = (p: string) => (p.includes('/1962/fd/') ? 'socket:[99]' : realReadLink(p));
    const r = await scan();
    assert.equal(sshd(r), []);
    assert.equal([r.stats.reused, r.stats.vanished], [1, 0]);
    readLink = realReadLink;
  }
});

s('a holder whose links cannot be re-read counts as vanished when its directory is gone, as reused when it is not', async () => {
  const holder = () => makeTree([{ pid: 60, start: 1, comm: 'web', fds: { 3: 'socket:[900]' } }]);
  const opts = (root: string): ScanOptions => ({ root, wanted: new Set(['900']), threads: false, readers });
  const links: Query['protos'] = { tcp: true, udp: false, raw: false, unix: false, ipv4: true, ipv6: true };
  for (const scan of ['sync', 'pool', 'pipelined']) {
    for (const gone of [true, false]) {
      const root = holder();
      try {
        fs.mkdirSync(path.join(root, 'net'));
        fs.writeFileSync(path.join(root, 'net', 'tcp'), TCP_HEADER + '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 900 1 0000000000000000 100 0 0 10 0\n');
        readLink = () => {
          if (gone) fs.rmSync(path.join(root, '60'), { recursive: true, force: true });
          return null;
        };
        let stats;
        if (scan === 'sync') stats = scanOwnersSync(opts(root)).stats;
        else if (scan === 'pool') stats = (await onPool(opts(root))).stats;
        else {
          const q: Query = { root, byteOrder: 'le', mode: 'port', port: 8080, remote: false, pid: 0, threads: false, netns: null, protos: links };
          stats = (await new Promise<QueryResult>((resolve) => runQuery(q, () => undefined, resolve, PIPELINED))).scan;
        }
        assert.equal([stats.vanished, stats.reused], gone ? [1, 0] : [0, 1], scan + (gone ? ' gone' : ' still there'));
      } finally {
        readLink = realReadLink;
        fs.rmSync(root, { recursive: true, force: true });
      }
    }
  }
});

s('the pipelined query drops a holder whose fd link changed after its name was read (its pid reused)', async () => {
  const ok = await pipelined22();
  assert.equal(ok.rows.map((r) => r.owners.map((o) => o.proc.pid)), [[1962], [1962]]);
  assert.is(ok.result.scan.reused, 0);
  // sshd's fds 3 and 4 now point elsewhere: another process has pid 1962.
  const read: string[] = [];
  readLink = (p: string) => { read.push(p); return p.includes('/1962/fd/') ? 'socket:[99]' : realReadLink(p); };
  const r = await pipelined22();
  assert.equal(r.rows.map((x) => [x.proto, x.owners.length]), [['tcp', 0], ['tcp6', 0]]);
  assert.is(r.result.scan.reused, 1);
  assert.is(r.result.scan.vanished, 0);
  assert.equal(read.map((p) => p.slice(ROOT.length)).sort(), ['/1962/fd/3', '/1962/fd/4'], 'only the holder\'s matching links are re-read');
});

s.run();
