import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Names, parseHosts, parseIPv4, parseIPv6, parseNetworks, parseProtocols, parseServices } from '../src/netstat/names';

const N = suite('netstat names');

N('IPv6 text parses to 16 bytes: ::, ::1, embedded IPv4, full form; junk is null', () => {
  assert.equal(Array.from(parseIPv6('::')!), new Array(16).fill(0));
  assert.equal(Array.from(parseIPv6('::1')!).slice(14), [0, 1]);
  assert.equal(Array.from(parseIPv6('::ffff:127.0.0.1')!).slice(10), [0xff, 0xff, 127, 0, 0, 1]);
  assert.equal(Array.from(parseIPv6('2001:db8:0:0:0:0:0:1')!), Array.from(parseIPv6('2001:db8::1')!));
  assert.equal(Array.from(parseIPv6('fe80::1%eth0')!).slice(0, 2), [0xfe, 0x80]);
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::', '::1.2.3']) assert.is(parseIPv6(bad), null, bad);
  assert.is(parseIPv4('256.1.1.1'), null);
});

N('hosts: the first name of the first line for an address, comments and aliases ignored', () => {
  const m = parseHosts('# c\n127.0.0.1 localhost\n127.0.0.1 other\n::1 ip6-localhost ip6-loopback # x\n2001:DB8:0::1\tv6host\nbogus line\n');
  assert.equal(Array.from(m.entries()), [['127.0.0.1', 'localhost'], ['::1', 'ip6-localhost'], ['2001:db8::1', 'v6host']]);
});

N('services by port/proto, protocols by number, networks by number', () => {
  const s = parseServices('ssh\t\t22/tcp\nhttp 80/tcp www\ndomain 53/udp\n#x 1/tcp\nbad port\n');
  assert.equal(Array.from(s.entries()), [['22/tcp', 'ssh'], ['80/tcp', 'http'], ['53/udp', 'domain']]);
  assert.equal(Array.from(parseProtocols('ip 0 IP\nicmp 1 ICMP\nipv6-icmp 58 IPv6-ICMP\n').entries()), [[0, 'ip'], [1, 'icmp'], [58, 'ipv6-icmp']]);
  assert.equal(Array.from(parseNetworks('loopback 127.0.0.0\nlink-local 169.254.0.0\n').entries()), [[0x7f000000, 'loopback'], [0xa9fe0000, 'link-local']]);
});

N('Names reads each file once, on first use, and answers null for what the files do not name', () => {
  const reads: string[] = [];
  const files: { [p: string]: string } = { '/e/hosts': '10.0.0.1 db\n', '/e/services': 'ssh 22/tcp\n' };
  const n = new Names((p) => { reads.push(p); return files[p] === undefined ? null : files[p]; }, '/e');
  assert.is(n.host(new Uint8Array([10, 0, 0, 1])), 'db');
  assert.is(n.host(new Uint8Array([10, 0, 0, 2])), null);
  assert.is(n.service(22, 'tcp'), 'ssh');
  assert.is(n.service(22, 'udp'), null);
  assert.is(n.protocol(1), null);
  assert.is(n.network(new Uint8Array([10, 0, 0, 0])), null);
  assert.equal(reads, ['/e/hosts', '/e/services', '/e/protocols', '/e/networks']);
});

N.run();
