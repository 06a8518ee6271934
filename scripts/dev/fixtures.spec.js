// Descriptions of the committed fixture trees under fixtures/.
// `node scripts/dev/fixture-tools.js [name]` rewrites them from here.
'use strict';
const { table, unixTable, ipRow, TCP_HEADER } = require('./fixture-tools.js');

const devnull = { 0: '/dev/null', 1: '/dev/null', 2: '/dev/null' };

// The host of the design document (shared/seed): a 32-bit little-endian x86
// box whose `netstat -npta` shows sshd, cupsd, master, rpc.statd and rpcbind.
// The sshd line is copied from the document byte for byte.
const designDoc = {
  net: {
    tcp: [
      TCP_HEADER,
      '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13828 1 ecb02140 299 0 0 2 -1',
      '   1: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11835 1 ecb00a40 299 0 0 2 -1',
      '   2: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13982 1 ecb03940 299 0 0 2 -1',
      '   3: 00000000:CE83 00000000:0000 0A 00000000:00000000 00:00000000 00000000    29        0 11513 1 ecb00540 299 0 0 2 -1',
      '   4: 00000000:006F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11266 1 ecb00040 299 0 0 2 -1',
    ].join('\n') + '\n',
    tcp6: table([{ local: '::', lport: 22, inode: 13830 }], true, 'le'),
    udp: table([
      { local: '0.0.0.0', lport: 111, inode: 11262 },
      { local: '0.0.0.0', lport: 35000, inode: 11510, uid: 29 },
    ], false, 'le', true),
    unix: unixTable([
      { flags: 0x10000, type: 1, st: 1, inode: 11830, path: '/var/run/cups/cups.sock' },
      { type: 1, st: 3, inode: 8928, path: '@/com/ubuntu/upstart' },
    ]),
  },
  procs: [
    { pid: 1, comm: 'init', cmdline: '/sbin/init\0', starttime: 1, fds: { ...devnull, 3: 'pipe:[8927]', 4: 'pipe:[8927]', 5: 'anon_inode:inotify', 7: 'socket:[8928]' } },
    { pid: 2, comm: 'kthreadd', cmdline: '', starttime: 1, fds: {} },
    { pid: 1596, comm: 'rpcbind', cmdline: 'rpcbind\0', uid: 0, starttime: 2100, fds: { ...devnull, 6: 'socket:[11262]', 8: 'socket:[11266]' } },
    { pid: 1656, comm: 'cupsd', cmdline: 'cupsd\0-C\0/etc/cups/cupsd.conf\0', starttime: 2200, fds: { ...devnull, 3: 'socket:[11835]', 4: 'socket:[11830]' } },
    { pid: 1692, comm: 'rpc.statd', cmdline: 'rpc.statd\0', uid: 29, starttime: 2300, fds: { ...devnull, 7: 'socket:[11513]', 8: 'socket:[11510]' } },
    { pid: 1962, comm: 'sshd', cmdline: '/usr/sbin/sshd\0', starttime: 2400, fds: { ...devnull, 3: 'socket:[13828]', 4: 'socket:[13830]' } },
    { pid: 2050, comm: 'master', cmdline: '/usr/libexec/postfix/master\0', starttime: 2500, fds: { ...devnull, 12: 'socket:[13982]', 13: '/var/lib/postfix/master.lock' } },
  ],
};

