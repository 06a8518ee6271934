// What the owner scan takes and gives, shared by its steps (process.ts), its
// two drivers (sync.ts, pool.ts) and its stores (owner_index.ts,
// socket_links.ts). Types only, so none of those modules imports another's
// code to name a shape.
import { Owner, ProcInfo } from '../types';
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
  /**
   * The caller lets the scan chdir into fd directories (cwd.ts). Only the
   * command-line front ends set it: a library must not move its host's cwd.
   */
  chdir?: boolean;
  /**
   * Name holders by their cmdline alone (netstat -p prints argv[0] and
   * nothing else): comm and status are not read, so ProcInfo.name is empty
   * and uid -1.
   */
  argv0Only?: boolean;
  /**
   * Where socket links go as they are read. By default the wanted ones become
   * the process's matches and its holders are named when it is done; the
   * pipelined query keeps every socket link unnamed instead (socket_links.ts).
   */
  keeper?: LinkKeeper;
  /** The pool driver's slice (links read before callbacks are let in), asked before each slice; 0 for its own. */
  slice?: () => number;
  /** The readers of the pid-reuse checks; tests give their own to stage a reuse no test can time. */
  readers?: ReuseReaders;
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

export function newScanStats(): ScanStats {
  return { processes: 0, denied: 0, dirDenied: 0, vanished: 0, reused: 0, links: 0, deniedPids: [] };
}

/** A socket link found in one fd table: fd number, inode, and tid (0 for the process table). */
export interface Match {
  tid: number;
  fd: number;
  inode: string;
}

/** Owners by inode, as the query reads them. A Map<string, Owner[]> is one. */
export interface InodeOwners {
  get(inode: string): Owner[] | undefined;
  has(inode: string): boolean;
  forEach(fn: (owners: Owner[], inode: string) => void): void;
  keys(): IterableIterator<string>;
  /** Distinct inodes. */
  readonly size: number;
}

/** Takes the matches of one named process (sorted by tid, fd), once its pid-reuse check passed. */
export interface OwnerCollector {
  addProcess(info: ProcInfo, matches: Match[], threadNames: Map<number, Buffer | null>): void;
  /** The finished lookup; owners of each inode sorted by pid, tid, fd. */
  done(): InodeOwners;
}

export interface OwnerMap {
  byInode: InodeOwners;
  stats: ScanStats;
}

/** One process being scanned: what its fd tables gave so far. */
export interface ProcessJob {
  pid: number;
  /** <root>/<pid> */
  dir: string;
  /** starttime before the fds were read (full listings), or -1: not read, or unreadable. */
  t0: number;
  /** Links read, or DENIED / DIR_DENIED / GONE (process.ts), over its fd directories. */
  result: number;
  /** Its fd directories not finished yet. */
  dirsLeft: number;
  /** Socket links kept as matches (the default keeper). */
  matches: Match[];
  /** Socket links any keeper kept: with none, a refused link makes the process denied. */
  kept: number;
}

/** One fd directory of a job: <pid>/fd, or <pid>/task/<tid>/fd with threads. */
export interface FdDir {
  job: ProcessJob;
  tid: number;
  path: string;
  names: string[];
  /** The next name to read. */
  next: number;
  /** A link was refused: the rest were not read. */
  denied: boolean;
}

/** Where the fd walk puts a socket link it read (the walk's collector). */
export interface LinkKeeper {
  /** fd `name` of thread `tid` (0: the process's own table) of job's process reads `link`; true when kept. */
  keep(job: ProcessJob, tid: number, name: string, link: string): boolean;
}

/** The reads of the pid-reuse checks (holder.ts). */
export interface ReuseReaders {
  /** starttime of the process at dir, -1 when unreadable. */
  startTime(dir: string): number;
  /** The link at path now, or null when it cannot be read. */
  readLink(path: string): string | null;
}
