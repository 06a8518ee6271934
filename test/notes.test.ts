import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hasPtraceCap, privilegeNote, procMountAt, tableNotes } from '../src/cli/notes';
import { newScanStats } from '../src/scan/types';
import { newTableReport } from '../src/proc/net_inet';

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

const MOUNTINFO = [
  '22 27 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '42 27 0:39 / /tmp/p rw,relatime - proc proc rw,hidepid=invisible,gid=4',
  '43 27 0:40 / /tmp/with\\040space rw,relatime - proc proc rw,hidepid=2',
  '44 27 0:41 / /tmp/q rw,relatime - tmpfs tmpfs rw',
  '45 27 0:42 / /tmp/n rw,relatime - proc proc rw,hidepid=noaccess',
].join('\n') + '\n';

N('procMountAt reads hidepid and gid of the procfs mounted at the path', () => {
  assert.equal(procMountAt(MOUNTINFO, '/tmp/p'), { hidepid: 2, gid: 4 });
  assert.equal(procMountAt(MOUNTINFO, '/proc'), { hidepid: 0, gid: -1 });
  assert.equal(procMountAt(MOUNTINFO, '/tmp/n'), { hidepid: 1, gid: -1 });
});

N('procMountAt unescapes octal in mount points and ignores other file systems', () => {
  assert.equal(procMountAt(MOUNTINFO, '/tmp/with space'), { hidepid: 2, gid: -1 });
  assert.is(procMountAt(MOUNTINFO, '/tmp/q'), null);
  assert.is(procMountAt(MOUNTINFO, '/srv/snapshot'), null);
});

N('procMountAt takes the last mount on a point (the one on top)', () => {
  const text = MOUNTINFO + '50 27 0:45 / /proc rw,relatime - proc proc rw,hidepid=invisible\n';
  assert.equal(procMountAt(text, '/proc'), { hidepid: 2, gid: -1 });
});

const hidden = { hidepid: 2, gid: -1 };

N('a hidepid=2 mount gets a note even when no fd was refused', () => {
  const s = { ...newScanStats(), processes: 3 };
  assert.is(privilegeNote(s, { euid: 65534, ptrace: false, mount: hidden, groups: [65534] }),
    'Not all processes could be identified: this /proc is mounted with hidepid=2, which hides other users\' processes from uid 65534; sockets they hold show \'-\'.');
});

N('the hidepid note is the only note and counts refused fds too', () => {
  const s = { ...newScanStats(), processes: 3, denied: 1, deniedPids: [7] };
  assert.match(privilegeNote(s, { euid: 65534, ptrace: false, mount: { hidepid: 2, gid: 4 }, groups: [] })!,
    /hidepid=2, .*, and 1 visible process refused \/proc\/PID\/fd; .* Members of group 4 see them all\.$/);
});

N('hidepid hides nothing from root with CAP_SYS_PTRACE or from members of gid=', () => {
  assert.is(privilegeNote(newScanStats(), { euid: 0, ptrace: true, mount: hidden }), null);
  assert.is(privilegeNote(newScanStats(), { euid: 1000, ptrace: false, mount: { hidepid: 2, gid: 4 }, groups: [1000, 4] }), null);
});

N('root without CAP_SYS_PTRACE behind hidepid=2 is told why', () => {
  assert.match(privilegeNote(newScanStats(), { euid: 0, ptrace: false, mount: hidden })!, /hidepid=2, .* from uid 0 \(this root lacks CAP_SYS_PTRACE\)/);
});

N.run();
