import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Names } from '../src/netstat/names';
import {
  defaultLayout, parseRouteHeader, parseRouteLine, Route, routeHeader, routeLine, RTF_GATEWAY, RTF_HOST, RTF_REJECT, RTF_UP, scanRoutes,
} from '../src/netstat/route';

const R = suite('netstat route');

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT   ';

function line(s: string): [Buffer, number, number] {
  const b = Buffer.from('xx' + s + 'yy', 'latin1');
  return [b, 2, 2 + s.length];
}

function names(files: { [f: string]: string } = {}): Names {
  return new Names((p) => (p in files ? files[p] : null), '/etc');
}

function route(over: Partial<Route>): Route {
  return {
    iface: 'eth0', destination: new Uint8Array([0, 0, 0, 0]), gateway: new Uint8Array([192, 0, 2, 1]), mask: new Uint8Array([0, 0, 0, 0]),
    flags: RTF_UP | RTF_GATEWAY, refCnt: 0, use: 0, metric: 0, mtu: 0, window: 0, irtt: 0, ...over,
  };
}

R('the header gives the column layout; a line that is not a header gives null', () => {
  assert.equal(parseRouteHeader(...line(HEADER)), defaultLayout());
  const moved = parseRouteHeader(...line('Iface Gateway Destination Flags Mask'));
  assert.equal(moved!.slice(0, 4), [0, 2, 1, 3]);
  assert.is(parseRouteHeader(...line('eth0\t00000000\t010200C0\t0003')), null);
  assert.is(parseRouteHeader(...line('Iface Destination Flags')), null, 'Gateway and Mask are required');
});

R('a line decodes in the writer\'s byte order: 010200C0 is 192.0.2.1 from a little-endian kernel, 1.2.0.192 from a big-endian one', () => {
  const l = line('eth0\t000200C0\t010200C0\t0003\t1\t2\t100\t00FFFFFF\t1500\t3\t4');
  const le = parseRouteLine(...l, defaultLayout(), 'le')!;
  assert.equal([Array.from(le.destination), Array.from(le.gateway), Array.from(le.mask)], [[192, 0, 2, 0], [192, 0, 2, 1], [255, 255, 255, 0]]);
  assert.equal([le.iface, le.flags, le.refCnt, le.use, le.metric, le.mtu, le.window, le.irtt], ['eth0', 3, 1, 2, 100, 1500, 3, 4]);
  const be = parseRouteLine(...l, defaultLayout(), 'be')!;
  assert.equal(Array.from(be.gateway), [1, 2, 0, 192]);
});

R('malformed lines give null: short address, non-hex, missing fields, non-numeric metric', () => {
  for (const s of ['eth0\t0000\t010200C0\t0003\t0\t0\t0\t00000000', 'eth0\tZZ000000\t010200C0\t0003\t0\t0\t0\t00000000', 'eth0\t00000000',
    'eth0\t00000000\t010200C0\t0003\t0\t0\tx\t00000000\t0\t0\t0']) {
    assert.is(parseRouteLine(...line(s), defaultLayout(), 'le'), null, s);
  }
});

R('scanRoutes streams a file, reports malformed lines by number, and a missing file quietly', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-route-'));
  try {
    fs.mkdirSync(path.join(dir, 'net'));
    fs.writeFileSync(path.join(dir, 'net', 'route'), HEADER + '\neth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\nbogus\neth1\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n');
    const got: string[] = [];
    const rep = scanRoutes(dir, 'le', (r) => got.push(r.iface));
    assert.equal(got, ['eth0', 'eth1']);
    assert.equal([rep.rows, rep.malformed, rep.firstMalformedLine, rep.missing], [2, 1, 3, false]);
    assert.is(scanRoutes(path.join(dir, 'none'), 'le', () => {}).missing, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

R('net-tools formats: -r (MSS Window irtt), -re (Metric Ref Use), -ree (both)', () => {
  const st = (extend: number) => ({ busybox: false, numeric: true, extend });
  assert.is(routeHeader(st(0)), 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n');
  assert.is(routeHeader(st(1)), 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n');
  assert.is(routeHeader(st(2)), 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n');
  const r = route({ metric: 100, mtu: 1500, use: 7 });
  assert.is(routeLine(r, st(0), names()), '0.0.0.0         192.0.2.1       0.0.0.0         UG     1500 0          0 eth0\n');
  assert.is(routeLine(r, st(1), names()), '0.0.0.0         192.0.2.1       0.0.0.0         UG    100    0        7 eth0\n');
  assert.is(routeLine(r, st(2), names()), '0.0.0.0         192.0.2.1       0.0.0.0         UG    100    0        7 eth0     1500  0      0\n');
});

R('a reject route prints dashes; a route that is not up is skipped', () => {
  const st = { busybox: false, numeric: true, extend: 0 };
  const rej = route({ flags: RTF_UP | RTF_REJECT, gateway: new Uint8Array(4), destination: new Uint8Array([192, 0, 2, 0]), mask: new Uint8Array([255, 255, 255, 0]) });
  assert.is(routeLine(rej, st, names()), '192.0.2.0       -               255.255.255.0   !         - -          - -\n');
  assert.is(routeLine(route({ flags: RTF_GATEWAY }), st, names()), '');
});

R('without -n: default, 0.0.0.0 (net-tools) or * (BusyBox), hosts from /etc/hosts, networks from /etc/networks', () => {
  const n = names({ '/etc/hosts': '192.0.2.1 gw.example gw\n', '/etc/networks': 'lab 10.1.0.0\n' });
  const net = route({ destination: new Uint8Array([10, 1, 0, 0]), gateway: new Uint8Array(4), mask: new Uint8Array([255, 255, 0, 0]), flags: RTF_UP });
  assert.is(routeLine(route({}), { busybox: false, numeric: false, extend: 0 }, n), 'default         gw.example      0.0.0.0         UG        0 0          0 eth0\n');
  assert.is(routeLine(net, { busybox: false, numeric: false, extend: 0 }, n), 'lab             0.0.0.0         255.255.0.0     U         0 0          0 eth0\n');
  assert.is(routeLine(net, { busybox: true, numeric: false, extend: 0 }, n), 'lab             *               255.255.0.0     U         0 0          0 eth0\n');
  const host = route({ destination: new Uint8Array([192, 0, 2, 1]), flags: RTF_UP | RTF_HOST, mask: new Uint8Array([255, 255, 255, 255]) });
  assert.is(routeLine(host, { busybox: false, numeric: false, extend: 0 }, n).slice(0, 16), 'gw.example      ');
  // Names longer than 15 characters are cut, as both tools cut them.
  const long = names({ '/etc/hosts': '192.0.2.1 a-very-long-gateway-name\n' });
  assert.is(routeLine(route({}), { busybox: false, numeric: false, extend: 0 }, long).slice(16, 32), 'a-very-long-gat ');
});

R('BusyBox format: -r is the MSS format, -re the Metric one; reject shows ! first', () => {
  const st = (extend: number) => ({ busybox: true, numeric: true, extend });
  assert.is(routeHeader(st(0)), 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n');
  assert.is(routeHeader(st(1)), 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n');
  const r = route({ metric: 5, use: 3 });
  assert.is(routeLine(r, st(1), names()), '0.0.0.0         192.0.2.1       0.0.0.0         UG    5      0        3 eth0\n');
  assert.is(routeLine(route({ flags: RTF_UP | RTF_GATEWAY | RTF_REJECT }), st(0), names()).slice(48, 54), '!G    ');
});

R.run();
