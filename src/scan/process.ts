// One process's owner scan, in three steps that both drivers run in this
// order (sync.ts one after another, pool.ts spread over the thread pool's
// callbacks):
//
//   openProcess   its starttime (full listings only) and its fd directories:
//                 <pid>/fd, or with threads every <pid>/task/<tid>/fd;
//   readLinks     (after the driver listed a directory) readlink of each fd,
//                 socket links handed to the scan's keeper: by default the
//                 wanted ones become the process's matches;
//   closeProcess  counts it (visited, vanished, denied, links read), then
//                 names its holders and checks for pid reuse (holder.ts).
//
// Races are normal on a live host: a process or fd that vanishes mid-scan is
// skipped quietly; a directory we may not read is counted, so the caller can
// say what it could not see.
import fs = require('fs');
import { isDenied, socketInode } from '../proc/fd';
import { listNumeric } from '../proc/pid';
import { enterFdDir, restoreCwd, saveCwd, SavedCwd } from './cwd';
import { exists, infoReaderFor, Naming, nameByStartTime, nameHolder, REAL_READERS } from './holder';
import type { Inodes } from './inode_set';
import { newCollector } from './owner_index';
import { FdDir, LinkKeeper, newScanStats, OwnerMap, ProcessJob, ScanOptions } from './types';

/** A process result: a link (or the whole directory) was refused. */
export const DENIED = -1;
/** A process result: the directory is gone (or had nothing to list). */
export const GONE = -2;
/** A process result: the fd directory itself refused (EACCES/EPERM on opendir). */
export const DIR_DENIED = -3;

/** One scan's state, shared by its processes. */
export interface Scan extends Naming {
  root: string;
  /** Which pid-reuse check its holders get (holder.ts). */
  reuse: 'starttime' | 'relink';
  keeper: LinkKeeper;
  /** The cwd to go back to, when the scan may chdir (cwd.ts). */
  cwd: SavedCwd;
  /** The directory the scan read links in last, and their prefix there. */
  inDir: FdDir | null;
  prefix: string;
}

/** Starts a scan: its collector, counters and keeper; it may chdir from here until endScan. */
export function beginScan(opts: ScanOptions): Scan {
  const out = newCollector(opts.wanted, opts.threads);
  return {
    root: opts.root,
    threads: opts.threads,
    readInfo: infoReaderFor(opts.argv0Only === true),
    readers: opts.readers || REAL_READERS,
    out,
    stats: newScanStats(),
    // A full listing names as it goes, so one starttime per process beats a re-read per socket.
    reuse: opts.wanted === null && !opts.keeper ? 'starttime' : 'relink',
    keeper: opts.keeper || matchKeeper(opts.wanted),
    cwd: saveCwd(opts.chdir === true, opts.root),
    inDir: null,
    prefix: '',
  };
}

export function endScan(scan: Scan): OwnerMap {
  restoreCwd(scan.cwd);
  return { byInode: scan.out.done(), stats: scan.stats };
}

/**
 * The processes a scan visits: the one pid, the caller's list, or every pid
 * under root. Throws when root cannot be read: the caller turns that into a
 * usage error (exit 2).
 */
export function pidsOf(opts: ScanOptions): number[] {
  return opts.onlyPid !== undefined ? [opts.onlyPid] : opts.pids || listNumeric(opts.root);
}

/** The default keeper: a socket link to a wanted inode (any, with wanted null) becomes a match of its process. */
function matchKeeper(wanted: Inodes | null): LinkKeeper {
  return {
    keep(job, tid, name, link) {
      const inode = socketInode(link);
      if (inode === null || (wanted !== null && !wanted.has(inode))) return false;
      const fd = +name;
      if (!(fd >= 0)) return false;
      job.matches.push({ tid, fd, inode });
      return true;
    },
  };
}

/** Step 1: the job of one process and its fd directories, for the driver to list. */
export function openProcess(scan: Scan, pid: number): { job: ProcessJob; dirs: FdDir[] } {
  const dir = scan.root + '/' + pid;
  const job: ProcessJob = { pid, dir, t0: scan.reuse === 'starttime' ? scan.readers.startTime(dir) : -1, result: GONE, dirsLeft: 0, matches: [], kept: 0 };
  const dirs: FdDir[] = [];
  const tids = scan.threads ? listTids(dir) : null;
  if (tids === null) dirs.push(fdDir(job, 0, dir + '/fd'));
  else for (let i = 0; i < tids.length; i++) dirs.push(fdDir(job, tids[i], dir + '/task/' + tids[i] + '/fd'));
  job.dirsLeft = dirs.length;
  return { job, dirs };
}

