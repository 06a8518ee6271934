import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { newIpRow, parseIpSocketLine, toInetSocket, rowInode, rowKey, ipTableLines } from '../src/proc/net_inet';
import { newTableReport, readTableAsync } from '../src/proc/table';
import { scanIpTable } from './helpers/tables';
import { InetSocket, TableReport } from '../src/types';
import { FIXTURES } from './helpers/cli';

const b = (s: string) => Buffer.from(s, 'latin1');
// The /proc/net/tcp line of the design document (shared/seed).
const DOC_LINE = '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13828 1 ecb02140 299 0 0 2 -1';

function parse(line: string, words = 1) {
  const row = newIpRow(words);
  const buf = b(line);
  return { ok: parseIpSocketLine(buf, 0, buf.length, row), row, buf };
}
function scan(fixture: string, proto: 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'raw' | 'raw6', order: 'le' | 'be' = 'le') {
  const out: InetSocket[] = [];
  const report = scanIpTable(path.join(FIXTURES, fixture), proto, order, () => true, (s) => out.push(s));
  return { out, report };
}

/** scan() with the table read on the thread pool (readTableAsync), and what done got. */
function scanAsync(root: string, proto: 'tcp' | 'tcp6' | 'udp', order: 'le' | 'be' = 'le') {
  const out: InetSocket[] = [];
  const report = newTableReport(root + '/net/' + proto);
  return new Promise<{ out: InetSocket[]; report: TableReport; err: Error | null }>((resolve) =>
    readTableAsync(report, ipTableLines(report, proto, order, () => true, (s) => out.push(s)), undefined, (err) => resolve({ out, report, err })));
}

const T = suite('net_inet');

T('parses the design document row field by field', () => {
  const { ok, row, buf } = parse(DOC_LINE);
  assert.ok(ok);
  assert.is(row.localPort, 22);
  assert.is(row.remotePort, 0);
  assert.is(row.state, 0x0a);
  assert.is(row.uid, 0);
  assert.is(row.inode, 13828);
  assert.is(rowInode(buf, row), '13828');
  const s = toInetSocket(buf, row, 'tcp', 'le');
  assert.equal(s.local, { address: '0.0.0.0', port: 22 });
  assert.is(s.state, 'LISTEN');
});

T('reads queues, timer and retransmit fields', () => {
  const { ok, row } = parse('   4: 0100007F:0016 0100007F:C350 01 0000000A:00000003 02:000001F4 00000002  1000        0 99 1');
  assert.ok(ok);
  assert.equal([row.txQueue, row.rxQueue, row.timerActive, row.timerWhen, row.retransmits, row.uid], [10, 3, 2, 500, 2, 1000]);
});

T('keeps an inode past 2^53 as exact decimal text', () => {
  const { ok, row, buf } = parse('   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18446744073709551615 1');
  assert.ok(ok);
  assert.is(row.inode, -1);
  assert.is(toInetSocket(buf, row, 'tcp', 'le').inode, '18446744073709551615');
});

T('refuses the header, truncated rows, wrong address widths and non-hex digits', () => {
  assert.not.ok(parse('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode').ok);
  assert.not.ok(parse('   1: 0100007F:0050 00000000:00').ok);
  assert.not.ok(parse('   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0').ok);
  assert.not.ok(parse(DOC_LINE, 4).ok, 'an IPv4 row in a tcp6 table');
  assert.not.ok(parse(DOC_LINE.replace('00000000:0016', '0000000G:0016')).ok);
  assert.not.ok(parse(DOC_LINE.replace(' 0A ', ' 0AB ')).ok);
  assert.not.ok(parse(DOC_LINE.replace('13828', '13a28')).ok);
});

T('names TCP states 01-0C, and an unknown code as UNKNOWN(n)', () => {
  const names: string[] = [];
  for (let st = 1; st <= 13; st++) {
    const { buf, row } = parse(DOC_LINE.replace(' 0A ', ' ' + st.toString(16).toUpperCase().padStart(2, '0') + ' '));
    names.push(toInetSocket(buf, row, 'tcp', 'le').state);
  }
  assert.equal(names, ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
    'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', 'UNKNOWN(13)']);
});

