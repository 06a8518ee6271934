import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hasPtraceCap, privilegeNote, tableNotes } from '../src/notes';
import { newScanStats } from '../src/owners';
import { newTableReport } from '../src/net_ip_socket';

const N = suite('notes');

N('no note when every process could be read', () => {
  assert.is(privilegeNote(newScanStats(), { euid: 1000, ptrace: false }), null);
});

N('a non-root user is told which processes were closed to it and why', () => {
  const s = { ...newScanStats(), processes: 80, denied: 12, deniedPids: [1, 2, 3] };
  assert.is(privilegeNote(s, { euid: 65534, ptrace: false }),
    'Not all processes could be identified: 12 of 80 processes (pid 1, 2, 3, ...) belong to other users, whose /proc/PID/fd is closed to uid 65534; their sockets show \'-\'. You would have to be root to see it all.');
});

N('root without CAP_SYS_PTRACE is told so', () => {
  const s = { ...newScanStats(), processes: 5, denied: 1, deniedPids: [1] };
  assert.match(privilegeNote(s, { euid: 0, ptrace: false })!, /lacks CAP_SYS_PTRACE/);
  assert.match(privilegeNote(s, { euid: 0, ptrace: true })!, /even to root/);
});

N('CAP_SYS_PTRACE is bit 19 of CapEff', () => {
  assert.is(hasPtraceCap('CapEff:\t000001ffffffffff\n'), true);
  assert.is(hasPtraceCap('CapEff:\t000001fffff7ffff\n'), false);
  assert.is(hasPtraceCap('CapEff:\t0000000000000000\n'), false);
  assert.is(hasPtraceCap('Name: x\n'), null);
});

N('skipped table lines are reported per file with the first line number', () => {
  const r = { ...newTableReport('/proc/net/tcp'), malformed: 3, firstMalformedLine: 7, longLines: 1, firstLongLine: 9 };
  assert.equal(tableNotes([r, newTableReport('/proc/net/udp')]), [
    '/proc/net/tcp: skipped 3 malformed lines (first at line 7)',
    '/proc/net/tcp: skipped 1 overlong line (line 9)',
  ]);
});

N.run();
