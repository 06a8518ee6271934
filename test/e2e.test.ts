// Live: real processes listen on loopback; the built bundle must name their exact PIDs.
// Where ss and net-tools netstat are installed they are used as oracles side by side.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { Listener, startServer, stopAll } from './helpers/listeners';
import { portown, portownJson } from './helpers/cli';
import { command, needs, netTools, ROOT } from './helpers/needs';

const L = suite('e2e live');

let A: Listener, B: Listener, C: Listener, D: Listener, E: Listener, F: Listener, G: Listener, H: Listener;
const portOf = (l: Listener, i = 0) => l.sockets[i].port!;

L.before(async () => {
  A = await startServer([{ tcp: '127.0.0.1' }]);
  B = await startServer([{ tcp: '::1' }]);
  C = await startServer([{ tcp: '::', ipv6Only: false }]);
  D = await startServer([{ udp: '127.0.0.1' }, { udpConnect: '127.0.0.1', port: 9 }]);
  // F binds UDP on E's TCP port number; on a busy host that UDP port may be taken: take another E.
  for (let tries = 1; ; tries++) {
    E = await startServer([{ tcp: '127.0.0.1' }]);
    try {
      F = await startServer([{ udp: '127.0.0.1', port: portOf(E) }]);
      break;
    } catch (e) {
      E.stop();
      if (tries === 5) throw e;
    }
  }
  G = await startServer([{ tcp: '127.0.0.1' }, { share: 0, children: 2 }]);
  H = await startServer([{ connect: '127.0.0.1', port: portOf(A) }]);
  // Let the server side of H's connection be accepted.
  await new Promise((r) => setTimeout(r, 200));
});
L.after(() => stopAll());

// The host may hold other sockets with the same port number on other addresses
// or protocols (other jobs, TIME_WAIT leftovers): keep only the test's own.
const at = (data: any[], address: string, proto?: string) =>
  data.filter((s) => s.local && s.local.address === address && (!proto || s.proto === proto));

const pidsOf = (data: any[]) => Array.from(new Set(data.flatMap((s) => s.owners.map((o: { pid: number }) => o.pid)))).sort((a: any, b: any) => a - b);

L('TCP v4 listener: the listener and its accepted connection belong to the server, not the client', () => {
  const r = portownJson([String(portOf(A))]);
  assert.is(r.code, 0);
  const data = at(r.data, '127.0.0.1', 'tcp');
  assert.ok(data.every((s) => s.local.port === portOf(A)));
  assert.equal(data.map((s) => s.proto + ' ' + s.state).sort(), ['tcp ESTABLISHED', 'tcp LISTEN']);
  assert.equal(pidsOf(data), [A.pid]);
  const listen = data.find((s) => s.state === 'LISTEN');
  assert.equal(listen.local, { address: '127.0.0.1', port: portOf(A) });
  assert.equal(listen.owners.map((o: any) => [o.pid, o.name, o.fd]), [[A.pid, 'node', A.sockets[0].fd]]);
});

L('--remote adds the client that connected to the port', () => {
  const all = portownJson([String(portOf(A)), '--remote']);
  assert.is(all.code, 0);
  const data = at(all.data, '127.0.0.1', 'tcp');
  assert.equal(pidsOf(data), [A.pid, H.pid].sort((a, b) => a - b));
  assert.ok(portown([String(portOf(A)), '--remote', '--pids']).stdout.split('\n').includes(String(H.pid)));
  const client = data.find((s) => s.remote.port === portOf(A));
  assert.equal(client.owners.map((o: any) => o.pid), [H.pid]);
  assert.equal([client.proto, client.state, client.local.port], ['tcp', 'ESTABLISHED', portOf(H)]);
});

L('TCP v6 on ::1', () => {
  const data = at(portownJson([String(portOf(B))]).data, '::1', 'tcp6');
  assert.equal(data.map((s) => [s.proto, s.local.address, s.state, pidsOf([s])]), [['tcp6', '::1', 'LISTEN', [B.pid]]]);
});

L('a dual-stack listener on :: is one tcp6 socket', () => {
  const data = at(portownJson([String(portOf(C))]).data, '::', 'tcp6');
  assert.equal(data.map((s) => [s.proto, s.local.address, s.state, pidsOf([s])]), [['tcp6', '::', 'LISTEN', [C.pid]]]);
});

L('UDP: bound is UNCONN; a connected socket is ESTABLISHED with its peer', () => {
  const data = at(portownJson([String(portOf(D)) + '/udp']).data, '127.0.0.1', 'udp');
  assert.equal(data.map((s) => [s.proto, s.state, pidsOf([s])]), [['udp', 'UNCONN', [D.pid]]]);
  const c = at(portownJson([String(portOf(D, 1)) + '/udp']).data, '127.0.0.1', 'udp');
  assert.equal(c.map((s) => [s.proto, s.state, s.remote.port, pidsOf([s])]), [['udp', 'ESTABLISHED', 9, [D.pid]]]);
});

