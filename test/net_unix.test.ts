import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { newUnixRow, parseUnixLine } from '../src/proc/net_unix';
import { scanUnixTable } from './helpers/tables';
import { UnixSocket } from '../src/types';
import { FIXTURES } from './helpers/cli';
import { escapeBytes } from '../src/text/escape';

const b = (s: string) => Buffer.from(s, 'latin1');
const U = suite('net_unix');

U('parses a listening stream socket with a path', () => {
  const row = newUnixRow();
  const line = b('ffff8880055c3c00: 00000002 00000000 00010000 0001 01 16777 /run/systemd/notify');
  assert.ok(parseUnixLine(line, 0, line.length, row));
  assert.equal([row.refCount, row.flags, row.type, row.state, row.inode], [2, 0x10000, 1, 1, 16777]);
  assert.is(line.toString('latin1', row.pathStart, row.pathEnd), '/run/systemd/notify');
});

U('an unbound socket has no path; the header and garbage are refused', () => {
  const row = newUnixRow();
  const line = b('0000000000000000: 00000003 00000000 00000000 0001 03 20001');
  assert.ok(parseUnixLine(line, 0, line.length, row));
  assert.is(row.pathStart, -1);
  const h = b('Num       RefCount Protocol Flags    Type St Inode Path');
  assert.not.ok(parseUnixLine(h, 0, h.length, row));
  const g = b('0000000000000000: 0000000Z 00000000 00000000 0001 03 20001');
  assert.not.ok(parseUnixLine(g, 0, g.length, row));
});

U('reads every kind from the fixture: types, states, abstract names, spaces, and a path with a newline', () => {
  const out: UnixSocket[] = [];
  const report = scanUnixTable(path.join(FIXTURES, 'udp-raw-unix'), () => true, (s) => out.push(s));
  assert.equal(out.map((s) => [s.inode, s.type, s.state, s.path ? s.path.toString('latin1') : null]), [
    ['3010', 'STREAM', 'LISTEN', '/run/app.sock'],
    ['3011', 'STREAM', 'CONNECTED', null],
    ['3012', 'DGRAM', 'UNCONNECTED', '/dev/log'],
    ['3013', 'STREAM', 'CONNECTED', '@/tmp/.X11-unix/X0'],
    ['3014', 'STREAM', 'LISTEN', '/tmp/my sock'],
    ['3015', 'SEQPACKET', 'LISTEN', '/run/seq.sock'],
    ['3016', 'STREAM', 'LISTEN', '/tmp/evil\nname'],
  ]);
  assert.is(report.malformed, 0, 'the continuation of a path is not a malformed row');
  assert.is(escapeBytes(out[6].path!), '/tmp/evil\\x0aname');
});

U('a missing table is reported missing, quietly', () => {
  const report = scanUnixTable(path.join(FIXTURES, 'ipv6'), () => true, () => assert.unreachable());
  assert.ok(report.missing);
});

U.run();
