// /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}: one format for all six.
//
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//    0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13828 1 ecb02140 299 0 0 2 -1
//
// parseIpSocketLine() reads one line's fields from the bytes in place into a
// reused scratch row (no allocation); toInetSocket() builds the JS object, and
// is only called for rows a query wants. ipTableRows() is the reader's line
// handler (table.ts streams the file): it parses, counts, filters and drops
// the rows a chunked read of the kernel's hash showed twice.
import { COLON, fieldEnd, isHex, parseDec, parseHex, skipBlanks, isDigits, ascii, isBlank, decimal } from '../text/bytes';
import { ByteOrder } from '../text/endian';
import { decodeAddress, formatIPv4, formatIPv6 } from '../text/inet';
import { LineHandler } from '../text/linereader';
import { RecentKeys } from '../text/recent_keys';
import { countMalformed } from './table';
import { datagramStateName, tcpStateName } from '../text/states';
import { InetFields, InetProto, InetSocket, TableReport } from '../types';

/** Scratch fields of one row, filled in place. Offsets point into the line's buffer. */
export interface IpRow {
  /** 1 for IPv4 tables, 4 for IPv6 (32-bit words per address). */
  words: number;
  localStart: number;
  localPort: number;
  remoteStart: number;
  remotePort: number;
  state: number;
  txQueue: number;
  rxQueue: number;
  timerActive: number;
  timerWhen: number;
  retransmits: number;
  uid: number;
  timeout: number;
  inodeStart: number;
  inodeEnd: number;
  /** The inode as a number (exact below 2^53), or -1 when longer. */
  inode: number;
}

export function newIpRow(words: number): IpRow {
  return {
    words, localStart: 0, localPort: 0, remoteStart: 0, remotePort: 0, state: 0, txQueue: 0, rxQueue: 0,
    timerActive: 0, timerWhen: 0, retransmits: 0, uid: 0, timeout: 0, inodeStart: 0, inodeEnd: 0, inode: 0,
  };
}

/** Parses "HEX:HEX" at [i, e); returns the two values through row fields via callback-free pair. */
function parsePair(buf: Uint8Array, i: number, e: number, pair: number[]): boolean {
  let c = i;
  while (c < e && buf[c] !== COLON) c++;
  if (c === e) return false;
  const a = parseHex(buf, i, c);
  const b = parseHex(buf, c + 1, e);
  if (a < 0 || b < 0) return false;
  pair[0] = a;
  pair[1] = b;
  return true;
}

const pair = [0, 0];

/** Checks an "ADDR:PORT" field of the right width; returns the port or -1. */
function parseEndpoint(buf: Uint8Array, i: number, e: number, words: number): number {
  const hexLen = words * 8;
  if (e - i !== hexLen + 5 || buf[i + hexLen] !== COLON) return -1;
  if (!isHex(buf, i, i + hexLen)) return -1;
  return parseHex(buf, i + hexLen + 1, e);
}

/**
 * Parses one data line. Returns false for a header, a blank line or a line
 * that does not have the fields up to inode in the expected form; extra
 * columns after inode are ignored (kernels add them).
 */
export function parseIpSocketLine(buf: Uint8Array, start: number, end: number, row: IpRow): boolean {
  // sl: decimal followed by ':'
  let i = skipBlanks(buf, start, end);
  let e = fieldEnd(buf, i, end);
  if (e - i < 2 || buf[e - 1] !== COLON || !isDigits(buf, i, e - 1)) return false;
  // local_address
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  const lp = parseEndpoint(buf, i, e, row.words);
  if (lp < 0) return false;
  row.localStart = i; row.localPort = lp;
  // rem_address
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  const rp = parseEndpoint(buf, i, e, row.words);
  if (rp < 0) return false;
  row.remoteStart = i; row.remotePort = rp;
  // st
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  if (e - i > 2) return false;
  const st = parseHex(buf, i, e);
  if (st < 0) return false;
  row.state = st;
  // tx_queue:rx_queue
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  if (!parsePair(buf, i, e, pair)) return false;
  row.txQueue = pair[0]; row.rxQueue = pair[1];
  // tr:tm->when
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  if (!parsePair(buf, i, e, pair)) return false;
  row.timerActive = pair[0]; row.timerWhen = pair[1];
  // retrnsmt
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  const rt = parseHex(buf, i, e);
  if (rt < 0) return false;
  row.retransmits = rt;
  // uid (decimal)
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  const uid = parseDec(buf, i, e);
  if (uid < 0) return false;
  row.uid = uid;
  // timeout (decimal, may be negative)
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  const neg = i < e && buf[i] === 0x2d;
  const to = parseDec(buf, neg ? i + 1 : i, e);
  if (to < 0) return false;
  row.timeout = neg ? -to : to;
  // inode (decimal, kept as text; may pass 2^53 on future kernels)
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  if (!isDigits(buf, i, e) || e - i > 20) return false;
  row.inodeStart = i; row.inodeEnd = e;
  row.inode = parseDec(buf, i, e);
  return true;
}