L('TCP and UDP on the same port, held by different processes; PORT/tcp and PORT/udp tell them apart', () => {
  const p = String(portOf(E));
  const data = at(portownJson([p]).data, '127.0.0.1');
  assert.equal(data.map((s) => s.proto + ':' + pidsOf([s]).join()).sort(), ['tcp:' + E.pid, 'udp:' + F.pid].sort());
  assert.equal(pidsOf(at(portownJson([p + '/tcp']).data, '127.0.0.1')), [E.pid]);
  assert.equal(pidsOf(at(portownJson([p + '/udp']).data, '127.0.0.1')), [F.pid]);
  assert.ok(portown([p + '/tcp', '--pids']).stdout.split('\n').includes(String(E.pid)));
});

L('one listening socket shared by a parent and two forked children: all three are owners', () => {
  const data = at(portownJson([String(portOf(G))]).data, '127.0.0.1', 'tcp');
  assert.is(data.length, 1);
  assert.equal(data[0].owners.map((o: any) => o.pid), [G.pid, ...G.children].sort((a, b) => a - b));
  assert.equal(data[0].owners.map((o: any) => o.name).sort(), ['node', 'sleep', 'sleep']);
  const listed = portown([String(portOf(G)), '--pids']).stdout.split('\n');
  for (const pid of [G.pid, ...G.children]) assert.ok(listed.includes(String(pid)), '--pids lists ' + pid);
});

L('pipelined (PORTOWN_SCAN=pipe): the shared listener has exactly its three holders, as with the sync scan, with and without --threads', () => {
  const want = [G.pid, ...G.children].sort((a, b) => a - b);
  for (const extra of [[], ['--threads']]) {
    const owners = (scan: string) => {
      const r = portownJson([String(portOf(G)), ...extra], { env: { PORTOWN_SCAN: scan } });
      assert.is(r.code, 0, scan + ': ' + r.stderr);
      const data = at(r.data, '127.0.0.1', 'tcp');
      assert.is(data.length, 1, scan);
      return data[0].owners.map((o: any) => [o.pid, o.tid, o.name, o.fd]);
    };
    const pipe = owners('pipe');
    assert.equal(Array.from(new Set(pipe.map((o: any[]) => o[0]))), want, 'pipe ' + extra.join(' '));
    assert.equal(pipe, owners('sync'), extra.join(' '));
  }
});

L('pipelined (PORTOWN_SCAN=pipe): the listening view names the test\'s own listeners', () => {
  const { code, data } = portownJson([], { env: { PORTOWN_SCAN: 'pipe' } });
  assert.is(code, 0);
  const mine = (l: Listener, address: string, proto: string) => at(data, address, proto).filter((s) => s.local.port === portOf(l));
  assert.equal(mine(A, '127.0.0.1', 'tcp').map((s) => [s.state, pidsOf([s])]), [['LISTEN', [A.pid]]]);
  assert.equal(mine(B, '::1', 'tcp6').map((s) => [s.state, pidsOf([s])]), [['LISTEN', [B.pid]]]);
  assert.equal(mine(D, '127.0.0.1', 'udp').map((s) => [s.state, pidsOf([s])]), [['UNCONN', [D.pid]]]);
  assert.equal(pidsOf(mine(G, '127.0.0.1', 'tcp')), [G.pid, ...G.children].sort((a, b) => a - b));
});

L('--pid lists every socket a process holds', () => {
  const { code, data } = portownJson(['--pid', String(D.pid)]);
  assert.is(code, 0);
  // Besides its two UDP sockets, node holds unix socketpairs (its stdio pipes).
  assert.equal(data.filter((s) => s.proto !== 'unix').map((s) => s.proto + ':' + s.local.port).sort(), ['udp:' + portOf(D), 'udp:' + portOf(D, 1)].sort());
  assert.ok(data.some((s) => s.proto === 'unix'));
  assert.ok(data.every((s) => s.owners.every((o: any) => o.pid === D.pid)));
});

L('portown alone lists listening TCP and bound UDP with owners, not established ones', () => {
  const { data } = portownJson([]);
  const mine = (l: Listener, i = 0) => data.filter((s) => s.local.port === portOf(l, i) && s.owners.some((o: any) => o.pid === l.pid));
  assert.is(mine(A).length, 1);
  assert.is(mine(A)[0].state, 'LISTEN');
  assert.is(mine(B).length, 1);
  assert.is(mine(D).length, 1);
  assert.is(mine(D, 1).length, 0, 'a connected UDP socket is not listening');
  assert.is(data.filter((s) => s.state === 'ESTABLISHED').length, 0);
});

