// A query joins the tables with the owner scan, in one of three shapes
// (runSelective, runOwnersFirst, runPipelined below):
//
//  - selective (a port, the listening sockets): stream the tables, keep the
//    matching rows as bytes (kept_rows.ts), then scan fds for just their
//    inodes, and build each row's object as it is handed out;
//  - owners first (--all, --pid): scan fds first, keeping every
//    socket link (or the pid's), then stream the tables and hand each row out
//    as soon as it is read, so a million-row table never sits in memory;
//  - selective, pipelined (a busy host, with the thread-pool scan): the scan
//    keeps every socket link unnamed (socket_links.ts) while the tables are
//    read on the pool, so the kernel's work on the tables runs on the other
//    core; then only the holders of the matching rows are named.
import { ByteOrder } from '../text/endian';
import { isFsError } from '../proc/errors';
import { IpRow, ipTableLines, ipTableRows, rowInode, rowRemoteIsAny } from '../proc/net_inet';
import { readTables, readTablesAsync, TableRead, tableAt } from '../proc/table';
import { KeptRows } from './kept_rows';
import { InodeSet } from '../scan/inode_set';
import { unixRowInode, unixTableLines } from '../proc/net_unix';
import { readProcInfo, REAL_READERS } from '../scan/holder';
import { SocketLinks } from '../scan/socket_links';
import { newScanStats, OwnerMap, ScanOptions, ScanStats } from '../scan/types';
import { runScan, ScanPlan, SYNC_PLAN } from './plan';
import { TCP_CLOSE, TCP_LISTEN, UNIX_FLAG_ACCEPTCON } from '../text/states';
import { listNetns, NetnsChoice, readNetns } from '../proc/netns';
import { InetProto, ProtoSet, SocketRecord, TableReport, UnixSocket } from '../types';

export type Mode = 'listening' | 'all' | 'port' | 'pid';

export interface Query {
  root: string;
  byteOrder: ByteOrder;
  protos: ProtoSet;
  mode: Mode;
  /** For mode 'port'. */
  port: number;
  /** Also match the remote port (mode 'port'). */
  remote: boolean;
  /** For mode 'pid'; may also narrow other modes. */
  pid: number;
  threads: boolean;
  /**
   * Whose tables a port, listening or --all query reads: null for portown's
   * own network namespace (<root>/net), else every namespace or one
   * (proc/netns.ts). A --pid query reads the pid's own, then any other.
   */
  netns: NetnsChoice | null;
}

export interface QueryResult {
  /** Sockets handed to the sink. */
  sockets: number;
  tables: TableReport[];
  scan: ScanStats;
  /** True when every table file was missing: the root is not a /proc. */
  noTables: boolean;
  /** For mode 'pid': false when the process does not exist. */
  pidFound: boolean;
  /**
   * A table that could not be read (not a missing one). A pipelined query
   * then hands nothing to the sink; a full listing stops at that table.
   */
  error?: NodeJS.ErrnoException;
  /** Processes whose network namespace could not be read, when the query needed theirs. */
  netnsUnreadable: number;
}

/** Where one namespace's tables are: <root> for portown's own, <root>/<pid> for another's. */
export interface TableSource {
  dir: string;
  netns: string | null;
  /** The process read through (0 for <root>): it may leave, or its pid be taken, before the tables are read. */
  pid?: number;
}

/** The tables a query reads, by namespace, and what choosing them found. */
export interface Sources {
  /** portown's own namespace, null when the tree does not say (an old snapshot). */
  self: string | null;
  list: TableSource[];
  /** Processes whose namespace could not be read while listing them. */
  unreadable: number;
  /** Set for --netns NAME when no process is in that namespace: it has no tables /proc can show. */
  empty: boolean;
}

/**
 * The table sources of a port, listening or --all query. portown's own
 * namespace reads <root>/net, as ss and netstat do; another is read through
 * its first member process. Lists every process's namespace only when
 * another namespace is asked for.
 */
export function sourcesOf(q: Query): Sources {
  const self = readNetns(q.root, 'self');
  const own: TableSource = { dir: q.root, netns: self };
  const choice = q.mode === 'pid' ? null : q.netns;
  if (choice === null) return { self, list: [own], unreadable: 0, empty: false };
  if (!choice.all && choice.netns === self) return { self, list: [own], unreadable: 0, empty: false };
  const map = listNetns(q.root);
  if (choice.all) {
    const list = [own];
    map.members.forEach((pid, ns) => { if (ns !== self) list.push({ dir: q.root + '/' + pid, netns: ns, pid }); });
    return { self, list, unreadable: map.unreadable, empty: false };
  }
  const pid = map.members.get(choice.netns);
  if (pid === undefined) return { self, list: [], unreadable: map.unreadable, empty: true };
  return { self, list: [{ dir: q.root + '/' + pid, netns: choice.netns, pid }], unreadable: map.unreadable, empty: false };
}

