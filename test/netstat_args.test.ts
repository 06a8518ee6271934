import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../src/text/argv';
import { parseNetstatArgs, protoSetOf } from '../src/netstat/args';

const A = suite('netstat args');

const SUPPORTED = 'expected -a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms';

function fails(argv: string[], message: string, env: { [k: string]: string } = {}) {
  try {
    parseNetstatArgs(argv, env);
  } catch (e) {
    assert.instance(e, UsageError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable('parsed ' + JSON.stringify(argv));
}

A('combined short options set their flags (-ntpa, -tulpn)', () => {
  const o = parseNetstatArgs(['-ntpa'], {});
  assert.equal([o.numeric, o.tcp, o.program, o.all, o.udp, o.listening], [true, true, true, true, false, false]);
  const l = parseNetstatArgs(['-tulpn'], {});
  assert.equal([l.tcp, l.udp, l.listening, l.program, l.numeric, l.all], [true, true, true, true, true, false]);
});

A('long forms, -T as -W, --programs as --program, -e counted', () => {
  const o = parseNetstatArgs(['--all', '--listening', '--numeric', '--tcp', '--udp', '--raw', '--unix', '--programs', '--extend', '--wide', '--timers', '--continuous'], {});
  assert.equal([o.all, o.listening, o.numeric, o.tcp, o.udp, o.raw, o.unix, o.program, o.extend, o.wide, o.timers, o.continuous],
    [true, true, true, true, true, true, true, true, 1, true, true, true]);
  assert.is(parseNetstatArgs(['-T'], {}).wide, true);
  assert.is(parseNetstatArgs(['-ee'], {}).extend, 2);
  assert.is(parseNetstatArgs(['--route'], {}).action, 'route');
  assert.is(parseNetstatArgs(['-rn'], {}).action, 'route');
  assert.is(parseNetstatArgs(['-h'], {}).action, 'help');
});

A('--busybox, or PORTOWN_NETSTAT_STYLE=busybox, picks BusyBox\'s format', () => {
  assert.is(parseNetstatArgs([], {}).style, 'net-tools');
  assert.is(parseNetstatArgs(['--busybox'], {}).style, 'busybox');
  assert.is(parseNetstatArgs([], { PORTOWN_NETSTAT_STYLE: 'busybox' }).style, 'busybox');
  assert.is(parseNetstatArgs([], { PORTOWN_NETSTAT_STYLE: 'net-tools' }).style, 'net-tools');
  fails([], 'PORTOWN_NETSTAT_STYLE expects busybox or net-tools, got "bsd"', { PORTOWN_NETSTAT_STYLE: 'bsd' });
  fails(['--busybox', '-o'], 'option -o (--timers) is not in BusyBox\'s netstat; drop it or leave BusyBox style');
});

A('--proc, PROC_ROOT and --byte-order', () => {
  assert.is(parseNetstatArgs(['--proc', '/x'], { PROC_ROOT: '/y' }).proc, '/x');
  assert.is(parseNetstatArgs([], { PROC_ROOT: '/y' }).proc, '/y');
  assert.is(parseNetstatArgs(['--proc=/z'], {}).proc, '/z');
  assert.is(parseNetstatArgs(['--byte-order', 'be'], {}).byteOrder, 'be');
  fails(['--byte-order', 'middle'], 'Option --byte-order expects le or be, got "middle"');
  fails(['--proc'], 'Option --proc expects a directory, got nothing');
});

A('other netstat options are refused, naming the option', () => {
  fails(['-i'], 'unsupported option "-i"; ' + SUPPORTED);
  fails(['-ntpi'], 'unsupported option "-i" in "-ntpi"; ' + SUPPORTED);
  fails(['-s'], 'unsupported option "-s"; ' + SUPPORTED);
  fails(['-g'], 'unsupported option "-g"; ' + SUPPORTED);
  fails(['-M'], 'unsupported option "-M"; ' + SUPPORTED);
  fails(['--interfaces'], 'unsupported option "--interfaces"; ' + SUPPORTED);
  fails(['--tcp=yes'], 'Option --tcp takes no value, got "--tcp=yes"');
  fails(['eth0'], 'unexpected argument "eth0"; expected options only (-a -l -n -t -u -w -x -p -e -W -o -c -r (alone or combined, e.g. -ntpa) or their long forms)');
});

A('selection: no protocol flag means all of them, unix included; -4/-6 alone mean every inet protocol of that family', () => {
  assert.equal(protoSetOf(parseNetstatArgs([], {})), { tcp: true, udp: true, raw: true, unix: true, ipv4: true, ipv6: true });
  assert.equal(protoSetOf(parseNetstatArgs(['-tx'], {})), { tcp: true, udp: false, raw: false, unix: true, ipv4: true, ipv6: true });
  assert.equal(protoSetOf(parseNetstatArgs(['-4'], {})), { tcp: true, udp: true, raw: true, unix: false, ipv4: true, ipv6: false });
  assert.equal(protoSetOf(parseNetstatArgs(['-6u'], {})), { tcp: false, udp: true, raw: false, unix: false, ipv4: false, ipv6: true });
});

A.run();
