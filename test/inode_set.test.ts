import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InodeSet, inodeNumber } from '../src/scan/inode_set';

const S = suite('inode_set');

S('inodeNumber takes plain decimals below 2^32 only', () => {
  assert.equal(['0', '7', '4294967295', '4294967296', '007', '', '12x', '-1', '1e3', ' 5'].map(inodeNumber), [0, 7, 4294967295, -1, -1, -1, -1, -1, -1, -1]);
});

S('finds what was added by its text, and nothing else', () => {
  const s = InodeSet.of(['13828', '0', '4294967295', '4294967296', '00012', '18446744073709551615', '13828']);
  assert.is(s.size, 6);
  for (const x of ['13828', '0', '4294967295', '4294967296', '00012', '18446744073709551615']) assert.ok(s.has(x), x);
  for (const x of ['13829', '12', '0012', '4294967294', '1', '', '018446744073709551615']) assert.not.ok(s.has(x), x);
  // By number, as SocketLinks asks: 2^32 - 1 included, the odd texts not.
  assert.ok(s.hasNumber(13828));
  assert.ok(s.hasNumber(4294967295));
  assert.ok(s.hasNumber(0));
  assert.not.ok(s.hasNumber(12));
  assert.not.ok(s.hasNumber(4294967294));
});

S('holds 200,000 inodes in runs and in strides, through its growth, with no false hit', () => {
  const s = new InodeSet();
  // A run, as a busy host allocates them, and a stride of 2^15, whose low bits are all alike (apart: the run is above 3.3e9).
  for (let i = 0; i < 100000; i++) s.add(String(4000000000 + i));
  for (let i = 0; i < 100000; i++) s.add(String(32768 * (i + 1)));
  assert.is(s.size, 200000);
  for (let i = 0; i < 100000; i++) {
    if (!s.hasNumber(4000000000 + i) || !s.has(String(32768 * (i + 1)))) assert.unreachable('lost ' + i);
  }
  let hits = 0;
  for (let i = 0; i < 100000; i++) if (s.hasNumber(4100000000 + i) || s.hasNumber(32768 * (i + 1) + 1)) hits++;
  assert.is(hits, 0);
});

S('an empty set has nothing', () => {
  const s = new InodeSet();
  assert.is(s.size, 0);
  assert.not.ok(s.has('0'));
  assert.not.ok(s.hasNumber(4294967295));
});

S.run();