type Sink = (s: SocketRecord) => void;

/** The tables a query reads, in /proc order: tcp, tcp6, udp, udp6, raw, raw6. */
export function inetTables(p: ProtoSet): InetProto[] {
  const out: InetProto[] = [];
  const add = (name: 'tcp' | 'udp' | 'raw') => {
    if (!p[name]) return;
    if (p.ipv4) out.push(name);
    if (p.ipv6) out.push((name + '6') as InetProto);
  };
  add('tcp');
  add('udp');
  add('raw');
  return out;
}

function isTcp(proto: InetProto): boolean {
  return proto === 'tcp' || proto === 'tcp6';
}

/** The in-place row test of a query (before any object is built). */
function inetFilter(q: Query, proto: InetProto): (buf: Buffer, row: IpRow) => boolean {
  switch (q.mode) {
    case 'port':
      return q.remote
        ? (_b, row) => row.localPort === q.port || row.remotePort === q.port
        : (_b, row) => row.localPort === q.port;
    case 'listening':
      // ss -ltnu: TCP in LISTEN; UDP/raw bound and not connected (state 07 with no peer).
      return isTcp(proto)
        ? (_b, row) => row.state === TCP_LISTEN
        : (b, row) => row.state === TCP_CLOSE && rowRemoteIsAny(b, row);
    default:
      return () => true;
  }
}

/** The tables of one namespace a query reads: the IP tables, then unix when asked. */
function sourceReads(q: Query, src: TableSource, want: RowWant, onRow: (s: SocketRecord) => void): TableRead[] {
  const tag = (s: SocketRecord) => {
    s.netns = src.netns;
    onRow(s);
  };
  const reads = inetTables(q.protos).map((proto) => tableAt(src.dir, proto, (report) => ipTableLines(report, proto, q.byteOrder,
    want ? (b, row) => row.inode !== 0 && want.has(rowInode(b, row)) : () => true, tag)));
  if (q.protos.unix) {
    reads.push(tableAt(src.dir, 'unix', (report) => unixTableLines(report,
      want ? (b, row) => row.inode !== 0 && want.has(unixRowInode(b, row)) : () => true, tag)));
  }
  return reads;
}

/** The inodes an owners-first read keeps (--pid), or null for every row (--all). */
type RowWant = { has(inode: string): boolean } | null;

function attach(s: SocketRecord, owners: OwnerMap) {
  if (s.inode === '0') return;
  const list = owners.byInode.get(s.inode);
  if (list) s.owners = list;
}

/** One query being run: what it asks, how it scans, and where its answer goes. */
interface Run {
  q: Query;
  plan: ScanPlan;
  result: QueryResult;
  sources: Sources;
  /** Hands one socket to the sink. */
  emit: (s: SocketRecord) => void;
  /** Calls done with the result, once. */
  finish: () => void;
}

/**
 * Runs a query, handing each socket (with its owners) to sink in table order,
 * then calls done. A table that cannot be read (not a missing one) goes into
 * result.error; a selective query on the main thread throws it instead.
 */
export function runQuery(q: Query, sink: Sink, done: (r: QueryResult) => void, plan: ScanPlan = SYNC_PLAN,
  sources: Sources = sourcesOf(q)): void {
  const result: QueryResult = { sockets: 0, tables: [], scan: newScanStats(), noTables: false, pidFound: true, netnsUnreadable: sources.unreadable };
  const run: Run = {
    q, plan, result, sources,
    emit(s) {
      result.sockets++;
      sink(s);
    },
    finish() {
      // Only the root's own tables say whether it is a /proc: another namespace's go with a process that may have left.
      const own = result.tables.filter((t) => t.path.lastIndexOf(q.root + '/net/', 0) === 0);
      result.noTables = own.length > 0 && own.every((t) => t.missing);
      done(result);
    },
  };
  if (q.mode === 'all' || q.mode === 'pid') return runOwnersFirst(run);
  const sel = selectiveRead(q, sources.list);
  for (const r of sel.reads) result.tables.push(r.report);
  if (plan.pipelined) runPipelined(run, sel);
  else runSelective(run, sel);
}

