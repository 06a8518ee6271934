// Which owner scan a query runs, from what the host looks like. The choices
// (query.ts, owners_async.ts):
//  - sync: the tables, then one readlink after another on the main thread;
//  - pool: the fd directories listed on libuv's thread pool ahead of the main
//    thread, which reads the links;
//  - pipelined (selective queries: a port, the listening sockets): the pool
//    scan, with the tables read on the pool meanwhile.
// Measured with scripts/bench.js and scripts/loadgen.js on a 2-core machine
// (medians of 15-21 A/B runs, portown PORT, sync vs pipelined):
//   115 processes, 200 sockets: 103 vs 108 ms; 266 processes, 2,000 sockets:
//   168 vs 186; 267 and 8,000: 220 vs 207; 417 and 5,000: 199 vs 199; 563 and
//   20,000: 375 vs 349; 2,065 and 100,000: 1,291 vs 1,014.
// So what pays for the pipeline is the size of the tables it hides behind the
// fd scan, and the pool scan pays by itself from about 1,000 processes.
// PORTOWN_SCAN=sync|async|pipe forces one (async: the pool scan without the
// pipelined tables), for the benchmark and the tests.

/** From this many processes on, the pool scan (and for a selective query, the pipeline). */
export const POOL_MIN_PROCESSES = 1000;
/** From about this many table rows (net/sockstat), a selective query is pipelined whatever the processes. */
export const PIPELINE_MIN_ROWS = 6000;

export interface ScanChoice {
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