L('--all adds established sockets, the client side included', () => {
  const { data } = portownJson(['--all', '-t']);
  const client = data.find((s) => s.local.port === portOf(H) && s.remote.port === portOf(A));
  assert.ok(client);
  assert.equal(client.owners.map((o: any) => o.pid), [H.pid]);
});

// The servers run as the test's user, and the row must say root.
needs(L, ROOT)('the human table names the owner on each row', () => {
  const r = portown([String(portOf(G))]);
  const all = r.stdout.trim().split('\n');
  assert.match(all[0], /^Proto +Local Address +Remote Address +State +PID +User +Command$/);
  const lines = all.filter((l) => l.startsWith('tcp ') && l.includes(' 127.0.0.1:' + portOf(G) + ' '));
  assert.is(lines.length, 3);
  for (const pid of [G.pid, ...G.children]) assert.ok(lines.some((l) => new RegExp('^tcp +127\\.0\\.0\\.1:' + portOf(G) + ' +0\\.0\\.0\\.0:\\* +LISTEN +' + pid + ' +root +(node|sleep)$').test(l)), 'row for ' + pid);
});

needs(L, ROOT)('as nobody: its own socket is found, root\'s shows - and one note says why', async () => {
  const nobody = { uid: 65534, gid: 65534 };
  const mine = await startServer([{ tcp: '127.0.0.1' }], nobody);
  try {
    const own = portownJson([String(portOf(mine))], nobody);
    assert.equal([own.code, pidsOf(at(own.data, '127.0.0.1', 'tcp'))], [0, [mine.pid]]);
    const other = portown([String(portOf(A)), '--json'], nobody);
    assert.is(other.code, 0);
    assert.equal(at(JSON.parse(other.stdout), '127.0.0.1', 'tcp').map((s: any) => s.owners), [[], []]);
    const lines = other.stderr.trim().split('\n');
    assert.is(lines.length, 1, other.stderr);
    assert.match(lines[0], /^portown: Not all processes could be identified: \d+ of \d+ processes \(pid [\d, .]+\) belong to other users, whose \/proc\/PID\/fd is closed to uid 65534; their sockets show '-'\. You would have to be root to see it all\.$/);
  } finally {
    mine.stop();
  }
});

needs(L, command('ss', 'iproute2'))('ss agrees on the owners of every test socket', () => {
  const cases: [Listener, number, 'tcp' | 'udp'][] = [[A, 0, 'tcp'], [B, 0, 'tcp'], [C, 0, 'tcp'], [D, 0, 'udp'], [E, 0, 'tcp'], [F, 0, 'udp'], [G, 0, 'tcp']];
  const ss = spawnSync('ss', ['-Htulnp'], { encoding: 'utf8' }).stdout;
  for (const [l, i, proto] of cases) {
    const port = portOf(l, i);
    const want = new Set<number>();
    for (const line of ss.split('\n')) {
      const f = line.trim().split(/\s+/);
      const addr = l.sockets[i].address!;
      const local = addr.includes(':') ? '[' + addr + ']:' + port : addr + ':' + port;
      if (f.length < 6 || f[0] !== proto || (f[4] !== local && !(addr === '::' && f[4] === '*:' + port))) continue;
      for (const m of line.matchAll(/pid=(\d+)/g)) want.add(+m[1]);
    }
    assert.ok(want.has(l.pid), 'ss shows ' + proto + ' port ' + port);
    const { data } = portownJson([port + '/' + proto]);
    const got = pidsOf(at(data, l.sockets[i].address!).filter((s) => s.state === 'LISTEN' || s.state === 'UNCONN'));
    assert.equal(got, Array.from(want).sort((a, b) => a - b), proto + ' port ' + port);
  }
});

needs(L, netTools())('net-tools netstat agrees on the first holder of each listener', () => {
  const ns = spawnSync('netstat', ['-ntulp'], { encoding: 'utf8' }).stdout;
  for (const l of [A, B, C, E, G]) {
    const port = portOf(l);
    const addr = l.sockets[0].address!;
    const local = (addr === '::' ? ':::' : addr + ':') + port;
    const line = ns.split('\n').find((x) => x.startsWith('tcp') && x.split(/\s+/)[3] === local);
    assert.ok(line, 'netstat shows port ' + port);
    const first = +line!.trim().split(/\s+/)[6].split('/')[0];
    const { data } = portownJson([String(port) + '/tcp']);
    const listen = at(data, l.sockets[0].address!).find((s) => s.state === 'LISTEN');
    assert.is(listen.owners[0].pid, first, 'port ' + port);
  }
});

L.run();
