import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inet6Hex, isLocalLeaf, ownsAddress } from '../src/proc/local_addresses';

const A = suite('local_addresses');

const FIB = [
  'Main:',
  '  +-- 0.0.0.0/0 3 0 5',
  '     |-- 172.17.0.0',
  '        /16 link UNICAST',
  '     |-- 172.17.0.2',
  '        /32 host LOCAL',
  '     |-- 172.17.255.255',
  '        /32 link BROADCAST',
].join('\n') + '\n';

A('fib_trie: a leaf followed by "/32 host LOCAL" is an address of the namespace; a broadcast or a route is not', () => {
  const lines = FIB.split('\n');
  assert.ok(isLocalLeaf(lines[4], lines[5], '172.17.0.2'));
  assert.not.ok(isLocalLeaf(lines[6], lines[7], '172.17.255.255'));
  assert.not.ok(isLocalLeaf(lines[2], lines[3], '172.17.0.0'));
  assert.not.ok(isLocalLeaf(lines[4], lines[5], '172.17.0.20'), 'the whole address, not a prefix of it');
});

A('if_inet6 spells an IPv6 address as 32 hex digits', () => {
  assert.is(inet6Hex('fd00::2'), 'fd000000000000000000000000000002');
  assert.is(inet6Hex('::1'), '00000000000000000000000000000001');
  assert.is(inet6Hex('2001:DB8:0:0:1:0:0:1'), '20010db8000000000001000000000001');
  assert.is(inet6Hex('1::2::3'), null);
  assert.is(inet6Hex('1:2:3'), null);
  assert.is(inet6Hex('12345::'), null);
});

A('ownsAddress reads <dir>/net/fib_trie or if_inet6, and says no when they cannot be read', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portown-addr-'));
  try {
    fs.mkdirSync(path.join(dir, 'net'));
    fs.writeFileSync(path.join(dir, 'net', 'fib_trie'), FIB);
    fs.writeFileSync(path.join(dir, 'net', 'if_inet6'), 'fd000000000000000000000000000002 04 40 00 82     eth0\n');
    assert.ok(ownsAddress(dir, '172.17.0.2'));
    assert.not.ok(ownsAddress(dir, '172.17.0.3'));
    assert.ok(ownsAddress(dir, 'fd00::2'));
    assert.not.ok(ownsAddress(dir, 'fd00::3'));
    assert.not.ok(ownsAddress(path.join(dir, 'gone'), '172.17.0.2'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

A.run();
