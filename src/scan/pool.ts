// The owner scan on two cores: the same walk as scanOwnersSync (owners.ts),
// with the thread pool working ahead of the main thread.
//
// On a busy host the cost of the job is one readlink per open fd, nearly all
// of it in the kernel, plus one readdir per process (which is where the
// kernel builds the fd entries: tens of microseconds a process). Here:
//  - the fd directories of the next `ahead` processes are listed on libuv's
//    pool (fs.readdir) while the main thread reads the links of the ones
//    already listed;
//  - optionally (`poolLinks` > 0) up to that many links are also read on the
//    pool (fs.readlink), each request held by a "slot" whose callback is made
//    once, so there is no closure per fd; a completed slot takes the next fd.
//    Measured on a 2-core machine shared with other work, a readlink on the
//    pool costs ~8 us more CPU than the ~5 us it saves the main thread, so
//    the default leaves the links to the main thread (notes/perf-README.md).
// With ScanOptions.links (a pipelined selective query, query.ts) every socket
// link goes into a SocketLinks as it is read, and no process is named here:
// no starttime before the fds, no name after (socket_links.ts names the
// holders it is asked for, and checks pid reuse its own way). The main thread
// then takes `given.slice()` links at a time, so the table pages the pool
// reads meanwhile are taken in between.
// Otherwise, per process the semantics and the stats are those of the sync scan (they
// share readFdLinks and finishProcess): the same pid-reuse check (a full
// listing's starttime before the fds and after the name; a selective scan's
// re-read of the holder's matching links, stillHeld), vanished and denied
// processes counted, vanished fds skipped.
// The collector (owner_index.ts) sorts each inode's owners by pid, tid, fd,
// as the sync scan makes them, whatever order the processes finish in.
import fs = require('fs');
import { DENIED, DIR_DENIED, GONE, Match, OwnerMap, ScanOptions, addResult, beginChdir, CHDIR_MIN_LINKS, endChdir, fdDirPrefix, countProcess, finishProcess, infoReader, listProcesses, listTids, newScanStats, readFdLinks, socketInode, startTimeBefore } from './owners';
import { newCollector } from './owner_index';

export interface AsyncTuning {
  /** fd directories listed (or being listed) ahead of the main thread, at most. */
  ahead: number;
  /** fd links read on the pool at once, at most; 0 leaves every link to the main thread. */
  poolLinks: number;
  /** Links the main thread reads before it lets the pool's results in. */
  slice: number;
}

export const DEFAULT_TUNING: AsyncTuning = { ahead: 8, poolLinks: 0, slice: 512 };

/** One process: its starttime, its fd directories, what they hold. */
interface Job {
  pid: number;
  dir: string;
  t0: number;
  /** Links read, or DENIED / GONE, summed over the fd directories as scanProcess does. */
  result: number;
  dirsLeft: number;
  matches: Match[];
  /** Socket links put in `links` (links mode, where matches stays empty). */
  found: number;
}

/** One fd directory of a job: <pid>/fd or <pid>/task/<tid>/fd. */
interface FdDir {
  job: Job;
  tid: number;
  path: string;
  prefix: string;
  names: string[];
  /** Next name to read (by the main thread or a pool slot). */
  next: number;
  /** Links answered by the pool. */
  answered: number;
  denied: boolean;
  /** Pool slots busy on this directory. */
  busy: number;
}

interface Slot {
  dir: FdDir | null;
  index: number;
  onLink: (err: NodeJS.ErrnoException | null, link: string) => void;
}

/** What a finished directory keeps: its names go, so a thousand listed directories do not stay alive. */
const NO_NAMES: string[] = [];
const NO_MATCHES: Match[] = [];
/** What a read directory leaves in `ready` (same shape as a real one). */
const NO_DIR: FdDir = { job: null as unknown as Job, tid: 0, path: '', prefix: '', names: NO_NAMES, next: 0, answered: 0, denied: false, busy: 0 };

function isDenied(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EACCES' || err.code === 'EPERM';
}

