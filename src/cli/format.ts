// Output formats of the main command: the human table, JSON, and --pids.
// Each takes a write function; nothing here touches stdout itself.
import { decimal } from '../text/bytes';
import { containerLabel } from '../proc/cgroup';
import { escapeBytes, escapeText } from '../text/escape';
import { Container, InetSocket, Owner, SocketRecord, UnixSocket } from '../types';
import { userName } from '../text/users';

type Write = (s: string) => void;

/** "addr:port" as ss prints it: IPv6 in brackets, port 0 as '*'. */
function formatEndpoint(family: 4 | 6, address: string, port: number): string {
  return (family === 6 ? '[' + address + ']' : address) + ':' + (port === 0 ? '*' : decimal(port));
}

const UNIX_NETID: { [t: string]: string } = { STREAM: 'u_str', DGRAM: 'u_dgr', SEQPACKET: 'u_seq' };

interface TableCell {
  proto: string;
  local: string;
  remote: string;
  state: string;
  /** The row's network namespace, '-' when unknown. */
  netns: string;
  /** From a namespace other than portown's own. */
  foreign: boolean;
  pid: string;
  tid: string;
  user: string;
  command: string;
}

/**
 * The rows of one socket: one per holder, or one with '-' when none is
 * visible. `self` is portown's own network namespace: a row from any other
 * is marked foreign, which makes the table show its NETNS column.
 */
export function tableCells(s: SocketRecord, threads: boolean, self: string | null = null): TableCell[] {
  let proto: string, local: string, remote: string, state: string;
  if (s.kind === 'inet') {
    proto = s.proto;
    local = formatEndpoint(s.family, s.local.address, s.local.port);
    remote = formatEndpoint(s.family, s.remote.address, s.remote.port);
    state = s.state;
  } else if (s.kind === 'unix') {
    proto = UNIX_NETID[s.type] || 'u_' + s.type.toLowerCase().slice(0, 3);
    local = s.path ? escapeBytes(s.path) : '*';
    remote = '*';
    state = s.state;
  } else {
    // In no table we could read: netlink, packet, or a namespace out of reach.
    proto = 'socket';
    // The inode is an fd link's text: only a made-up tree has anything but digits there.
    local = 'inode ' + escapeText(s.inode);
    remote = '*';
    state = '-';
  }
  const netns = s.netns === null ? '-' : s.netns;
  const foreign = s.netns !== null && s.netns !== self;
  if (s.owners.length === 0) {
    return [{ proto, local, remote, state, netns, foreign, pid: '-', tid: '-', user: s.kind === 'inet' ? userName(s.uid) : '-', command: '-' }];
  }
  return s.owners.map((o: Owner) => ({
    proto, local, remote, state, netns, foreign,
    pid: decimal(o.proc.pid),
    tid: o.tid ? decimal(o.tid) : '-',
    user: escapeText(userName(o.proc.uid)),
    command: escapeBytes(threads && o.threadName ? o.threadName : o.proc.name) + containerText(o) + forwardText(o),
  }));
}

/** " [docker:web]": the container the holder runs in, named or by short id (proc/cgroup.ts). */
function containerText(o: Owner): string {
  return o.proc.container ? ' [' + escapeText(containerLabel(o.proc.container)) + ']' : '';
}

/** " -> ADDRESS:PORT [container]" for a runtime's port forwarder that names its target (ProcInfo.forward). */
function forwardText(o: Owner): string {
  const f = o.proc.forward;
  if (!f) return '';
  return ' -> ' + (f.address.indexOf(':') >= 0 ? '[' + f.address + ']' : f.address) + ':' + f.port +
    (f.container ? ' [' + escapeText(containerLabel(f.container)) + ']' : '');
}

interface Widths {
  proto: number;
  local: number;
  remote: number;
  state: number;
  /** 0: no NETNS column. */
  netns: number;
  pid: number;
  tid: number;
  user: number;
}

/** Widths that fit IPv4 rows (and namespace inodes); longer cells push the line out rather than being cut. */
function defaultWidths(netns: boolean): Widths {
  return { proto: 5, local: 21, remote: 21, state: 11, netns: netns ? 10 : 0, pid: 7, tid: 7, user: 8 };
}

