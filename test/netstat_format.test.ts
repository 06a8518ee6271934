import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Context, endpointText, hostText, inetHeader, inetLine, ntop6, timerText, unixHeader, unixLine, unixPathText } from '../src/netstat/format';
import { Names, parseIPv6 } from '../src/netstat/names';
import { InetProto, InetSocket, UnixSocket } from '../src/types';

const T = suite('netstat format');

const v4 = (s: string) => new Uint8Array(s.split('.').map(Number));
const v6 = (s: string) => parseIPv6(s)!;

function ctx(over: Partial<Context> = {}): Context {
  const files: { [p: string]: string } = {
    '/etc/hosts': '127.0.0.1 localhost\n::1 ip6-localhost\n',
    '/etc/services': 'ssh 22/tcp\nhttps 443/tcp\ndomain 53/udp\na-service-name-longer-than-eighteen 9999/tcp\n',
    '/etc/protocols': 'icmp 1 ICMP\n',
  };
  return {
    busybox: false, numeric: true, wide: false, extend: false, program: false, timers: false, all: true, listening: false,
    names: new Names((p) => files[p] === undefined ? null : files[p], '/etc'),
    user: (uid) => (uid === 0 ? 'root' : String(uid)), prog: () => '-', ...over,
  };
}

function sock(proto: InetProto, local: Uint8Array, lport: number, remote: Uint8Array, rport: number, st: number, over: Partial<InetSocket> = {}): InetSocket {
  return {
    kind: 'inet', proto, family: local.length === 4 ? 4 : 6, local: { address: '', port: lport }, remote: { address: '', port: rport },
    localBytes: local, remoteBytes: remote, stateCode: st, state: '', uid: 0, inode: '12345', txQueue: 0, rxQueue: 0,
    timerActive: 0, timerWhen: 0, retransmits: 0, timeout: 0, netns: null, owners: [], ...over,
  };
}

T('IPv6 text is glibc inet_ntop\'s, the old IPv4-compatible form included', () => {
  assert.is(ntop6(v6('2001:db8::1')), '2001:db8::1');
  assert.is(ntop6(v6('::1')), '::1');
  assert.is(ntop6(v6('::1.2.3.4')), '::1.2.3.4');
  assert.is(ntop6(v6('::ffff:10.0.0.1')), '::ffff:10.0.0.1');
});

T('net-tools host text: mapped as plain IPv4, :: as [::] without -n, names from /etc/hosts', () => {
  assert.is(hostText(v6('::ffff:127.0.0.1'), ctx()), '127.0.0.1');
  assert.is(hostText(v6('::ffff:127.0.0.1'), ctx({ numeric: false })), '127.0.0.1');
  assert.is(hostText(v6('::'), ctx()), '::');
  assert.is(hostText(v6('::'), ctx({ numeric: false })), '[::]');
  assert.is(hostText(v6('::1'), ctx({ numeric: false })), 'ip6-localhost');
  assert.is(hostText(v4('0.0.0.0'), ctx({ numeric: false })), '0.0.0.0');
  assert.is(hostText(v4('127.0.0.1'), ctx({ numeric: false })), 'localhost');
  assert.is(hostText(v4('10.9.8.7'), ctx({ numeric: false })), '10.9.8.7');
  // BusyBox keeps the mapped form and :: as it is.
  assert.is(hostText(v6('::ffff:127.0.0.1'), ctx({ busybox: true })), '::ffff:127.0.0.1');
  assert.is(hostText(v6('::'), ctx({ busybox: true, numeric: false })), '::');
});

T('addr:port fits 23 columns: the port keeps up to 18 characters, the address is cut to what is left; -W and BusyBox cut nothing', () => {
  const long = v6('2001:db8:85a3:1234:5678:8a2e:370:7334');
  assert.is(endpointText(long, 443, 'tcp', ctx()), '2001:db8:85a3:1234::443');
  assert.is(endpointText(long, 443, 'tcp', ctx({ wide: true })), '2001:db8:85a3:1234:5678:8a2e:370:7334:443');
  assert.is(endpointText(long, 443, 'tcp', ctx({ busybox: true })), '2001:db8:85a3:1234:5678:8a2e:370:7334:443');
  assert.is(endpointText(long, 443, 'tcp', ctx({ numeric: false })), '2001:db8:85a3:123:https');
  assert.is(endpointText(v6('::1'), 9999, 'tcp', ctx({ numeric: false })), 'ip6-:a-service-name-lon');
  assert.is(endpointText(v4('255.255.255.255'), 65535, 'udp', ctx()), '255.255.255.255:65535');
  assert.is(endpointText(v4('0.0.0.0'), 0, 'tcp', ctx()), '0.0.0.0:*');
  assert.is(endpointText(v4('0.0.0.0'), 1, 'raw', ctx({ numeric: false })), '0.0.0.0:icmp');
});