T('names UDP state 07 UNCONN (bound, not connected) and 01 ESTABLISHED (connected)', () => {
  const { out } = scan('udp-raw-unix', 'udp');
  assert.equal(out.map((s) => [s.local.port, s.state, s.remote.address, s.remote.port]), [
    [68, 'UNCONN', '0.0.0.0', 0],
    [40000, 'ESTABLISHED', '127.0.0.1', 53],
  ]);
});

T('reads raw and raw6 tables (the port column is the IP protocol)', () => {
  assert.equal(scan('udp-raw-unix', 'raw').out.map((s) => [s.proto, s.local.port, s.state, s.inode]), [['raw', 1, 'UNCONN', '3004']]);
  assert.equal(scan('udp-raw-unix', 'raw6').out.map((s) => [s.proto, s.local.address, s.local.port]), [['raw6', '::', 58]]);
});

T('tcp6: loopback, dual stack, v4-mapped, long global address; TIME_WAIT and request sockets carry inode 0', () => {
  const { out } = scan('ipv6', 'tcp6');
  assert.equal(out.map((s) => [s.local.address, s.local.port, s.remote.address, s.state, s.inode]), [
    ['::1', 631, '::', 'LISTEN', '2001'],
    ['::', 22, '::', 'LISTEN', '2002'],
    ['::ffff:127.0.0.1', 22, '::ffff:127.0.0.1', 'ESTABLISHED', '2003'],
    ['2001:db8:85a3::8a2e:370:7334', 443, '::', 'LISTEN', '2004'],
    ['2001:db8::1', 8080, '2001:db8::2', 'TIME_WAIT', '0'],
    ['2001:db8::1', 8080, '2001:db8::3', 'NEW_SYN_RECV', '0'],
    ['2001:db8::1:0:0:1', 9999, '::', 'UNKNOWN(15)', '2005'],
    ['fe80::1:2:3:4', 5353, 'fe80::a', 'ESTABLISHED', '2006'],
  ]);
});

T('a row the kernel showed twice (a chunked read while sockets changed) is kept once', () => {
  const { out, report } = scan('ipv6', 'tcp6');
  assert.is(out.filter((s) => s.inode === '2004').length, 1);
  assert.is(report.duplicates, 1);
  assert.is(report.rows, 9);
});

T('a big-endian capture decodes right with the be override, and wrongly without it', () => {
  assert.equal(scan('big-endian', 'tcp', 'be').out.map((s) => s.local.address), ['192.168.1.1', '127.0.0.1', '192.168.1.1']);
  assert.equal(scan('big-endian', 'tcp', 'le').out.map((s) => s.local.address), ['1.1.168.192', '1.0.0.127', '1.1.168.192']);
  assert.equal(scan('big-endian', 'tcp6', 'be').out.map((s) => s.local.address), ['::1', 'fd00::1', '::ffff:192.168.1.1']);
  assert.equal(scan('big-endian', 'tcp', 'be').out[2].remote, { address: '192.168.1.23', port: 50123 });
});

T('malformed table: bad lines are skipped and counted with the first line number; good rows survive', () => {
  const { out, report } = scan('malformed', 'tcp');
  assert.equal(out.map((s) => [s.local.port, s.inode]), [[22, '100'], [80, '101'], [9000, '103']]);
  assert.is(report.malformed, 5);
  assert.is(report.firstMalformedLine, 3);
  assert.is(report.longLines, 1);
  assert.is(report.firstLongLine, 8);
});

T('CRLF line ends and a missing header still parse', () => {
  const { out, report } = scan('malformed', 'udp');
  assert.equal(out.map((s) => s.local.port), [5000, 5001]);
  assert.is(report.malformed, 0);
});

