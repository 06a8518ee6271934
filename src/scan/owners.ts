// The owner scan: walk <root>/<pid>/fd (and, with threads, <root>/<pid>/task/<tid>/fd),
// read each link, and keep those named socket:[N] for a wanted inode N.
//
// Every holder is kept: forked workers share one listening socket, and all of
// them own it. Races are normal on a live host: a process or fd that vanishes
// mid-scan is skipped quietly; a directory we may not read is counted, so the
// caller can say what it could not see.
//
// Pid reuse: a process's matches are dropped rather than pairing one
// process's name with another's fd when its pid was reused (or it exited)
// between its fd scan and its name read. Two checks, by what is cheaper:
//  - a selective scan (wanted inodes: a port, the listening sockets) re-reads
//    each holder's matching fd links after its name (relinkCheck): they must
//    still be socket:[inode], which an unrelated process taking the pid cannot
//    show, since a socket inode is unique while the socket is open. Few links
//    match, and no process without a match costs anything (a starttime per
//    process was ~8% of a port query on a small host: 114 more files);
//  - a full listing (wanted null), where every socket link matches, reads the
//    starttime before a process's fds and again after its name instead: two
//    reads per process rather than one per socket.
import fs = require('fs');
import { listNumeric, readCmdlineArgv0, readComm, readStartTime, readStatus } from '../proc/pid';
import { Owner, ProcInfo } from '../types';
import { InodeOwners, MapCollector, newCollector, OwnerCollector } from './owner_index';
import type { SocketLinks } from './socket_links';
import type { Inodes } from './inode_set';

export interface ScanOptions {
  root: string;
  /** Inodes to look for; null keeps every socket link. */
  wanted: Inodes | null;
  /** Also walk task/<tid>/fd and report each thread that holds the socket. */
  threads: boolean;
  /** Scan only this pid. */
  onlyPid?: number;
  /** The pids under root, when the caller has listed them already. */
  pids?: number[];
  /** Set by the scans (root made absolute): read links relative to their fd directory (see fdDirPrefix). */
  chdir?: boolean;
  /** The async scan's slice (links the main thread reads before it lets callbacks in), asked before each slice; 0 for its own. */
  slice?: () => number;
  /**
   * Keep every socket link here, unnamed, instead of naming holders as the
   * scan goes (wanted must be null): the caller names the ones it wants
   * later with links.owners(). The async scan only.
   */
  links?: SocketLinks;
  /**
   * Name holders by their cmdline alone (netstat -p prints argv[0] and
   * nothing else): comm and status are not read, so ProcInfo.name is empty
   * and uid -1. Two files fewer per process.
   */
  argv0Only?: boolean;
}

export interface ScanStats {
  /** Process directories visited. */
  processes: number;
  /** Processes whose fd directory (or an fd link) we were not allowed to read. */
  denied: number;
  /** Of those, the ones whose fd directory itself could not be opened (net-tools warns on these only). */
  dirDenied: number;
  /** Processes that went away during the scan. */
  vanished: number;
  /** Processes dropped because their pid was reused during the scan. */
  reused: number;
  /** fd links read. */
  links: number;
  /** The first few pids we could not read, for the note. */
  deniedPids: number[];
}

export interface OwnerMap {
  byInode: InodeOwners;
  stats: ScanStats;
}

/**
 * The starttime reader of the pid-reuse check. A property, not a plain call,
 * so a test can make the second read differ from the first (a pid reused
 * between the fd scan and the name read) without a real reuse, which no test
 * can time. Nothing else replaces it.
 */
export const reuseCheck = { startTime: readStartTime };

/** The link reader of the re-read check (see the top of this file), replaceable by a test for the same reason. */
export const relinkCheck = {
  /** The link at path now, or null when it cannot be read. */
  readLink(path: string): string | null {
    try {
      return fs.readlinkSync(path);
    } catch (e) {
      return null;
    }
  },
};

/**
 * The matches of the process at dir whose fd link still reads socket:[inode]
 * (tid 0: read through <pid>/fd, as the scan did). Called after its name was
 * read: none left means the pid was reused, or the process exited.
 */
export function stillHeld(dir: string, matches: Match[]): Match[] {
  return matches.filter((m) =>
    relinkCheck.readLink(dir + (m.tid !== 0 ? '/task/' + m.tid : '') + '/fd/' + m.fd) === 'socket:[' + m.inode + ']');
}

