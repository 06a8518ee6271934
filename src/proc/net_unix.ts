// /proc/net/unix.
//
//   Num       RefCount Protocol Flags    Type St Inode Path
//   0000000000000000: 00000002 00000000 00010000 0001 01 16777 /run/systemd/notify
//
// The kernel prints the path byte for byte (abstract names get a leading '@'
// and '@' for each NUL), so a path may hold spaces or even a newline: a line
// that is not a row, right after a row with a path, continues that path.
import { COLON, fieldEnd, isDigits, parseDec, parseHex, skipBlanks, ascii, decimal } from '../text/bytes';
import { countMalformed } from './table';
import type { LineHandler } from '../text/linereader';
import { unixStateName, unixTypeName } from '../text/states';
import { TableReport, UnixSocket } from '../types';

export interface UnixRow {
  refCount: number;
  flags: number;
  type: number;
  state: number;
  inodeStart: number;
  inodeEnd: number;
  inode: number;
  /** Path range, or pathStart === -1 when the socket is unbound. */
  pathStart: number;
  pathEnd: number;
}

export function newUnixRow(): UnixRow {
  return { refCount: 0, flags: 0, type: 0, state: 0, inodeStart: 0, inodeEnd: 0, inode: 0, pathStart: -1, pathEnd: -1 };
}

/** Parses one data line in place. False for the header and malformed lines. */
export function parseUnixLine(buf: Uint8Array, start: number, end: number, row: UnixRow): boolean {
  // Num: hex kernel address followed by ':' (zeros when kptr_restrict hides it)
  let i = skipBlanks(buf, start, end);
  let e = fieldEnd(buf, i, end);
  if (e - i < 2 || buf[e - 1] !== COLON || parseHex(buf, i, Math.min(e - 1, i + 13)) < 0) return false;
  for (let k = i; k < e - 1; k++) if (parseHex(buf, k, k + 1) < 0) return false;
  const nums = [0, 0, 0, 0, 0];
  for (let f = 0; f < 5; f++) {
    i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
    const v = parseHex(buf, i, e);
    if (v < 0) return false;
    nums[f] = v;
  }
  row.refCount = nums[0];
  // nums[1] is Protocol, always 0
  row.flags = nums[2];
  row.type = nums[3];
  row.state = nums[4];
  i = skipBlanks(buf, e, end); e = fieldEnd(buf, i, end);
  if (!isDigits(buf, i, e) || e - i > 20) return false;
  row.inodeStart = i; row.inodeEnd = e;
  row.inode = parseDec(buf, i, e);
  // Path: everything after the one space that follows the inode.
  if (e < end && buf[e] === 0x20 && e + 1 < end) {
    row.pathStart = e + 1;
    row.pathEnd = end;
  } else {
    row.pathStart = -1;
    row.pathEnd = -1;
  }
  return true;
}

/** The inode of a parsed row as text (decimal(): see bytes.ts for why not String()). */
export function unixRowInode(buf: Uint8Array, row: UnixRow): string {
  return row.inode >= 0 ? decimal(row.inode) : ascii(buf, row.inodeStart, row.inodeEnd);
}

export function toUnixSocket(buf: Buffer, row: UnixRow): UnixSocket {
  return {
    kind: 'unix',
    proto: 'unix',
    refCount: row.refCount,
    flags: row.flags,
    typeCode: row.type,
    type: unixTypeName(row.type),
    stateCode: row.state,
    state: unixStateName(row.state, row.flags),
    inode: unixRowInode(buf, row),
    path: row.pathStart >= 0 ? Buffer.from(buf.subarray(row.pathStart, row.pathEnd)) : null,
    netns: null,
    owners: [],
  };
}

const MAX_PATH = 4096;

/** True for the column header line ("Num       RefCount Protocol ..."). */
export function isUnixHeader(buf: Uint8Array, start: number, end: number): boolean {
  const i = skipBlanks(buf, start, end);
  return end - i >= 4 && buf[i] === 0x4e && buf[i + 1] === 0x75 && buf[i + 2] === 0x6d && (buf[i + 3] === 0x20 || buf[i + 3] === 0x09);
}

/** The line handler of /proc/net/unix (and what to call after the last line), for readTable or readTableAsync: onRow gets each wanted socket once its path is complete. */
export function unixTableLines(
  report: TableReport,
  want: (buf: Buffer, row: UnixRow) => boolean,
  onRow: (s: UnixSocket) => void,
): { onLine: LineHandler; after: () => void } {
  const row = newUnixRow();
  let pending: UnixSocket | null = null; // a wanted row whose path may continue
  let lastHadPath = false; // the previous row (wanted or not) had a path
  const flush = () => {
    if (pending) onRow(pending);
    pending = null;
  };
  const onLine: LineHandler = (buf, start, end, lineNo) => {
    if (parseUnixLine(buf, start, end, row)) {
      flush();
      report.rows++;
      lastHadPath = row.pathStart >= 0;
      if (want(buf, row)) pending = toUnixSocket(buf, row);
      return;
    }
    if (isUnixHeader(buf, start, end)) return;
    if (lastHadPath) {
      // A newline inside the previous row's path.
      if (pending && pending.path && pending.path.length < MAX_PATH) {
        pending.path = Buffer.concat([pending.path, Buffer.from([0x0a]), buf.subarray(start, Math.min(end, start + MAX_PATH))]);
      }
      return;
    }
    if (skipBlanks(buf, start, end) === end) return;
    countMalformed(report, lineNo);
  };
  return { onLine, after: flush };
}