function fdDir(job: ProcessJob, tid: number, path: string): FdDir {
  return { job, tid, path, names: [], next: 0, denied: false };
}

/** The threads of a process (task/), or null when they cannot be listed: scan <pid>/fd then. */
function listTids(dir: string): number[] | null {
  try {
    return listNumeric(dir + '/task');
  } catch (e) {
    return null;
  }
}

/**
 * The driver's listing of d came back: keeps its names, or finishes it at
 * once when it failed or is empty. Returns true when it has links to read.
 */
export function listed(scan: Scan, d: FdDir, err: NodeJS.ErrnoException | null, names: string[] | null): boolean {
  if (err || names === null) {
    finishDir(scan, d, err && isDenied(err) ? DIR_DENIED : GONE);
    return false;
  }
  if (names.length === 0) {
    finishDir(scan, d, 0);
    return false;
  }
  d.names = names;
  return true;
}

/**
 * Step 2: reads the links d.names[d.next..to) and hands socket links to the
 * keeper. A refused link ends the reading of d: the kernel checks ptrace
 * access per process, so the rest would be refused too. Finishes d when its
 * last link is read.
 */
export function readLinks(scan: Scan, d: FdDir, to: number): void {
  if (d !== scan.inDir) {
    // A directory read over several slices is entered once.
    scan.inDir = d;
    scan.prefix = enterFdDir(d, scan.cwd);
  }
  const prefix = scan.prefix;
  const names = d.names;
  const job = d.job;
  const keeper = scan.keeper;
  for (let i = d.next; i < to; i++) {
    let link: string;
    try {
      link = fs.readlinkSync(prefix + names[i]);
    } catch (e) {
      // ENOENT/ESRCH: the fd or the process went away; ENAMETOOLONG/EINVAL: not a link we can use.
      if (isDenied(e as NodeJS.ErrnoException)) {
        d.denied = true;
        to = names.length;
        break;
      }
      continue;
    }
    if (keeper.keep(job, d.tid, names[i], link)) job.kept++;
  }
  d.next = to;
  if (to === names.length) finishDir(scan, d, d.denied && job.kept === 0 ? DENIED : names.length);
}

/** Adds one finished fd directory's result to its process's; closes the process after its last one. */
function finishDir(scan: Scan, d: FdDir, r: number): void {
  const job = d.job;
  job.result = addResult(job.result, r);
  if (--job.dirsLeft === 0) closeProcess(scan, job);
}

/** Adds one fd directory's result (links read, DENIED, DIR_DENIED or GONE) to a process's. */
function addResult(acc: number, r: number): number {
  if (r >= 0) return acc < 0 ? r : acc + r;
  return (r === DENIED || r === DIR_DENIED) && acc < 0 && acc !== DIR_DENIED ? r : acc;
}

/**
 * Step 3, when every fd directory of job is read (drivers call it themselves
 * only for a process with none to read): counts it, then names its holders.
 */
export function closeProcess(scan: Scan, job: ProcessJob): void {
  if (!countProcess(scan, job) || job.matches.length === 0) return;
  if (scan.reuse === 'relink') nameHolder(scan, job.dir, job.pid, job.matches);
  else nameByStartTime(scan, job.dir, job.pid, job.t0, job.matches);
}

/** Counts one scanned process (visited, vanished, denied, links read); true when its matches may be used. */
function countProcess(scan: Scan, job: ProcessJob): boolean {
  const stats = scan.stats;
  if (job.result === GONE) {
    // Distinguish a vanished process from a directory that never had fds.
    if (job.t0 < 0 && !exists(job.dir)) stats.vanished++;
    else stats.processes++;
    return false;
  }
  stats.processes++;
  if (job.result === DENIED || job.result === DIR_DENIED) {
    stats.denied++;
    if (job.result === DIR_DENIED) stats.dirDenied++;
    if (stats.deniedPids.length < 8) stats.deniedPids.push(job.pid);
    return false;
  }
  stats.links += job.result;
  return true;
}
