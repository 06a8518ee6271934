import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { cleanCmdline, listNumeric, parseStartTime, parseStatus, readCmdline, readComm, readStatus, CMDLINE_MAX, readSmall, hasPtraceCap } from '../src/proc/pid';
import { FIXTURES } from './helpers/cli';

const P = suite('proc_pid');

P('lists numeric entries ascending and ignores the rest', () => {
  assert.equal(listNumeric(path.join(FIXTURES, 'design-doc')), [1, 2, 1596, 1656, 1692, 1962, 2050]);
});

P('comm comes without its newline', () => {
  assert.is(readComm(path.join(FIXTURES, 'design-doc', '1962'))!.toString(), 'sshd');
  assert.is(readComm(path.join(FIXTURES, 'old-kernel', '700')), null);
});

P('status gives the effective uid and the Name line', () => {
  const st = readStatus(path.join(FIXTURES, 'design-doc', '1692'))!;
  assert.is(st.uid, 29);
  assert.is(st.name!.toString(), 'rpc.statd');
  const real = parseStatus(Buffer.from('Name:\tsu\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n'));
  assert.is(real.uid, 0, 'effective, as ps shows it');
  // The first Name line is the name: a later one (none in a real status) does not replace it.
  const early = parseStatus(Buffer.from('Name:\ta\nUid:\t1\t2\t3\t4\nName:\tb\n'));
  assert.equal([early.name!.toString(), early.uid], ['a', 2]);
  const late = parseStatus(Buffer.from('Uid:\t1\t2\t3\t4\nName:\tb\n'));
  // NSpid (4.1+) ends the parse: the pid inside the process's own pid namespace.
  const ns = parseStatus(Buffer.from('Name:\tnginx\nUid:\t0\t0\t0\t0\nNSpid:\t4242\t7\nName:\tlater\n'));
  assert.equal([ns.name!.toString(), ns.nspid], ['nginx', 7]);
  assert.is(parseStatus(Buffer.from('Name:\tx\nNSpid:\t12\n')).nspid, 12);
  assert.is(parseStatus(Buffer.from('Name:\tx\nNSpid:\tnope\n')).nspid, 0, 'not a number: unknown');
  assert.equal([late.name!.toString(), late.uid], ['b', 2], 'either order');
});

P("status Name is comm's bytes exactly (exact) only as the kernel writes it: one tab, no backslash", () => {
  const name = (line: string) => {
    const st = parseStatus(Buffer.from(line + '\nUid:\t0\t0\t0\t0\n'));
    return [st.name!.toString('latin1'), st.exact];
  };
  assert.equal(name('Name:\tsshd'), ['sshd', true]);
  assert.equal(name('Name:\t lead\tand tab'), [' lead\tand tab', true], 'a blank after the tab is part of the name');
  assert.equal(name('Name:\tkworker/0:1-events'), ['kworker/0:1-events', true]);
  assert.equal(name('Name:\ta\\nb'), ['a\\nb', false], 'escaped by the kernel: comm must be read');
  assert.equal(name('Name: x'), ['x', false], 'not the kernel form');
  assert.equal(name('Name:'), ['', false]);
  // The backslash of a later line does not count.
  const st = parseStatus(Buffer.from('Name:\tok\nCpus_allowed_list:\t\\\n'));
  assert.equal([st.name!.toString(), st.exact], ['ok', true]);
});

P('cmdline turns NULs into spaces and drops the trailing ones', () => {
  assert.is(readCmdline(path.join(FIXTURES, 'design-doc', '1656'))!.toString(), 'cupsd -C /etc/cups/cupsd.conf');
  assert.is(readCmdline(path.join(FIXTURES, 'design-doc', '2'))!.length, 0, 'a kernel thread');
  assert.is(cleanCmdline(Buffer.from('a\0\0b\0\0\0')).toString(), 'a  b');
});

P('cmdline is read bounded', () => {
  const self = readSmall('/proc/self/cmdline', CMDLINE_MAX);
  assert.ok(self && self.length <= CMDLINE_MAX);
  assert.ok(readSmall('/dev/zero', CMDLINE_MAX)!.length === CMDLINE_MAX, '/dev/zero never ends; we stop at the bound');
});

P('readSmall: a kept read is its own copy; an unkept one is the scratch view the next read reuses, and what readStatus keeps survives it', () => {
  const dir = path.join(FIXTURES, 'design-doc', '1962');
  const kept = readSmall(dir + '/comm')!;
  const view = readSmall(dir + '/status', 4096, false)!;
  const st = readStatus(dir)!;
  const again = readSmall(dir + '/cmdline', CMDLINE_MAX, false)!;
  assert.is(kept.toString(), 'sshd\n');
  assert.is(view.buffer, again.buffer, 'one scratch buffer');
  assert.is.not(kept.buffer, again.buffer);
  readSmall(dir + '/stat', 1024, false);
  assert.is(st.name!.toString(), 'sshd', 'the name was copied out of the scratch buffer');
});

P('starttime is field 22 counted from the last ")" (a comm may hold ") ")', () => {
  const line = '1234 (evil) 1 2 3) S 1 1234 1234 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100 0 0\n';
  assert.is(parseStartTime(Buffer.from(line)), 987654);
  assert.is(parseStartTime(Buffer.from('garbage')), -1);
  assert.is(parseStartTime(Buffer.from('1 (x) S 1 2')), -1);
});

P('a file that cannot be read gives null', () => {
  assert.is(readComm('/nonexistent/1'), null);
  assert.is(readStatus('/nonexistent/1'), null);
});

P('CAP_SYS_PTRACE is bit 19 of CapEff', () => {
  assert.is(hasPtraceCap('CapEff:\t000001ffffffffff\n'), true);
  assert.is(hasPtraceCap('CapEff:\t000001fffff7ffff\n'), false);
  assert.is(hasPtraceCap('CapEff:\t0000000000000000\n'), false);
  assert.is(hasPtraceCap('Name: x\n'), null);
});

P.run();