/** A scan's t0 when no starttime is read: the pid-reuse check re-reads the links instead (stillHeld). */
export const RELINK = -2;

/** The starttime a scan reads before a process's fds: none for a selective scan (see the top of this file). */
export function startTimeBefore(dir: string, wanted: Inodes | null): number {
  return wanted !== null ? RELINK : reuseCheck.startTime(dir);
}

export function newScanStats(): ScanStats {
  return { processes: 0, denied: 0, dirDenied: 0, vanished: 0, reused: 0, links: 0, deniedPids: [] };
}

/** A socket link found in one fd table: fd number, inode, and tid (0 for the process table). */
export interface Match {
  tid: number;
  fd: number;
  inode: string;
}

export const DENIED = -1;
export const GONE = -2;
/** The fd directory itself refused (EACCES/EPERM on opendir). */
export const DIR_DENIED = -3;

/** True for "socket:[...]", checked cheaply: a first-byte test before the prefix compare (most fds are files). */
export function isSocketLink(link: string): boolean {
  return link.length >= 10 && link.charCodeAt(0) === 115 /* s */ && link.charCodeAt(link.length - 1) === 93 /* ] */ &&
    link.lastIndexOf('socket:[', 0) === 0;
}

/** Parses "socket:[N]" cheaply; returns N or null. */
export function socketInode(link: string): string | null {
  return isSocketLink(link) ? link.slice(8, -1) : null;
}

/**
 * Reads one fd directory. Pushes matches; returns the number of links read,
 * DENIED when the directory (or a link) may not be read, GONE when it vanished.
 */
function scanFdDir(fdDir: string, tid: number, wanted: Inodes | null, out: Match[], chdir: boolean): number {
  let names: string[];
  try {
    names = fs.readdirSync(fdDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? DIR_DENIED : GONE;
  }
  return readFdLinks(fdDirPrefix(fdDir, chdir && names.length >= CHDIR_MIN_LINKS), names, tid, wanted, out);
}

/**
 * The fewest links for which a chdir into their directory pays: a chdir costs
 * about what the walk of /proc/PID/fd does for a few links (small host: 114
 * chdirs, most into directories of 1-4 fds, were ~1 ms of a 30 ms query).
 */
export const CHDIR_MIN_LINKS = 8;

/**
 * The prefix for the links of fdDir: '' after a chdir into it, else the path.
 * readlink("7") from inside /proc/PID/fd spares the kernel the walk of
 * /proc/PID/fd for every fd: measured 12% off the scan on a busy host.
 */
export function fdDirPrefix(fdDir: string, chdir: boolean): string {
  if (chdir) {
    try {
      process.chdir(fdDir);
      return '';
    } catch (e) {
      // gone or refused: the links will say so
    }
  }
  return fdDir + '/';
}

/**
 * Starts a scan that may chdir: with an absolute root, returns the options
 * with chdir on and the directory to return to. A relative root (fixtures,
 * tests) or an unknown cwd (deleted) scans by full paths, so that nothing
 * after the scan depends on getting back.
 */
export function beginChdir(opts: ScanOptions): { opts: ScanOptions; cwd: string | null } {
  if (opts.root.charAt(0) !== '/') return { opts, cwd: null };
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (e) {
    return { opts, cwd: null };
  }
  return { opts: { ...opts, chdir: true }, cwd };
}

export function endChdir(cwd: string | null): void {
  if (cwd === null) return;
  try {
    process.chdir(cwd);
  } catch (e) {
    // the cwd went away during the scan: paths are absolute from here on
  }
}

/**
 * Reads the links names[from..to) of one listed fd directory (prefix ends in
 * '/' or is ''); returns the number read, or DENIED when a link was refused
 * and nothing matched (out is the process's matches so far). A refused link
 * ends the reading: the rest would be refused too. With links,
 * socket links go there (pid's) instead of into out, whatever wanted says.
 */
export function readFdLinks(prefix: string, names: string[], tid: number, wanted: Inodes | null, out: Match[],
  from: number = 0, to: number = names.length, links: SocketLinks | null = null, pid: number = 0): number {
  let denied = false;
  let found = false;
  for (let i = from; i < to; i++) {
    let link: string;
    try {
      link = fs.readlinkSync(prefix + names[i]);
    } catch (e) {
      // ENOENT/ESRCH: the fd or the process went away; ENAMETOOLONG/EINVAL: not a link we can use.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        // The kernel checks ptrace access per process: the other links are refused too
        // (a sandbox's pid 1 here has 250 of them, 4 ms of a 40 ms query).
        denied = true;
        break;
      }
      continue;
    }
    if (links !== null) {
      if (links.addLink(pid, tid, names[i], link)) found = true;
      continue;
    }
    const inode = socketInode(link);
    if (inode === null || (wanted !== null && !wanted.has(inode))) continue;
    const fd = +names[i];
    if (!(fd >= 0)) continue;
    out.push({ tid, fd, inode });
  }
  return denied && out.length === 0 && !found ? DENIED : to - from;
}