/** The scan with the thread pool ahead of the main thread; calls done once. */
export function scanOwnersAsync(given: ScanOptions, done: (owners: OwnerMap) => void, tuning: AsyncTuning = DEFAULT_TUNING): void {
  const out = newCollector(given.wanted, given.threads);
  const stats = newScanStats();
  // With links, every socket link is kept unnamed (socket_links.ts): no starttime per process, no names.
  const links = given.links || null;
  const wanted = links ? null : given.wanted;
  const readInfo = infoReader(given);
  const pids = given.onlyPid !== undefined ? [given.onlyPid] : given.pids || listProcesses(given.root);
  // The main thread reads links from inside each fd directory; the pool's paths are absolute.
  const { opts, cwd } = beginChdir(given);
  let cursor = 0;
  let jobsOpen = 0;
  let listing = 0;
  let finished = false;
  let scheduled = false;
  /** Listed directories whose links are not all read yet, in pid order. */
  const ready: FdDir[] = [];
  let head = 0;
  let poolBusy = 0;
  const free: Slot[] = [];
  /** The directory the main thread read links in last, and their prefix there. */
  let inDir: FdDir | null = null;
  let inPrefix = '';

  const dirDone = (d: FdDir, r: number) => {
    const job = d.job;
    job.result = addResult(job.result, r);
    if (--job.dirsLeft > 0) return;
    jobsOpen--;
    if (!links) finishProcess(job.dir, job.pid, job.t0, job.result, job.matches, opts.threads, out, stats, readInfo);
    else countProcess(job.dir, job.pid, job.t0, job.result, stats); // its links are in `links` already
    job.matches = NO_MATCHES; // the collector has them: do not keep them alive through `ready`
  };

  const schedule = () => {
    if (scheduled || finished) return;
    scheduled = true;
    setImmediate(pump);
  };

  const onDir = (d: FdDir, err: NodeJS.ErrnoException | null, names: string[]) => {
    listing--;
    if (err) dirDone(d, isDenied(err) ? DIR_DENIED : GONE);
    else if (names.length === 0) dirDone(d, 0);
    else {
      d.names = names;
      ready.push(d);
    }
    schedule();
  };

  /** Starts processes until `ahead` directories are listed or being listed: starttime now (full listings), readdir on the pool. */
  const startJobs = () => {
    while (cursor < pids.length && listing + ready.length - head < tuning.ahead) {
      const pid = pids[cursor++];
      const dir = opts.root + '/' + pid;
      const job: Job = { pid, dir, t0: links ? -1 : startTimeBefore(dir, wanted), result: GONE, dirsLeft: 0, matches: [], found: 0 };
      const tids = opts.threads ? listTids(dir) : null;
      jobsOpen++;
      const list = (tid: number, path: string) => {
        const d: FdDir = { job, tid, path, prefix: path + '/', names: [], next: 0, answered: 0, denied: false, busy: 0 };
        job.dirsLeft++;
        listing++;
        fs.readdir(path, (err, names) => onDir(d, err, names));
      };
      if (tids === null) list(0, dir + '/fd');
      else if (tids.length === 0) { job.dirsLeft = 1; dirDone({ job } as FdDir, GONE); } // as scanProcess: nothing listed
      else for (let i = 0; i < tids.length; i++) list(tids[i], dir + '/task/' + tids[i] + '/fd');
    }
  };

  // ---- links on the pool (poolLinks > 0) ----
  const onLink = (slot: Slot, err: NodeJS.ErrnoException | null, link: string) => {
    const d = slot.dir as FdDir;
    const index = slot.index;
    slot.dir = null;
    free.push(slot);
    poolBusy--;
    d.busy--;
    if (err) {
      // ENOENT/ESRCH: the fd or the process went away; ENAMETOOLONG/EINVAL: not a link we can use.
      if (isDenied(err)) d.denied = true;
    } else {
      if (links) {
        if (links.addLink(d.job.pid, d.tid, d.names[index], link)) d.job.found++;
      } else {
        const inode = socketInode(link);
        if (inode !== null && (wanted === null || wanted.has(inode))) {
          const fd = +d.names[index];
          if (fd >= 0) d.job.matches.push({ tid: d.tid, fd, inode });
        }
      }
    }
    d.answered++;
    if (d.next === d.names.length && d.busy === 0) {
      dirDone(d, d.denied && d.job.matches.length === 0 && d.job.found === 0 ? DENIED : d.names.length);
      d.names = NO_NAMES;
    }
    fillPool();
    checkDone();
  };

  for (let i = 0; i < tuning.poolLinks; i++) {
    const slot: Slot = { dir: null, index: 0, onLink: null as never };
    slot.onLink = (err, link) => onLink(slot, err, link);
    free.push(slot);
  }

  /** Hands links of the newest listed directories to free slots (the main thread works from the oldest). */
  const fillPool = () => {
    for (let k = ready.length - 1; k >= head && free.length > 0; k--) {
      const d = ready[k];
      while (d.next < d.names.length && free.length > 0) {
        const slot = free.pop() as Slot;
        slot.dir = d;
        slot.index = d.next++;
        d.busy++;
        poolBusy++;
        fs.readlink(d.prefix + d.names[slot.index], slot.onLink);
      }
    }
  };

  /** The main thread's turn: read the links of the oldest listed directories, a slice at a time. */
  const pump = () => {
    scheduled = false;
    startJobs();
    fillPool();
    let budget = (given.slice && given.slice()) || tuning.slice;
    while (head < ready.length && budget > 0) {
      // The oldest listed directory, from where the main thread (or the pool) left it, up to the budget.
      const d = ready[head];
      const from = d.next;
      let to = Math.min(d.names.length, from + budget);
      if (to > from) {
        // A directory read over several slices is entered once (fdDirPrefix may chdir into it).
        if (d !== inDir) {
          inDir = d;
          inPrefix = fdDirPrefix(d.path, !!opts.chdir && d.names.length >= CHDIR_MIN_LINKS);
        }
        const before = links ? links.size : 0;
        if (readFdLinks(inPrefix, d.names, d.tid, wanted, d.job.matches, from, to, links, d.job.pid) === DENIED) {
          // refused: so are the rest of its links (readFdLinks stopped at the first)
          d.denied = true;
          to = d.names.length;
        }
        if (links) d.job.found += links.size - before;
        d.next = to;
        d.answered += to - from;
        budget -= to - from;
      }
      if (d.next < d.names.length) break;
      // Let go of it now, not at the next splice: a live one would be copied by each scavenge until then.
      ready[head++] = NO_DIR;
      // The last links read here finish the directory, unless pool slots still hold some (their
      // callback finishes it then); a directory the pool took whole was finished by its callback.
      if (to > from && d.busy === 0) {
        dirDone(d, d.denied && d.job.matches.length === 0 && d.job.found === 0 ? DENIED : d.names.length);
        d.names = NO_NAMES;
      }
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
    if (finished || cursor < pids.length || jobsOpen > 0 || listing > 0 || poolBusy > 0) return;
    finished = true;
    endChdir(cwd);
    done({ byInode: out.done(), stats });
  };

  startJobs();
  if (pids.length === 0) checkDone();
}