/** The inode of a parsed row as text. */
export function rowInode(buf: Uint8Array, row: IpRow): string {
  return row.inode >= 0 ? decimal(row.inode) : ascii(buf, row.inodeStart, row.inodeEnd);
}

/** True when the remote address of a parsed row is all zeros. */
export function rowRemoteIsAny(buf: Uint8Array, row: IpRow): boolean {
  const e = row.remoteStart + row.words * 8;
  for (let k = row.remoteStart; k < e; k++) if (buf[k] !== 0x30) return false;
  return true;
}

/** Builds the socket object of a parsed row. Only for rows a query keeps. */
export function toInetSocket(buf: Uint8Array, row: IpRow, proto: InetProto, order: ByteOrder): InetSocket {
  const n = row.words * 4;
  const lb = new Uint8Array(n);
  const rb = new Uint8Array(n);
  decodeAddress(buf, row.localStart, row.words, order, lb);
  decodeAddress(buf, row.remoteStart, row.words, order, rb);
  const v6 = row.words === 4;
  const isTcp = proto === 'tcp' || proto === 'tcp6';
  return {
    kind: 'inet',
    proto,
    family: v6 ? 6 : 4,
    local: { address: v6 ? formatIPv6(lb) : formatIPv4(lb), port: row.localPort },
    remote: { address: v6 ? formatIPv6(rb) : formatIPv4(rb), port: row.remotePort },
    localBytes: lb,
    remoteBytes: rb,
    stateCode: row.state,
    state: isTcp ? tcpStateName(row.state) : datagramStateName(row.state),
    uid: row.uid,
    inode: rowInode(buf, row),
    txQueue: row.txQueue,
    rxQueue: row.rxQueue,
    timerActive: row.timerActive,
    timerWhen: row.timerWhen,
    retransmits: row.retransmits,
    timeout: row.timeout,
    netns: null,
    owners: [],
  };
}

/**
 * The fields of parsed rows, decoded into one record that each call refills
 * (so valid until the next call): for output that prints a row at once and
 * keeps nothing of it, as netstat mode does. No address text is made.
 */
export function inetFieldsOf(proto: InetProto, order: ByteOrder): (buf: Uint8Array, row: IpRow) => InetFields {
  const n = proto.endsWith('6') ? 16 : 4;
  const f: InetFields = {
    proto, local: { port: 0 }, remote: { port: 0 }, localBytes: new Uint8Array(n), remoteBytes: new Uint8Array(n),
    stateCode: 0, uid: 0, inode: '', txQueue: 0, rxQueue: 0, timerActive: 0, timerWhen: 0, retransmits: 0, timeout: 0,
  };
  return (buf, row) => {
    decodeAddress(buf, row.localStart, row.words, order, f.localBytes);
    decodeAddress(buf, row.remoteStart, row.words, order, f.remoteBytes);
    f.local.port = row.localPort;
    f.remote.port = row.remotePort;
    f.stateCode = row.state;
    f.uid = row.uid;
    f.inode = rowInode(buf, row);
    f.txQueue = row.txQueue;
    f.rxQueue = row.rxQueue;
    f.timerActive = row.timerActive;
    f.timerWhen = row.timerWhen;
    f.retransmits = row.retransmits;
    f.timeout = row.timeout;
    return f;
  };
}

