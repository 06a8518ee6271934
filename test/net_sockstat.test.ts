import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sockstatRows, tableRowsAt } from '../src/proc/net_sockstat';
import { FIXTURES } from './helpers/cli';

const S = suite('net_sockstat');

// Captured on this machine (Linux 6.18) with 6,041 sockets in TIME_WAIT.
const SOCKSTAT = 'sockets: used 8\nTCP: inuse 27 orphan 0 tw 6041 alloc 31 mem 158\nUDP: inuse 3 mem 1\nUDPLITE: inuse 0\nRAW: inuse 1\nFRAG: inuse 0 memory 0\n';
const SOCKSTAT6 = 'TCP6: inuse 2\nUDP6: inuse 1\nUDPLITE6: inuse 0\nRAW6: inuse 4\nFRAG6: inuse 0 memory 0\n';

S('counts the IP tables\' rows: TCP, UDP, TCP6 and UDP6 in use, plus TIME_WAIT once', () => {
  assert.is(sockstatRows(SOCKSTAT + SOCKSTAT6), 27 + 6041 + 3 + 2 + 1);
  assert.is(sockstatRows(SOCKSTAT), 27 + 6041 + 3, 'a kernel without IPv6');
});

S('leaves out RAW, UDPLITE, FRAG, orphans, allocs and memory', () => {
  assert.is(sockstatRows('RAW: inuse 9\nUDPLITE: inuse 9\nFRAG: inuse 9 memory 9\nTCP: inuse 0 orphan 9 tw 0 alloc 9 mem 9\n'), 0);
});

S('skips what is not a count: damaged lines add nothing, and the rest still count', () => {
  assert.is(sockstatRows('TCP: inuse -3 tw x1\nUDP: inuse 1e3\nTCP6: inuse\nUDP6 inuse 5\ngarbage\n\nUDP: inuse 7'), 7);
  assert.is(sockstatRows(''), 0);
});

S('reads root/net/sockstat and sockstat6; a root without them (the fixtures) gives 0', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-sockstat-'));
  try {
    fs.mkdirSync(path.join(tmp, 'net'));
    fs.writeFileSync(path.join(tmp, 'net', 'sockstat'), SOCKSTAT);
    assert.is(tableRowsAt(tmp), 6071);
    fs.writeFileSync(path.join(tmp, 'net', 'sockstat6'), SOCKSTAT6);
    assert.is(tableRowsAt(tmp), 6074);
    fs.unlinkSync(path.join(tmp, 'net', 'sockstat'));
    assert.is(tableRowsAt(tmp), 3, 'sockstat6 alone');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.is(tableRowsAt(path.join(FIXTURES, 'design-doc')), 0);
});

S('agrees with the live tables to within the sockets that come and go', () => {
  const rows = (name: string) => {
    try {
      return fs.readFileSync('/proc/net/' + name, 'latin1').split('\n').filter((l) => /^\s*\d+:/.test(l)).length;
    } catch (e) {
      return 0;
    }
  };
  const before = rows('tcp') + rows('tcp6') + rows('udp') + rows('udp6');
  const est = tableRowsAt('/proc');
  const after = rows('tcp') + rows('tcp6') + rows('udp') + rows('udp6');
  const lo = Math.min(before, after);
  const hi = Math.max(before, after);
  // Sockets other jobs open and close between the reads (and SYN_RECV requests, rows that are not counted).
  const slack = Math.max(16, Math.ceil(hi * 0.05));
  assert.ok(est >= lo - slack && est <= hi + slack, 'sockstat ' + est + ', tables ' + before + '..' + after);
});

S.run();
