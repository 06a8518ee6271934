// netstat mode on captured /proc trees (fixtures/netstat-*): what this
// machine cannot produce live. Each case pins the exact text; where this
// machine can make a private mount namespace (root), the real net-tools
// netstat and busybox netstat also read the same tree bound over /proc, and
// must print the same bytes (those comparisons are tests of their own,
// skipped where the namespace or the tool is missing).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, portown } from './helpers/cli';
import { command, need, needs, netTools } from './helpers/needs';

const F = suite('netstat on fixture trees');
const LONG = path.join(FIXTURES, 'netstat-long-ipv6');
const RAW = path.join(FIXTURES, 'netstat-raw');
const BE = path.join(FIXTURES, 'netstat-big-endian');
const BE_TWIN = path.join(FIXTURES, 'netstat-big-endian-twin');

function ns(tree: string, args: string[]): string[] {
  return ['netstat', '--proc', tree, ...args];
}

const nss = path.join(os.tmpdir(), 'portown-nss-fixtures-' + process.pid + '.conf');
fs.writeFileSync(nss, 'passwd: files\ngroup: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n');
F.after(() => { try { fs.unlinkSync(nss); } catch (e) { /* gone */ } });

const mount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /proc', FIXTURES], { encoding: 'utf8' });
const CAN_MOUNT = need(mount.status === 0, 'cannot bind a tree over /proc in a mount namespace here (unshare -m): '
  + String(mount.stderr || mount.error || '').trim().split('\n')[0]);
const NETSTAT = netTools();
const BUSYBOX = command('busybox', 'busybox-static');

/**
 * Runs a real tool with `tree` bound over /proc (and DNS off: files only),
 * in a mount namespace of its own. Only tests registered with the namespace
 * and the tool call it: a tool that fails here fails the test.
 */
