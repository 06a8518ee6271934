import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { procMountAt } from '../src/proc/mountinfo';

const N = suite('mountinfo');

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

N.run();
