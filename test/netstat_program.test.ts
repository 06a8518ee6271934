import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { argv0Name, ProgramNames, programText } from '../src/netstat/program';
import { Owner } from '../src/types';
import { cleanCmdline } from '../src/proc/pid';

const P = suite('netstat program column');
const b = (s: string) => Buffer.from(s, 'latin1');
const txt = (u: Uint8Array) => Buffer.from(u).toString('latin1');

P('argv0: net-tools takes the basename only of a path; BusyBox always', () => {
  assert.is(txt(argv0Name(b('/usr/sbin/sshd\0-D\0'), false)), 'sshd');
  assert.is(txt(argv0Name(b('sshd: alice@pts/0\0\0\0'), false)), 'sshd: alice@pts/0');
  assert.is(txt(argv0Name(b('sshd: alice@pts/0'), true)), '0');
  assert.is(txt(argv0Name(b('bin/x\0'), false)), 'bin/x');
  assert.is(txt(argv0Name(b(''), false)), '');
  assert.is(txt(argv0Name(b('/'), false)), '');
});

P('PID/name is cut to 19 bytes and bytes outside printable ASCII become "."', () => {
  assert.is(programText(1234, b('nginx')), '1234/nginx');
  assert.is(programText(300, b('some-really-long-daemon-name')), '300/some-really-lon');
  assert.is(programText(7, b('a\x1b[2Jb\x7f\xc3\xa9')), '7/a.[2Jb...');
  assert.is(programText(4194304, b('\xff'.repeat(30))), '4194304/' + '.'.repeat(11));
  assert.is(programText(9, b('')), '9/');
});

P('the first holder names the socket by argv[0] of the cmdline the scan read; no holder is "-"', () => {
  const names = new ProgramNames(false);
  // As the owner scan leaves it: NULs turned into spaces, argv0Len where the first NUL was.
  const owner = (pid: number, raw: string): Owner => {
    const nul = raw.indexOf('\0');
    const proc = { pid, name: b('x'), cmdline: cleanCmdline(b(raw)), argv0Len: nul < 0 ? raw.length : nul, uid: 0, nspid: 0, container: null, unit: null };
    return { proc, tid: 0, threadName: null, fd: 3, fds: [3] };
  };
  assert.is(names.of([owner(100, '/usr/sbin/nginx\0-g\0daemon off;\0'), owner(101, 'nginx: worker process\0')]), '100/nginx');
  assert.is(names.of([owner(200, 'sshd: alice@pts/0\0')]), '200/sshd: alice@pts');
  assert.is(names.of([]), '-');
  assert.is(names.of(undefined), '-');
  assert.is(names.of([owner(99999, '/usr/bin/gone\0--flag\0')]), '99999/gone');
});

P.run();
