import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkColumns } from '../src/scan/link_columns';

const L = suite('link_columns');

L('gives back every link as pushed, through the first chunk\'s growth and past whole chunks', () => {
  const c = new LinkColumns();
  const N = 40000; // the first chunk grows 1,024 -> 16,384, then two more chunks
  for (let i = 0; i < N; i++) c.push(4294967295 - i, i % 3000, i % 1024, 0);
  assert.is(c.length, N);
  for (const i of [0, 1023, 1024, 2047, 16383, 16384, 32767, 32768, N - 1]) {
    assert.equal([c.inode(i), c.holder(i), c.fd(i), c.tid(i)], [4294967295 - i, i % 3000, i % 1024, 0], 'link ' + i);
  }
});

L('keeps thread ids only where given, also across the first chunk\'s growth', () => {
  const c = new LinkColumns();
  c.push(10, 1, 3, 0);
  c.push(11, 1, 4, 77); // the first chunk gets its tid column at 1,024 links
  for (let i = 0; i < 2000; i++) c.push(100 + i, 2, 5, 0); // and grows past it
  c.push(9999, 3, 6, 88); // in the grown chunk
  for (let i = 0; i < 20000; i++) c.push(5000 + i, 4, 7, 0); // a chunk without tids
  assert.equal([c.tid(0), c.tid(1), c.tid(2), c.tid(2002)], [0, 77, 0, 88]);
  assert.equal([c.inode(1), c.fd(1), c.inode(2002), c.holder(2002)], [11, 4, 9999, 3]);
  assert.is(c.tid(c.length - 1), 0);
  assert.is(c.inode(c.length - 1), 5000 + 19999);
});

L.run();
