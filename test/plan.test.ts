// The scan plan (src/query/plan.ts): which owner scan runs, and whether a
// selective query reads its tables on the pool meanwhile (pipelined). First
// the pure choice, then planScan on /proc trees and runScan's drivers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { PIPELINE_MIN_ROWS, planScan, POOL_MIN_PROCESSES, runScan, scanChoice, ScanPlan, ScanShape } from '../src/query/plan';
import { trees } from './helpers/proc_tree';
import { DEFAULT_TUNING } from '../src/scan/pool';

const C = suite('plan');

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

const { tree, removeAll } = trees('portown-plan-');
C.after(() => removeAll());

/** A tree of n processes that hold nothing (pid dirs only). */
function host(n: number): string {
  const root = tree([]);
  for (let i = 0; i < n; i++) fs.mkdirSync(path.join(root, String(100 + i)));
  return root;
}

type Mode = 'port' | 'listening' | 'all' | 'pid';

/** The scan shape of each query mode, as the command line maps it. */
function shape(mode: Mode): ScanShape {
  return mode === 'pid' ? 'pid' : mode === 'all' ? 'full' : 'selective';
}

/** A plan that runs the sync driver with nothing read alongside. */
function isSync(p: ScanPlan): boolean {
  return !p.pool && !p.pipelined;
}

/** The plan for env and mode: pipelined or not, and which scan runs (the sync one calls back before it returns, the pool scan later). */
function plan(env: string | undefined, root: string, mode: Mode): Promise<string> {
  const p = planScan(env, root, shape(mode));
  return new Promise((resolve) => {
    let returned = false;
    runScan(p, { root, wanted: null, threads: false, onlyPid: mode === 'pid' ? 100 : undefined }, () => {
      resolve((p.pipelined ? 'pipelined ' : '') + (returned ? 'async' : 'sync'));
    });
    returned = true;
  });
}

C('PORTOWN_SCAN=pipe pipelines the port and listening queries on the pool scan, and only those', async () => {
  const root = host(3);
  assert.is(await plan('pipe', root, 'port'), 'pipelined async');
  assert.is(await plan('pipe', root, 'listening'), 'pipelined async');
  assert.is(await plan('pipe', root, 'all'), 'async');
  assert.is(await plan('pipe:4:64', root, 'port'), 'pipelined async');
  assert.ok(isSync(planScan('pipe', root, shape('pid'))));
});

C('PORTOWN_SCAN=async is the pool scan without pipelining; sync is the sync scan', async () => {
  const root = host(3);
  assert.is(await plan('async', root, 'port'), 'async');
  assert.is(await plan('async', root, 'listening'), 'async');
  assert.is(await plan('sync', root, 'port'), 'sync');
  assert.ok(isSync(planScan('sync', root, shape('listening'))));
});

C('unforced, a selective query is pipelined from 1000 processes on; below, everything is sync', async () => {
  const small = host(999);
  assert.is(await plan(undefined, small, 'port'), 'sync');
  assert.is(await plan(undefined, small, 'listening'), 'sync');
  const big = host(1000);
  assert.is(await plan(undefined, big, 'port'), 'pipelined async');
  assert.is(await plan(undefined, big, 'listening'), 'pipelined async');
  assert.is(await plan(undefined, big, 'all'), 'async');
  assert.ok(isSync(planScan(undefined, big, shape('pid'))));
});

C("unforced, below 1000 processes, a selective query is pipelined when the root's net/sockstat counts 6000 table rows", async () => {
  const root = host(3);
  fs.mkdirSync(path.join(root, 'net'));
  fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 5 orphan 0 tw 5994 alloc 5 mem 1\nUDP: inuse 0 mem 0\n');
  assert.is(await plan(undefined, root, 'port'), 'sync', '5,999 rows');
  fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 1\nUDP6: inuse 0\n');
  assert.is(await plan(undefined, root, 'port'), 'pipelined async');
  assert.is(await plan(undefined, root, 'listening'), 'pipelined async');
  assert.is(await plan(undefined, root, 'all'), 'sync', 'a full listing goes by processes only');
  assert.ok(isSync(planScan(undefined, root, shape('pid'))));
  assert.is(await plan('sync', root, 'port'), 'sync');
});

C('PORTOWN_SCAN tunes the pool only with two counts of 1 or more; anything else is the default tuning', () => {
  const root = host(3);
  assert.equal(planScan('async:4:64', root, 'full').tuning, { ahead: 4, slice: 64 });
  for (const bad of ['async:0:8', 'async:8:0', 'async:x:8', 'async:-1:8', 'async:1.5:8', 'async:4']) {
    assert.equal(planScan(bad, root, 'full').tuning, DEFAULT_TUNING, bad);
  }
});

C.run();
