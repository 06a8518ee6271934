// Every socket link an owner scan saw, before any process is named.
//
// A selective query (a port, the listening sockets) needs the inodes of its
// rows before it can tell which fd links matter. Reading the tables first and
// then the fds leaves one core idle on a two-core board. Instead the scan keeps
// every socket link here (16 bytes each: inode, pid, tid, fd in typed arrays)
// while the tables are read on the thread pool; once the rows are known,
// owners() names just the processes that hold them.
//
// It is the scan's keeper (ScanOptions.keeper) for that query: the fd walk
// hands it every link, and no process is named during the scan.
//
// Pid reuse: the scan does not read a starttime per process. After a
// holder's name and cmdline are read, each of its matching fd links is read
// again and must still be socket:[inode] (nameHolder in holder.ts, the check
// every selective scan makes). The only other process that passes is one
// that really holds the socket then (inherited across a fork), which is what
// the answer says anyway.
import { isSocketLink } from '../proc/fd';
import { decimal } from '../text/bytes';
import { Naming, nameHolder } from './holder';
import { InodeSet, MAX_INODE } from './inode_set';
import { LinkColumns } from './link_columns';
import { newCollector } from './owner_index';
import { InodeOwners, LinkKeeper, Match, ProcessJob } from './types';

/** What owners() needs to name holders: Naming without its collector (owners() makes its own), and the root. */
type LinkNaming = Omit<Naming, 'out'> & { root: string };

export class SocketLinks implements LinkKeeper {
  /** 12 bytes a link (16 with threads), the holder being the pid. */
  private links = new LinkColumns();
  /** Links whose inode is not a number below 2^32 (only a damaged or made-up tree has them). */
  private odd: { pid: number; m: Match }[] = [];

  get size(): number {
    return this.links.length + this.odd.length;
  }

  keep(job: ProcessJob, tid: number, name: string, link: string): boolean {
    return this.addLink(job.pid, tid, name, link);
  }

  /**
   * Adds fd `fdName` of pid (thread tid, 0 for the process) when `link` is
   * socket:[N]; returns whether it was a socket. The inode is read from the
   * link's characters, with no string or object made for it.
   */
  addLink(pid: number, tid: number, fdName: string, link: string): boolean {
    if (!isSocketLink(link)) return false;
    const len = link.length;
    const fd = +fdName;
    if (!(fd >= 0)) return false;
    let ino = 0;
    for (let i = 8; i < len - 1; i++) {
      const c = link.charCodeAt(i) - 48;
      if (c < 0 || c > 9 || ino > MAX_INODE) {
        ino = -1;
        break;
      }
      ino = ino * 10 + c;
    }
    if (ino >= 0 && ino <= MAX_INODE && (len === 10 || link.charCodeAt(8) !== 48 /* no leading 0 */)) this.links.push(ino, pid, fd, tid);
    else this.odd.push({ pid, m: { tid, fd, inode: link.slice(8, -1) } });
    return true;
  }

  /**
   * The holders of the wanted inodes, named: for each process (in pid order)
   * its name, cmdline and uid (n.readInfo), thread names with n.threads, then
   * the re-read of its links (see the top of this file). Processes gone by
   * then count as vanished in n.stats; those whose links changed as reused.
   */
  owners(wanted: InodeSet | Set<string>, n: LinkNaming): InodeOwners {
    const want = wanted instanceof InodeSet ? wanted : InodeSet.of(wanted);
    // The matching links, as link numbers sorted by pid: no object per link until its process is named,
    // since Match objects made up front for every listening socket survived every scavenge.
    const hits: number[] = [];
    const links = this.links;
    for (let i = 0; i < links.length; i++) if (want.hasNumber(links.inode(i))) hits.push(i);
    hits.sort((a, b) => links.holder(a) - links.holder(b) || a - b);
    const odd = this.odd.filter((o) => wanted.has(o.m.inode)).sort((a, b) => a.pid - b.pid);
    const naming: Naming = { ...n, out: newCollector(null, n.threads) };
    let h = 0;
    let o = 0;
    while (h < hits.length || o < odd.length) {
      const pid = o >= odd.length || (h < hits.length && links.holder(hits[h]) <= odd[o].pid) ? links.holder(hits[h]) : odd[o].pid;
      const matches: Match[] = [];
      for (; h < hits.length && links.holder(hits[h]) === pid; h++) {
        const i = hits[h];
        matches.push({ tid: links.tid(i), fd: links.fd(i), inode: decimal(links.inode(i)) });
      }
      for (; o < odd.length && odd[o].pid === pid; o++) matches.push(odd[o].m);
      nameHolder(naming, n.root + '/' + pid, pid, matches);
    }
    return naming.out.done();
  }
}
