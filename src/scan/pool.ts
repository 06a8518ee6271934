// The thread-pool driver of the owner scan: the same steps as the sync
// driver (process.ts), with libuv's pool listing fd directories ahead of the
// main thread.
//
// On a busy host the scan's cost is one readlink per open fd, nearly all of
// it in the kernel, plus one readdir per process (where the kernel builds
// the fd entries). Here the fd directories of the next `ahead` processes are
// listed on the pool (fs.readdir) while the main thread reads the links of
// the ones already listed, `slice` links at a time, so that pool callbacks
// (and the pipelined query's table pages, query.ts) are taken in between.
// The links themselves stay on the main thread: a readlink on the pool costs
// more CPU in libuv than it saves there (docs/design.md).
//
// The collector (owner_index.ts) sorts each inode's owners by pid, tid, fd,
// as the sync driver makes them, whatever order the processes finish in.
import fs = require('fs');
import { beginScan, closeProcess, endScan, listed, openProcess, pidsOf, readLinks } from './process';
import { FdDir, OwnerMap, ProcessJob, ScanOptions } from './types';

export interface PoolTuning {
  /** fd directories listed (or being listed) ahead of the main thread, at most. */
  ahead: number;
  /** Links the main thread reads before it lets the pool's results in. */
  slice: number;
}

export const DEFAULT_TUNING: PoolTuning = { ahead: 8, slice: 512 };

/** What a finished directory keeps: its names go, so listed directories do not stay alive through it. */
const NO_NAMES: string[] = [];
/** What a read directory leaves in `ready` (same shape as a real one). */
const NO_DIR: FdDir = { job: null as unknown as ProcessJob, tid: 0, path: '', names: NO_NAMES, next: 0, denied: false };

/** The scan with the thread pool ahead of the main thread; calls done once. */
export function scanOwnersPool(opts: ScanOptions, done: (owners: OwnerMap) => void, tuning: PoolTuning = DEFAULT_TUNING): void {
  const pids = pidsOf(opts);
  const scan = beginScan(opts);
  let cursor = 0;
  let listing = 0;
  let finished = false;
  let scheduled = false;
  /** Listed directories whose links are not all read yet, in pid order. */
  const ready: FdDir[] = [];
  let head = 0;

  const schedule = () => {
    if (scheduled || finished) return;
    scheduled = true;
    setImmediate(pump);
  };

  const onDir = (d: FdDir, err: NodeJS.ErrnoException | null, names: string[]) => {
    listing--;
    if (listed(scan, d, err, err ? null : names)) ready.push(d);
    schedule();
  };

  /** Opens processes until `ahead` directories are listed or being listed. */
  const startJobs = () => {
    while (cursor < pids.length && listing + ready.length - head < tuning.ahead) {
      const { job, dirs } = openProcess(scan, pids[cursor++]);
      if (dirs.length === 0) closeProcess(scan, job);
      for (let i = 0; i < dirs.length; i++) {
        const d = dirs[i];
        listing++;
        fs.readdir(d.path, (err, names) => onDir(d, err, names));
      }
    }
  };

  /** The main thread's turn: read the links of the oldest listed directories, a slice at a time. */
  const pump = () => {
    scheduled = false;
    startJobs();
    let budget = (opts.slice && opts.slice()) || tuning.slice;
    while (head < ready.length && budget > 0) {
      const d = ready[head];
      const from = d.next;
      readLinks(scan, d, Math.min(d.names.length, from + budget));
      budget -= d.next - from;
      if (d.next < d.names.length) break;
      // Let go of it now, not at the next splice: a live one would be copied by each scavenge until then.
      ready[head++] = NO_DIR;
      d.names = NO_NAMES;
      startJobs();
    }
    if (head > 32 && head * 2 > ready.length) {
      ready.splice(0, head);
      head = 0;
    }
    if (head < ready.length) schedule();
    checkDone();
  };

  const checkDone = () => {
    if (finished || cursor < pids.length || listing > 0 || head < ready.length) return;
    finished = true;
    done(endScan(scan));
  };

  startJobs();
  checkDone();
}
