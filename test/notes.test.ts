import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { privilegeNote } from '../src/cli/notes';
import { newScanStats } from '../src/scan/types';

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