/**
 * Owners first (--all, --pid, where every socket link or the pid's
 * matters); then the tables are streamed through. --pid reads the tables of
 * the pid's own namespace, then looks for what it holds and they did not
 * list in every other namespace's (a socket passed across by a process
 * since gone), and lists what no table has as a bare socket.
 */
function runOwnersFirst(run: Run): void {
  const { q, result } = run;
  const opts: ScanOptions = { root: q.root, wanted: null, threads: q.threads, onlyPid: q.mode === 'pid' ? q.pid : undefined };
  runScan(run.plan, opts, (owners) => {
    result.scan = owners.stats;
    if (q.mode === 'pid' && owners.stats.processes === 0) result.pidFound = false;
    const held = q.mode === 'pid' ? owners.byInode : null;
    const seen = new Set<string>();
    const onRow = (s: SocketRecord) => {
      attach(s, owners);
      if (held) seen.add(s.inode);
      run.emit(s);
    };
    try {
      const first = held ? [pidSource(run)] : run.sources.list;
      for (const src of first) readSource(run, src, held, onRow);
      if (held && seen.size < held.size) {
        const rest = unseen(held, seen);
        for (const src of otherSources(run, first[0])) {
          if (rest.size === 0) break;
          readSource(run, src, rest, (s) => { rest.delete(s.inode); onRow(s); });
        }
        // Every table was read and none lists these: still the pid's sockets.
        if (coversEveryTable(q.protos)) for (const inode of sortedInodes(rest)) onRow({ kind: 'other', proto: 'socket', inode, netns: null, owners: [] });
      }
    } catch (e) {
      // A table's read error: into the result, since the scan may have called back
      // from the pool, with nobody up there to catch it. Anything else goes on up.
      if (!isFsError(e)) throw e;
      result.error = e as NodeJS.ErrnoException;
    }
    run.finish();
  });
}

/**
 * Reads one namespace's tables into the result, handing the rows `want`
 * keeps to onRow. A process read through that has left the namespace since
 * it was chosen (a full scan takes seconds) is skipped, not read as another.
 */
function readSource(run: Run, src: TableSource, want: RowWant, onRow: (s: SocketRecord) => void): void {
  if (src.pid && readNetns(run.q.root, src.pid) !== src.netns) return;
  const reads = sourceReads(run.q, src, want, onRow);
  for (const r of reads) run.result.tables.push(r.report);
  readTables(reads);
}

/** The tables of the --pid process's own namespace: <root>/net when that is portown's own (or either is unknown). */
function pidSource(run: Run): TableSource {
  const self = run.sources.self;
  const ns = readNetns(run.q.root, run.q.pid);
  if (ns === null || ns === self) return { dir: run.q.root, netns: self };
  return { dir: run.q.root + '/' + run.q.pid, netns: ns, pid: run.q.pid };
}

/** Every namespace but the one read first, each through its first member process (portown's own through <root>). */
function otherSources(run: Run, first: TableSource): TableSource[] {
  const { root } = run.q;
  const self = run.sources.self;
  const map = listNetns(root);
  run.result.netnsUnreadable += map.unreadable;
  const out: TableSource[] = [];
  if (first.netns !== self && self !== null) out.push({ dir: root, netns: self });
  map.members.forEach((pid, ns) => { if (ns !== first.netns && ns !== self) out.push({ dir: root + '/' + pid, netns: ns, pid }); });
  return out;
}

function unseen(held: { keys(): IterableIterator<string> }, seen: Set<string>): Set<string> {
  const rest = new Set<string>();
  for (const inode of held.keys()) if (!seen.has(inode)) rest.add(inode);
  return rest;
}

