// The rows a selective query keeps until the scan has named their holders.
//
// A query for a port or for the listening sockets must read its rows before
// (or while) it scans the fds, and hand them out after. Kept as socket
// objects (the object, its endpoints, two address arrays with an ArrayBuffer
// each, the strings), every row survived the scan's scavenges, so V8 grew
// its young generation too, and peak RSS with it (docs/design.md). Here a row is the bytes of
// its line from the local address to the end of the inode field, about 100
// bytes for tcp and 170 for tcp6, in a few large buffers; the socket object is
// built again from them, one row at a time, when the row is handed out.
import { IpRow, newIpRow, parseIpSocketLine, toInetSocket } from '../proc/net_inet';
import { ByteOrder } from '../text/endian';
import { InetProto, InetSocket } from '../types';

/** Bytes of the first buffer; each next one is twice as big, up to LAST. */
const FIRST = 4096;
const LAST = 65536;
/** Per row: 3 bytes of length and 2 of table, then the row's bytes after an "sl" field of its own. */
const HEAD = 5;
const SL = [0x30, 0x3a, 0x20]; // "0: ": the parser wants the sl field first; its value is not used

export class KeptRows {
  private chunks: Buffer[] = [];
  /** Bytes used in each chunk. */
  private used: number[] = [];
  /** The tables rows came from: a protocol of one network namespace. */
  private tables: { proto: InetProto; netns: string | null }[] = [];
  /** Rows kept. */
  size = 0;

  /**
   * Keeps the row parsed from buf (a line of the `proto` table): its bytes
   * from the local address to the end of the inode field, which is all the
   * parser reads after sl.
   */
  add(proto: InetProto, netns: string | null, buf: Uint8Array, row: IpRow): void {
    let t = this.tables.length - 1;
    while (t >= 0 && (this.tables[t].proto !== proto || this.tables[t].netns !== netns)) t--;
    if (t < 0) t = this.tables.push({ proto, netns }) - 1;
    const len = SL.length + row.inodeEnd - row.localStart;
    const need = HEAD + len;
    let k = this.chunks.length - 1;
    if (k < 0 || this.used[k] + need > this.chunks[k].length) {
      const next = k < 0 ? FIRST : Math.min(LAST, this.chunks[k].length * 2);
      // A line longer than a chunk (only a made-up table has one) gets a chunk of its own size.
      this.chunks.push(Buffer.allocUnsafe(Math.max(next, need)));
      this.used.push(0);
      k++;
    }
    const c = this.chunks[k];
    const at = this.used[k];
    c[at] = len >>> 16;
    c[at + 1] = (len >>> 8) & 0xff;
    c[at + 2] = len & 0xff;
    c[at + 3] = t >>> 8;
    c[at + 4] = t & 0xff;
    c.set(SL, at + HEAD);
    c.set(buf.subarray(row.localStart, row.inodeEnd), at + HEAD + SL.length);
    this.used[k] = at + need;
    this.size++;
  }

  /** Each kept row as a socket, in the order kept; the object is new for each call of fn. */
  forEach(order: ByteOrder, fn: (s: InetSocket) => void): void {
    const rows = [newIpRow(1), newIpRow(4)];
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      const end = this.used[k];
      let i = 0;
      while (i < end) {
        const len = (c[i] << 16) | (c[i + 1] << 8) | c[i + 2];
        const table = this.tables[(c[i + 3] << 8) | c[i + 4]];
        const row = rows[table.proto.endsWith('6') ? 1 : 0];
        const start = i + HEAD;
        // Parsed once already when it was kept: it parses the same again.
        if (parseIpSocketLine(c, start, start + len, row)) {
          const s = toInetSocket(c, row, table.proto, order);
          s.netns = table.netns;
          fn(s);
        }
        i = start + len;
      }
    }
  }
}