// IPv6: loopback, dual stack, v4-mapped peers, a long global address shared
// by a master and two forked workers, TIME_WAIT and request sockets (inode 0),
// a state code this program does not know, and a row the kernel showed twice.
const tcp6Rows = [
  { local: '::1', lport: 631, inode: 2001 },
  { local: '::', lport: 22, inode: 2002 },
  { local: '::ffff:127.0.0.1', lport: 22, remote: '::ffff:127.0.0.1', rport: 51000, st: 1, inode: 2003 },
  { local: '2001:db8:85a3::8a2e:370:7334', lport: 443, inode: 2004, uid: 33 },
  { local: '2001:db8::1', lport: 8080, remote: '2001:db8::2', rport: 40000, st: 6, inode: 0, tr: 3, when: 0x1770 },
  { local: '2001:db8::1', lport: 8080, remote: '2001:db8::3', rport: 40001, st: 0x0c, inode: 0 },
  { local: '2001:db8:0:0:1:0:0:1', lport: 9999, st: 0x0f, inode: 2005 },
  { local: 'fe80::1:2:3:4', lport: 5353, remote: 'fe80::a', rport: 5000, st: 1, inode: 2006 },
];
const ipv6 = {
  net: {
    tcp: table([{ local: '127.0.0.1', lport: 8080, inode: 2100 }], false, 'le'),
    tcp6: table(tcp6Rows, true, 'le').replace(/\n$/, '\n' + ipRow(8, tcp6Rows[3], true, 'le', false) + '\n'),
    udp6: table([{ local: '::1', lport: 53, inode: 2010 }, { local: '::', lport: 5353, inode: 2011 }], true, 'le', true),
  },
  procs: [
    { pid: 300, comm: 'cupsd', cmdline: '/usr/sbin/cupsd\0-l\0', starttime: 10, fds: { 5: 'socket:[2001]' } },
    { pid: 301, comm: 'sshd', cmdline: '/usr/sbin/sshd\0-D\0', starttime: 11, fds: { 3: 'socket:[2002]' } },
    { pid: 302, comm: 'sshd', cmdline: 'sshd: root@pts/0\0', starttime: 12, fds: { 4: 'socket:[2003]' } },
    { pid: 303, comm: 'nginx', cmdline: 'nginx: master process /usr/sbin/nginx\0', starttime: 13, fds: { 6: 'socket:[2004]' } },
    { pid: 304, comm: 'nginx', cmdline: 'nginx: worker process\0', uid: 33, starttime: 14, fds: { 6: 'socket:[2004]' } },
    { pid: 305, comm: 'nginx', cmdline: 'nginx: worker process\0', uid: 33, starttime: 15, fds: { 6: 'socket:[2004]', 7: 'socket:[2100]' } },
    { pid: 306, comm: 'dnsmasq', cmdline: 'dnsmasq\0', starttime: 16, fds: { 4: 'socket:[2010]', 5: 'socket:[2011]' } },
    { pid: 307, comm: 'mystery', cmdline: 'mystery\0', starttime: 17, fds: { 3: 'socket:[2005]', 4: 'socket:[2006]' } },
  ],
};

// A big-endian host (a MIPS or PowerPC router): every 32-bit word of an
// address is printed in address order. Read on a little-endian machine, it
// needs --byte-order be.
const bigEndian = {
  net: {
    tcp: table([
      { local: '192.168.1.1', lport: 22, inode: 5001 },
      { local: '127.0.0.1', lport: 53, inode: 5002 },
      { local: '192.168.1.1', lport: 22, remote: '192.168.1.23', rport: 50123, st: 1, inode: 5003 },
    ], false, 'be'),
    tcp6: table([
      { local: '::1', lport: 53, inode: 5004 },
      { local: 'fd00::1', lport: 22, inode: 5005 },
      { local: '::ffff:192.168.1.1', lport: 80, remote: '::ffff:192.168.1.23', rport: 50200, st: 1, inode: 5006 },
    ], true, 'be'),
    udp: table([{ local: '0.0.0.0', lport: 67, inode: 5010 }], false, 'be', true),
  },
  procs: [
    { pid: 500, comm: 'dropbear', cmdline: '/usr/sbin/dropbear\0-F\0-P\0/var/run/dropbear.pid\0', starttime: 100, fds: { 3: 'socket:[5001]', 4: 'socket:[5005]' } },
    { pid: 501, comm: 'dropbear', cmdline: '/usr/sbin/dropbear\0-F\0-P\0/var/run/dropbear.pid\0', starttime: 200, fds: { 3: 'socket:[5003]' } },
    { pid: 502, comm: 'dnsmasq', cmdline: '/usr/sbin/dnsmasq\0', starttime: 101, fds: { 4: 'socket:[5002]', 5: 'socket:[5004]', 6: 'socket:[5010]' } },
    { pid: 503, comm: 'uhttpd', cmdline: '/usr/sbin/uhttpd\0-f\0', starttime: 102, fds: { 3: 'socket:[5006]' } },
  ],
};

