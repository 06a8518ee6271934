import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { newTableReport, tableNotes } from '../src/proc/table';

const N = suite('table');

N('skipped table lines are reported per file with the first line number', () => {
  const r = { ...newTableReport('/proc/net/tcp'), malformed: 3, firstMalformedLine: 7, longLines: 1, firstLongLine: 9 };
  assert.equal(tableNotes([r, newTableReport('/proc/net/udp')]), [
    '/proc/net/tcp: skipped 3 malformed lines (first at line 7)',
    '/proc/net/tcp: skipped 1 overlong line (line 9)',
  ]);
});

N.run();
