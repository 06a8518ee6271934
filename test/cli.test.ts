// cli.ts's choice of scan (chooseScan): which owner scan runs, and whether a
// selective query reads its tables on the pool meanwhile (pipelined).
// The rest of cli.ts is exercised through the built bundle (the e2e suites).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { chooseScan } from '../src/cli/command';
import { Mode, Query, syncScanner } from '../src/query/query';
import { trees } from './helpers/proc_tree';

const { tree, removeAll } = trees('portown-cli-');

/** A tree of n processes that hold nothing (pid dirs only). */
function host(n: number): string {
  const root = tree([]);
  for (let i = 0; i < n; i++) fs.mkdirSync(path.join(root, String(100 + i)));
  return root;
}

function query(root: string, mode: Mode): Query {
  return { root, byteOrder: 'le', mode, port: 22, remote: false, pid: 100, threads: false,
    protos: { tcp: true, udp: true, raw: false, unix: false, v4: true, v6: true } };
}

/** The plan for env and mode: pipelined or not, and which scan runs (the sync one calls back before it returns, the pool scan later). */
function plan(env: string | undefined, root: string, mode: Mode): Promise<string> {
  const p = chooseScan(env, root, query(root, mode));
  return new Promise((resolve) => {
    let returned = false;
    p.scanner({ root, wanted: null, threads: false, onlyPid: mode === 'pid' ? 100 : undefined }, () => {
      resolve((p.pipelined ? 'pipelined ' : '') + (returned ? 'async' : 'sync'));
    });
    returned = true;
  });
}

const C = suite('cli');
C.after(() => removeAll());

C('PORTOWN_SCAN=pipe pipelines the port and listening queries on the pool scan, and only those', async () => {
  const root = host(3);
  assert.is(await plan('pipe', root, 'port'), 'pipelined async');
  assert.is(await plan('pipe', root, 'listening'), 'pipelined async');
  assert.is(await plan('pipe', root, 'all'), 'async');
  assert.is(await plan('pipe:4:0:64', root, 'port'), 'pipelined async');
  assert.is(chooseScan('pipe', root, query(root, 'pid')).scanner, syncScanner);
});

C('PORTOWN_SCAN=async is the pool scan without pipelining; sync is the sync scan', async () => {
  const root = host(3);
  assert.is(await plan('async', root, 'port'), 'async');
  assert.is(await plan('async', root, 'listening'), 'async');
  assert.is(await plan('sync', root, 'port'), 'sync');
  assert.is(chooseScan('sync', root, query(root, 'listening')).scanner, syncScanner);
});

C('unforced, a selective query is pipelined from 1000 processes on; below, everything is sync', async () => {
  const small = host(999);
  assert.is(await plan(undefined, small, 'port'), 'sync');
  assert.is(await plan(undefined, small, 'listening'), 'sync');
  const big = host(1000);
  assert.is(await plan(undefined, big, 'port'), 'pipelined async');
  assert.is(await plan(undefined, big, 'listening'), 'pipelined async');
  assert.is(await plan(undefined, big, 'all'), 'async');
  assert.is(chooseScan(undefined, big, query(big, 'pid')).scanner, syncScanner);
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
  assert.is(chooseScan(undefined, root, query(root, 'pid')).scanner, syncScanner);
  assert.is(await plan('sync', root, 'port'), 'sync');
});

C.run();
