import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PIPELINE_MIN_ROWS, POOL_MIN_PROCESSES, scanChoice } from '../src/query/plan';

const C = suite('scan_choice');

const rows = (n: number) => () => n;
const choice = (forced: string, processes: number, selective: boolean, n: number) => {
  const c = scanChoice(forced, processes, selective, rows(n));
  return (c.pool ? 'pool' : 'sync') + (c.pipelined ? '+pipe' : '');
};

C('a small host scans synchronously', () => {
  assert.is(choice('', 115, true, 200), 'sync');
  assert.is(choice('', 115, false, 200), 'sync');
});

C('from POOL_MIN_PROCESSES processes the scan is on the pool, and a selective query is pipelined', () => {
  assert.is(choice('', POOL_MIN_PROCESSES - 1, true, 0), 'sync');
  assert.is(choice('', POOL_MIN_PROCESSES, true, 0), 'pool+pipe');
  assert.is(choice('', POOL_MIN_PROCESSES, false, 0), 'pool', 'a full listing reads its tables after the scan');
});

C('below that, big tables pipeline a selective query, and only a selective one', () => {
  assert.is(choice('', 267, true, PIPELINE_MIN_ROWS - 1), 'sync');
  assert.is(choice('', 267, true, PIPELINE_MIN_ROWS), 'pool+pipe');
  assert.is(choice('', 267, false, 100000), 'sync');
});

C('asks for the table size only when it decides', () => {
  let asked = 0;
  const count = () => { asked++; return 0; };
  scanChoice('', POOL_MIN_PROCESSES, true, count);
  scanChoice('', 10, false, count);
  scanChoice('sync', 10, true, count);
  assert.is(asked, 0);
  scanChoice('', 10, true, count);
  assert.is(asked, 1);
});

C('PORTOWN_SCAN forces a scan whatever the host', () => {
  assert.is(choice('sync', 5000, true, 1e6), 'sync');
  assert.is(choice('async', 5, true, 0), 'pool');
  assert.is(choice('pipe', 5, true, 0), 'pool+pipe');
  assert.is(choice('pipe', 5, false, 0), 'pool', 'no tables to pipeline in a full listing');
  assert.is(choice('bogus', 5, true, 0), 'sync', 'an unknown word is no choice');
});

C.run();