/** Widths fitted to cells; the NETNS column when asked for, or when a cell is foreign. */
function fitWidths(cells: TableCell[], netns: boolean): Widths {
  const w = { proto: 5, local: 13, remote: 14, state: 5, netns: 0, pid: 3, tid: 3, user: 4 };
  let foreign = netns;
  for (const c of cells) {
    w.proto = Math.max(w.proto, c.proto.length);
    w.local = Math.max(w.local, c.local.length);
    w.remote = Math.max(w.remote, c.remote.length);
    w.state = Math.max(w.state, c.state.length);
    w.netns = Math.max(w.netns, c.netns.length);
    w.pid = Math.max(w.pid, c.pid.length);
    w.tid = Math.max(w.tid, c.tid.length);
    w.user = Math.max(w.user, c.user.length);
    if (c.foreign) foreign = true;
  }
  w.netns = foreign ? Math.max(w.netns, 5) : 0;
  return w;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padLeft(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function tableHeader(w: Widths, threads: boolean): string {
  return pad('Proto', w.proto) + ' ' + pad('Local Address', w.local) + ' ' + pad('Remote Address', w.remote) + ' ' +
    pad('State', w.state) + ' ' + (w.netns ? pad('NETNS', w.netns) + ' ' : '') + padLeft('PID', w.pid) + ' ' +
    (threads ? padLeft('TID', w.tid) + ' ' : '') + pad('User', w.user) + ' Command\n';
}

function tableLine(c: TableCell, w: Widths, threads: boolean): string {
  return pad(c.proto, w.proto) + ' ' + pad(c.local, w.local) + ' ' + pad(c.remote, w.remote) + ' ' +
    pad(c.state, w.state) + ' ' + (w.netns ? pad(c.netns, w.netns) + ' ' : '') + padLeft(c.pid, w.pid) + ' ' +
    (threads ? padLeft(c.tid, w.tid) + ' ' : '') + pad(c.user, w.user) + ' ' + c.command + '\n';
}

/**
 * Rows whose cells the table sizes its columns to. Past them it streams with
 * those widths, so a query that matches 50,000 sockets does not hold 50,000
 * rows of text (netstat never holds any: its widths are fixed).
 */
export const FIT_ROWS = 1000;

export interface TableOptions {
  threads: boolean;
  /** Rows the widths are fitted to (0: the default widths from the first row). */
  fit?: number;
  /** portown's own network namespace, null when unknown. */
  self?: string | null;
  /**
   * Show the NETNS column whatever the rows: the query reads tables of
   * another namespace. Without it, fitted rows show it when one of them is
   * foreign; the default widths never do.
   */
  netns?: boolean;
}

/**
 * The human table, written as it goes: column widths are fitted to the first
 * `fit` rows, which are held until then; later rows are written at once with
 * those widths, and a longer cell pushes its line out. With fit 0 the default
 * widths are used from the first row. No row, no header.
 */
export class TableWriter {
  private held: TableCell[] | null;
  private widths: Widths | null = null;
  private threads: boolean;
  private fit: number;
  private self: string | null;
  private netns: boolean;

  constructor(private write: Write, o: TableOptions) {
    this.threads = o.threads;
    this.fit = o.fit === undefined ? FIT_ROWS : o.fit;
    this.self = o.self === undefined ? null : o.self;
    this.netns = o.netns === true;
    this.held = this.fit > 0 ? [] : null;
  }

  /** The rows of one socket (tableCells). */
  add(s: SocketRecord): void {
    const cells = tableCells(s, this.threads, this.self);
    for (let i = 0; i < cells.length; i++) this.row(cells[i]);
  }

  /** Writes the rows still held, if any. */
  end(): void {
    if (this.held !== null && this.held.length > 0) this.release();
  }

  private row(c: TableCell) {
    if (this.held !== null) {
      this.held.push(c);
      if (this.held.length >= this.fit) this.release();
      return;
    }
    if (this.widths === null) {
      this.widths = defaultWidths(this.netns);
      this.write(tableHeader(this.widths, this.threads));
    }
    this.write(tableLine(c, this.widths, this.threads));
  }

  private release() {
    const held = this.held as TableCell[];
    this.held = null;
    this.widths = fitWidths(held, this.netns);
    this.write(tableHeader(this.widths, this.threads));
    for (let i = 0; i < held.length; i++) this.write(tableLine(held[i], this.widths, this.threads));
  }
}

// ---- JSON ----

function ownerJson(o: Owner): string {
  const name = o.tid && o.threadName ? o.threadName : o.proc.name;
  const nspid = o.proc.nspid > 0 && o.proc.nspid !== o.proc.pid ? ',"nspid":' + o.proc.nspid : '';
  return '{"pid":' + o.proc.pid + nspid + (o.tid ? ',"tid":' + o.tid : '') +
    ',"name":' + JSON.stringify(escapeBytes(name)) +
    ',"cmdline":' + JSON.stringify(escapeBytes(o.proc.cmdline)) +
    ',"fd":' + o.fd + (o.fds.length > 1 ? ',"fds":[' + o.fds.join(',') + ']' : '') + ',"uid":' + o.proc.uid +
    containerJson(o) + forwardJson(o) + '}';
}

function containerJson(o: Owner): string {
  const c = o.proc.container;
  const unit = o.proc.unit ? ',"unit":' + JSON.stringify(escapeText(o.proc.unit)) : '';
  return c ? ',"container":' + containerObject(c) + unit : unit;
}

function containerObject(c: Container): string {
  return '{"runtime":"' + c.runtime + '"' + (c.id ? ',"id":"' + c.id + '"' : '') +
    (c.name ? ',"name":' + JSON.stringify(escapeText(c.name)) : '') + '}';
}

function forwardJson(o: Owner): string {
  const f = o.proc.forward;
  if (!f) return '';
  return ',"forwards":{"proto":' + JSON.stringify(f.proto) + ',"address":"' + f.address + '","port":' + f.port +
    (f.netns ? ',"netns":"' + f.netns + '"' + (f.container ? ',"container":' + containerObject(f.container) : '') : '') + '}';
}

function ownersJson(list: Owner[]): string {
  let s = '[';
  for (let i = 0; i < list.length; i++) s += (i ? ',' : '') + ownerJson(list[i]);
  return s + ']';
}

/** One socket as a JSON object on one line. Untrusted text is escaped first (src/escape.ts). */
export function socketJson(s: SocketRecord): string {
  if (s.kind === 'unix') return unixJson(s);
  if (s.kind === 'other') return '{"proto":"socket","inode":' + JSON.stringify(escapeText(s.inode)) + ',"netns":null,"owners":' + ownersJson(s.owners) + '}';
  return inetJson(s);
}

function netnsJson(s: SocketRecord): string {
  return ',"netns":' + (s.netns === null ? 'null' : '"' + s.netns + '"');
}

function inetJson(s: InetSocket): string {
  return '{"proto":"' + s.proto + '","local":{"address":"' + s.local.address + '","port":' + decimal(s.local.port) +
    '},"remote":{"address":"' + s.remote.address + '","port":' + decimal(s.remote.port) +
    '},"state":' + JSON.stringify(s.state) + ',"uid":' + s.uid + ',"inode":"' + s.inode + '"' + netnsJson(s) + ',"owners":' + ownersJson(s.owners) + '}';
}

function unixJson(s: UnixSocket): string {
  return '{"proto":"unix","path":' + (s.path ? JSON.stringify(escapeBytes(s.path)) : 'null') +
    ',"type":' + JSON.stringify(s.type) + ',"state":' + JSON.stringify(s.state) + ',"inode":"' + s.inode +
    '"' + netnsJson(s) + ',"owners":' + ownersJson(s.owners) + '}';
}

/** Streams a JSON array: open(), item() per socket, close(). */
export class JsonArrayWriter {
  private n = 0;
  constructor(private write: Write) {}
  open() {
    this.write('[');
  }
  item(s: SocketRecord) {
    this.write((this.n++ ? ',\n' : '\n') + socketJson(s));
  }
  close() {
    this.write(this.n ? '\n]\n' : ']\n');
  }
}
