// A short end-to-end check that every cross target runs (scripts/cross-test.sh):
// real loopback sockets opened by a host-Node process, and the built bundle,
// launched through PORTOWN_NODE (another Node, QEMU, a BusyBox PATH), must
// name their exact owners, keep the JSON shape and the documented exit codes.
// Few calls on purpose: under QEMU each one costs seconds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { portown, portownJson } from './helpers/cli';
import { Listener, SocketInfo, startServer, stopAll } from './helpers/listeners';
import { HELP } from '../src/help';

const smoke = suite('e2e cross smoke');

let srv: Listener;
let tcp: SocketInfo, udp: SocketInfo, tcp6: SocketInfo;

smoke.before(async () => {
  // Two `sleep` children inherit the TCP listener: three holders of one socket.
  srv = await startServer([{ tcp: '127.0.0.1' }, { udp: '127.0.0.1' }, { tcp: '::1' }, { share: 0, children: 2 }]);
  [tcp, udp, tcp6] = srv.sockets;
});

smoke.after(() => stopAll());

/** What a failed check prints: exit code, stderr and the start of stdout. */
function why(r: { code: number; stderr: string; stdout?: string; data?: any[] }): string {
  const out = r.stdout !== undefined ? r.stdout : JSON.stringify(r.data);
  return 'exit ' + r.code + ', stderr: ' + JSON.stringify(r.stderr) + ', stdout: ' + out.slice(0, 1500);
}

function pidsOf(entry: any): number[] {
  return entry.owners.map((o: any) => o.pid).sort((a: number, b: number) => a - b);
}

smoke('PORT/tcp names the listener and both children that share it, in JSON', () => {
  const r = portownJson([tcp.port + '/tcp']);
  assert.is(r.code, 0, why(r));
  const mine = r.data.filter((e) => e.local.port === tcp.port && e.state === 'LISTEN');
  assert.is(mine.length, 1, why(r));
  assert.is(mine[0].proto, 'tcp');
  assert.equal(mine[0].local, { address: '127.0.0.1', port: tcp.port });
  assert.equal(pidsOf(mine[0]), [srv.pid, ...srv.children].sort((a, b) => a - b));
  const main = mine[0].owners.find((o: any) => o.pid === srv.pid);
  assert.is(main.fd, tcp.fd);
  assert.is(main.uid, process.getuid!());
});

smoke('a UDP port names its binding pid; --pids lists it', () => {
  // This host may hold other sockets with the same port number on other
  // addresses (::1, 127.0.0.2): look at ours only.
  const r = portownJson([udp.port + '/udp']);
  assert.is(r.code, 0, why(r));
  const mine = r.data.filter((e) => e.local.address === '127.0.0.1');
  assert.equal(mine.map((e) => [e.proto, e.state, pidsOf(e)]), [['udp', 'UNCONN', [srv.pid]]], why(r));
  const p = portown([udp.port + '/udp', '--pids']);
  assert.ok(p.stdout.split('\n').includes(String(srv.pid)), why(p));
});

smoke('an IPv6 listener on ::1 decodes to [::1] and its pid', () => {
  const r = portownJson([String(tcp6.port), '-6']);
  assert.is(r.code, 0, why(r));
  const mine = r.data.filter((e) => e.proto === 'tcp6' && e.local.port === tcp6.port);
  assert.is(mine.length, 1, why(r));
  assert.equal(mine[0].local, { address: '::1', port: tcp6.port });
  assert.equal(pidsOf(mine[0]), [srv.pid]);
});

smoke('the default listing (full owner scan) includes the listener with its pid', () => {
  const r = portownJson([]);
  assert.is(r.code, 0, why(r));
  const mine = r.data.filter((e) => e.proto === 'udp' && e.local.port === udp.port);
  assert.is(mine.length, 1, why(r));
  assert.equal(pidsOf(mine[0]), [srv.pid]);
});

smoke('--pid lists every socket of the process, exit 0', () => {
  const r = portownJson(['--pid', String(srv.pid)]);
  assert.is(r.code, 0, why(r));
  const ports = r.data.filter((e) => e.proto !== 'unix').map((e) => e.proto + ':' + e.local.port).sort();
  for (const want of ['tcp:' + tcp.port, 'udp:' + udp.port, 'tcp6:' + tcp6.port]) assert.ok(ports.includes(want), want + ' in ' + ports);
});

smoke('exit 1 and no rows when nothing holds the port under that protocol', () => {
  // The TCP listener's port asked as UDP: nothing of ours is bound there.
  const r = portown([tcp.port + '/udp']);
  assert.is(r.code, 1, why(r));
  assert.is(r.stdout, '');
});

smoke('exit 2 and one line naming the expected form for a bad port', () => {
  const r = portown(['70000']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr, 'portown: Expected a port between 1 and 65535, got 70000\n');
});

smoke('exit 2 for an unreadable /proc tree, no stack trace', () => {
  const r = portown(['--proc', '/nonexistent-portown-root']);
  assert.is(r.code, 2);
  assert.is(r.stderr, 'portown: cannot read the /proc tree "/nonexistent-portown-root": no such file or directory\n');
});

smoke('--help prints the usage text and exits 0', () => {
  const r = portown(['--help']);
  assert.is(r.code, 0, why(r));
  assert.is(r.stdout, HELP);
  assert.is(r.stderr, '');
});

smoke.run();