function sortedInodes(set: Set<string>): string[] {
  return Array.from(set).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

/** True when a query reads every table (no protocol or family narrowed it): only then is a socket in none of them unlisted. */
function coversEveryTable(p: ProtoSet): boolean {
  return p.tcp && p.udp && p.raw && p.unix && p.ipv4 && p.ipv6;
}

/** Selective (a port, the listening sockets): matching rows first (kept as bytes), then the fds of just their inodes. */
function runSelective(run: Run, sel: SelectiveRead): void {
  readTables(sel.reads);
  if (sel.wanted.size === 0) {
    handOut(run, sel, null);
    return run.finish();
  }
  runScan(run.plan, { root: run.q.root, wanted: sel.wanted, threads: run.q.threads }, (owners) => {
    run.result.scan = owners.stats;
    handOut(run, sel, owners);
    run.finish();
  });
}

/** The rows a selective query keeps while its holders are found, and the tables it reads them from. */
interface SelectiveRead {
  reads: TableRead[];
  /** Matching rows of the IP tables, as bytes (kept_rows.ts). */
  kept: KeptRows;
  /** Matching unix rows (listening ones only: few, and their paths may span lines). */
  unix: UnixSocket[];
  /** Their inodes (not "0"). */
  wanted: InodeSet;
}

function selectiveRead(q: Query, sources: TableSource[]): SelectiveRead {
  const sel: SelectiveRead = { reads: [], kept: new KeptRows(), unix: [], wanted: new InodeSet() };
  for (const src of sources) {
    for (const proto of inetTables(q.protos)) {
      sel.reads.push(tableAt(src.dir, proto, (report) => ipTableRows(report, proto, inetFilter(q, proto), (b, row) => {
        sel.kept.add(proto, src.netns, b, row);
        if (row.inode !== 0) sel.wanted.add(rowInode(b, row));
      })));
    }
    if (q.protos.unix && q.mode === 'listening') {
      sel.reads.push(tableAt(src.dir, 'unix', (report) => unixTableLines(report, (_b, row) => (row.flags & UNIX_FLAG_ACCEPTCON) !== 0, (s) => {
        s.netns = src.netns;
        sel.unix.push(s);
        if (s.inode !== '0') sel.wanted.add(s.inode);
      })));
    }
  }
  return sel;
}

/** Hands out the kept rows in table order, with their holders when there was a scan. */
function handOut(run: Run, sel: SelectiveRead, owners: OwnerMap | null) {
  const one = (s: SocketRecord) => {
    if (owners) attach(s, owners);
    run.emit(s);
  };
  sel.kept.forEach(run.q.byteOrder, one);
  for (let i = 0; i < sel.unix.length; i++) one(sel.unix[i]);
}

/** While the tables are read on the pool, the scan lets their pages in every this many links (each page is ~27 rows). */
const SLICE_WHILE_READING = 24;

/**
 * Selective, pipelined: the tables are read on the thread pool while the
 * scan keeps every socket link unnamed (ScanOptions.keeper); then only the
 * holders of the matching rows are named. Rows come out in the same order,
 * with the same owners, as runSelective gives; only the pid-reuse check
 * differs (socket_links.ts).
 */
function runPipelined(run: Run, sel: SelectiveRead) {
  const { q, plan, result } = run;
  const links = new SocketLinks();
  let reading = true;
  let open = 2;
  const joined = () => {
    if (--open > 0) return;
    if (result.error) return run.finish(); // nothing was emitted: rows are handed out only here
    const owners: OwnerMap | null = sel.wanted.size === 0 ? null
      : { byInode: links.owners(sel.wanted, { root: q.root, threads: q.threads, stats: result.scan, readInfo: readProcInfo, readers: plan.readers || REAL_READERS }), stats: result.scan };
    handOut(run, sel, owners);
    run.finish();
  };
  readTablesAsync(sel.reads, (err) => {
    if (err) result.error = err as NodeJS.ErrnoException;
    reading = false;
    joined();
  });
  runScan(plan, { root: q.root, wanted: null, threads: q.threads, keeper: links, slice: () => (reading ? SLICE_WHILE_READING : 0) }, (owners) => {
    result.scan = owners.stats;
    joined();
  });
}

/** A namespace where a port query would have matched: its inode, the pid it was read through, the rows. */
export interface Elsewhere {
  netns: string;
  pid: number;
  sockets: number;
}

/**
 * Where a port query that matched nothing in portown's own namespace would
 * match: each other namespace's tables read once, with the same row test.
 * Owners are not looked for; this only says where to look.
 */
export function portElsewhere(q: Query, self: string | null): Elsewhere[] {
  if (self === null) return [];
  const out: Elsewhere[] = [];
  const map = listNetns(q.root);
  map.members.forEach((pid, ns) => {
    if (ns === self) return;
    const sel = selectiveRead(q, [{ dir: q.root + '/' + pid, netns: ns }]);
    try {
      readTables(sel.reads);
    } catch (e) {
      // A namespace whose last process left, or a table we may not read: nothing to say about it.
      if (!isFsError(e)) throw e;
      return;
    }
    const sockets = sel.kept.size + sel.unix.length;
    if (sockets > 0) out.push({ netns: ns, pid, sockets });
  });
  return out;
}
