import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KeptRows } from '../src/query/kept_rows';
import { newIpRow, parseIpSocketLine, toInetSocket } from '../src/proc/net_inet';
import { ByteOrder } from '../src/text/endian';
import { InetProto, InetSocket } from '../src/types';

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');

function tcpLine(sl: number, port: number, state: number, inode: string, uid = 0): string {
  return (String(sl).padStart(4) + ': 0100007F:' + hex(port, 4) + ' 0200007F:' + hex(40000 + (sl % 1000), 4) + ' ' + hex(state, 2) +
    ' 00000001:00000002 01:0000001E 00000003 ' + String(uid).padStart(5) + '        7 ' + inode + ' 1 0000000000000000 20 4 30 10 -1').padEnd(149);
}

function tcp6Line(sl: number, port: number, inode: string): string {
  return String(sl).padStart(4) + ': 00000000000000000000000001000000:' + hex(port, 4) + ' 0000000000000000FFFF00000100007F:9C40 01' +
    ' 00000000:00000000 00:00000000 00000000  1000        0 ' + inode + ' 1 0000000000000000 20 4 30 10 -1';
}

/** The socket toInetSocket makes of a line, and the same line kept (the line sits inside a bigger buffer, as in the reader). */
function keepAndBuild(kept: KeptRows, proto: InetProto, line: string, order: ByteOrder): InetSocket {
  const buf = Buffer.from('junk before\n' + line + '\nafter', 'latin1');
  const start = 12;
  const row = newIpRow(proto.endsWith('6') ? 4 : 1);
  assert.ok(parseIpSocketLine(buf, start, start + line.length, row), line);
  kept.add(proto, null, buf, row);
  const s = toInetSocket(buf, row, proto, order);
  buf.fill(0x21); // the reader's buffer is reused: what was kept must be a copy
  return s;
}

const K = suite('kept_rows');

K('gives back each kept row as the socket the line made, in the order kept, across tables', () => {
  const kept = new KeptRows();
  const want = [
    keepAndBuild(kept, 'tcp', tcpLine(0, 22, 0x0a, '13828', 1000), 'le'),
    keepAndBuild(kept, 'tcp6', tcp6Line(0, 8080, '99'), 'le'),
    keepAndBuild(kept, 'udp', tcpLine(5, 53, 0x07, '0'), 'le'),
    keepAndBuild(kept, 'tcp', tcpLine(1, 23, 0x01, '13829'), 'le'),
  ];
  const got: InetSocket[] = [];
  kept.forEach('le', (s) => got.push(s));
  assert.is(kept.size, 4);
  assert.equal(got, want);
  assert.is(got[1].local.address, '::1');
  assert.is(got[1].remote.address, '::ffff:127.0.0.1');
  assert.is(got[0].txQueue, 1);
  assert.is(got[0].timerWhen, 30);
  assert.is(got[0].uid, 1000);
  assert.is(got[2].inode, '0');
});

K('decodes addresses in the byte order it is given (a big-endian host)', () => {
  const kept = new KeptRows();
  const want = keepAndBuild(kept, 'tcp', tcpLine(0, 22, 0x0a, '1'), 'be');
  const got: InetSocket[] = [];
  kept.forEach('be', (s) => got.push(s));
  assert.equal(got, [want]);
  assert.is(got[0].local.address, '1.0.0.127');
});

K('keeps inodes past 2^53 as their text', () => {
  const kept = new KeptRows();
  const big = '18446744073709551615';
  keepAndBuild(kept, 'tcp', tcpLine(0, 22, 0x0a, big), 'le');
  const got: string[] = [];
  kept.forEach('le', (s) => got.push(s.inode));
  assert.equal(got, [big]);
});

K('holds thousands of rows over several buffers, and a line longer than one buffer', () => {
  const kept = new KeptRows();
  const want: InetSocket[] = [];
  for (let i = 0; i < 3000; i++) {
    want.push(i % 3 === 0 ? keepAndBuild(kept, 'tcp6', tcp6Line(i, 1000 + i, String(5000 + i)), 'le')
      : keepAndBuild(kept, 'tcp', tcpLine(i, 1000 + i, 0x01, String(5000 + i)), 'le'));
  }
  // Blanks the parser allows between fields: a row of 100 KB, bigger than any buffer of the store.
  const wide = tcpLine(1, 9, 0x0a, '42').replace(' 0A ', ' '.repeat(100000) + '0A ');
  want.push(keepAndBuild(kept, 'tcp', wide, 'le'));
  want.push(keepAndBuild(kept, 'tcp', tcpLine(2, 10, 0x0a, '43'), 'le'));
  const got: InetSocket[] = [];
  kept.forEach('le', (s) => got.push(s));
  assert.is(got.length, 3002);
  assert.equal(got, want);
});

K('an empty store hands out nothing', () => {
  let n = 0;
  new KeptRows().forEach('le', () => n++);
  assert.is(n, 0);
});

K.run();