T('an empty table gives no rows and no warning; a missing one is reported missing', () => {
  const empty = scan('malformed', 'tcp6');
  assert.equal([empty.out.length, empty.report.malformed, empty.report.missing], [0, 0, false]);
  const missing = scan('old-kernel', 'tcp6');
  assert.equal([missing.out.length, missing.report.missing], [0, true]);
});

T('the in-place filter sees every row, and objects are built only for wanted rows', () => {
  let seen = 0;
  const out: InetSocket[] = [];
  scanIpTable(path.join(FIXTURES, 'design-doc'), 'tcp', 'le', (_b, row) => { seen++; return row.localPort === 631; }, (s) => out.push(s));
  assert.is(seen, 5);
  assert.equal(out.map((s) => s.local.address + ':' + s.local.port), ['127.0.0.1:631']);
});

T('read on the thread pool, a table gives the same rows and report as the sync read', async () => {
  const cases: [string, 'tcp' | 'tcp6' | 'udp', 'le' | 'be'][] = [['malformed', 'tcp', 'le'], ['malformed', 'udp', 'le'], ['ipv6', 'tcp6', 'le'], ['big-endian', 'tcp', 'be'], ['design-doc', 'tcp', 'le']];
  for (const [fixture, proto, order] of cases) {
    const want = scan(fixture, proto, order);
    const got = await scanAsync(path.join(FIXTURES, fixture), proto, order);
    assert.is(got.err, null);
    assert.equal(got.out, want.out, fixture + ' ' + proto);
    assert.equal(got.report, want.report, fixture + ' ' + proto);
  }
  // Those cases carry the counts that must come across: malformed and long lines, a duplicate row.
  const m = (await scanAsync(path.join(FIXTURES, 'malformed'), 'tcp')).report;
  assert.equal([m.malformed, m.firstMalformedLine, m.longLines, m.firstLongLine], [5, 3, 1, 8]);
  assert.is((await scanAsync(path.join(FIXTURES, 'ipv6'), 'tcp6')).report.duplicates, 1);
});

T('read on the thread pool, a missing table is reported missing and is no error', async () => {
  const got = await scanAsync(path.join(FIXTURES, 'old-kernel'), 'tcp6');
  assert.equal([got.err, got.report.missing, got.out.length], [null, true, 0]);
});

T('read on the thread pool, a table that cannot be read (a directory) is handed to done with its code', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-nis-'));
  try {
    fs.mkdirSync(path.join(root, 'net', 'tcp'), { recursive: true });
    const got = await scanAsync(root, 'tcp');
    assert.is(got.err && (got.err as NodeJS.ErrnoException).code, 'EISDIR');
    assert.equal([got.report.missing, got.out.length], [false, 0]);
    // The sync read throws the same error.
    assert.throws(() => scanIpTable(root, 'tcp', 'le', () => true, () => undefined), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

T('rowKey: the inode alone for a live socket; for inode 0 both addresses count, so two TIME_WAIT rows differ', () => {
  const lines = [
    '   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13828 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13828 1 0000000000000000 100 0 0 10 0',
    '   2: 0100007F:0016 0100007F:9C40 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0000000000000000',
    '   3: 0100007F:0016 0100007F:9C41 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0000000000000000',
    '   4: 0100007F:0016 0100007F:9C40 06 00000000:00000000 03:00000F00 00000000     0        0 0 3 0000000000000000',
  ];
  const row = newIpRow(1);
  const keys = lines.map((l) => {
    const b = Buffer.from(l);
    assert.ok(parseIpSocketLine(b, 0, b.length, row), l);
    const k = [0, 0];
    rowKey(b, row, k);
    return k.join(':');
  });
  assert.is(keys[0], (0x40000000 | 0) + ':13828');
  assert.is(keys[1], keys[0], 'the same socket shown twice');
  assert.is.not(keys[2], keys[3], 'another peer port');
  assert.is(keys[4], keys[2], 'the same TIME_WAIT pair with its timer moved on');
});

T.run();
