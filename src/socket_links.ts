// Every socket link an owner scan saw, before any process is named.
//
// A selective query (a port, the listening sockets) needs the inodes of its
// rows before it can tell which fd links matter. Reading the tables first and
// then the fds leaves one core idle on a two-core board. Instead the scan keeps
// every socket link here (16 bytes each: inode, pid, tid, fd in typed arrays)
// while the tables are read on the thread pool; once the rows are known,
// owners() names just the processes that hold them.
//
// Pid reuse: the scan does not read a starttime per process (on a big host
// that is one more file per process, nearly all for nothing). Instead, after
// a holder's name and cmdline are read, each of its matching fd links is read
// again and must still be socket:[inode]. A pid reused in between by another
// process fails that check: a socket inode is unique while the socket is open,
// and an unrelated process cannot hold it at the same fd. The only thing that
// passes is a process that really holds the socket then (inherited across a
// fork), which is what the answer says anyway.
import * as fs from 'fs';
import { MapCollector } from './owner_index';
import type { Match, ScanStats } from './owners';
import { InodeOwners } from './owner_index';
import { ProcInfo } from './types';

const MAX_INODE = 4294967295;

/** What owners() reads per holder, replaceable by a test (a pid reused between the scan and the name read cannot be timed). */
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

export class SocketLinks {
  private inode = new Float64Array(1024);
  private pid = new Uint32Array(1024);
  private tid = new Uint32Array(1024);
  private fd = new Uint32Array(1024);
  private n = 0;
  /** Links whose inode is not a number below 2^32 (only a damaged or made-up tree has them). */
  private odd: { pid: number; m: Match }[] = [];

  get size(): number {
    return this.n + this.odd.length;
  }

  /** Adds the socket links of one process (from readFdLinks with no wanted set). */
  add(pid: number, matches: Match[]): void {
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];
      const ino = +m.inode;
      if (!(ino <= MAX_INODE) || String(ino) !== m.inode) {
        this.odd.push({ pid, m });
        continue;
      }
      if (this.n === this.inode.length) this.grow();
      this.inode[this.n] = ino;
      this.pid[this.n] = pid;
      this.tid[this.n] = m.tid;
      this.fd[this.n] = m.fd;
      this.n++;
    }
  }

  private grow() {
    const size = this.inode.length * 2;
    const a = new Float64Array(size); a.set(this.inode); this.inode = a;
    const p = new Uint32Array(size); p.set(this.pid); this.pid = p;
    const t = new Uint32Array(size); t.set(this.tid); this.tid = t;
    const f = new Uint32Array(size); f.set(this.fd); this.fd = f;
  }

  /**
   * The holders of the wanted inodes, named: for each process (in pid order)
   * its name, cmdline and uid (readInfo), thread names with `threads`, then
   * the re-read of its links (see the top of this file). Processes gone by
   * then count as vanished; those whose links changed as reused.
   */
  owners(root: string, wanted: Set<string>, threads: boolean, stats: ScanStats,
    readInfo: (dir: string, pid: number) => ProcInfo | null, readThreadName: (dir: string) => Buffer | null): InodeOwners {
    const want = new Set<number>();
    wanted.forEach((s) => { const v = +s; if (v <= MAX_INODE && String(v) === s) want.add(v); });
    const byPid = new Map<number, Match[]>();
    const hold = (pid: number, m: Match) => {
      const list = byPid.get(pid);
      if (list) list.push(m);
      else byPid.set(pid, [m]);
    };
    for (let i = 0; i < this.n; i++) {
      if (want.has(this.inode[i])) hold(this.pid[i], { tid: this.tid[i], fd: this.fd[i], inode: String(this.inode[i]) });
    }
    for (let i = 0; i < this.odd.length; i++) if (wanted.has(this.odd[i].m.inode)) hold(this.odd[i].pid, this.odd[i].m);
    const out = new MapCollector();
    const pids = Array.from(byPid.keys()).sort((a, b) => a - b);
    for (let k = 0; k < pids.length; k++) {
      const pid = pids[k];
      const dir = root + '/' + pid;
      const info = readInfo(dir, pid);
      if (!info) {
        stats.vanished++;
        continue;
      }
      const matches = byPid.get(pid) as Match[];
      const threadNames = new Map<number, Buffer | null>();
      if (threads) {
        for (let i = 0; i < matches.length; i++) {
          const tid = matches[i].tid;
          if (!threadNames.has(tid)) threadNames.set(tid, readThreadName(dir + '/task/' + tid));
        }
      }
      const kept = matches.filter((m) =>
        relinkCheck.readLink(dir + (threads ? '/task/' + m.tid : '') + '/fd/' + m.fd) === 'socket:[' + m.inode + ']');
      if (kept.length === 0) {
        stats.reused++;
        continue;
      }
      kept.sort(byTidFd);
      out.addProcess(info, kept, threadNames);
    }
    return out.done();
  }
}

function byTidFd(a: Match, b: Match): number {
  return a.tid - b.tid || a.fd - b.fd;
}
