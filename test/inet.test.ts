import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAddress, formatIPv4, formatIPv6 } from '../src/text/inet';
import { hostByteOrder, parseByteOrder } from '../src/text/endian';

const b = (s: string) => Buffer.from(s, 'latin1');
function v4(hex: string, order: 'le' | 'be') {
  const out = new Uint8Array(4);
  assert.ok(decodeAddress(b(hex), 0, 1, order, out));
  return formatIPv4(out);
}
function v6(hex: string, order: 'le' | 'be') {
  const out = new Uint8Array(16);
  assert.ok(decodeAddress(b(hex), 0, 4, order, out));
  return formatIPv6(out);
}
function v6bytes(groups: number[]) {
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

const Inet = suite('inet');

Inet('a little-endian kernel prints 127.0.0.1 as 0100007F', () => {
  assert.is(v4('0100007F', 'le'), '127.0.0.1');
  assert.is(v4('0101A8C0', 'le'), '192.168.1.1');
});

Inet('a big-endian kernel prints 127.0.0.1 as 7F000001', () => {
  assert.is(v4('7F000001', 'be'), '127.0.0.1');
  assert.is(v4('0100007F', 'be'), '1.0.0.127');
});

Inet('tcp6 words are each in host order: ::1 on little- and big-endian kernels', () => {
  assert.is(v6('00000000000000000000000001000000', 'le'), '::1');
  assert.is(v6('00000000000000000000000000000001', 'be'), '::1');
  assert.is(v6('B80D01200000A3852E8A000034737003', 'le'), '2001:db8:85a3::8a2e:370:7334');
  assert.is(v6('20010DB885A3000000008A2E03707334', 'be'), '2001:db8:85a3::8a2e:370:7334');
});

Inet('an IPv4-mapped address prints as ::ffff:a.b.c.d', () => {
  assert.is(v6('0000000000000000FFFF00000100007F', 'le'), '::ffff:127.0.0.1');
  assert.is(v6('00000000000000000000FFFFC0A80101', 'be'), '::ffff:192.168.1.1');
});

Inet('a non-hex digit fails the decode', () => {
  assert.not.ok(decodeAddress(b('0100007G'), 0, 1, 'le', new Uint8Array(4)));
});

Inet('RFC 5952: lower case, no leading zeros, longest zero run, first of equal runs, no :: for one group', () => {
  assert.is(formatIPv6(v6bytes([0, 0, 0, 0, 0, 0, 0, 0])), '::');
  assert.is(formatIPv6(v6bytes([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])), '2001:db8::1:0:0:1');
  assert.is(formatIPv6(v6bytes([0x2001, 0xdb8, 0, 0, 0, 1, 0, 0])), '2001:db8::1:0:0');
  assert.is(formatIPv6(v6bytes([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])), '2001:db8:0:1:1:1:1:1');
  assert.is(formatIPv6(v6bytes([0x2001, 0, 0, 1, 0, 0, 0, 1])), '2001:0:0:1::1');
  assert.is(formatIPv6(v6bytes([0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd])), 'fe80::abcd');
  assert.is(formatIPv6(v6bytes([1, 0, 0, 0, 0, 0, 0, 0])), '1::');
  assert.is(formatIPv6(v6bytes([0xFFFF, 0xABCD, 0x0DB8, 1, 2, 3, 4, 5])), 'ffff:abcd:db8:1:2:3:4:5');
});

Inet('host byte order comes from the CPU, and --byte-order spellings parse', () => {
  const expected = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 'le' : 'be';
  assert.is(hostByteOrder(), expected);
  assert.is(parseByteOrder('BE'), 'be');
  assert.is(parseByteOrder('little-endian'), 'le');
  assert.is(parseByteOrder('middle'), null);
});

Inet.run();