// UDP (bound and connected), raw (ICMP and ICMPv6) and unix sockets of every kind.
const udpRawUnix = {
  net: {
    tcp: table([], false, 'le'),
    udp: table([
      { local: '0.0.0.0', lport: 68, inode: 3001 },
      { local: '127.0.0.1', lport: 40000, remote: '127.0.0.1', rport: 53, st: 1, inode: 3002 },
    ], false, 'le', true),
    udp6: table([{ local: '::', lport: 546, inode: 3003 }], true, 'le', true),
    raw: table([{ local: '0.0.0.0', lport: 1, st: 7, inode: 3004 }], false, 'le', true),
    raw6: table([{ local: '::', lport: 58, st: 7, inode: 3005 }], true, 'le', true),
    unix: unixTable([
      { flags: 0x10000, type: 1, st: 1, inode: 3010, path: '/run/app.sock' },
      { type: 1, st: 3, inode: 3011 },
      { type: 2, st: 1, inode: 3012, path: '/dev/log' },
      { type: 1, st: 3, inode: 3013, path: '@/tmp/.X11-unix/X0' },
      { flags: 0x10000, type: 1, st: 1, inode: 3014, path: '/tmp/my sock' },
      { flags: 0x10000, type: 5, st: 1, inode: 3015, path: '/run/seq.sock' },
      { flags: 0x10000, type: 1, st: 1, inode: 3016, path: '/tmp/evil\nname' },
    ]),
  },
  procs: [
    { pid: 400, comm: 'dhclient', cmdline: 'dhclient\0eth0\0', starttime: 1, fds: { 6: 'socket:[3001]', 7: 'socket:[3003]' } },
    { pid: 401, comm: 'resolver', cmdline: 'resolver\0', starttime: 2, fds: { 3: 'socket:[3002]' } },
    { pid: 402, comm: 'ping', cmdline: 'ping\x00127.0.0.1\0', starttime: 3, fds: { 3: 'socket:[3004]', 4: 'socket:[3005]' } },
    { pid: 403, comm: 'app', cmdline: '/usr/bin/app\0', starttime: 4, fds: { 3: 'socket:[3010]', 4: 'socket:[3011]', 5: 'socket:[3014]', 6: 'socket:[3016]' } },
    { pid: 404, comm: 'syslogd', cmdline: '/sbin/syslogd\0-n\0', starttime: 5, fds: { 3: 'socket:[3012]', 4: 'socket:[3015]' } },
  ],
};