/** True when a line that failed to parse is the column header. */
export function isHeaderLine(buf: Uint8Array, start: number, end: number): boolean {
  // "  sl  local_address rem_address ..." : look for "sl" as the first field.
  const i = skipBlanks(buf, start, end);
  return i + 2 <= end && buf[i] === 0x73 && buf[i + 1] === 0x6c && (i + 2 === end || isBlank(buf[i + 2]));
}

/** Feeds buf[start, end) and a separator to the two hashes in h: FNV-1a in h[0], a multiply-shift in h[1]. */
function mix(buf: Uint8Array, start: number, end: number, h: number[]) {
  let a = h[0], b = h[1];
  for (let i = start; i < end; i++) {
    a = Math.imul(a ^ buf[i], 0x01000193); // FNV-1a
    b = Math.imul(b ^ buf[i], 0x5bd1e995) ^ (b >>> 15);
  }
  h[0] = Math.imul(a ^ 0x20, 0x01000193);
  h[1] = Math.imul(b ^ 0x20, 0x5bd1e995) ^ (b >>> 15);
}

/**
 * Key that identifies a row across a repeated read, as two 32-bit halves in
 * out, without allocating. A live socket's inode is unique, so it alone is
 * the key (tag 01 in the top bits). Rows with inode 0 (TIME_WAIT, request
 * sockets) are told apart by their inode field and both addresses: two
 * hashes of that text, 31 and 32 bits (tag 1). Two different such rows within
 * one window would have to agree on all 63 bits to be taken for a repeat.
 */
export function rowKey(buf: Uint8Array, row: IpRow, out: number[]): void {
  if (row.inode > 0 && row.inode < 0x40000000 * 0x100000000) {
    out[0] = 0x40000000 | Math.floor(row.inode / 0x100000000);
    out[1] = row.inode >>> 0;
    return;
  }
  const w = row.words * 8 + 5;
  out[0] = 0x811c9dc5;
  out[1] = 0x5bd1e995;
  mix(buf, row.inodeStart, row.inodeEnd, out);
  mix(buf, row.localStart, row.localStart + w, out);
  mix(buf, row.remoteStart, row.remoteStart + w, out);
  const a = out[0], b = out[1];
  out[0] = 0x80000000 | (a >>> 1);
  out[1] = b >>> 0;
}

/**
 * How many recent row keys de-duplication remembers. The kernel repeats a row
 * when a read() resumes inside a hash bucket that changed, so a repeat stands
 * within one bucket of its first showing; a bounded window keeps memory flat
 * on a million-row table.
 */
const DEDUP_WINDOW = 4096;

/** The line handler of one IP table, for readTable or readTableAsync: counts into report; onRow gets each wanted row, built, once. */
export function ipTableLines(
  report: TableReport,
  proto: InetProto,
  order: ByteOrder,
  want: (buf: Buffer, row: IpRow) => boolean,
  onRow: (s: InetSocket) => void,
): LineHandler {
  return ipTableRows(report, proto, want, (buf, row) => onRow(toInetSocket(buf, row, proto, order)));
}

/**
 * ipTableLines without the socket objects: each wanted row, once, is handed
 * over parsed in place (valid during the call only).
 */
export function ipTableRows(
  report: TableReport,
  proto: InetProto,
  want: (buf: Buffer, row: IpRow) => boolean,
  onRow: (buf: Buffer, row: IpRow) => void,
): LineHandler {
  const row = newIpRow(proto.endsWith('6') ? 4 : 1);
  // Made at the first wanted row: 64 KiB of typed arrays that a table with none does not need.
  let recent: RecentKeys | null = null;
  const key = [0, 0];
  return (buf, start, end, lineNo) => {
    if (!parseIpSocketLine(buf, start, end, row)) {
      if (skipBlanks(buf, start, end) === end || isHeaderLine(buf, start, end)) return;
      countMalformed(report, lineNo);
      return;
    }
    report.rows++;
    if (!want(buf, row)) return;
    rowKey(buf, row, key);
    if (recent === null) recent = new RecentKeys(DEDUP_WINDOW);
    if (!recent.add(key[0], key[1])) {
      report.duplicates++;
      return;
    }
    onRow(buf, row);
  };
}