function byTidFd(a: Match, b: Match): number {
  return a.tid - b.tid || a.fd - b.fd;
}

/**
 * The one empty name or cmdline: Buffer.alloc(0) makes a Buffer and an
 * ArrayBuffer each time, ~180 bytes for every holder of a full listing.
 */
const NO_BYTES = Buffer.alloc(0);

/**
 * Builds the ProcInfo of a process with matches: comm (status Name when it is
 * comm's bytes exactly, or on old kernels without comm), cmdline, uid.
 */
export function readProcInfo(dir: string, pid: number): ProcInfo | null {
  const status = readStatus(dir);
  const comm = status && status.exact ? status.name : readComm(dir);
  if (!status && !comm) return null;
  const cmd = readCmdlineArgv0(dir);
  return {
    pid,
    name: comm || (status && status.name) || NO_BYTES,
    cmdline: cmd ? cmd.cmdline : NO_BYTES,
    argv0Len: cmd ? cmd.argv0Len : 0,
    uid: status ? status.uid : -1,
  };
}

/** netstat -p's ProcInfo (ScanOptions.argv0Only): the cmdline alone; null when the process is gone. */
export function readProcArgv0(dir: string, pid: number): ProcInfo | null {
  const cmd = readCmdlineArgv0(dir);
  if (!cmd) return null;
  return { pid, name: NO_BYTES, cmdline: cmd.cmdline, argv0Len: cmd.argv0Len, uid: -1 };
}

export type InfoReader = (dir: string, pid: number) => ProcInfo | null;

/** How a scan with these options names a holder. */
export function infoReader(opts: ScanOptions): InfoReader {
  return opts.argv0Only ? readProcArgv0 : readProcInfo;
}

/**
 * Scans one process. Adds its owners to byInode. Returns true when it was
 * visited (its directory existed).
 */
export function scanProcess(root: string, pid: number, opts: ScanOptions, into: OwnerCollector | Map<string, Owner[]>, stats: ScanStats): boolean {
  const out = into instanceof Map ? new MapCollector(into) : into;
  const dir = root + '/' + pid;
  const t0 = startTimeBefore(dir, opts.wanted);
  const matches: Match[] = [];
  let result: number;
  const tids = opts.threads ? listTids(dir) : null;
  if (tids !== null) {
    result = GONE;
    for (let i = 0; i < tids.length; i++) {
      result = addResult(result, scanFdDir(dir + '/task/' + tids[i] + '/fd', tids[i], opts.wanted, matches, !!opts.chdir));
    }
  } else {
    result = scanFdDir(dir + '/fd', 0, opts.wanted, matches, !!opts.chdir);
  }
  return finishProcess(dir, pid, t0, result, matches, tids !== null, out, stats, infoReader(opts));
}

/** The threads of a process (task/), or null when they cannot be listed: scan <pid>/fd then. */
export function listTids(dir: string): number[] | null {
  try {
    return listNumeric(dir + '/task');
  } catch (e) {
    return null;
  }
}

/** Adds one fd directory's result (links read, DENIED, DIR_DENIED or GONE) to a process's. */
export function addResult(acc: number, r: number): number {
  if (r >= 0) return acc < 0 ? r : acc + r;
  return (r === DENIED || r === DIR_DENIED) && acc < 0 && acc !== DIR_DENIED ? r : acc;
}

/**
 * Counts one scanned process (visited, vanished, denied, links read); true
 * when its matches may be used. `result` is the links read, or DENIED / GONE;
 * t0 its starttime before the scan, -1 when unreadable, or RELINK.
 */