function oracle(tree: string, cmd: string[]): string {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /proc && mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"', tree, nss, ...cmd],
    { encoding: 'latin1', timeout: 30000, env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(cmd.join(' ') + ' on ' + tree + ': exit ' + r.status + ' ' + (r.stderr || r.error));
  return r.stdout;
}

function sameAsOracle(tree: string, args: string[], cmd: string[], fix: (s: string) => string = (s) => s) {
  const theirs = oracle(tree, cmd);
  const mine = portown(ns(tree, args));
  assert.is(mine.code, 0, mine.stderr);
  assert.fixture(mine.raw.toString('latin1'), fix(theirs));
}

const LONG_NTUAP = `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    
tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      200/sshd: alice@pts 
tcp        0     36 192.168.1.10:22         192.168.1.23:50123      ESTABLISHED 200/sshd: alice@pts 
tcp6       0      0 2001:db8:85a3:1234::443 :::*                    LISTEN      100/nginx           
tcp6       0      0 2001:db8:85a3:1234::443 2001:db8:ffff:1:2:51000 ESTABLISHED 100/nginx           
tcp6       0      0 10.0.0.5:8080           10.0.0.9:40000          ESTABLISHED 300/some-really-lon 
tcp6       0      0 :::80                   :::*                    LISTEN      400/evil.[31mred    
tcp6       0      0 2001:db8::1:8080        2001:db8::2:40001       TIME_WAIT   -                   
udp        0      0 0.0.0.0:68              0.0.0.0:*                           -                   
udp6       0      0 2001:db8::1:53          :::*                                500/                
`;

F('a long IPv6 address is cut to fit 23 columns without -W, whole with -W', () => {
  const r = portown(ns(LONG, ['-ntuap']));
  assert.is(r.code, 0);
  assert.fixture(r.stdout, LONG_NTUAP);
  const w = portown(ns(LONG, ['-ntuapW']));
  assert.ok(w.stdout.includes('\ntcp6       0      0 2001:db8:85a3:1234:5678:8a2e:370:7334:443 2001:db8:ffff:1:2:3:4:5:51000 ESTABLISHED 100/nginx           \n'), w.stdout);
});

F('-p: first holder in /proc order, argv0 basename only for a path, cut to 19, unprintable as ".", empty cmdline as "PID/"', () => {
  const lines = portown(ns(LONG, ['-ntuap'])).stdout.split('\n');
  const prog = (port: string) => lines.find((l) => l.includes(port))!.slice(80);
  assert.is(prog(':443 '), '100/nginx           '); // 100 and 101 hold it; 100 comes first
  assert.is(prog(':22 '), '200/sshd: alice@pts '); // "sshd: alice@pts/0" is not a path: kept, then cut
  assert.is(prog(':8080 '), '300/some-really-lon ');
  assert.is(prog(':::80 '), '400/evil.[31mred    ');
  assert.is(prog(':53 '), '500/                ');
  assert.is(prog(':68 '), '-                   ');
});

needs(F, CAN_MOUNT, NETSTAT)('the same bytes as net-tools netstat reading the same tree (but for the escape byte, which 2.10 prints raw)', () => {
  for (const args of [['-ntuap'], ['-ntuapW'], ['-tuapeo'], ['-ntuaeo'], ['-xap'], ['-x'], ['-lp'], ['-ap'], ['-n']]) {
    sameAsOracle(LONG, args, ['netstat', ...args], (s) => s.replace(/\x1b/g, '.'));
  }
});

F('raw sockets: the state is a number, the port is the IP protocol (named from /etc/protocols without -n)', () => {
  const r = portown(ns(RAW, ['-nwap']));
  assert.fixture(r.stdout, `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    
raw        0      0 0.0.0.0:1               0.0.0.0:*               7           700/ping            
raw        0      0 10.0.0.1:6              10.0.0.2:*              1           701/tcpdump         
raw        0      0 0.0.0.0:255             0.0.0.0:*               7           701/tcpdump         
raw6       0      0 :::58                   :::*                    7           702/ping6           
raw6       0      0 fe80::1:2:3:4:58        fe80::a:*               1           702/ping6           
`);
  // Without -a: only the raw sockets with a remote address.
  assert.is(portown(ns(RAW, ['-nw'])).stdout.split('\n').length, 5);
  assert.match(portown(ns(RAW, ['-wa'])).stdout, /^raw        0      0 0\.0\.0\.0:icmp            0\.0\.0\.0:\*               7          $/m);
});

needs(F, CAN_MOUNT, NETSTAT)('raw sockets: the same bytes as net-tools netstat reading the same tree', () => {
  for (const args of [['-nwap'], ['-wap'], ['-nwl'], ['-nwao'], ['-w6']]) sameAsOracle(RAW, args, ['netstat', ...args]);
});

F('BusyBox style on raw sockets: its itoa() quirk shows the last port printed in the State column', () => {
  const r = portown(ns(RAW, ['--busybox', '-wa', '-4']));
  assert.fixture(r.stdout, `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       
raw        0      0 0.0.0.0:1               0.0.0.0:*               1           
raw        0      0 10.0.0.1:6              10.0.0.2:*              6           
raw        0      0 0.0.0.0:255             0.0.0.0:*               255         
`);
});

needs(F, CAN_MOUNT, BUSYBOX)('BusyBox style on raw sockets: the IPv4 rows busybox netstat prints reading the same tree', () => {
  const r = portown(ns(RAW, ['--busybox', '-wa', '-4']));
  // busybox prints raw6 rows with scope ids from uninitialised memory; compare the IPv4 rows.
  const theirs = oracle(RAW, ['busybox', 'netstat', '-wa']);
  assert.fixture(r.stdout, theirs.split('\n').filter((l) => !l.includes('::')).join('\n'));
});

F('BusyBox style: unix paths whole (spaces included), inode right-aligned, nothing cut', () => {
  const r = portown(ns(LONG, ['--busybox', '-xa']));
  assert.fixture(r.stdout, `Active UNIX domain sockets (servers and established)
Proto RefCnt Flags       Type       State         I-Node Path
unix  2      [ ACC ]     STREAM     LISTENING       7101 /run/nginx.sock
unix  3      [ ]         STREAM     CONNECTED       7102 /run/nginx.sock
unix  2      [ ]         DGRAM                      7103 @abstract name
unix  2      [ ]         STREAM     CONNECTED       7104 
`);
  const t = portown(ns(LONG, ['--busybox', '-nta']));
  assert.ok(t.stdout.includes('\ntcp        0      0 2001:db8:85a3:1234:5678:8a2e:370:7334:443 :::*                    LISTEN      \n'), t.stdout);
});

needs(F, CAN_MOUNT, BUSYBOX)('BusyBox style: the same bytes as busybox netstat reading the same tree', () => {
  for (const args of [['-ntua'], ['-tua'], ['-xa'], ['-x'], ['-nt']]) sameAsOracle(LONG, ['--busybox', ...args], ['busybox', 'netstat', ...args]);
});

const BE_NTUWA = `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State      
tcp        0      0 10.1.2.3:22             0.0.0.0:*               LISTEN     
tcp        0      0 10.1.2.3:22             10.1.2.99:50000         ESTABLISHED
tcp6       0      0 2001:db8::5:8080        :::*                    LISTEN     
tcp6       0      0 10.1.2.3:8080           10.1.2.77:41000         ESTABLISHED
udp        0      0 10.1.2.3:123            0.0.0.0:*                          
raw        0      0 0.0.0.0:1               0.0.0.0:*               7          
`;

const BE_RN = `Kernel IP routing table
Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface
0.0.0.0         10.1.2.1        0.0.0.0         UG        0 0          0 eth0
10.1.2.0        0.0.0.0         255.255.255.0   U      1500 0          0 eth0
10.9.9.9        10.1.2.254      255.255.255.255 UGH       0 0          0 eth0
192.0.2.0       -               255.255.255.0   !         - -          - -
`;

F('a big-endian capture, read with --byte-order be: sockets and routes', () => {
  const r = portown(ns(BE, ['--byte-order', 'be', '-ntuwa']));
  assert.fixture(r.stdout, BE_NTUWA);
  assert.fixture(portown(ns(BE, ['--byte-order=be', '-rn'])).stdout, BE_RN);
  // Read in this machine's order, the same bytes are other addresses.
  assert.ok(portown(ns(BE, ['-nt'])).stdout.includes('3.2.1.10:22'));
});

needs(F, CAN_MOUNT, NETSTAT)('a big-endian capture, read with --byte-order be: net-tools netstat on its little-endian twin agrees, -p included', () => {
  for (const args of [['-ntuwap'], ['-tuwap'], ['-rn'], ['-r'], ['-rne'], ['-rnee']]) {
    const theirs = oracle(BE_TWIN, ['netstat', ...args]);
    assert.fixture(portown(ns(BE, ['--byte-order', 'be', ...args])).stdout, theirs);
  }
});

needs(F, CAN_MOUNT, BUSYBOX)('a big-endian capture, read with --byte-order be: busybox netstat -rn on its little-endian twin agrees', () => {
  const bb = oracle(BE_TWIN, ['busybox', 'netstat', '-rn']);
  assert.fixture(portown(ns(BE, ['--busybox', '--byte-order', 'be', '-rn'])).stdout, bb);
});

F('PROC_ROOT selects the tree too; a tree without tables is exit 2 with one line', () => {
  const r = portown(['netstat', '-nt', '--byte-order', 'be'], { env: { PROC_ROOT: BE } });
  assert.ok(r.stdout.includes('10.1.2.3:22'), r.stdout);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-netstat-empty-'));
  try {
    const e = portown(['netstat', '--proc', empty, '-nt']);
    assert.equal([e.code, e.stderr], [2, 'netstat: no /proc/net tables under ' + JSON.stringify(empty) + ' (net/tcp, net/tcp6): is it a /proc tree?\n']);
    const m = portown(['netstat', '--proc', path.join(empty, 'nope'), '-nt']);
    assert.equal([m.code, m.stderr], [2, 'netstat: cannot read the /proc tree ' + JSON.stringify(path.join(empty, 'nope')) + ': no such file or directory\n']);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

F.run();
