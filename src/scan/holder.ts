// Naming a holder, and the pid-reuse checks that guard the name.
//
// A process's matches are dropped rather than pairing one process's name
// with another's fd when its pid was reused (or it exited) between its fd
// scan and its name read. Two checks, by what is cheaper:
//  - a selective scan (wanted inodes: a port, the listening sockets) re-reads
//    each holder's matching fd links after its name (nameHolder): they must
//    still be socket:[inode], which an unrelated process taking the pid cannot
//    show, since a socket inode is unique while the socket is open. Few links
//    match, and a process without a match costs nothing;
//  - a full listing, where every socket link matches, reads the starttime
//    before a process's fds and again after its name (nameByStartTime): two
//    reads per process rather than one per socket.
import fs = require('fs');
import { readLinkOrNull } from '../proc/fd';
import { readCgroupIn } from '../proc/cgroup';
import { readCmdlineArgv0, readComm, readStartTime, readStatus } from '../proc/pid';
import { ProcInfo } from '../types';
import { Match, OwnerCollector, ReuseReaders, ScanStats } from './types';

export const REAL_READERS: ReuseReaders = { startTime: readStartTime, readLink: readLinkOrNull };

/** The one empty name or cmdline, rather than a new Buffer and ArrayBuffer for every holder of a full listing. */
const NO_BYTES = Buffer.alloc(0);

/**
 * Builds the ProcInfo of a process with matches: comm (status Name when it is
 * comm's bytes exactly, or on old kernels without comm), cmdline, uid and
 * nspid (status), and its container and unit (cgroup).
 */
export function readProcInfo(dir: string, pid: number): ProcInfo | null {
  const status = readStatus(dir);
  const comm = status && status.exact ? status.name : readComm(dir);
  if (!status && !comm) return null;
  const cmd = readCmdlineArgv0(dir);
  const cg = readCgroupIn(dir);
  return {
    pid,
    name: comm || (status && status.name) || NO_BYTES,
    cmdline: cmd ? cmd.cmdline : NO_BYTES,
    argv0Len: cmd ? cmd.argv0Len : 0,
    uid: status ? status.uid : -1,
    nspid: status ? status.nspid : 0,
    container: cg ? cg.container : null,
    unit: cg ? cg.unit : null,
  };
}

/** netstat -p's ProcInfo (ScanOptions.argv0Only): the cmdline alone; null when the process is gone. */
function readProcArgv0(dir: string, pid: number): ProcInfo | null {
  const cmd = readCmdlineArgv0(dir);
  if (!cmd) return null;
  return { pid, name: NO_BYTES, cmdline: cmd.cmdline, argv0Len: cmd.argv0Len, uid: -1, nspid: 0, container: null, unit: null };
}

type InfoReader = (dir: string, pid: number) => ProcInfo | null;

/** What naming holders needs: how to read them, where they go, what is counted. */
export interface Naming {
  threads: boolean;
  readInfo: InfoReader;
  readers: ReuseReaders;
  out: OwnerCollector;
  stats: ScanStats;
}

/**
 * Names a holder of a selective scan: its ProcInfo and thread names, then the
 * re-read of its matching links; adds the links still held to out. A process
 * gone before its name was read counts as vanished, one whose links all
 * changed by countLost.
 */
export function nameHolder(n: Naming, dir: string, pid: number, matches: Match[]): void {
  const info = n.readInfo(dir, pid);
  if (!info) {
    n.stats.vanished++;
    return;
  }
  const threadNames = threadNamesOf(dir, matches, n.threads);
  const kept = matches.filter((m) =>
    n.readers.readLink(dir + (m.tid !== 0 ? '/task/' + m.tid : '') + '/fd/' + m.fd) === 'socket:[' + m.inode + ']');
  if (kept.length === 0) {
    countLost(dir, n.stats);
    return;
  }
  kept.sort(byTidFd);
  n.out.addProcess(info, kept, threadNames);
}

/** Names a holder of a full listing: its ProcInfo and thread names, kept when its starttime is still t0. */
export function nameByStartTime(n: Naming, dir: string, pid: number, t0: number, matches: Match[]): void {
  const info = n.readInfo(dir, pid);
  const threadNames = threadNamesOf(dir, matches, n.threads && info !== null);
  const t1 = n.readers.startTime(dir);
  if (!info || t1 !== t0) {
    if (info && t1 >= 0) n.stats.reused++;
    else n.stats.vanished++;
    return;
  }
  matches.sort(byTidFd);
  n.out.addProcess(info, matches, threadNames);
}

function byTidFd(a: Match, b: Match): number {
  return a.tid - b.tid || a.fd - b.fd;
}

/** The names of the threads (tid not 0) among matches, with threads; none without. */
function threadNamesOf(dir: string, matches: Match[], threads: boolean): Map<number, Buffer | null> {
  const names = new Map<number, Buffer | null>();
  if (!threads) return names;
  for (let i = 0; i < matches.length; i++) {
    const tid = matches[i].tid;
    if (tid !== 0 && !names.has(tid)) names.set(tid, readComm(dir + '/task/' + tid));
  }
  return names;
}

/**
 * Counts a holder dropped because none of its matching links re-read the
 * same: vanished when its directory is gone, else its pid was reused (or it
 * closed those fds in between).
 */
function countLost(dir: string, stats: ScanStats): void {
  if (exists(dir)) stats.reused++;
  else stats.vanished++;
}

export function exists(path: string): boolean {
  try {
    fs.statSync(path);
    return true;
  } catch (e) {
    return false;
  }
}

/** How a scan names a holder: by cmdline alone (netstat -p), or in full. */
export function infoReaderFor(argv0Only: boolean): InfoReader {
  return argv0Only ? readProcArgv0 : readProcInfo;
}