export function countProcess(dir: string, pid: number, t0: number, result: number, stats: ScanStats): boolean {
  if (result === GONE) {
    // Distinguish a vanished process from a directory that never had fds.
    if (t0 < 0 && !exists(dir)) stats.vanished++;
    else stats.processes++;
    return false;
  }
  stats.processes++;
  if (result === DENIED || result === DIR_DENIED) {
    stats.denied++;
    if (result === DIR_DENIED) stats.dirDenied++;
    if (stats.deniedPids.length < 8) stats.deniedPids.push(pid);
    return false;
  }
  stats.links += result;
  return true;
}

/**
 * The end of one process's scan, shared by the sync and async scanners:
 * counts it (countProcess), and when it has matches reads its name and
 * cmdline, checks for pid reuse (its starttime again, or with t0 RELINK its
 * matching links) and adds its owners.
 * Returns false when the process was gone before its fds were read.
 */
export function finishProcess(dir: string, pid: number, t0: number, result: number, matches: Match[], threads: boolean,
  out: OwnerCollector, stats: ScanStats, readInfo: InfoReader = readProcInfo): boolean {
  const vanished = stats.vanished;
  if (!countProcess(dir, pid, t0, result, stats)) return stats.vanished === vanished;
  if (matches.length === 0) return true;
  if (t0 === RELINK) {
    addHolder(dir, pid, matches, threads, out, stats, readInfo);
    return true;
  }
  const info = readInfo(dir, pid);
  const threadNames = threadNamesOf(dir, matches, threads && info !== null);
  const t1 = reuseCheck.startTime(dir);
  if (!info || t1 !== t0) {
    if (info && t1 >= 0) stats.reused++;
    else stats.vanished++;
    return true;
  }
  matches.sort(byTidFd);
  out.addProcess(info, matches, threadNames);
  return true;
}

/** The names of the threads (tid not 0) among matches, with threads; none without. */
function threadNamesOf(dir: string, matches: Match[], threads: boolean, readThreadName: (dir: string) => Buffer | null = readComm): Map<number, Buffer | null> {
  const names = new Map<number, Buffer | null>();
  if (!threads) return names;
  for (let i = 0; i < matches.length; i++) {
    const tid = matches[i].tid;
    if (tid !== 0 && !names.has(tid)) names.set(tid, readThreadName(dir + '/task/' + tid));
  }
  return names;
}

/**
 * Names a holder of a selective scan (the sync and pool scans, and
 * SocketLinks.owners): its ProcInfo and thread names, then the re-read of its
 * matching links (stillHeld); adds the links still held to out. A process
 * gone before its name was read counts as vanished, one whose links all
 * changed by countLost.
 */
export function addHolder(dir: string, pid: number, matches: Match[], threads: boolean, out: OwnerCollector, stats: ScanStats,
  readInfo: InfoReader, readThreadName: (dir: string) => Buffer | null = readComm): void {
  const info = readInfo(dir, pid);
  if (!info) {
    stats.vanished++;
    return;
  }
  const threadNames = threadNamesOf(dir, matches, threads, readThreadName);
  const kept = stillHeld(dir, matches);
  if (kept.length === 0) {
    countLost(dir, stats);
    return;
  }
  kept.sort(byTidFd);
  out.addProcess(info, kept, threadNames);
}

/**
 * Counts a holder dropped because none of its matching links re-read the same
 * (stillHeld): vanished when its directory is gone, else its pid was reused
 * (or it closed those fds in between).
 */
export function countLost(dir: string, stats: ScanStats): void {
  if (exists(dir)) stats.reused++;
  else stats.vanished++;
}

function exists(path: string): boolean {
  try {
    fs.statSync(path);
    return true;
  } catch (e) {
    return false;
  }
}

/**
 * Lists the processes under root. Throws when root cannot be read: the caller
 * turns that into a usage error (exit 2).
 */
export function listProcesses(root: string): number[] {
  return listNumeric(root);
}

/** The synchronous scan: one readlink after another. */
export function scanOwnersSync(given: ScanOptions): OwnerMap {
  const out = newCollector(given.wanted, given.threads);
  const stats = newScanStats();
  const pids = given.onlyPid !== undefined ? [given.onlyPid] : given.pids || listProcesses(given.root);
  const { opts, cwd } = beginChdir(given);
  try {
    for (let i = 0; i < pids.length; i++) scanProcess(opts.root, pids[i], opts, out, stats);
  } finally {
    endChdir(cwd);
  }
  return { byInode: out.done(), stats };
}
