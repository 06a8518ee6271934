// How a query's owner scan runs, decided in one place:
//  - sync: the tables, then one readlink after another on the main thread
//    (scan/sync.ts);
//  - pool: the fd directories listed on libuv's thread pool ahead of the main
//    thread, which reads the links (scan/pool.ts);
//  - pipelined (selective queries: a port, the listening sockets): the pool
//    scan, with the tables read on the pool meanwhile (query.ts).
// What pays for the pipeline is the size of the tables it hides behind the
// fd scan, and the pool scan pays by itself from about a thousand processes:
// the A/B runs behind both thresholds are in docs/benchmarks.md.
// PORTOWN_SCAN=sync|async|pipe forces one (async: the pool scan without the
// pipelined tables), for the benchmark and the tests.
import { tableRowsAt } from '../proc/net_sockstat';
import { DEFAULT_TUNING, PoolTuning, scanOwnersPool } from '../scan/pool';
import { listNumeric } from '../proc/pid';
import { scanOwnersSync } from '../scan/sync';
import { OwnerMap, ReuseReaders, ScanOptions } from '../scan/types';

/** From this many processes on, the pool scan (and for a selective query, the pipeline). */
export const POOL_MIN_PROCESSES = 1000;
/** From about this many table rows (net/sockstat), a selective query is pipelined whatever the processes. */
export const PIPELINE_MIN_ROWS = 6000;

export interface ScanPlan {
  /** The pool driver; else the sync one. */
  pool: boolean;
  /**
   * A selective query reads its tables on the pool during the scan. Full
   * listings read theirs on the main thread after the scan, whatever the
   * host: /proc/net hands out one page per read(), and on the pool each page
   * cost a wake-up of the main thread.
   */
  pipelined: boolean;
  tuning: PoolTuning;
  /** The pids under the root, when the plan listed them. */
  pids?: number[];
  /** The scan may chdir into fd directories (scan/cwd.ts): the command-line front ends allow it. */
  chdir: boolean;
  /** The pid-reuse checks' readers (scan/holder.ts); tests give their own to stage a reuse. */
  readers?: ReuseReaders;
}

/** Everything on the main thread, by full paths: a small host, and the tests. */
export const SYNC_PLAN: ScanPlan = { pool: false, pipelined: false, tuning: DEFAULT_TUNING, chdir: false };

/** What the plan needs to know of a query: a selective one (port, listening), a full listing, or one pid. */
export type ScanShape = 'selective' | 'full' | 'pid';

interface ScanChoice {
  pool: boolean;
  pipelined: boolean;
}

/**
 * The scan for a host with `processes` processes, given PORTOWN_SCAN's word
 * (`forced`, '' for none). `rows()` (the sockstat estimate) is asked only for
 * a selective query on a host below POOL_MIN_PROCESSES.
 */
export function scanChoice(forced: string, processes: number, selective: boolean, rows: () => number): ScanChoice {
  if (forced === 'sync') return { pool: false, pipelined: false };
  if (forced === 'async') return { pool: true, pipelined: false };
  if (forced === 'pipe') return { pool: true, pipelined: selective };
  const pool = processes >= POOL_MIN_PROCESSES || (selective && rows() >= PIPELINE_MIN_ROWS);
  return { pool, pipelined: pool && selective };
}

/** PORTOWN_SCAN: "sync", "async" or "pipe", and for the benchmark "async:AHEAD:SLICE" (or pipe:...) with the pool's tuning. */
function parseScanEnv(env: string | undefined): { forced: string; tuning: PoolTuning } {
  const f = (env || '').split(':');
  const count = (s: string) => (/^[1-9][0-9]{0,5}$/.test(s) ? +s : 0);
  // A tuning that is not two counts of 1 or more (a pool that lists nothing ahead, or reads no link a slice) is none.
  const tuning = f.length === 3 && count(f[1]) > 0 && count(f[2]) > 0 ? { ahead: count(f[1]), slice: count(f[2]) } : DEFAULT_TUNING;
  return { forced: f[0], tuning };
}

/**
 * The plan of a command-line query on root: lists its processes, and for a
 * selective query on a small host reads its sockstat. Throws when root
 * cannot be listed.
 */
export function planScan(env: string | undefined, root: string, shape: ScanShape): ScanPlan {
  const { forced, tuning } = parseScanEnv(env);
  if (forced === 'sync' || shape === 'pid') return { ...SYNC_PLAN, chdir: true };
  const pids = listNumeric(root);
  const c = scanChoice(forced, pids.length, shape === 'selective', () => tableRowsAt(root));
  return { pool: c.pool, pipelined: c.pipelined, tuning, pids, chdir: true };
}

/** Runs the plan's driver over opts; calls done once (at once for the sync driver). */
export function runScan(plan: ScanPlan, opts: ScanOptions, done: (owners: OwnerMap) => void): void {
  const o: ScanOptions = { ...opts, pids: opts.pids || plan.pids, chdir: opts.chdir || plan.chdir, readers: opts.readers || plan.readers };
  if (plan.pool) scanOwnersPool(o, done, plan.tuning);
  else done(scanOwnersSync(o));
}
