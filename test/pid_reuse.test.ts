// The pid-reuse check of the owner scan (src/owners.ts): starttime is read
// before a process's fds and again after its name. A real reuse cannot be
// timed by a test, so the reader is swapped (reuseCheck.startTime) to answer
// differently on the second read, as a reused pid would. The pipelined
// query (query.ts) checks by re-reading each holder's fd links instead
// (socket_links.ts): there the link reader (relinkCheck.readLink) is swapped.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { OwnerMap, reuseCheck, scanOwnersSync } from '../src/owners';
import { scanOwnersAsync } from '../src/owners_async';
import { readStartTime } from '../src/proc_pid';
import { Query, QueryResult, runQuery } from '../src/query';
import { relinkCheck } from '../src/socket_links';
import { SocketRecord } from '../src/types';
import { FIXTURES } from './helpers/cli';

const ROOT = path.join(FIXTURES, 'design-doc');
const s = suite('pid reuse');

function scan() {
  return scanOwnersSync({ root: ROOT, wanted: new Set(['13828']), threads: false });
}

/** A reader whose answers for sshd's (pid 1962) dir follow `answers`, one per call. */
function scripted(answers: number[]) {
  let calls = 0;
  return (dir: string) => (dir.endsWith('/1962') ? answers[Math.min(calls++, answers.length - 1)] : readStartTime(dir));
}

const realReadLink = relinkCheck.readLink;
s.after.each(() => {
  reuseCheck.startTime = readStartTime;
  relinkCheck.readLink = realReadLink;
});

/** portown 22 on the design-doc tree, pipelined with the async scan. */
function pipelined22(): Promise<{ rows: SocketRecord[]; result: QueryResult }> {
  const q: Query = { root: ROOT, byteOrder: 'le', mode: 'port', port: 22, remote: false, pid: 0, threads: false,
    protos: { tcp: true, udp: false, raw: false, unix: false, v4: true, v6: true } };
  const rows: SocketRecord[] = [];
  return new Promise((resolve) => runQuery(q, (r) => rows.push(r), (result) => resolve({ rows, result }), scanOwnersAsync, true));
}

s("a stable starttime keeps the owner (the fixture's stat says 2400 both times)", () => {
  const r = scan();
  assert.equal(r.byInode.get('13828')!.map((o) => [o.proc.pid, o.proc.name.toString(), o.fd]), [[1962, 'sshd', 3]]);
  assert.is(r.stats.reused, 0);
});

s('a starttime that changes between the fd scan and the name read drops the process as reused', () => {
  reuseCheck.startTime = scripted([2400, 2401]);
  const r = scan();
  assert.is(r.byInode.get('13828'), undefined);
  assert.is(r.stats.reused, 1);
  assert.is(r.stats.vanished, 0);
});

s('a stat that disappears after the fd scan drops the process as vanished', () => {
  reuseCheck.startTime = scripted([2400, -1]);
  const r = scan();
  assert.is(r.byInode.get('13828'), undefined);
  assert.is(r.stats.vanished, 1);
});

s('the reader is called twice for the process that holds a wanted socket, once for the others', () => {
  const calls: { [dir: string]: number } = {};
  reuseCheck.startTime = (dir) => { calls[dir] = (calls[dir] || 0) + 1; return readStartTime(dir); };
  scan();
  assert.is(calls[ROOT + '/1962'], 2);
  for (const dir of Object.keys(calls)) if (!dir.endsWith('/1962')) assert.is(calls[dir], 1, dir);
});

s('the scan on the thread pool drops a reused pid the same way', async () => {
  reuseCheck.startTime = scripted([2400, 2401]);
  const r = await new Promise<OwnerMap>((resolve) => scanOwnersAsync({ root: ROOT, wanted: new Set(['13828']), threads: false }, resolve));
  assert.is(r.byInode.get('13828'), undefined);
  assert.is(r.stats.reused, 1);
  reuseCheck.startTime = readStartTime;
  const ok = await new Promise<OwnerMap>((resolve) => scanOwnersAsync({ root: ROOT, wanted: new Set(['13828']), threads: false }, resolve));
  assert.equal(ok.byInode.get('13828')!.map((o) => o.proc.pid), [1962]);
});

s('the pipelined query drops a holder whose fd link changed after its name was read (its pid reused)', async () => {
  const ok = await pipelined22();
  assert.equal(ok.rows.map((r) => r.owners.map((o) => o.proc.pid)), [[1962], [1962]]);
  assert.is(ok.result.scan.reused, 0);
  // sshd's fds 3 and 4 now point elsewhere: another process has pid 1962.
  const read: string[] = [];
  relinkCheck.readLink = (p) => { read.push(p); return p.includes('/1962/fd/') ? 'socket:[99]' : realReadLink(p); };
  const r = await pipelined22();
  assert.equal(r.rows.map((x) => [x.proto, x.owners.length]), [['tcp', 0], ['tcp6', 0]]);
  assert.is(r.result.scan.reused, 1);
  assert.is(r.result.scan.vanished, 0);
  assert.equal(read.map((p) => p.slice(ROOT.length)).sort(), ['/1962/fd/3', '/1962/fd/4'], 'only the holder\'s matching links are re-read');
});

s.run();