T('rows: tcp, udp (state blank when unconnected) and raw (state as a number), with -e, -p and -o columns', () => {
  const c = ctx({ extend: true, program: true, timers: true, prog: () => '42/sshd' });
  assert.is(inetHeader(c), 'Active Internet connections (servers and established)\n' +
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n');
  assert.is(inetLine(sock('tcp', v4('0.0.0.0'), 22, v4('0.0.0.0'), 0, 10), c),
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          12345      42/sshd              off (0.00/0/0)\n');
  assert.is(inetLine(sock('udp6', v6('::1'), 53, v6('::'), 0, 7, { rxQueue: 1024, retransmits: 3 }), ctx()),
    'udp6    1024      0 ::1:53                  :::*                               \n');
  assert.is(inetLine(sock('raw6', v6('::'), 58, v6('::'), 0, 7), ctx()),
    'raw6       0      0 :::58                   :::*                    7          \n');
  assert.is(inetLine(sock('tcp', v4('10.0.0.1'), 22, v4('10.0.0.2'), 5000, 1, { txQueue: 36 }), ctx({ extend: true, numeric: false })).slice(68),
    'ESTABLISHED root       12345     \n');
});

T('timers: off, on, keepalive, timewait, probe, unknown; UDP always shows 0 retransmits', () => {
  const t = (proto: InetProto, tr: number, when: number) => timerText(sock(proto, v4('1.2.3.4'), 1, v4('1.2.3.5'), 2, 1, { timerActive: tr, timerWhen: when, retransmits: 2, timeout: 3 }));
  assert.equal([t('tcp', 0, 0), t('tcp', 1, 21), t('tcp', 2, 8010), t('tcp6', 3, 6000), t('tcp', 4, 5), t('tcp', 9, 100)],
    ['off (0.00/2/3)', 'on (0.21/2/3)', 'keepalive (80.10/2/3)', 'timewait (60.00/2/3)', 'probe (0.05/2/3)', 'unkn-9 (1.00/2/3)']);
  assert.equal([t('udp', 2, 50), t('raw', 1, 50), t('raw', 5, 50)], ['on2 (0.50/0/3)', 'on1 (0.50/2/3)', 'unkn-5 (0.50/2/3)']);
});

T('the header says which rows follow', () => {
  assert.ok(inetHeader(ctx({ all: false, listening: true })).startsWith('Active Internet connections (only servers)\n'));
  assert.ok(inetHeader(ctx({ all: false })).startsWith('Active Internet connections (w/o servers)\n'));
  assert.is(inetHeader(ctx({ busybox: true, program: true, wide: true })), 'Active Internet connections (servers and established)\n' +
    'Proto Recv-Q Send-Q Local Address' + ' '.repeat(38) + ' Foreign Address' + ' '.repeat(36) + ' State       PID/Program name    \n');
});

const unix = (over: Partial<UnixSocket>): UnixSocket => ({
  kind: 'unix', proto: 'unix', refCount: 2, flags: 0, typeCode: 1, type: '', stateCode: 3, state: '', inode: '555', path: null, netns: null, owners: [], ...over,
});

T('unix rows: flags, type, state, inode; net-tools takes the path up to a blank, BusyBox all of it', () => {
  const listen = unix({ flags: 0x10000, stateCode: 1, path: Buffer.from('/run/a b') });
  assert.is(unixHeader(ctx({ program: true })), 'Active UNIX domain sockets (servers and established)\nProto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n');
  assert.is(unixLine(listen, ctx({ program: true, prog: () => '1/init' })), 'unix  2      [ ACC ]     STREAM     LISTENING     555      1/init               /run/a\n');
  assert.is(unixLine(listen, ctx({ busybox: true })), 'unix  2      [ ACC ]     STREAM     LISTENING        555 /run/a b\n');
  assert.is(unixLine(unix({ typeCode: 2, stateCode: 1, flags: 0x60000 }), ctx()), 'unix  2      [ W N ]     DGRAM                    555      \n');
  assert.is(unixLine(unix({ typeCode: 9, stateCode: 9 }), ctx()), 'unix  2      [ ]         UNKNOWN    UNKNOWN       555      \n');
});

T('unix paths are escaped: net-tools\' word as escape.ts does, BusyBox\'s controls as ^X', () => {
  assert.is(unixPathText(Buffer.from('/tmp/\x1b[2J\\x'), false), '/tmp/\\x1b[2J\\\\x');
  assert.is(unixPathText(Buffer.from('@a\x01b\x7f c'), true), '@a^Ab^? c');
  assert.is(unixPathText(Buffer.from('/tmp/caf\u00e9'), true), '/tmp/caf\u00e9');
  assert.is(unixPathText(null, false), '');
});

T.run();