// Malformed tables: each bad line is skipped and counted, the good rows survive.
const longTail = ' ' + 'x'.repeat(70000);
const good = (sl, port, inode) => ipRow(sl, { local: '127.0.0.1', lport: port, inode }, false, 'le', false);
const malformed = {
  net: {
    tcp: [
      TCP_HEADER,
      good(0, 22, 100), // line 2: survives
      '   1: 0100007F:0050 00000000:00', // 3: truncated mid-line
      'hello world', // 4: garbage
      good(2, 80, 101) + ' extra columns here', // 5: extra columns survive
      '   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0', // 6: no inode
      '   4: 0100007G:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 104 1', // 7: non-hex
      good(5, 8443, 102) + longTail, // 8: longer than the 64 KiB buffer
      '', // 9: blank, ignored
      '   6: 0100007F:1F92:00 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 105 1', // 10: bad port field
      good(7, 9000, 103), // 11: no final newline
    ].join('\n'),
    // CRLF line ends and no header: the rows still parse.
    udp: [
      ipRow(0, { local: '127.0.0.1', lport: 5000, inode: 200 }, false, 'le', true),
      ipRow(1, { local: '127.0.0.1', lport: 5001, inode: 201 }, false, 'le', true),
    ].join('\r\n') + '\r\n',
    tcp6: '',
  },
  procs: [
    { pid: 900, comm: 'server', cmdline: 'server\0', starttime: 1, fds: { 3: 'socket:[100]', 4: 'socket:[101]', 5: 'socket:[102]', 6: 'socket:[103]', 7: 'socket:[200]', 8: 'socket:[201]' } },
  ],
};

// A process whose name and command line were chosen to attack a terminal:
// ESC [2J (clear screen), BEL, U+009B (the C1 CSI) and invalid UTF-8.
const hostileComm = {
  net: {
    tcp: table([{ local: '0.0.0.0', lport: 4444, inode: 6660 }], false, 'le'),
    unix: unixTable([{ flags: 0x10000, type: 1, st: 1, inode: 6661, path: '/tmp/\x1b[31mred\x7f' }]),
  },
  procs: [
    {
      pid: 666,
      comm: Buffer.from('\x1b[2J\x07\xc2\x9b31m\x7f', 'latin1'),
      cmdline: Buffer.from('evil\x1b]0;pwned\x07\0--flag\r\n\0\xff\xfe\\x\0', 'latin1'),
      starttime: 1,
      fds: { 3: 'socket:[6660]', 4: 'socket:[6661]' },
    },
  ],
};

// An old kernel (2.6.2x): no comm files (the name comes from status), no stat,
// IPv6 disabled (no tcp6/udp6), no raw tables.
const oldKernel = {
  net: {
    tcp: table([
      { local: '0.0.0.0', lport: 23, inode: 7001 },
      { local: '10.0.0.1', lport: 23, remote: '10.0.0.2', rport: 1025, st: 1, inode: 7002 },
    ], false, 'le'),
    udp: table([{ local: '0.0.0.0', lport: 69, inode: 7003 }], false, 'le', true),
    unix: unixTable([{ type: 2, st: 1, inode: 7004, path: '/dev/log' }]),
  },
  procs: [
    { pid: 700, name: 'telnetd', cmdline: '/usr/sbin/telnetd\0', fds: { 3: 'socket:[7001]' } },
    { pid: 701, name: 'telnetd', cmdline: '/usr/sbin/telnetd\0', fds: { 0: 'socket:[7002]', 1: 'socket:[7002]', 2: 'socket:[7002]' } },
    { pid: 702, name: 'tftpd', cmdline: 'tftpd\0', fds: { 4: 'socket:[7003]' } },
  ],
};

// Threads: 801 was created without CLONE_FILES and has its own fd table with
// a socket that <pid>/fd does not show; 802 shares the main table.
const threads = {
  net: {
    tcp: table([
      { local: '127.0.0.1', lport: 9090, inode: 8001 },
      { local: '127.0.0.1', lport: 9091, inode: 8002 },
    ], false, 'le'),
  },
  procs: [
    {
      pid: 800, comm: 'pool', cmdline: '/usr/bin/pool\0', starttime: 5,
      fds: { 3: 'socket:[8001]' },
      tasks: {
        800: { comm: 'pool', fds: { 3: 'socket:[8001]' } },
        801: { comm: 'acceptor', fds: { 3: 'socket:[8001]', 9: 'socket:[8002]' } },
        802: { comm: 'worker', fds: { 3: 'socket:[8001]' } },
      },
    },
  ],
};

