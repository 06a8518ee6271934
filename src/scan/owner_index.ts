// Where the owner scan puts what it finds: socket inode -> the processes
// (and fds) that hold it.
//
// A selective query wants a few inodes: a Map of Owner arrays is right.
// A full listing (--all, netstat -p) keeps every socket link on the host:
// as a Map of arrays of objects that is a live heap growing with the host,
// and V8 lets garbage grow in proportion to the live heap, so peak RSS
// follows (docs/design.md).
// OwnerIndex keeps them in typed arrays instead, 20 bytes a link: inode,
// process and fd per entry, and a sorted Float64Array of (inode * 2^21 + entry).
// Owner objects are built only for the row being printed.
import { Owner, ProcInfo } from '../types';
import { inodeNumber } from './inode_set';
import type { Inodes } from './inode_set';
import { LinkColumns } from './link_columns';
import { InodeOwners, Match, OwnerCollector } from './types';

function byPidTidFd(a: Owner, b: Owner): number {
  return a.proc.pid - b.proc.pid || a.tid - b.tid || a.fd - b.fd;
}

export class MapCollector implements OwnerCollector {
  private sorted = true;
  constructor(private map: Map<string, Owner[]> = new Map()) {}
  private lastPid = -1;
  addProcess(info: ProcInfo, matches: Match[], threadNames: Map<number, Buffer | null>): void {
    if (info.pid < this.lastPid) this.sorted = false;
    this.lastPid = info.pid;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];
      const list = this.map.get(m.inode);
      // One holder per (process, thread): further fds of the same socket join it.
      const last = list ? list[list.length - 1] : null;
      if (last && last.proc === info && last.tid === m.tid) {
        last.fds.push(m.fd);
        continue;
      }
      const owner: Owner = { proc: info, tid: m.tid, threadName: m.tid ? threadNames.get(m.tid) || null : null, fd: m.fd, fds: [m.fd] };
      if (list) list.push(owner);
      else this.map.set(m.inode, [owner]);
    }
  }
  done(): InodeOwners {
    // Processes came in pid order from the sync scan; the async one finishes them in any order.
    if (!this.sorted) this.map.forEach((list) => { if (list.length > 1) list.sort(byPidTidFd); });
    return this.map;
  }
}

const ENTRY_BITS = 2097152; // 2^21 entries; inode < 2^32, so inode * 2^21 + entry < 2^53

/**
 * The compact index of a full scan without threads (every owner has tid 0).
 *
 * Links go into LinkColumns (12 bytes each, the holder being the process's
 * index in procs) as the scan finds them; done() sorts one Float64Array of
 * (inode * 2^21 + entry) over them. Peak: 12 bytes a link while scanning, 20
 * once sorted.
 */
export class OwnerIndex implements OwnerCollector, InodeOwners {
  private procs: ProcInfo[] = [];
  private links = new LinkColumns();
  /** Inodes that do not fit (not a number below 2^32, or past 2^21 entries). */
  private overflow = new MapCollector();
  private overflowUsed = false;
  private sorted: Float64Array | null = null;
  size = 0;

  addProcess(info: ProcInfo, matches: Match[], threadNames: Map<number, Buffer | null>): void {
    const p = this.procs.length;
    this.procs.push(info);
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];
      const ino = inodeNumber(m.inode);
      if (ino < 0 || this.links.length >= ENTRY_BITS || m.tid !== 0) {
        this.overflow.addProcess(info, [m], threadNames);
        this.overflowUsed = true;
        continue;
      }
      this.links.push(ino, p, m.fd, 0);
    }
  }

  done(): InodeOwners {
    const links = this.links;
    const keys = new Float64Array(links.length);
    for (let e = 0; e < links.length; e++) keys[e] = links.inode(e) * ENTRY_BITS + e;
    keys.sort();
    this.sorted = keys;
    let distinct = 0;
    for (let i = 0; i < keys.length; i++) if (i === 0 || Math.floor(keys[i] / ENTRY_BITS) !== Math.floor(keys[i - 1] / ENTRY_BITS)) distinct++;
    this.size = distinct + (this.overflowUsed ? this.overflowMap().size : 0);
    return this;
  }

  /** Index of the first key at or above inode's range, in the sorted keys. */
  private lower(ino: number): number {
    const keys = this.sorted as Float64Array;
    const want = ino * ENTRY_BITS;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < want) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(inode: string): Owner[] | undefined {
    const ino = inodeNumber(inode);
    // A copy: the overflow map's own list must not take this inode's other owners (nor be sorted) on every call.
    const spilled = this.overflowUsed ? this.overflowMap().get(inode) : undefined;
    let out: Owner[] | undefined = spilled ? spilled.slice() : undefined;
    if (ino < 0) return out;
    const keys = this.sorted as Float64Array;
    const end = (ino + 1) * ENTRY_BITS;
    // Entries of one process are adjacent (added together, fds ascending): one holder each.
    let last: Owner | null = null;
    for (let i = this.lower(ino); i < keys.length && keys[i] < end; i++) {
      const e = keys[i] - ino * ENTRY_BITS;
      const proc = this.procs[this.links.holder(e)];
      const fd = this.links.fd(e);
      if (last && last.proc === proc) {
        last.fds.push(fd);
        continue;
      }
      last = { proc, tid: 0, threadName: null, fd, fds: [fd] };
      if (out) out.push(last);
      else out = [last];
    }
    if (out && out.length > 1) out.sort(byPidTidFd);
    return out;
  }

  has(inode: string): boolean {
    const ino = inodeNumber(inode);
    if (this.overflowUsed && this.overflowMap().has(inode)) return true;
    if (ino < 0) return false;
    const keys = this.sorted as Float64Array;
    const i = this.lower(ino);
    return i < keys.length && keys[i] < (ino + 1) * ENTRY_BITS;
  }

  keys(): IterableIterator<string> {
    const all: string[] = [];
    this.forEach((_list, inode) => all.push(inode));
    return all[Symbol.iterator]();
  }

  forEach(fn: (owners: Owner[], inode: string) => void): void {
    const keys = this.sorted as Float64Array;
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const inode = String(Math.floor(keys[i] / ENTRY_BITS));
      if (i > 0 && Math.floor(keys[i - 1] / ENTRY_BITS) === +inode) continue;
      seen.add(inode);
      fn(this.get(inode) as Owner[], inode);
    }
    if (this.overflowUsed) this.overflowMap().forEach((list, inode) => { if (!seen.has(inode)) fn(list, inode); });
  }

  private overflowCache: InodeOwners | null = null;
  private overflowMap(): InodeOwners {
    if (!this.overflowCache) this.overflowCache = this.overflow.done();
    return this.overflowCache;
  }
}

/** The collector for a scan: compact for a full scan without threads, else a Map. */
export function newCollector(wanted: Inodes | null, threads: boolean): OwnerCollector {
  return wanted === null && !threads ? new OwnerIndex() : new MapCollector();
}
