import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FIT_ROWS, JsonArrayWriter, TableWriter, socketJson, tableCells } from '../src/cli/format';
import { InetSocket, Owner, ProcInfo, UnixSocket } from '../src/types';

const proc = (pid: number, name: string, uid = 0): ProcInfo =>
  ({ pid, name: Buffer.from(name), cmdline: Buffer.from(name + ' --flag'), argv0Len: name.length, uid, nspid: 0, container: null, unit: null });
const owner = (p: ProcInfo, fd = 3, tid = 0, threadName: Buffer | null = null): Owner => ({ proc: p, tid, threadName, fd, fds: [fd] });

function inet(port: number, owners: Owner[], address = '127.0.0.1'): InetSocket {
  return {
    kind: 'inet', proto: 'tcp', family: 4, local: { address, port }, remote: { address: '0.0.0.0', port: 0 },
    localBytes: new Uint8Array(4), remoteBytes: new Uint8Array(4), stateCode: 10, state: 'LISTEN', uid: 0,
    inode: String(1000 + port), txQueue: 0, rxQueue: 0, timerActive: 0, timerWhen: 0, retransmits: 0, timeout: 0, netns: null, owners,
  };
}

function unix(path: Buffer | null, owners: Owner[]): UnixSocket {
  return { kind: 'unix', proto: 'unix', refCount: 2, flags: 0x10000, typeCode: 1, type: 'STREAM', stateCode: 1, state: 'LISTEN', inode: '77', path, netns: null, owners };
}

function lines(fit: number | undefined, sockets: (InetSocket | UnixSocket)[], threads = false): string[] {
  let out = '';
  const t = new TableWriter((s) => { out += s; }, { threads, fit });
  for (const s of sockets) t.add(s);
  t.end();
  return out.split('\n').slice(0, -1);
}

const Cells = suite('format: tableCells');

Cells('gives one row per holder, and one row of dashes when none is visible', () => {
  const rows = tableCells(inet(22, [owner(proc(10, 'sshd')), owner(proc(11, 'sshd'), 4)]), false);
  assert.equal(rows.map((r) => r.pid + ' ' + r.command), ['10 sshd', '11 sshd']);
  const none = tableCells(inet(22, []), false)[0];
  assert.equal([none.pid, none.tid, none.command, none.local, none.remote], ['-', '-', '-', '127.0.0.1:22', '0.0.0.0:*']);
});

Cells('names a thread by its own comm with threads, and escapes control characters in names and paths', () => {
  const p = proc(10, 'evil\x1b[2Jname');
  const t = tableCells(inet(22, [owner(p, 3, 12, Buffer.from('worker\x07'))]), true)[0];
  assert.is(t.tid, '12');
  assert.is(t.command, 'worker\\x07');
  assert.is(tableCells(inet(22, [owner(p)]), false)[0].command, 'evil\\x1b[2Jname');
  assert.is(tableCells(unix(Buffer.from('/run/a\nb'), []), false)[0].local, '/run/a\\x0ab');
  assert.is(tableCells(unix(null, []), false)[0].local, '*');
});

const Table = suite('format: TableWriter');

Table('fits the columns to the rows when there are fewer than FIT_ROWS', () => {
  const out = lines(undefined, [inet(22, [owner(proc(10, 'sshd'))]), inet(8080, [owner(proc(123456, 'node'))], '192.168.100.200')]);
  assert.equal(out, [
    'Proto Local Address        Remote Address State     PID User Command',
    'tcp   127.0.0.1:22         0.0.0.0:*      LISTEN     10 root sshd',
    'tcp   192.168.100.200:8080 0.0.0.0:*      LISTEN 123456 root node',
  ]);
});

Table('writes nothing, not even the header, without rows', () => {
  assert.equal(lines(undefined, []), []);
  assert.equal(lines(0, []), []);
});

Table('past FIT_ROWS rows streams the rest with the widths of the first ones, holding nothing', () => {
  const socks: InetSocket[] = [];
  for (let i = 0; i < FIT_ROWS; i++) socks.push(inet(1000 + i, [owner(proc(7, 'a'))]));
  let out = '';
  const t = new TableWriter((s) => { out += s; }, { threads: false });
  for (const s of socks) t.add(s);
  // The first FIT_ROWS rows are out before end(): held no longer.
  const first = out.split('\n').slice(0, -1);
  assert.is(first.length, FIT_ROWS + 1);
  t.add(inet(5, [owner(proc(7, 'a'))], '10.0.0.1'));
  t.add(inet(6, [owner(proc(1234567, 'late'))], '192.168.100.200'));
  assert.ok(out.endsWith('\n'), 'each later row is written as it comes');
  t.end();
  const all = out.split('\n').slice(0, -1);
  assert.is(all.length, FIT_ROWS + 3);
  assert.is(all[0], 'Proto Local Address  Remote Address State  PID User Command');
  assert.is(all[1], 'tcp   127.0.0.1:1000 0.0.0.0:*      LISTEN   7 root a');
  assert.is(all[FIT_ROWS + 1], 'tcp   10.0.0.1:5     0.0.0.0:*      LISTEN   7 root a');
  // Wider than its column: the line is pushed out, not cut.
  assert.is(all[FIT_ROWS + 2], 'tcp   192.168.100.200:6 0.0.0.0:*      LISTEN 1234567 root late');
});

Table('with fit 0 uses the default widths from the first row (--all)', () => {
  assert.equal(lines(0, [inet(22, [owner(proc(10, 'sshd'))])]), [
    'Proto Local Address         Remote Address        State           PID User     Command',
    'tcp   127.0.0.1:22          0.0.0.0:*             LISTEN           10 root     sshd',
  ]);
});

Table('adds a TID column with threads', () => {
  const out = lines(undefined, [inet(22, [owner(proc(10, 'srv'), 3, 11, Buffer.from('io'))])], true);
  assert.equal(out, [
    'Proto Local Address Remote Address State  PID TID User Command',
    'tcp   127.0.0.1:22  0.0.0.0:*      LISTEN  10  11 root io',
  ]);
});

const Json = suite('format: JSON');

Json('writes one object per line in an array, with escaped untrusted text', () => {
  let out = '';
  const w = new JsonArrayWriter((s) => { out += s; });
  w.open();
  w.item(inet(22, [owner(proc(10, 'x\x1by'))]));
  w.item(unix(Buffer.from('@bus\x7f'), []));
  w.close();
  const parsed = JSON.parse(out);
  assert.is(parsed.length, 2);
  assert.is(parsed[0].owners[0].name, 'x\\x1by');
  assert.is(parsed[0].owners[0].cmdline, 'x\\x1by --flag');
  assert.is(parsed[0].local.port, 22);
  assert.is(parsed[1].path, '@bus\\x7f');
  assert.is(socketJson(inet(1, [])).indexOf('\n'), -1);
});

Json('an empty array is still valid JSON', () => {
  let out = '';
  const w = new JsonArrayWriter((s) => { out += s; });
  w.open();
  w.close();
  assert.equal(JSON.parse(out), []);
});

Cells.run();
Table.run();
Json.run();