// Containers and network namespaces: holders whose cgroup files have each
// runtime's shape (v1 cgroupfs, v2 systemd, hybrid, nested kubepods, escaped
// nspawn names), a host daemon's unit, and one process in a network namespace
// of its own, whose tables are under its pid (as a snapshot keeps them).
const HOST_NS = 'net:[4026531840]';
const ID = (c) => c.repeat(64);
const V1_REST = '11:memory:/\n10:cpu,cpuacct:/\n1:name=systemd:/init.scope\n';
const containers = {
  net: {
    tcp: table([
      { local: '0.0.0.0', lport: 80, inode: 5001 },
      { local: '0.0.0.0', lport: 443, inode: 5002 },
      { local: '0.0.0.0', lport: 8080, inode: 5003 },
      { local: '0.0.0.0', lport: 22, inode: 5004 },
      { local: '0.0.0.0', lport: 5432, inode: 5005 },
      { local: '0.0.0.0', lport: 9000, inode: 5006 },
    ], false, 'le'),
  },
  procs: [
    { pid: 101, comm: 'nginx', cmdline: 'nginx: master process\0', starttime: 10, fds: { 3: 'socket:[5001]' } },
    { pid: 102, comm: 'caddy', cmdline: 'caddy\0run\0', starttime: 11, fds: { 3: 'socket:[5002]' } },
    { pid: 103, comm: 'app', cmdline: '/app\0', starttime: 12, fds: { 3: 'socket:[5003]' } },
    { pid: 104, comm: 'sshd', cmdline: '/usr/sbin/sshd\0-D\0', starttime: 13, fds: { 3: 'socket:[5004]' } },
    { pid: 105, comm: 'postgres', cmdline: 'postgres\0', starttime: 14, fds: { 3: 'socket:[5005]' } },
    { pid: 106, comm: 'httpd', cmdline: 'httpd\0', starttime: 15, fds: { 3: 'socket:[5006]' } },
    { pid: 107, comm: 'redis', cmdline: 'redis-server\0', starttime: 16, fds: { 3: 'socket:[5007]', 4: 'socket:[5008]' } },
  ],
  files: {
    // v1, Docker's cgroupfs driver
    '101/cgroup': '12:pids:/docker/' + ID('a') + '\n' + V1_REST,
    // v2, Podman's systemd driver
    '102/cgroup': '0::/machine.slice/libpod-' + ID('b') + '.scope\n',
    // v2, containerd under Kubernetes, nested slices
    '103/cgroup': '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/cri-containerd-' + ID('c') + '.scope\n',
    // a host daemon: its unit, no container
    '104/cgroup': '0::/system.slice/ssh.service\n',
    // hybrid: the v2 line is the root, LXC is on the v1 lines
    '105/cgroup': '0::/\n12:pids:/lxc.payload.db\n' + V1_REST,
    // systemd-nspawn, an escaped machine name
    '106/cgroup': '0::/machine.slice/machine-web\\x2d1.scope/payload\n',
    '107/cgroup': '0::/system.slice/redis.service\n',
    // 80 is also in use in our own namespace (pid 101): the miss note must not fire for it.
    '107/net/tcp': table([{ local: '127.0.0.1', lport: 6379, inode: 5007 }, { local: '127.0.0.1', lport: 80, inode: 5008 }], false, 'le'),
  },
  links: {
    'self/ns/net': HOST_NS,
    '101/ns/net': HOST_NS, '102/ns/net': HOST_NS, '103/ns/net': HOST_NS,
    '104/ns/net': HOST_NS, '105/ns/net': HOST_NS, '106/ns/net': HOST_NS,
    '107/ns/net': 'net:[4026532500]',
  },
};

module.exports = {
  'design-doc': designDoc,
  containers,
  ipv6,
  'big-endian': bigEndian,
  'udp-raw-unix': udpRawUnix,
  malformed,
  'hostile-comm': hostileComm,
  'old-kernel': oldKernel,
  threads,
};
